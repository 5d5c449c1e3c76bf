#include "socket_fields.h"

namespace netsnap {

// SocketField order (netsnap.capnp). `owners` (11) is handled apart: it is a list.

// The encoder compares absent tcp_info as zeros (`gated`); the decoder applies differences to
// the stored values, which are zeros when absent, and clears them when tcp_info goes away.
uint64_t get_field(const Socket& s, int f, bool gated) {
  const TcpInfo& t = s.tcp_info;
  auto tcp = [&](const Socket& x, uint64_t v) { return (!gated || x.has_tcp_info) ? v : 0; };
  switch (f) {
    case 0: return s.state;
    case 1: return s.recv_q;
    case 2: return s.send_q;
    case 3: return s.uid;
    case 4: return s.timer;
    case 5: return s.timer_expires_ms;
    case 6: return s.retransmits;
    case 7: return s.probes;
    case 8: return s.unix_flags;
    case 9: return s.ref_count;
    case 10: return s.peer_inode;
    case 12: return s.has_tcp_info;
    case 13: return tcp(s, t.rtt_us);
    case 14: return tcp(s, t.rttvar_us);
    case 15: return tcp(s, t.snd_cwnd);
    case 16: return tcp(s, t.snd_ssthresh);
    case 17: return tcp(s, t.retransmits);
    case 18: return tcp(s, t.total_retrans);
    case 19: return tcp(s, t.lost);
    case 20: return tcp(s, t.unacked);
    case 21: return tcp(s, t.last_data_recv_ms);
    case 22: return tcp(s, t.last_data_sent_ms);
    case 23: return tcp(s, t.bytes_acked);
    case 24: return tcp(s, t.bytes_received);
    case 25: return tcp(s, t.probes);
  }
  return 0;
}

void set_field(Socket& s, int f, uint64_t v) {
  TcpInfo& t = s.tcp_info;
  auto u32 = [&](uint32_t& x) { x = static_cast<uint32_t>(v); };
  auto u8 = [&](uint8_t& x) { x = static_cast<uint8_t>(v); };
  switch (f) {
    case 0: u8(s.state); break;
    case 1: u32(s.recv_q); break;
    case 2: u32(s.send_q); break;
    case 3: u32(s.uid); break;
    case 4: u8(s.timer); break;
    case 5: u32(s.timer_expires_ms); break;
    case 6: u8(s.retransmits); break;
    case 7: u8(s.probes); break;
    case 8: u32(s.unix_flags); break;
    case 9: u32(s.ref_count); break;
    case 10: s.peer_inode = v; break;
    case 12: s.has_tcp_info = v != 0; break;
    case 13: u32(t.rtt_us); break;
    case 14: u32(t.rttvar_us); break;
    case 15: u32(t.snd_cwnd); break;
    case 16: u32(t.snd_ssthresh); break;
    case 17: u32(t.retransmits); break;
    case 18: u32(t.total_retrans); break;
    case 19: u32(t.lost); break;
    case 20: u32(t.unacked); break;
    case 21: u32(t.last_data_recv_ms); break;
    case 22: u32(t.last_data_sent_ms); break;
    case 23: t.bytes_acked = v; break;
    case 24: t.bytes_received = v; break;
    case 25: u32(t.probes); break;
  }
}

uint64_t changed_fields(const Socket& a, const Socket& b) {
  uint64_t mask = 0;
  const auto bit = [&mask](int f, bool differs) { mask |= static_cast<uint64_t>(differs) << f; };
  bit(0, a.state != b.state);
  bit(1, a.recv_q != b.recv_q);
  bit(2, a.send_q != b.send_q);
  bit(3, a.uid != b.uid);
  bit(4, a.timer != b.timer);
  bit(5, a.timer_expires_ms != b.timer_expires_ms);
  bit(6, a.retransmits != b.retransmits);
  bit(7, a.probes != b.probes);
  bit(8, a.unix_flags != b.unix_flags);
  bit(9, a.ref_count != b.ref_count);
  bit(PEER_INODE_FIELD, a.peer_inode != b.peer_inode);
  bit(OWNERS_FIELD, !(a.owners == b.owners));
  bit(TCP_INFO_PRESENT, a.has_tcp_info != b.has_tcp_info);
  if (!a.has_tcp_info && !b.has_tcp_info) return mask;  // both read as zeros
  static const TcpInfo absent{};
  const TcpInfo& x = a.has_tcp_info ? a.tcp_info : absent;
  const TcpInfo& y = b.has_tcp_info ? b.tcp_info : absent;
  bit(13, x.rtt_us != y.rtt_us);
  bit(14, x.rttvar_us != y.rttvar_us);
  bit(15, x.snd_cwnd != y.snd_cwnd);
  bit(16, x.snd_ssthresh != y.snd_ssthresh);
  bit(17, x.retransmits != y.retransmits);
  bit(18, x.total_retrans != y.total_retrans);
  bit(19, x.lost != y.lost);
  bit(20, x.unacked != y.unacked);
  bit(21, x.last_data_recv_ms != y.last_data_recv_ms);
  bit(22, x.last_data_sent_ms != y.last_data_sent_ms);
  bit(23, x.bytes_acked != y.bytes_acked);
  bit(24, x.bytes_received != y.bytes_received);
  bit(25, x.probes != y.probes);
  return mask;
}

}  // namespace netsnap
