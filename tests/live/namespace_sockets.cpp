#include "namespace_sockets.h"

#include <linux/sockios.h>
#include <sys/ioctl.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "socket_builder.h"

namespace netsnap::live {
namespace {

void make_tcp(SocketBuilder& b) {
  // IPv4: a listener with an established pair holding 100 unread bytes, a half-closed pair
  // (FIN_WAIT2 / CLOSE_WAIT) and a closed one whose client end lingers in TIME_WAIT.
  const int listen4 = b.tcp_listener(AF_INET, "127.0.0.1", 8);
  const uint16_t port4 = local_of(listen4).port;
  const int client4 = b.tcp_connect(AF_INET, "127.0.0.1", port4);
  const int server4 = b.accept(listen4);
  if (::send(client4, std::string(100, 'x').data(), 100, 0) != 100) fail_errno("send");
  const int half_client = b.tcp_connect(AF_INET, "127.0.0.1", port4);
  const int half_server = b.accept(listen4);
  if (::shutdown(half_client, SHUT_WR) != 0) fail_errno("shutdown");
  const int tw_client = b.tcp_connect(AF_INET, "127.0.0.1", port4);
  const int tw_server = b.accept(listen4);
  const Endpoint tw_local = local_of(tw_client), tw_remote = remote_of(tw_client);
  b.forget(tw_client);
  b.forget(tw_server);

  if (!settle(
          [&] { return ioctl_int(server4, SIOCINQ) == 100 && ioctl_int(client4, SIOCOUTQ) == 0; }))
    throw std::runtime_error("the 100 bytes did not arrive and get acknowledged");
  if (!settle([&] {
        return tcp_state_of(half_client) == tcp_state::fin_wait2 &&
               tcp_state_of(half_server) == tcp_state::close_wait;
      }))
    throw std::runtime_error("no FIN_WAIT2 / CLOSE_WAIT pair");
  if (!settle([&] { return proc_tcp_has(tw_local.port, tw_remote.port, tcp_state::time_wait); }))
    throw std::runtime_error("no TIME_WAIT socket");

  auto& l4 = b.expect("tcp4-listen", listen4, Protocol::tcp, tcp_state::listen);
  l4.fields.recv_q = 0, l4.fields.send_q = 8, l4.check_recv_q = l4.check_send_q = true;
  auto& c4 = b.expect("tcp4-client", client4, Protocol::tcp, tcp_state::established);
  c4.fields.send_q = 0, c4.check_send_q = true;
  auto& s4 = b.expect("tcp4-server", server4, Protocol::tcp, tcp_state::established);
  s4.fields.recv_q = 100, s4.check_recv_q = true;
  b.expect("tcp4-fin-wait2", half_client, Protocol::tcp, tcp_state::fin_wait2);
  b.expect("tcp4-close-wait", half_server, Protocol::tcp, tcp_state::close_wait);
  b.expect_unheld("tcp4-time-wait", AF_INET, Protocol::tcp, tcp_state::time_wait, tw_local,
                  tw_remote);

  // Bound, neither listening nor connected (TCP_BOUND_INACTIVE, state 13 in Linux 6.5+):
  // /proc/net/tcp and netstat do not list it, so the recording must not either. It is not
  // in the expected set, so the exact-set check fails if it shows up.
  const int bound_only = b.socket(AF_INET, SOCK_STREAM);
  b.bind_inet(bound_only, AF_INET, "127.0.0.1", 0);

  // IPv6 only, and a dual-stack listener taking an IPv4 client (the server end is v4-mapped).
  const int listen6 = b.tcp_listener(AF_INET6, "::1", 4);
  const int client6 = b.tcp_connect(AF_INET6, "::1", local_of(listen6).port);
  const int server6 = b.accept(listen6);
  const int dual = b.tcp_listener(AF_INET6, "::", 4, /*v6only=*/false);
  const int mapped_client = b.tcp_connect(AF_INET, "127.0.0.1", local_of(dual).port);
  const int mapped_server = b.accept(dual);
  b.expect("tcp6-listen", listen6, Protocol::tcp, tcp_state::listen);
  b.expect("tcp6-client", client6, Protocol::tcp, tcp_state::established);
  b.expect("tcp6-server", server6, Protocol::tcp, tcp_state::established);
  b.expect("tcp6-dual-listen", dual, Protocol::tcp, tcp_state::listen);
  b.expect("tcp4-mapped-client", mapped_client, Protocol::tcp, tcp_state::established);
  b.expect("tcp6-mapped-server", mapped_server, Protocol::tcp, tcp_state::established);

  // A listener whose accept queue is full (backlog 0 holds one). The kernel drops SYNs to a
  // full queue, so a client arriving now stays in SYN_SENT; and a client whose handshake began
  // before the queue filled stays in SYN_RECV on the server side: TCP_DEFER_ACCEPT drops its
  // data-less final ACK, and once the queue is full no ACK completes it.
  const int full = b.tcp_listener(AF_INET, "127.0.0.1", 0, true, 0, /*defer_accept=*/60);
  const uint16_t full_port = local_of(full).port;
  const int half_open = b.tcp_connect(AF_INET, "127.0.0.1", full_port);
  const int queued = b.tcp_connect(AF_INET, "127.0.0.1", full_port);
  if (::send(queued, "q", 1, 0) != 1) fail_errno("send");
  if (!settle([&] { return accept_queue_of(full) == 1; }))
    throw std::runtime_error("the full listener's accept queue did not fill");
  const int refused = b.tcp_connect(AF_INET, "127.0.0.1", full_port, /*nonblocking=*/true);
  if (!settle([&] { return tcp_state_of(refused) == tcp_state::syn_sent; }))
    throw std::runtime_error("no SYN_SENT client of the full listener");
  const Endpoint full_local = local_of(full);
  if (!settle(
          [&] { return proc_tcp_has(full_port, local_of(half_open).port, tcp_state::syn_recv); }))
    throw std::runtime_error("no SYN_RECV request socket");
  auto& lf = b.expect("tcp4-full-listen", full, Protocol::tcp, tcp_state::listen);
  lf.fields.recv_q = 1, lf.fields.send_q = 0, lf.check_recv_q = lf.check_send_q = true;
  b.expect("tcp4-half-open-client", half_open, Protocol::tcp, tcp_state::established);
  b.expect_unheld("tcp4-syn-recv", AF_INET, Protocol::tcp, tcp_state::syn_recv, full_local,
                  local_of(half_open));
  b.expect("tcp4-queued-client", queued, Protocol::tcp, tcp_state::established);
  auto& queued_server = b.expect_unheld("tcp4-queued-server", AF_INET, Protocol::tcp,
                                        tcp_state::established, full_local, local_of(queued));
  queued_server.fields.recv_q = 1, queued_server.check_recv_q = true;
  // getpeername() says ENOTCONN in SYN_SENT: the remote end is what connect() was given.
  b.expect("tcp4-syn-sent-full", refused, Protocol::tcp, tcp_state::syn_sent).fields.remote =
      full_local;

  // SYN_SENT to a routed address that never answers.
  if (add_silent_route(b.out())) {
    const int silent = b.tcp_connect(AF_INET, "10.99.0.2", 9, /*nonblocking=*/true);
    if (!settle([&] { return tcp_state_of(silent) == tcp_state::syn_sent; }))
      throw std::runtime_error("no SYN_SENT through the silent route");
    Endpoint silent_remote;
    ::inet_pton(AF_INET, "10.99.0.2", silent_remote.address.data());
    silent_remote.port = 9;
    b.expect("tcp4-syn-sent", silent, Protocol::tcp, tcp_state::syn_sent).fields.remote =
        silent_remote;
  }

  // Send-Q: small buffers and a peer that never reads; wait until both queues stop moving.
  const int bulk_listen = b.tcp_listener(AF_INET, "127.0.0.1", 2, true, /*receive_buffer=*/4096);
  const int bulk_client = b.tcp_connect(AF_INET, "127.0.0.1", local_of(bulk_listen).port,
                                        /*nonblocking=*/true, /*send_buffer=*/4096);
  if (!settle([&] { return tcp_state_of(bulk_client) == tcp_state::established; }))
    throw std::runtime_error("bulk client did not connect");
  const int bulk_server = b.accept(bulk_listen);
  const std::string chunk(1024, 'b');
  for (int i = 0; i < 4096 && ::send(bulk_client, chunk.data(), chunk.size(), 0) > 0; ++i) {
  }
  int in_queue = -1, out_queue = -1, steady = 0;
  for (int i = 0; i < 300 && steady < 5; ++i) {
    pause_ms(20);
    const int in_now = ioctl_int(bulk_server, SIOCINQ), out_now = ioctl_int(bulk_client, SIOCOUTQ);
    steady = in_now == in_queue && out_now == out_queue ? steady + 1 : 0;
    in_queue = in_now, out_queue = out_now;
  }
  if (steady < 5 || in_queue <= 0 || out_queue <= 0)
    throw std::runtime_error("the bulk connection's queues did not settle with data in both");
  b.expect("tcp4-bulk-listen", bulk_listen, Protocol::tcp, tcp_state::listen);
  auto& bc = b.expect("tcp4-bulk-client", bulk_client, Protocol::tcp, tcp_state::established);
  bc.fields.send_q = static_cast<uint32_t>(out_queue), bc.check_send_q = true;
  auto& bs = b.expect("tcp4-bulk-server", bulk_server, Protocol::tcp, tcp_state::established);
  bs.fields.recv_q = static_cast<uint32_t>(in_queue), bs.check_recv_q = true;
}

void make_udp_raw(SocketBuilder& b) {
  const int bound = b.socket(AF_INET, SOCK_DGRAM);
  b.bind_inet(bound, AF_INET, "127.0.0.1", 0);
  const int connected = b.socket(AF_INET, SOCK_DGRAM);
  b.bind_inet(connected, AF_INET, "127.0.0.1", 0);
  b.connect_inet(connected, AF_INET, "127.0.0.1", local_of(bound).port, false);
  if (::send(connected, "datagram", 8, 0) != 8) fail_errno("udp send");
  if (!settle([&] { return ioctl_int(bound, SIOCINQ) == 8; }))
    throw std::runtime_error("the datagram did not arrive");
  auto& ub = b.expect("udp4-bound", bound, Protocol::udp, tcp_state::close);
  ub.recv_q_nonzero = true;
  b.expect("udp4-connected", connected, Protocol::udp, tcp_state::established);
  int udp6 = -1;
  {
    OtherUser nobody;
    udp6 = b.socket(AF_INET6, SOCK_DGRAM);
  }
  b.bind_inet(udp6, AF_INET6, "::1", 0);
  b.expect("udp6-bound-nobody", udp6, Protocol::udp, tcp_state::close);

  // UDP-Lite (netstat -U), where the kernel still has it.
  const int lite = ::socket(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE);
  if (lite < 0) {
    b.out().notes.push_back(std::string("no UDP-Lite socket: ") + std::strerror(errno));
  } else {
    b.out().keep_fds.push_back(lite);
    b.bind_inet(lite, AF_INET, "127.0.0.1", 0);
    b.expect("udplite4-bound", lite, Protocol::udplite, tcp_state::close);
  }

  // A raw socket's "port" is its IP protocol, as in /proc/net/raw.
  const int raw4 = b.socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
  auto& r4 = b.expect("raw4-icmp", raw4, Protocol::raw, tcp_state::close);
  r4.fields.local.port = IPPROTO_ICMP, r4.fields.raw_protocol = IPPROTO_ICMP;
  const int raw6 = b.socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
  auto& r6 = b.expect("raw6-icmp", raw6, Protocol::raw, tcp_state::close);
  r6.fields.local.port = IPPROTO_ICMPV6, r6.fields.raw_protocol = IPPROTO_ICMPV6;
}

void make_unix(SocketBuilder& b, const std::string& dir) {
  using namespace unix_state;
  // A listener with one client not accepted yet: the server end has no inode, and only
  // /proc/net/unix lists it (with the listener's name).
  const std::string stream_path = dir + "/stream.sock";
  const int listener = b.unix_socket(SOCK_STREAM, stream_path, true, 5);
  const int pending = b.unix_connect(SOCK_STREAM, stream_path);
  auto& l = b.expect_unix("unix-stream-listen", listener, stream_path, unconnected, true);
  l.fields.recv_q = 1, l.fields.send_q = 5, l.check_recv_q = l.check_send_q = true;
  b.expect_unix("unix-stream-pending", pending, "", connected);
  auto& embryo = b.expect_unheld("unix-stream-embryo", AF_UNIX, Protocol::unix_, connected, {}, {});
  // /proc/net/unix prints a socket without a struct socket as "connecting" (St 02).
  embryo.fields.state = connecting;
  embryo.fields.unix_type = SOCK_STREAM, embryo.fields.unix_path = stream_path;

  // A path with spaces; an accepted connection with unread bytes.
  const std::string space_path = dir + "/with space.sock";
  const int space_listener = b.unix_socket(SOCK_STREAM, space_path, true, 3);
  const int space_client = b.unix_connect(SOCK_STREAM, space_path);
  const int space_server = b.accept(space_listener);
  if (::send(space_client, "hello", 5, 0) != 5) fail_errno("unix send");
  auto& sl = b.expect_unix("unix-space-listen", space_listener, space_path, unconnected, true);
  sl.fields.recv_q = 0, sl.fields.send_q = 3, sl.check_recv_q = sl.check_send_q = true;
  auto& sc = b.expect_unix("unix-space-client", space_client, "", connected);
  sc.fields.peer_inode = inode_of(space_server);
  sc.fields.send_q = static_cast<uint32_t>(ioctl_int(space_client, SIOCOUTQ)),
  sc.check_send_q = true;
  // The accepted end carries the listener's name (it shares the bound address).
  auto& ss = b.expect_unix("unix-space-server", space_server, space_path, connected);
  ss.fields.peer_inode = inode_of(space_client);
  ss.fields.recv_q = 5, ss.check_recv_q = true;

  // An abstract name (leading NUL), created as the other user.
  const std::string abstract = std::string(1, '\0') + "netsnap-live abstract";
  int abstract_listener = -1;
  {
    OtherUser nobody;
    abstract_listener = b.unix_socket(SOCK_STREAM, abstract, true, 2);
  }
  b.expect_unix("unix-abstract-listen-nobody", abstract_listener, abstract, unconnected, true);

  // Datagrams: a bound receiver holding one unread datagram, a connected sender.
  const std::string dgram_path = dir + "/dgram.sock";
  const int receiver = b.unix_socket(SOCK_DGRAM, dgram_path, false);
  const int sender = b.unix_connect(SOCK_DGRAM, dgram_path);
  if (::send(sender, "ping", 4, 0) != 4) fail_errno("unix dgram send");
  // Whether the receiver counts as connected once a sender connected to it differs between
  // kernels (St follows sk_state since 5.x, which connect() sets on both ends): ask /proc.
  auto& dr =
      b.expect_unix("unix-dgram-bound", receiver, dgram_path, proc_unix_state(inode_of(receiver)));
  dr.fields.recv_q = 4, dr.check_recv_q = true;
  auto& ds = b.expect_unix("unix-dgram-connected", sender, "", connected);
  ds.fields.peer_inode = inode_of(receiver);

  // Sequenced packets: listener and an accepted connection.
  const std::string seq_path = dir + "/seqpacket.sock";
  const int seq_listener = b.unix_socket(SOCK_SEQPACKET, seq_path, true, 4);
  const int seq_client = b.unix_connect(SOCK_SEQPACKET, seq_path);
  const int seq_server = b.accept(seq_listener);
  b.expect_unix("unix-seqpacket-listen", seq_listener, seq_path, unconnected, true);
  b.expect_unix("unix-seqpacket-client", seq_client, "", connected).fields.peer_inode =
      inode_of(seq_server);
  b.expect_unix("unix-seqpacket-server", seq_server, seq_path, connected).fields.peer_inode =
      inode_of(seq_client);

  // An unnamed pair.
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) fail_errno("socketpair");
  b.out().keep_fds.push_back(pair[0]);
  b.out().keep_fds.push_back(pair[1]);
  if (::send(pair[0], "abc", 3, 0) != 3) fail_errno("pair send");
  b.expect_unix("unix-pair-a", pair[0], "", connected).fields.peer_inode = inode_of(pair[1]);
  auto& pb = b.expect_unix("unix-pair-b", pair[1], "", connected);
  pb.fields.peer_inode = inode_of(pair[0]);
  pb.fields.recv_q = 3, pb.check_recv_q = true;
}

std::string hex(const void* data, size_t size) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  const auto* bytes = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < size; ++i) {
    out += digits[bytes[i] >> 4];
    out += digits[bytes[i] & 15];
  }
  return out.empty() ? "-" : out;
}

std::string unhex(const std::string& text) {
  std::string out;
  if (text == "-") return out;
  for (size_t i = 0; i + 1 < text.size(); i += 2) {
    out += static_cast<char>(std::stoi(text.substr(i, 2), nullptr, 16));
  }
  return out;
}

}  // namespace

void make_every_socket_state(const std::string& unix_dir, NamespaceSockets& out) {
  SocketBuilder b(out);
  make_tcp(b);
  make_udp_raw(b);
  make_unix(b, unix_dir);
}

void make_minimal_sockets(NamespaceSockets& out) {
  SocketBuilder b(out);
  const int listener = b.tcp_listener(AF_INET, "127.0.0.1", 4);
  b.expect("tcp4-listen", listener, Protocol::tcp, tcp_state::listen);
  const std::string name = std::string(1, '\0') + "netsnap-live-minimal";
  const int unix_listener = b.unix_socket(SOCK_STREAM, name, true, 2);
  b.expect_unix("unix-abstract-listen", unix_listener, name, unix_state::unconnected, true);
}

std::string serialize(const ExpectedSocket& e) {
  const Socket& s = e.fields;
  std::ostringstream line;
  line << e.role << ' ' << int(s.family) << ' ' << int(s.protocol) << ' ' << int(s.state) << ' '
       << hex(s.local.address.data(), 16) << ' ' << s.local.port << ' '
       << hex(s.remote.address.data(), 16) << ' ' << s.remote.port << ' ' << s.inode << ' '
       << s.cookie << ' ' << s.uid << ' ' << int(s.unix_type) << ' ' << s.unix_flags << ' '
       << hex(s.unix_path.data(), s.unix_path.size()) << ' ' << s.peer_inode << ' '
       << s.raw_protocol << ' ' << s.recv_q << ' ' << s.send_q << ' ' << e.owned << ' '
       << e.check_recv_q << ' ' << e.check_send_q << ' ' << e.recv_q_nonzero << ' '
       << e.send_q_nonzero;
  return line.str();
}

bool deserialize(const std::string& text, ExpectedSocket& e) {
  std::istringstream line(text);
  Socket& s = e.fields;
  int family = 0, protocol = 0, state = 0, unix_type = 0;
  std::string local, remote, path;
  line >> e.role >> family >> protocol >> state >> local >> s.local.port >> remote >>
      s.remote.port >> s.inode >> s.cookie >> s.uid >> unix_type >> s.unix_flags >> path >>
      s.peer_inode >> s.raw_protocol >> s.recv_q >> s.send_q >> e.owned >> e.check_recv_q >>
      e.check_send_q >> e.recv_q_nonzero >> e.send_q_nonzero;
  if (!line) return false;
  s.family = static_cast<uint8_t>(family);
  s.protocol = static_cast<Protocol>(protocol);
  s.state = static_cast<uint8_t>(state);
  s.unix_type = static_cast<uint8_t>(unix_type);
  const std::string l = unhex(local), r = unhex(remote);
  std::memcpy(s.local.address.data(), l.data(), std::min<size_t>(l.size(), 16));
  std::memcpy(s.remote.address.data(), r.data(), std::min<size_t>(r.size(), 16));
  s.unix_path = unhex(path);
  return true;
}

std::string describe(const Socket& s) {
  static const char* const protocols[] = {"?", "tcp", "udp", "raw", "unix", "udplite"};
  std::string text = protocols[std::min<size_t>(static_cast<size_t>(s.protocol), 5)];
  if (s.family == AF_UNIX) {
    std::string path = s.unix_path.str();
    if (!path.empty() && path[0] == '\0') path[0] = '@';
    text += " type " + std::to_string(s.unix_type) + " '" + path + "'";
  } else {
    char local[INET6_ADDRSTRLEN] = "?", remote[INET6_ADDRSTRLEN] = "?";
    ::inet_ntop(s.family, s.local.address.data(), local, sizeof local);
    ::inet_ntop(s.family, s.remote.address.data(), remote, sizeof remote);
    text += std::string(s.family == AF_INET6 ? "6 " : " ") + local + ":" +
            std::to_string(s.local.port) + " -> " + remote + ":" + std::to_string(s.remote.port);
  }
  return text + " state " + std::to_string(s.state) + " inode " + std::to_string(s.inode);
}

}  // namespace netsnap::live
