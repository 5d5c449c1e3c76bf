// sock_diag_parser on damaged input: truncated buffers, lying length fields, short structs,
// bad attributes and random bytes. Each buffer is copied into an allocation of exactly its
// size, so a read past the end is caught by AddressSanitizer builds.
#include <gtest/gtest.h>
#include <linux/tcp.h>

#include <memory>
#include <random>

#include "capture/sock_diag_test_messages.h"
#include "sock_diag_parser.h"

namespace netsnap {
namespace {

using test::make_inet_v4;
using test::NetlinkReplyBuilder;

// Parses a copy of bytes[0, length) that lives in an allocation of exactly that size.
SockDiagBatch parse_exact(const std::vector<uint8_t>& bytes, size_t length, Protocol protocol,
                          std::vector<Socket>& out) {
  auto copy = std::make_unique<uint8_t[]>(length == 0 ? 1 : length);
  std::copy(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(length), copy.get());
  return parse_sock_diag_batch(std::span<const uint8_t>(copy.get(), length), protocol, 1, out);
}

NetlinkReplyBuilder three_tcp_sockets() {
  NetlinkReplyBuilder reply;
  tcp_info info{};
  info.tcpi_rtt = 10;
  for (uint16_t port = 1; port <= 3; ++port) {
    reply.begin_message(SOCK_DIAG_BY_FAMILY)
        .append_struct(make_inet_v4("10.0.0.1", port, "10.0.0.2", 80, tcp_state::established))
        .attribute_struct(INET_DIAG_INFO, info)
        .end_message();
  }
  reply.done();
  return reply;
}

TEST(SockDiagDamage, EveryTruncationKeepsWholeMessagesOnly) {
  const auto reply = three_tcp_sockets();
  const size_t message_size = (reply.size() - 20) / 3;  // NLMSG_DONE is 20 bytes
  for (size_t length = 0; length <= reply.size(); ++length) {
    std::vector<Socket> out;
    const auto batch = parse_exact(reply.bytes(), length, Protocol::tcp, out);
    const size_t whole_messages = std::min<size_t>(length / message_size, 3);
    EXPECT_EQ(out.size(), whole_messages) << "cut at " << length;
    EXPECT_EQ(batch.finished, length == reply.size()) << "cut at " << length;
    EXPECT_EQ(batch.truncated, length % message_size != 0 && length < reply.size())
        << "cut at " << length;
  }
}

TEST(SockDiagDamage, LengthPastTheBufferStopsParsing) {
  auto reply = three_tcp_sockets();
  const size_t message_size = (reply.size() - 20) / 3;
  reply.set_length_at(message_size, 0x7fffffff);  // the second message lies
  std::vector<Socket> out;
  const auto batch = parse_exact(reply.bytes(), reply.size(), Protocol::tcp, out);
  EXPECT_EQ(out.size(), 1u);
  EXPECT_TRUE(batch.truncated);
  EXPECT_FALSE(batch.finished);
}

TEST(SockDiagDamage, LengthShorterThanAHeaderStopsParsing) {
  for (uint32_t bogus : {0u, 1u, 15u}) {
    auto reply = three_tcp_sockets();
    reply.set_length_at(0, bogus);
    std::vector<Socket> out;
    const auto batch = parse_exact(reply.bytes(), reply.size(), Protocol::tcp, out);
    EXPECT_TRUE(out.empty()) << bogus;
    EXPECT_TRUE(batch.truncated) << bogus;
  }
}

TEST(SockDiagDamage, MessageTooShortForItsStructIsSkipped) {
  NetlinkReplyBuilder reply;
  const auto message = make_inet_v4("10.0.0.1", 1, "10.0.0.2", 2, tcp_state::established);
  reply.begin_message(SOCK_DIAG_BY_FAMILY).append(&message, sizeof message - 8).end_message();
  reply.begin_message(SOCK_DIAG_BY_FAMILY).append_struct(message).end_message();
  std::vector<Socket> out;
  const auto batch = parse_exact(reply.bytes(), reply.size(), Protocol::tcp, out);
  EXPECT_EQ(batch.malformed, 1u);
  EXPECT_EQ(batch.sockets, 1u);
  EXPECT_EQ(out.size(), 1u);

  std::vector<Socket> unix_out;
  NetlinkReplyBuilder short_unix;
  const unix_diag_msg unix_message{AF_UNIX, SOCK_STREAM, tcp_state::listen, 0, 5, {0, 0}};
  short_unix.begin_message(SOCK_DIAG_BY_FAMILY).append(&unix_message, 10).end_message();
  const auto unix_batch =
      parse_exact(short_unix.bytes(), short_unix.size(), Protocol::unix_, unix_out);
  EXPECT_EQ(unix_batch.malformed, 1u);
  EXPECT_TRUE(unix_out.empty());
}

TEST(SockDiagDamage, UnknownAddressFamilyIsSkipped) {
  auto message = make_inet_v4("10.0.0.1", 1, "10.0.0.2", 2, tcp_state::established);
  message.idiag_family = 99;
  NetlinkReplyBuilder reply;
  reply.begin_message(SOCK_DIAG_BY_FAMILY).append_struct(message).end_message();
  std::vector<Socket> out;
  const auto batch = parse_exact(reply.bytes(), reply.size(), Protocol::tcp, out);
  EXPECT_EQ(batch.malformed, 1u);
  EXPECT_TRUE(out.empty());
}

TEST(SockDiagDamage, BadAttributeLengthKeepsTheSocketAndCountsIt) {
  const auto message = make_inet_v4("10.0.0.1", 1, "10.0.0.2", 2, tcp_state::established);
  for (uint16_t bogus_length : {uint16_t{2}, uint16_t{200}}) {
    NetlinkReplyBuilder reply;
    reply.begin_message(SOCK_DIAG_BY_FAMILY).append_struct(message);
    const nlattr lying{bogus_length, INET_DIAG_INFO};
    reply.append_struct(lying).append_struct(uint32_t{0}).end_message();
    std::vector<Socket> out;
    const auto batch = parse_exact(reply.bytes(), reply.size(), Protocol::tcp, out);
    EXPECT_EQ(batch.sockets, 1u) << bogus_length;
    EXPECT_EQ(batch.malformed, 1u) << bogus_length;
    ASSERT_EQ(out.size(), 1u);
    EXPECT_FALSE(out[0].has_tcp_info);
    EXPECT_EQ(out[0].local.port, 1);
  }
}

TEST(SockDiagDamage, ShortFixedSizeUnixAttributeIsCounted) {
  const unix_diag_msg message{AF_UNIX, SOCK_STREAM, tcp_state::established, 0, 5, {0, 0}};
  const uint16_t half_inode = 7;
  NetlinkReplyBuilder reply;
  reply.begin_message(SOCK_DIAG_BY_FAMILY)
      .append_struct(message)
      .attribute_struct(UNIX_DIAG_PEER, half_inode)
      .end_message();
  std::vector<Socket> out;
  const auto batch = parse_exact(reply.bytes(), reply.size(), Protocol::unix_, out);
  EXPECT_EQ(batch.malformed, 1u);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].peer_inode, 0u);
  EXPECT_EQ(out[0].inode, 5u);
}

TEST(SockDiagDamage, ShortErrorMessageIsAnError) {
  NetlinkReplyBuilder reply;
  reply.begin_message(NLMSG_ERROR).append_struct(uint16_t{1}).end_message();
  std::vector<Socket> out;
  const auto batch = parse_exact(reply.bytes(), reply.size(), Protocol::tcp, out);
  EXPECT_TRUE(batch.finished);
  EXPECT_NE(batch.error, 0);
}

TEST(SockDiagDamage, RandomBytesAndRandomCorruptionNeverOverrun) {
  std::mt19937 random(20240601);  // fixed seed: the same cases on every run
  const auto valid = three_tcp_sockets();
  for (int round = 0; round < 3000; ++round) {
    std::vector<uint8_t> bytes = valid.bytes();
    if (round % 2 == 0) {
      for (auto& byte : bytes) byte = static_cast<uint8_t>(random());
    } else {
      for (int flips = 0; flips < 4; ++flips) bytes[random() % bytes.size()] ^= random() & 0xff;
    }
    const size_t length = random() % (bytes.size() + 1);
    std::vector<Socket> out;
    const Protocol protocol = round % 3 == 0 ? Protocol::unix_ : Protocol::tcp;
    const auto batch = parse_exact(bytes, length, protocol, out);
    EXPECT_EQ(out.size(), batch.sockets);
    EXPECT_LE(out.size(), length / 16 + 1);
  }
}

}  // namespace
}  // namespace netsnap
