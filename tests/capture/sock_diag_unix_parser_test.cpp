// unix_diag replies: names (path and abstract), peers, queue lengths, state mapping to what
// /proc/net/unix prints, and the listening flag.
#include <gtest/gtest.h>
#include <linux/tcp.h>

#include <string>

#include "capture/sock_diag_test_messages.h"
#include "sock_diag_parser.h"

namespace netsnap {
namespace {

using test::NetlinkReplyBuilder;

unix_diag_msg make_unix(uint8_t type, uint8_t sk_state, uint32_t inode) {
  unix_diag_msg message{};
  message.udiag_family = AF_UNIX;
  message.udiag_type = type;
  message.udiag_state = sk_state;
  message.udiag_ino = inode;
  message.udiag_cookie[0] = inode * 10;
  return message;
}

TEST(SockDiagUnixParser, ListenerWithPath) {
  const std::string path = "/run/app.sock";
  const unix_diag_rqlen queues{3, 128};  // accept queue 3, backlog 128
  const unix_diag_vfs vfs{999, 0x801};
  NetlinkReplyBuilder reply;
  reply.begin_message(SOCK_DIAG_BY_FAMILY)
      .append_struct(make_unix(SOCK_STREAM, tcp_state::listen, 1001))
      .attribute(UNIX_DIAG_NAME, path.c_str(), path.size() + 1)  // the kernel sends the NUL
      .attribute_struct(UNIX_DIAG_VFS, vfs)
      .attribute_struct(UNIX_DIAG_RQLEN, queues)
      .attribute_struct(UNIX_DIAG_UID, uint32_t{33})
      .end_message();
  std::vector<Socket> out;
  const auto batch = parse_sock_diag_batch(reply.bytes(), Protocol::unix_, 1, out);
  ASSERT_EQ(batch.sockets, 1u);
  EXPECT_EQ(batch.malformed, 0u);
  const Socket& s = out[0];
  EXPECT_EQ(s.family, AF_UNIX);
  EXPECT_EQ(s.protocol, Protocol::unix_);
  EXPECT_EQ(s.unix_type, SOCK_STREAM);
  EXPECT_EQ(s.state, unix_state::unconnected);  // /proc prints listeners as unconnected + ACC
  EXPECT_EQ(s.unix_flags, unix_flag_accepting);
  EXPECT_EQ(s.unix_path, path);
  EXPECT_EQ(s.recv_q, 3u);
  EXPECT_EQ(s.send_q, 128u);
  EXPECT_EQ(s.uid, 33u);
  EXPECT_EQ(s.inode, 1001u);
  EXPECT_EQ(s.cookie, 10010u);
  EXPECT_EQ(s.peer_inode, 0u);
}

TEST(SockDiagUnixParser, ConnectedAbstractWithPeer) {
  const std::string abstract("\0bus\0x", 6);  // abstract names may hold NULs anywhere
  const unix_diag_rqlen queues{0, 42};
  NetlinkReplyBuilder reply;
  reply.begin_message(SOCK_DIAG_BY_FAMILY)
      .append_struct(make_unix(SOCK_SEQPACKET, tcp_state::established, 2002))
      .attribute(UNIX_DIAG_NAME, abstract.data(), abstract.size())
      .attribute_struct(UNIX_DIAG_PEER, uint32_t{2003})
      .attribute_struct(UNIX_DIAG_RQLEN, queues)
      .end_message();
  std::vector<Socket> out;
  ASSERT_EQ(parse_sock_diag_batch(reply.bytes(), Protocol::unix_, 1, out).sockets, 1u);
  const Socket& s = out[0];
  EXPECT_EQ(s.unix_type, SOCK_SEQPACKET);
  EXPECT_EQ(s.state, unix_state::connected);
  EXPECT_EQ(s.unix_flags, 0u);
  ASSERT_EQ(s.unix_path.size(), 6u);
  EXPECT_EQ(s.unix_path, abstract);
  EXPECT_EQ(s.unix_path[0], '\0');
  EXPECT_EQ(s.peer_inode, 2003u);
  EXPECT_EQ(s.send_q, 42u);
}

TEST(SockDiagUnixParser, PathNameWithoutTerminatorIsKeptWhole) {
  const std::string path = "relative.sock";
  NetlinkReplyBuilder reply;
  reply.begin_message(SOCK_DIAG_BY_FAMILY)
      .append_struct(make_unix(SOCK_DGRAM, tcp_state::close, 4004))
      .attribute(UNIX_DIAG_NAME, path.data(), path.size())
      .end_message();
  std::vector<Socket> out;
  ASSERT_EQ(parse_sock_diag_batch(reply.bytes(), Protocol::unix_, 1, out).sockets, 1u);
  EXPECT_EQ(out[0].unix_path, path);
}

TEST(SockDiagUnixParser, UnnamedDatagramHasNoPath) {
  NetlinkReplyBuilder reply;
  reply.begin_message(SOCK_DIAG_BY_FAMILY)
      .append_struct(make_unix(SOCK_DGRAM, tcp_state::close, 3003))
      .end_message();
  reply.done();
  std::vector<Socket> out;
  const auto batch = parse_sock_diag_batch(reply.bytes(), Protocol::unix_, 1, out);
  EXPECT_TRUE(batch.finished);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].unix_type, SOCK_DGRAM);
  EXPECT_EQ(out[0].state, unix_state::unconnected);
  EXPECT_TRUE(out[0].unix_path.empty());
}

TEST(SockDiagUnixParser, StateMapping) {
  EXPECT_EQ(unix_state_from_sk_state(tcp_state::established), unix_state::connected);
  EXPECT_EQ(unix_state_from_sk_state(tcp_state::listen), unix_state::unconnected);
  EXPECT_EQ(unix_state_from_sk_state(tcp_state::close), unix_state::unconnected);
}

TEST(SockDiagUnixParser, WrongFamilyIsSkipped) {
  auto message = make_unix(SOCK_STREAM, tcp_state::listen, 1);
  message.udiag_family = AF_INET;
  NetlinkReplyBuilder reply;
  reply.begin_message(SOCK_DIAG_BY_FAMILY).append_struct(message).end_message();
  std::vector<Socket> out;
  const auto batch = parse_sock_diag_batch(reply.bytes(), Protocol::unix_, 1, out);
  EXPECT_EQ(batch.malformed, 1u);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace netsnap
