// Builds NETLINK_SOCK_DIAG reply buffers byte by byte, laid out as the kernel lays them out
// (nlmsghdr, fixed struct, 4-byte aligned attributes), so parser tests need no kernel.
#pragma once

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace netsnap::test {

class NetlinkReplyBuilder {
 public:
  // Starts a message; finish it with end_message() before starting the next one.
  NetlinkReplyBuilder& begin_message(uint16_t type, uint32_t seq = 1,
                                     uint16_t flags = NLM_F_MULTI) {
    message_start_ = bytes_.size();
    nlmsghdr header{};
    header.nlmsg_type = type;
    header.nlmsg_flags = flags;
    header.nlmsg_seq = seq;
    append(&header, sizeof header);
    return *this;
  }

  NetlinkReplyBuilder& append(const void* data, size_t size) {
    const auto* first = static_cast<const uint8_t*>(data);
    bytes_.insert(bytes_.end(), first, first + size);
    return *this;
  }

  template <class T>
  NetlinkReplyBuilder& append_struct(const T& value) {
    return append(&value, sizeof value);
  }

  NetlinkReplyBuilder& attribute(uint16_t type, const void* data, size_t size) {
    nlattr header{};
    header.nla_len = static_cast<uint16_t>(NLA_HDRLEN + size);
    header.nla_type = type;
    append(&header, sizeof header);
    append(data, size);
    pad();
    return *this;
  }

  template <class T>
  NetlinkReplyBuilder& attribute_struct(uint16_t type, const T& value) {
    return attribute(type, &value, sizeof value);
  }

  // Sets nlmsg_len to the bytes written since begin_message() and pads to alignment.
  NetlinkReplyBuilder& end_message() {
    const auto length = static_cast<uint32_t>(bytes_.size() - message_start_);
    std::memcpy(bytes_.data() + message_start_ + offsetof(nlmsghdr, nlmsg_len), &length,
                sizeof length);
    pad();
    return *this;
  }

  NetlinkReplyBuilder& done(uint32_t seq = 1, int status = 0) {
    begin_message(NLMSG_DONE, seq);
    append_struct(status);
    return end_message();
  }

  NetlinkReplyBuilder& error(int negative_errno, uint32_t seq = 1) {
    begin_message(NLMSG_ERROR, seq, 0);
    nlmsgerr body{};
    body.error = negative_errno;
    append_struct(body);
    return end_message();
  }

  // Overwrites nlmsg_len of the message starting at `offset` (for damage tests).
  void set_length_at(size_t offset, uint32_t length) {
    std::memcpy(bytes_.data() + offset + offsetof(nlmsghdr, nlmsg_len), &length, sizeof length);
  }

  size_t size() const { return bytes_.size(); }
  const std::vector<uint8_t>& bytes() const { return bytes_; }

 private:
  void pad() {
    while (bytes_.size() % NLMSG_ALIGNTO != 0) bytes_.push_back(0);
  }

  std::vector<uint8_t> bytes_;
  size_t message_start_ = 0;
};

// An inet_diag_msg for a v4 socket local_ip:local_port -> remote_ip:remote_port.
inline inet_diag_msg make_inet_v4(const char* local_ip, uint16_t local_port, const char* remote_ip,
                                  uint16_t remote_port, uint8_t state) {
  inet_diag_msg message{};
  message.idiag_family = AF_INET;
  message.idiag_state = state;
  inet_pton(AF_INET, local_ip, &message.id.idiag_src[0]);
  inet_pton(AF_INET, remote_ip, &message.id.idiag_dst[0]);
  message.id.idiag_sport = htons(local_port);
  message.id.idiag_dport = htons(remote_port);
  return message;
}

inline inet_diag_msg make_inet_v6(const char* local_ip, uint16_t local_port, const char* remote_ip,
                                  uint16_t remote_port, uint8_t state) {
  inet_diag_msg message{};
  message.idiag_family = AF_INET6;
  message.idiag_state = state;
  inet_pton(AF_INET6, local_ip, &message.id.idiag_src[0]);
  inet_pton(AF_INET6, remote_ip, &message.id.idiag_dst[0]);
  message.id.idiag_sport = htons(local_port);
  message.id.idiag_dport = htons(remote_port);
  return message;
}

// An address as the model stores it: network byte order, IPv4 in the first 4 bytes.
inline std::array<uint8_t, 16> model_address(int family, const char* text) {
  std::array<uint8_t, 16> bytes{};
  inet_pton(family, text, bytes.data());
  return bytes;
}

}  // namespace netsnap::test
