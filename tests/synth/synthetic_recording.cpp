#include "synth/synthetic_recording.h"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>
#include <string_view>

#include "netsnap/frame.h"

#ifndef NETSNAP_VERSION
#define NETSNAP_VERSION "unknown"
#endif

namespace netsnap::synth {
namespace {

using namespace std::string_view_literals;

// xoshiro256** seeded through splitmix64: tiny, fast, and the same sequence everywhere, which
// the std engines plus std distributions do not promise (distributions are unspecified).
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& word : s_) {
      uint64_t z = (seed += 0x9e3779b97f4a7c15);
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
      z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
      word = z ^ (z >> 31);
    }
  }
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9, t = s_[1] << 17;
    s_[2] ^= s_[0], s_[3] ^= s_[1], s_[1] ^= s_[2], s_[0] ^= s_[3], s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  double uniform() { return double(next() >> 11) * 0x1.0p-53; }
  uint64_t below(uint64_t n) { return n ? next() % n : 0; }  // modulo bias is irrelevant here
  uint64_t between(uint64_t lo, uint64_t hi) { return lo + below(hi - lo + 1); }
  bool chance(double p) { return uniform() < p; }
  // Log-uniform in [lo, hi] (lo >= 1): small values common, large ones rare, like real queues.
  uint64_t skewed(uint64_t lo, uint64_t hi) {
    const double v = double(lo) * std::exp(uniform() * std::log(double(hi) / double(lo)));
    return std::clamp<uint64_t>(uint64_t(v), lo, hi);
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<uint64_t, 4> s_{};
};

namespace pids {
inline constexpr int32_t systemd = 1, journald = 312, multipathd = 402, resolved = 520,
                         dbus = 610, chronyd = 700, sshd = 801, nginx = 1101, postgres = 1301,
                         redis = 1401, node_exporter = 1501, java = 2001, python = 2501,
                         sshd_priv = 23011, sshd_user = 23045;
inline constexpr int32_t workers = 4;  // nginx workers and postgres backends: master pid + 1..4
}  // namespace pids
namespace uids {
inline constexpr uint32_t root = 0, www_data = 33, messagebus = 101, chrony = 102,
                          postgres = 103, redis = 104, prometheus = 105, resolve = 991,
                          alice = 1000, app = 1001;
}  // namespace uids

inline constexpr uint8_t sock_stream = 1, sock_dgram = 2;
inline constexpr uint32_t mss = 1448;
inline constexpr uint32_t keepalive_ms = 7'200'000, time_wait_ms = 60'000;
inline constexpr int64_t uptime_ns = 273'600'000'000'000;  // booted 3 d 4 h before the start
// Queues: about this share of sockets has a nonzero queue (more when queue_activity is so high
// that the active sockets alone cannot absorb the drains); a change to an active socket drains
// it with drain_chance, else gives it a new value.
inline constexpr double active_share = 0.04, drain_chance = 0.85;

constexpr Endpoint ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port = 0) {
  Endpoint e;
  e.address[0] = a, e.address[1] = b, e.address[2] = c, e.address[3] = d;
  e.port = port;
  return e;
}
constexpr Endpoint ip6(std::array<uint16_t, 8> groups, uint16_t port = 0) {
  Endpoint e;
  for (size_t i = 0; i < 8; ++i) {
    e.address[2 * i] = uint8_t(groups[i] >> 8), e.address[2 * i + 1] = uint8_t(groups[i]);
  }
  e.port = port;
  return e;
}
// An IPv4 peer as a dual-stack IPv6 socket sees it: ::ffff:a.b.c.d.
Endpoint mapped(const Endpoint& v4) {
  Endpoint e = ip6({0, 0, 0, 0, 0, 0xffff, 0, 0}, v4.port);
  std::copy_n(v4.address.begin(), 4, e.address.begin() + 12);
  return e;
}
Endpoint at(Endpoint e, uint16_t port) { return e.port = port, e; }
bool is_any(const Endpoint& e) { return e.address == Endpoint{}.address; }
bool is_mapped(const Endpoint& e) { return e.address[10] == 0xff && e.address[11] == 0xff; }

constexpr Endpoint host4 = ip4(10, 0, 1, 10), loop4 = ip4(127, 0, 0, 1), any4{};
constexpr Endpoint host6 = ip6({0x2001, 0xdb8, 0x10, 0, 0, 0, 0, 0xa});
constexpr Endpoint loop6 = ip6({0, 0, 0, 0, 0, 0, 0, 1}), any6{};
constexpr Endpoint dns6 = ip6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x53}, 53);

Process process(int32_t pid, uint32_t uid, std::string comm, std::vector<std::string> cmdline,
                uint32_t fds, uint64_t soft = 1024, uint64_t hard = 524288) {
  Process p;
  p.pid = pid, p.uid = uid, p.comm = std::move(comm), p.argv0 = cmdline.front();
  p.cmdline = std::move(cmdline), p.fd_count = fds, p.nofile_soft = soft, p.nofile_hard = hard;
  return p;
}

// A Debian 12 server. argv0 is absolute for most, plain for a few, and a whole setproctitle()
// line for sshd, nginx and postgres children, as /proc/PID/cmdline shows them. fd_count here
// counts files other than the simulated sockets, which are added as they open.
std::vector<Process> make_processes() {
  std::vector<Process> ps{
      process(pids::systemd, uids::root, "systemd", {"/sbin/init"}, 95, 1073741816, 1073741816),
      process(pids::journald, uids::root, "systemd-journal", {"/lib/systemd/systemd-journald"},
              48, 524288, 524288),
      process(pids::multipathd, uids::root, "multipathd", {"/sbin/multipathd", "-d", "-s"}, 14),
      process(pids::resolved, uids::resolve, "systemd-resolve", {"/lib/systemd/systemd-resolved"},
              22, 524288, 524288),
      process(pids::dbus, uids::messagebus, "dbus-daemon",
              {"@dbus-daemon", "--system", "--address=systemd:", "--nofork", "--nopidfile",
               "--systemd-activation", "--syslog-only"}, 31, 1048576, 1048576),
      process(pids::chronyd, uids::chrony, "chronyd", {"/usr/sbin/chronyd", "-F", "1"}, 9),
      process(pids::sshd, uids::root, "sshd",
              {"sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"}, 7),
      process(pids::nginx, uids::root, "nginx",
              {"nginx: master process /usr/sbin/nginx -g daemon on; master_process on;"}, 12),
      process(pids::postgres, uids::postgres, "postgres",
              {"/usr/lib/postgresql/15/bin/postgres", "-D", "/var/lib/postgresql/15/main", "-c",
               "config_file=/etc/postgresql/15/main/postgresql.conf"}, 11),
      process(pids::redis, uids::redis, "redis-server", {"/usr/bin/redis-server 127.0.0.1:6379"},
              10, 10032, 10032),
      process(pids::node_exporter, uids::prometheus, "node_exporter",
              {"node_exporter", "--web.listen-address=:9100", "--collector.systemd"}, 9, 524288,
              524288),
      process(pids::java, uids::app, "java",
              {"/usr/lib/jvm/java-17-openjdk-amd64/bin/java", "-Xms2g", "-Xmx4g",
               "-Dspring.profiles.active=prod", "-jar", "/opt/app/app.jar"}, 310, 1048576, 1048576),
      process(pids::python, uids::alice, "python3", {"python3", "-m", "http.server", "8000"}, 4,
              1024, 1048576),
      process(pids::sshd_priv, uids::root, "sshd", {"sshd: alice [priv]"}, 9),
      process(pids::sshd_user, uids::alice, "sshd", {"sshd: alice@pts/0"}, 11),
  };
  for (int32_t i = 1; i <= pids::workers; ++i) {
    ps.push_back(process(pids::nginx + i, uids::www_data, "nginx", {"nginx: worker process"}, 14,
                         65535, 65535));
    ps.push_back(process(pids::postgres + i, uids::postgres, "postgres",
                         {"postgres: 15/main: app appdb 127.0.0.1(" +
                          std::to_string(41870 + 37 * i) + ") idle"}, 12));
  }
  std::sort(ps.begin(), ps.end(), [](const Process& a, const Process& b) { return a.pid < b.pid; });
  return ps;
}

std::vector<UserName> make_users() {
  return {{uids::root, "root"},          {uids::www_data, "www-data"},
          {uids::messagebus, "messagebus"}, {uids::chrony, "_chrony"},
          {uids::postgres, "postgres"},  {uids::redis, "redis"},
          {uids::prometheus, "prometheus"}, {uids::resolve, "systemd-resolve"},
          {uids::alice, "alice"},        {uids::app, "app"},
          {65534, "nobody"}};
}

std::vector<Setting> make_settings() {
  return {{"fs.file-max", "9223372036854775807"},
          {"fs.nr_open", "1073741816"},
          {"net.core.somaxconn", "4096"},
          {"net.ipv4.ip_local_port_range", "32768\t60999"},
          {"net.ipv4.ip_local_reserved_ports", ""},
          {"net.ipv4.tcp_abort_on_overflow", "0"},
          {"net.ipv4.tcp_fin_timeout", "60"},
          {"net.ipv4.tcp_max_orphans", "131072"},
          {"net.ipv4.tcp_max_syn_backlog", "2048"},
          {"net.ipv4.tcp_max_tw_buckets", "262144"},
          {"net.ipv4.tcp_mem", "381603\t508806\t763206"},
          {"net.ipv4.tcp_syncookies", "1"},
          {"net.ipv4.tcp_tw_reuse", "2"}};
}

Socket inet(uint8_t family, Protocol protocol, uint8_t state, Endpoint local, Endpoint remote) {
  Socket s;
  s.family = family, s.protocol = protocol, s.state = state, s.local = local, s.remote = remote;
  return s;
}
Socket tcp_listener(uint8_t family, Endpoint local, uint32_t backlog) {
  Socket s = inet(family, Protocol::tcp, tcp_state::listen, local, {});
  s.send_q = backlog;  // netlink reports the listen backlog as the send queue
  return s;
}
Socket udp_bound(uint8_t family, Endpoint local) {
  return inet(family, Protocol::udp, tcp_state::close, local, {});
}
Socket unix_socket(uint8_t type, uint8_t state, std::string path) {
  Socket s;
  s.family = AF_UNIX, s.protocol = Protocol::unix_, s.state = state, s.unix_type = type;
  s.unix_path = std::move(path), s.ref_count = 2;
  return s;
}
Socket unix_listener(std::string path, uint32_t backlog) {
  Socket s = unix_socket(sock_stream, unix_state::unconnected, std::move(path));
  s.unix_flags = unix_flag_accepting, s.send_q = backlog;
  return s;
}
Socket owned(Socket s, std::vector<int32_t> owners) { return s.owners = std::move(owners), s; }

// The services of one namespace, most important first: a small spec keeps only the first few.
std::vector<Socket> make_services() {
  const std::vector<int32_t> nginx{pids::nginx, pids::nginx + 1, pids::nginx + 2, pids::nginx + 3,
                                   pids::nginx + 4};
  const Endpoint stub4 = ip4(127, 0, 0, 53), stub4b = ip4(127, 0, 0, 54);
  return {owned(tcp_listener(AF_INET, at(any4, 443), 511), nginx),
          owned(tcp_listener(AF_INET6, at(any6, 443), 511), nginx),
          owned(tcp_listener(AF_INET6, at(any6, 8080), 100), {pids::java}),
          owned(tcp_listener(AF_INET, at(loop4, 5432), 244), {pids::postgres}),
          owned(tcp_listener(AF_INET, at(any4, 22), 128), {pids::sshd}),
          owned(tcp_listener(AF_INET6, at(any6, 22), 128), {pids::sshd}),
          owned(unix_listener("/var/run/postgresql/.s.PGSQL.5432", 244), {pids::postgres}),
          owned(unix_socket(sock_dgram, unix_state::unconnected, "/run/systemd/journal/dev-log"),
                {pids::systemd, pids::journald}),
          owned(unix_listener("/run/dbus/system_bus_socket", 4096), {pids::systemd, pids::dbus}),
          owned(tcp_listener(AF_INET, at(any4, 80), 511), nginx),
          owned(tcp_listener(AF_INET, at(loop4, 6379), 511), {pids::redis}),
          owned(udp_bound(AF_INET, at(stub4, 53)), {pids::resolved}),
          owned(tcp_listener(AF_INET, at(stub4, 53), 4096), {pids::resolved}),
          owned(udp_bound(AF_INET, at(stub4b, 53)), {pids::resolved}),
          owned(udp_bound(AF_INET, at(loop4, 323)), {pids::chronyd}),
          owned(udp_bound(AF_INET6, at(loop6, 323)), {pids::chronyd}),
          owned(tcp_listener(AF_INET6, at(loop6, 5432), 244), {pids::postgres}),
          owned(tcp_listener(AF_INET6, at(any6, 9100), 4096), {pids::node_exporter}),
          owned(tcp_listener(AF_INET, at(any4, 8000), 5), {pids::python}),
          owned(unix_listener("/run/systemd/private", 4096), {pids::systemd}),
          owned(unix_listener("/run/systemd/journal/stdout", 4096),
                {pids::systemd, pids::journald}),
          owned(unix_socket(sock_dgram, unix_state::unconnected, "/run/systemd/journal/socket"),
                {pids::systemd, pids::journald}),
          owned(unix_socket(sock_dgram, unix_state::unconnected, "/run/systemd/notify"),
                {pids::systemd}),
          owned(unix_listener(std::string("\0/org/kernel/linux/storage/multipathd"sv), 4096),
                {pids::multipathd}),
          owned(unix_listener(std::string("\0/tmp/dbus-Qx3Lm0PqZs"sv), 4096), {pids::dbus}),
          owned(unix_listener("/run/app/control socket", 50), {pids::java})};
}

// Excerpts of Debian 12's /etc/services and /etc/protocols: the ports and protocols in use.
constexpr std::string_view services_db =
    "# Network services, Internet style\n"
    "ssh\t\t22/tcp\t\t\t\t# SSH Remote Login Protocol\n"
    "domain\t\t53/tcp\t\t\t\t# Domain Name Server\n"
    "domain\t\t53/udp\n"
    "http\t\t80/tcp\t\twww\t\t# WorldWideWeb HTTP\n"
    "ntp\t\t123/udp\t\t\t\t# Network Time Protocol\n"
    "https\t\t443/tcp\t\t\t\t# http protocol over TLS/SSL\n"
    "https\t\t443/udp\t\t\t\t# HTTP/3\n"
    "postgresql\t5432/tcp\tpostgres\t# PostgreSQL Database\n"
    "http-alt\t8080/tcp\twebcache\t# WWW caching service\n";
constexpr std::string_view protocols_db =
    "# Internet (IP) protocols\n"
    "ip\t0\tIP\t\t# internet protocol, pseudo protocol number\n"
    "icmp\t1\tICMP\t\t# internet control message protocol\n"
    "tcp\t6\tTCP\t\t# transmission control protocol\n"
    "udp\t17\tUDP\t\t# user datagram protocol\n"
    "ipv6-icmp 58\tIPv6-ICMP\t# ICMP for IPv6\n";

// Kernel counter tables: "Name=rate" advances by about `rate` per established TCP socket (per
// UDP socket for Udp) per second; names without a rate stay put. The names are a 6.1 kernel's.
constexpr std::string_view tcp_ext_fields =
    "SyncookiesSent SyncookiesRecv SyncookiesFailed EmbryonicRsts PruneCalled RcvPruned "
    "OfoPruned OutOfWindowIcmps LockDroppedIcmps ArpFilter TW TWRecycled TWKilled PAWSActive "
    "PAWSEstab=0.00001 DelayedACKs=0.3 DelayedACKLocked=0.0002 DelayedACKLost=0.0004 "
    "ListenOverflows ListenDrops TCPHPHits=3 TCPPureAcks=2 TCPHPAcks=2.5 TCPRenoRecovery "
    "TCPSackRecovery=0.0004 TCPSACKReneging TCPSACKReorder=0.0001 TCPRenoReorder "
    "TCPTSReorder=0.00005 TCPFullUndo TCPPartialUndo TCPDSACKUndo=0.00005 TCPLossUndo=0.0002 "
    "TCPLostRetransmit=0.0001 TCPRenoFailures TCPSackFailures TCPLossFailures "
    "TCPFastRetrans=0.001 TCPSlowStartRetrans=0.0001 TCPTimeouts=0.001 TCPLossProbes=0.003 "
    "TCPLossProbeRecovery=0.0005 TCPRenoRecoveryFail TCPSackRecoveryFail TCPRcvCollapsed "
    "TCPDSACKOldSent=0.0005 TCPDSACKOfoSent TCPDSACKRecv=0.0008 TCPDSACKOfoRecv "
    "TCPAbortOnData=0.0005 TCPAbortOnClose=0.0002 TCPAbortOnMemory TCPAbortOnTimeout=0.00002 "
    "TCPAbortOnLinger TCPAbortFailed TCPMemoryPressures TCPMemoryPressuresChrono TCPSACKDiscard "
    "TCPDSACKIgnoredOld TCPDSACKIgnoredNoUndo=0.0003 TCPSpuriousRTOs=0.00005 TCPMD5NotFound "
    "TCPMD5Unexpected TCPMD5Failure TCPSackShifted=0.0003 TCPSackMerged=0.0005 "
    "TCPSackShiftFallback=0.001 TCPBacklogCoalesce=0.05 TCPBacklogDrop PFMemallocDrop "
    "TCPMinTTLDrop TCPDeferAcceptDrop IPReversePathFilter TCPTimeWaitOverflow "
    "TCPReqQFullDoCookies TCPReqQFullDrop TCPRetransFail TCPRcvCoalesce=0.8 TCPOFOQueue=0.01 "
    "TCPOFODrop TCPOFOMerge TCPChallengeACK=0.00005 TCPSYNChallenge=0.00005 TCPFastOpenActive "
    "TCPFastOpenActiveFail TCPFastOpenPassive TCPFastOpenPassiveFail TCPFastOpenListenOverflow "
    "TCPFastOpenCookieReqd TCPFastOpenBlackhole TCPSpuriousRtxHostQueues=0.00001 "
    "BusyPollRxPackets TCPAutoCorking=0.2 TCPFromZeroWindowAdv=0.0001 TCPToZeroWindowAdv=0.0001 "
    "TCPWantZeroWindowAdv=0.0003 TCPSynRetrans=0.0002 TCPOrigDataSent=5 "
    "TCPHystartTrainDetect=0.00005 TCPHystartTrainCwnd=0.001 TCPHystartDelayDetect "
    "TCPHystartDelayCwnd TCPACKSkippedSynRecv TCPACKSkippedPAWS TCPACKSkippedSeq=0.00002 "
    "TCPACKSkippedFinWait2 TCPACKSkippedTimeWait TCPACKSkippedChallenge TCPWinProbe=0.00001 "
    "TCPKeepAlive=0.002 TCPMTUPFail TCPMTUPSuccess TCPDelivered=5.2 TCPDeliveredCE "
    "TCPAckCompressed=0.01 TCPZeroWindowDrop TCPRcvQDrop TCPWqueueTooBig TCPFastOpenPassiveAltKey "
    "TcpTimeoutRehash=0.001 TcpDuplicateDataRehash TCPDSACKRecvSegs=0.0008 "
    "TCPDSACKIgnoredDubious TCPMigrateReqSuccess TCPMigrateReqFailure TCPPLBRehash";
constexpr std::string_view tcp_fields =
    "RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails=0.0001 "
    "EstabResets=0.0005 CurrEstab InSegs=8 OutSegs=7.5 RetransSegs=0.004 InErrs=0.00001 "
    "OutRsts=0.002 InCsumErrors";
constexpr std::string_view udp_fields =
    "InDatagrams=20 NoPorts=0.01 InErrors RcvbufErrors SndbufErrors OutDatagrams=19 "
    "InCsumErrors IgnoredMulti=0.05 MemErrors";

// Europe/Berlin's offset at a UTC instant (CET, CEST from the last Sunday of March to the
// last Sunday of October, 01:00 UTC), so the header's offset matches the start time.
int32_t berlin_offset_seconds(int64_t wall_ns) {
  using namespace std::chrono;
  const sys_seconds t{seconds{wall_ns / 1'000'000'000}};
  const year y = year_month_day{floor<days>(t)}.year();
  const sys_seconds summer_start = sys_days{y / March / Sunday[last]} + 1h;
  const sys_seconds summer_end = sys_days{y / October / Sunday[last]} + 1h;
  return (t >= summer_start && t < summer_end) ? 7200 : 3600;
}

std::string random_hex(Rng& rng, size_t digits) {
  std::string out;
  while (out.size() < digits) out += "0123456789abcdef"[rng.below(16)];
  return out;
}

uint64_t take(double& carry, double amount) {  // whole changes now, the fraction carried over
  carry += amount;
  const double whole = std::floor(carry);
  carry -= whole;
  return uint64_t(whole);
}

enum class Kind : uint8_t { service, tcp_server, tcp_client, time_wait, close_wait, udp_client,
                            unix_pair_first, unix_pair_second, unix_dgram };

struct SocketSide {      // what the generator knows about a socket beyond the model
  Kind kind = Kind::service;
  bool active = false;   // has a nonzero queue now
  bool doomed = false;   // closes in this snapshot
  uint32_t touched = 0;  // the last snapshot whose queue changes included it
  int32_t owner = 0;     // the process using it, kept even when owners are not recorded
  uint32_t rtt_us = 0;   // the path's base RTT, around which tcp_info jitters
};

struct NamespaceSim {
  uint32_t target = 0;                   // sockets kept alive
  uint32_t services = 0;                 // the first `services` sockets never close
  std::vector<SocketSide> side;          // parallel to Namespace::sockets
  std::vector<uint32_t> active;          // positions of sockets with a nonzero queue
  std::vector<uint32_t> tcp_listeners, unix_listeners;  // positions among the services
  uint64_t dev_log_inode = 0;            // where UNIX dgram clients send (their peer)
  double churn_carry = 0, activity_carry = 0;
};

bool is_listener(const Socket& s) {
  return (s.protocol == Protocol::tcp && s.state == tcp_state::listen) ||
         (s.unix_flags & unix_flag_accepting) != 0;
}
bool is_time_wait(const Socket& s) {
  return s.protocol == Protocol::tcp && s.state == tcp_state::time_wait;
}

}  // namespace

struct SyntheticHost::State {
  struct CounterRef { size_t table = 0, index = 0; };
  struct Rated { CounterRef at; double rate; bool per_udp_socket; };

  SyntheticSpec spec;
  Rng rng;
  std::vector<Process> processes;  // every simulated process, recorded or not
  Snapshot snap;                   // mutated in place from one snapshot to the next
  std::vector<NamespaceSim> sims;  // parallel to snap.namespaces
  std::string boot_id, machine_id;
  uint64_t produced = 0, next_cookie = 0, next_inode = 0;
  std::vector<int64_t> gaps;       // spec.gaps_after, sorted
  size_t next_gap = 0;
  int64_t interval_ms = 0;
  // Gauges kept as sockets come and go, and this interval's events for the counters.
  int64_t tcp4 = 0, tcp6 = 0, established = 0, time_waits = 0, udp4 = 0, udp6 = 0, unixes = 0;
  int64_t active_opens = 0, passive_opens = 0, new_time_waits = 0, overflows = 0;
  std::vector<Rated> rated;
  CounterRef curr_estab, active_opens_at, passive_opens_at, tw_at, overflows_at, drops_at;
  size_t sockstat = 0;             // the first gauge table in snap.counters

  explicit State(const SyntheticSpec& s) : spec(s), rng(s.seed), processes(make_processes()) {
    spec.namespaces = std::max<uint32_t>(spec.namespaces, 1);
    if (spec.interval_ns <= 0) spec.interval_ns = 1'000'000'000;
    interval_ms = std::max<int64_t>(spec.interval_ns / 1'000'000, 1);
    gaps = spec.gaps_after;
    std::sort(gaps.begin(), gaps.end());
    boot_id = random_hex(rng, 32), machine_id = random_hex(rng, 32);
    for (size_t dash : {8, 13, 18, 23}) boot_id.insert(dash, "-");
    next_cookie = 4096 + rng.below(1 << 20), next_inode = 18000 + rng.below(100000);
    snap.wall_ns = spec.start_wall_ns, snap.mono_ns = uptime_ns;
    snap.source = CaptureSource::synthetic;
    if (spec.owners) snap.processes = processes;
    const std::vector<Socket> services = make_services();
    for (uint32_t n = 0; n < spec.namespaces; ++n) {
      Namespace& ns = snap.namespaces.emplace_back();
      ns.inode = n == 0 ? 4026531840 : 4026532281 + 7 * n;
      ns.name = n == 0                              ? ""
                : n <= spec.namespace_labels.size() ? spec.namespace_labels[n - 1]
                                                    : "tenant-" + std::to_string(n);
      NamespaceSim& sim = sims.emplace_back();
      sim.target = spec.sockets / spec.namespaces + (n < spec.sockets % spec.namespaces ? 1 : 0);
      sim.services = uint32_t(std::min<size_t>(services.size(), sim.target / 4));
      for (uint32_t i = 0; i < sim.services; ++i) add_service(n, services[i]);
      while (snap.namespaces[n].sockets.size() < sim.target) add_random(n, false);
    }
    build_counters();
    snap.capture_ns = capture_cost_ns();
    active_opens = passive_opens = new_time_waits = overflows = 0;  // the start is no event
  }

  uint32_t uid_of(int32_t pid) const {
    for (const Process& p : processes)
      if (p.pid == pid) return p.uid;
    return 0;
  }
  int32_t any_pid() { return processes[rng.below(processes.size())].pid; }
  uint16_t ephemeral() { return uint16_t(rng.between(32768, 60999)); }
  uint8_t octet(uint64_t lo, uint64_t hi) { return uint8_t(rng.between(lo, hi)); }
  Endpoint client4() { return ip4(10, octet(2, 250), octet(0, 255), octet(1, 254)); }
  Endpoint client6() {
    auto group = [&] { return uint16_t(rng.between(1, 65535)); };
    return ip6({0x2001, 0xdb8, uint16_t(0xff00 | octet(0, 255)), group(), 0, 0, group(), group()});
  }
  int64_t capture_cost_ns() {  // netlink dumps are cheap; walking /proc for owners is not
    const double per_socket = spec.owners ? 4000 : 900;
    return int64_t((1.5e6 + per_socket * double(spec.sockets)) * (0.9 + 0.3 * rng.uniform()));
  }

  // Accepted connections belong to a worker of the listening service.
  std::vector<int32_t> connection_owners(int32_t acceptor) {
    const int32_t worker = 1 + int32_t(rng.below(pids::workers));
    if (acceptor >= pids::nginx && acceptor <= pids::nginx + pids::workers)
      return {pids::nginx + worker};
    if (acceptor == pids::postgres) return {pids::postgres + worker};
    if (acceptor == pids::sshd) return {pids::sshd_priv, pids::sshd_user};
    return {acceptor};
  }
  void set_owners(Socket& s, OwnerList owners) {
    s.uid = uid_of(owners.front()), s.owners = std::move(owners);
  }
  // Database and ssh connections run keepalive timers (re-armed whenever data flows).
  void idle_timer(Socket& s, bool just_used) {
    const uint16_t service = s.local.port < 32768 ? s.local.port : s.remote.port;
    const bool keepalive = service == 22 || service == 5432 || service == 6379;
    s.timer = keepalive ? 2 : 0, s.retransmits = 0, s.timer_expires_ms = 0;
    if (keepalive && just_used) {
      s.timer_expires_ms = uint32_t(keepalive_ms - rng.below(std::min<int64_t>(interval_ms, 1000)));
    } else if (keepalive) {
      s.timer_expires_ms = uint32_t(rng.below(keepalive_ms));
    }
  }

  Socket make_server(size_t n) {
    const NamespaceSim& sim = sims[n];
    const std::vector<Socket>& sockets = snap.namespaces[n].sockets;
    Socket s = inet(AF_INET, Protocol::tcp, tcp_state::established, at(host4, 443), client4());
    int32_t acceptor = pids::nginx;
    uint32_t listener_uid = uids::root;
    auto weight = [](uint16_t port) {  // busy ports get most connections
      return port == 443 ? 40u : port == 8080 ? 25u : port == 80 || port == 5432 ? 10u : 2u;
    };
    uint64_t total = 0;
    for (uint32_t i : sim.tcp_listeners) total += weight(sockets[i].local.port);
    uint64_t pick = rng.below(total);
    for (uint32_t i : sim.tcp_listeners) {
      if (pick >= weight(sockets[i].local.port)) {
        pick -= weight(sockets[i].local.port);
        continue;
      }
      s.family = sockets[i].family, s.local = sockets[i].local;
      acceptor = sim.side[i].owner, listener_uid = sockets[i].uid;
      break;
    }
    const uint16_t port = s.local.port;
    if (s.family == AF_INET && is_any(s.local)) {
      s.local = at(host4, port);
    } else if (s.family == AF_INET) {
      s.remote = loop4;
    } else if (is_any(s.local) && rng.chance(0.5)) {  // an IPv4 client of a dual-stack listener
      s.local = mapped(at(host4, port)), s.remote = mapped(client4());
    } else if (is_any(s.local)) {
      s.local = at(host6, port), s.remote = client6();
    } else {
      s.remote = loop6;
    }
    s.remote.port = ephemeral();
    set_owners(s, connection_owners(acceptor));
    s.uid = listener_uid;  // an accepted socket inherits the listener's uid, not its user's
    idle_timer(s, false);
    ++passive_opens;
    return s;
  }
  Socket make_client() {
    const uint64_t r = rng.below(100);
    int32_t owner = pids::java;
    Socket s = inet(AF_INET, Protocol::tcp, tcp_state::established, loop4, at(loop4, 5432));
    if (r < 25) {         // java's pool to postgres: the defaults above
    } else if (r < 40) {
      s.remote.port = 6379;
    } else if (r < 65) {  // nginx proxying to the java upstream
      s.remote.port = 8080, owner = pids::nginx + 1 + int32_t(rng.below(pids::workers));
    } else if (r < 80) {
      s.local = host4, s.remote = ip4(10, 0, 7, octet(1, 254), 443);
    } else if (r < 90) {
      s.family = AF_INET6, s.local = host6;
      s.remote = ip6({0x2001, 0xdb8, 0xaa, 0, 0, 0, 0, octet(1, 40)}, 443);
    } else if (r < 97) {  // kafka brokers
      s.local = host4, s.remote = ip4(10, 0, 9, octet(11, 13), 9092);
    } else {              // DNS over TCP after a truncated answer
      s.local = host4, s.remote = ip4(10, 0, 0, 2, 53), owner = pids::resolved;
    }
    s.local.port = ephemeral();
    set_owners(s, {owner});
    idle_timer(s, false);
    ++active_opens;
    return s;
  }
  Socket make_udp_client() {  // DNS lookups by java and by resolved upstream, NTP by chronyd
    const uint64_t r = rng.below(10);
    Socket s = inet(AF_INET, Protocol::udp, tcp_state::established, host4, ip4(10, 0, 0, 2, 53));
    if (r == 8) s.family = AF_INET6, s.local = host6, s.remote = dns6;
    if (r == 9) s.remote = ip4(10, 0, 0, 3, 123);
    s.local.port = ephemeral();
    set_owners(s, {r < 5 ? pids::java : r < 9 ? pids::resolved : pids::chronyd});
    return s;
  }
  Socket make_time_wait(size_t n, bool fresh) {  // the side that closed first holds it 60 s
    Socket s = rng.chance(0.5) ? make_server(n) : make_client();
    s.state = tcp_state::time_wait, s.owners.clear(), s.uid = 0, s.timer = 3, s.retransmits = 0;
    const uint64_t waited = fresh ? rng.below(std::min<int64_t>(interval_ms, time_wait_ms))
                                  : rng.below(time_wait_ms);
    s.timer_expires_ms = uint32_t(time_wait_ms - waited);
    ++new_time_waits;
    return s;
  }

  // Gives the socket the identity a kernel would (a fresh cookie; an inode unless TIME_WAIT)
  // and appends it; a few start with a queue.
  void add(size_t n, Socket&& s, Kind kind) {
    std::vector<Socket>& sockets = snap.namespaces[n].sockets;
    NamespaceSim& sim = sims[n];
    SocketSide side;
    side.kind = kind, side.owner = s.owners.empty() ? 0 : s.owners.back();
    s.cookie = next_cookie += rng.between(1, 9);
    s.inode = is_time_wait(s) ? 0 : next_inode += rng.between(1, 4);
    if (!spec.owners) s.owners.clear();
    if (s.protocol == Protocol::tcp && !is_time_wait(s)) {
      const auto& a = s.remote.address;
      const bool loopback = a[0] == 127 || (is_mapped(s.remote) && a[12] == 127) ||
                            a == loop6.address;
      const bool internet = s.family == AF_INET6 && !loopback && !is_mapped(s.remote);
      side.rtt_us = uint32_t(loopback ? rng.skewed(15, 80)
                             : internet ? rng.skewed(8000, 90000) : rng.skewed(150, 1500));
      if (spec.tcp_info) s.has_tcp_info = true, s.tcp_info = initial_tcp_info(s, side);
    }
    account(s, +1);
    if (!is_time_wait(s) && rng.chance(active_share)) {
      fill_queue(s, side);
      side.active = true, sim.active.push_back(uint32_t(sockets.size()));
    }
    sockets.push_back(std::move(s));
    sim.side.push_back(side);
  }
  void add_service(size_t n, Socket s) {
    NamespaceSim& sim = sims[n];
    const uint32_t pos = uint32_t(sim.side.size());
    if (s.protocol == Protocol::tcp && s.state == tcp_state::listen)
      sim.tcp_listeners.push_back(pos);
    if (s.unix_flags & unix_flag_accepting) sim.unix_listeners.push_back(pos);
    const bool dev_log = s.unix_path == "/run/systemd/journal/dev-log";
    s.uid = uid_of(s.owners.front());  // its creator: systemd (root) for socket-activated ones
    add(n, std::move(s), Kind::service);
    if (dev_log) sim.dev_log_inode = snap.namespaces[n].sockets.back().inode;
  }
  // One new socket (two for a UNIX stream pair) drawn from a busy server's mix.
  void add_random(size_t n, bool fresh) {
    const uint64_t r = rng.below(90);
    if (r < 36) return add(n, make_server(n), Kind::tcp_server);
    if (r < 56) return add(n, make_client(), Kind::tcp_client);
    if (r < 65) return add(n, make_time_wait(n, fresh), Kind::time_wait);
    if (r < 66) {  // the peer closed, our process has not (yet)
      Socket s = make_client();
      s.state = tcp_state::close_wait, s.timer = 0, s.timer_expires_ms = 0;
      return add(n, std::move(s), Kind::close_wait);
    }
    if (r < 70) return add(n, make_udp_client(), Kind::udp_client);
    if (r < 77) {  // syslog() clients of /dev/log
      Socket s = unix_socket(sock_dgram, unix_state::unconnected, "");
      set_owners(s, {any_pid()});
      s.peer_inode = sims[n].dev_log_inode;
      return add(n, std::move(s), Kind::unix_dgram);
    }
    // A client connected to a UNIX listener (the accepted side shows the listener's path), or
    // a socketpair(); the two stay adjacent in the list and close together.
    const std::vector<uint32_t>& listeners = sims[n].unix_listeners;
    Socket client = unix_socket(sock_stream, unix_state::connected, "");
    Socket server = client;
    set_owners(client, {any_pid()});
    if (!listeners.empty() && rng.chance(0.8)) {
      const uint32_t l = listeners[rng.below(listeners.size())];
      server.unix_path = snap.namespaces[n].sockets[l].unix_path;
      set_owners(server, connection_owners(sims[n].side[l].owner));
    } else {
      set_owners(server, client.owners);
    }
    if (rng.chance(0.3)) client.ref_count = 3;
    add(n, std::move(client), Kind::unix_pair_first);
    add(n, std::move(server), Kind::unix_pair_second);
    std::vector<Socket>& sockets = snap.namespaces[n].sockets;
    sockets[sockets.size() - 2].peer_inode = sockets.back().inode;
    sockets.back().peer_inode = sockets[sockets.size() - 2].inode;
  }

  TcpInfo initial_tcp_info(const Socket& s, const SocketSide& side) {
    TcpInfo t;
    t.snd_cwnd = 10, t.snd_ssthresh = 0x7fffffff;  // TCP_INFINITE_SSTHRESH until a loss
    if (s.state == tcp_state::listen) return t;
    t.rtt_us = side.rtt_us, t.rttvar_us = side.rtt_us / 2;
    t.snd_cwnd = uint32_t(rng.between(10, 40));
    t.bytes_acked = rng.skewed(1, 50'000'000), t.bytes_received = rng.skewed(1, 5'000'000);
    t.last_data_recv_ms = uint32_t(rng.below(600'000));
    t.last_data_sent_ms = uint32_t(rng.below(600'000));
    if (rng.chance(0.05)) t.total_retrans = uint32_t(rng.between(1, 5)), t.snd_ssthresh = 28;
    return t;
  }
  // tcp_info moves only when data moved: on the sockets whose queues change.
  void data_moved(Socket& s, const SocketSide& side) {
    if (!s.has_tcp_info) return;
    TcpInfo& t = s.tcp_info;
    t.rtt_us = uint32_t(side.rtt_us * (0.8 + 0.4 * rng.uniform())), t.rttvar_us = t.rtt_us / 2;
    t.bytes_received += s.recv_q + rng.skewed(1, 65536);
    t.bytes_acked += rng.skewed(1, 64 * mss);
    t.last_data_recv_ms = uint32_t(rng.below(interval_ms));
    t.last_data_sent_ms = uint32_t(rng.below(interval_ms));
    t.unacked = (s.send_q + mss - 1) / mss;
    if (rng.chance(0.02)) {  // a loss: cubic backs off to 70 %
      ++t.total_retrans;
      t.snd_cwnd = std::max<uint32_t>(2, t.snd_cwnd * 7 / 10), t.snd_ssthresh = t.snd_cwnd;
    } else if (t.snd_cwnd < 80) {
      ++t.snd_cwnd;
    }
  }
  // A new nonzero queue: small byte counts or whole segments, small ones far more often.
  void fill_queue(Socket& s, const SocketSide& side) {
    if (is_listener(s)) {  // accept queues hold a few at most; past the backlog they overflow
      s.recv_q = uint32_t(rng.skewed(1, std::clamp<uint32_t>(s.send_q + 1, 1, 8)));
      if (s.protocol == Protocol::tcp && s.recv_q > s.send_q) ++overflows;
    } else if (s.protocol == Protocol::tcp) {
      const uint64_t bytes = rng.chance(0.55) ? rng.skewed(1, mss) : mss * rng.skewed(1, 300);
      if (rng.chance(0.5)) {
        s.recv_q = uint32_t(bytes);
      } else {  // unacknowledged data runs the retransmit timer
        s.send_q = uint32_t(bytes), s.timer = 1, s.retransmits = rng.chance(0.05) ? 1 : 0;
        s.timer_expires_ms = uint32_t(200 + side.rtt_us / 1000 + rng.below(40));
      }
      data_moved(s, side);
    } else if (s.protocol == Protocol::udp) {  // UDP queues count skb memory, not payload
      s.recv_q = uint32_t(768 * rng.skewed(1, 277));
    } else {
      s.recv_q = uint32_t(rng.skewed(1, s.unix_type == sock_dgram ? 4096 : 212992));
    }
  }
  void drain_queue(Socket& s, const SocketSide& side) {
    s.recv_q = 0;
    if (is_listener(s)) return;
    s.send_q = 0;
    if (s.protocol == Protocol::tcp) idle_timer(s, true), data_moved(s, side);
  }

  void account(const Socket& s, int sign) {
    const bool v4 = s.family == AF_INET;
    if (is_time_wait(s)) {
      time_waits += sign;
    } else if (s.protocol == Protocol::tcp) {
      (v4 ? tcp4 : tcp6) += sign;
      if (s.state == tcp_state::established || s.state == tcp_state::close_wait)
        established += sign;
    } else {
      (s.protocol == Protocol::udp ? (v4 ? udp4 : udp6) : unixes) += sign;
    }
    for (int32_t pid : s.owners)
      for (Process& p : snap.processes)
        if (p.pid == pid) p.fd_count = uint32_t(int64_t(p.fd_count) + sign);
  }

  // Removes the doomed sockets, keeping the order of the survivors.
  void compact(size_t n) {
    std::vector<Socket>& sockets = snap.namespaces[n].sockets;
    NamespaceSim& sim = sims[n];
    size_t kept = 0;
    for (size_t i = 0; i < sockets.size(); ++i) {
      if (sim.side[i].doomed) {
        account(sockets[i], -1);
        continue;
      }
      if (kept != i) sockets[kept] = std::move(sockets[i]), sim.side[kept] = sim.side[i];
      ++kept;
    }
    sockets.resize(kept), sim.side.resize(kept);
    sim.active.clear();
    for (uint32_t i = 0; i < kept; ++i)
      if (sim.side[i].active) sim.active.push_back(i);
  }
  // Counts timers down; returns how many TIME_WAIT sockets expired (and dooms them).
  uint64_t tick_timers(size_t n, int64_t elapsed_ms) {
    uint64_t expired = 0;
    std::vector<Socket>& sockets = snap.namespaces[n].sockets;
    for (size_t i = 0; i < sockets.size(); ++i) {
      Socket& s = sockets[i];
      if (s.timer == 3 && s.timer_expires_ms <= elapsed_ms) {
        sims[n].side[i].doomed = true, ++expired;
      } else if (s.timer == 3 || s.timer == 2) {  // an answered keepalive probe re-arms it
        s.timer_expires_ms = s.timer_expires_ms > elapsed_ms
                                 ? uint32_t(s.timer_expires_ms - elapsed_ms) : keepalive_ms;
      }
    }
    return expired;
  }
  void churn(size_t n, int64_t elapsed_ms) {
    NamespaceSim& sim = sims[n];
    std::vector<Socket>& sockets = snap.namespaces[n].sockets;
    const uint64_t expired = spec.timers ? tick_timers(n, elapsed_ms) : 0;
    const uint64_t closable = sockets.size() - sim.services;
    const uint64_t victims = std::min(take(sim.churn_carry, spec.churn * sim.target), closable);
    for (uint64_t closed = 0, tries = 0; closed < victims && tries < 4 * victims + 16; ++tries) {
      const size_t i = sim.services + rng.below(closable);
      if (sim.side[i].doomed) continue;
      sim.side[i].doomed = true, ++closed;  // a UNIX pair closes together
      if (sim.side[i].kind == Kind::unix_pair_first) sim.side[i + 1].doomed = true;
      if (sim.side[i].kind == Kind::unix_pair_second) sim.side[i - 1].doomed = true;
    }
    if (victims > 0 || expired > 0) compact(n);
    for (uint64_t i = 0; i < expired; ++i) add(n, make_time_wait(n, true), Kind::time_wait);
    while (sockets.size() < sim.target) add_random(n, true);
  }
  // `queue_activity` of the sockets change, each at most once: some with a queue drain or get
  // a new value, idle ones get a queue. Drains balance new queues, and the feedback term pulls
  // the active count back to active_share, so it neither runs away nor dies out.
  void shuffle_queues(size_t n) {
    NamespaceSim& sim = sims[n];
    std::vector<Socket>& sockets = snap.namespaces[n].sockets;
    const uint32_t stamp = uint32_t(produced);
    const uint64_t changes = take(sim.activity_carry, spec.queue_activity * double(sockets.size()));
    const double active = double(sim.active.size()), goal = active_share * double(sockets.size());
    const double on_active = double(changes) / (1 + drain_chance) + 0.2 * (active - goal);
    const double limit = std::min(active, double(changes));
    const uint64_t picked = uint64_t(std::clamp(std::round(on_active), 0.0, limit));
    for (uint64_t k = 0; k < picked; ++k) {  // distinct: a partial Fisher-Yates shuffle
      std::swap(sim.active[k], sim.active[k + rng.below(sim.active.size() - k)]);
      SocketSide& side = sim.side[sim.active[k]];
      side.touched = stamp;
      if (rng.chance(drain_chance)) {
        drain_queue(sockets[sim.active[k]], side), side.active = false;
      } else {
        fill_queue(sockets[sim.active[k]], side);
      }
    }
    std::erase_if(sim.active, [&](uint32_t i) { return !sim.side[i].active; });
    for (uint64_t k = picked; k < changes; ++k) {
      for (int tries = 0; tries < 16; ++tries) {
        const uint32_t i = uint32_t(rng.below(sockets.size()));
        SocketSide& side = sim.side[i];
        if (side.kind == Kind::time_wait || side.active || side.touched == stamp) continue;
        fill_queue(sockets[i], side);
        side.active = true, side.touched = stamp, sim.active.push_back(i);
        break;
      }
    }
  }

  CounterRef add_table(std::string name, std::string_view fields, bool per_udp_socket) {
    CounterTable table;
    table.name = std::move(name);
    const double sockets = double(per_udp_socket ? udp4 + udp6 : established);
    while (!fields.empty()) {
      const std::string_view field = fields.substr(0, fields.find(' '));
      fields.remove_prefix(std::min(fields.size(), field.size() + 1));
      const size_t eq = field.find('=');
      double rate = 0;
      if (eq != field.npos) std::from_chars(field.data() + eq + 1, field.end(), rate);
      table.names.emplace_back(field.substr(0, eq));
      if (rate > 0) {  // running since boot at about the same pace
        rated.push_back({{snap.counters.size(), table.values.size()}, rate, per_udp_socket});
        table.values.push_back(int64_t(rate * sockets * double(uptime_ns / 1'000'000'000) * 0.4));
      } else {         // rare events: most never happened, some did a few times
        table.values.push_back(rng.chance(0.2) ? int64_t(rng.between(1, 40)) : 0);
      }
    }
    snap.counters.push_back(std::move(table));
    return {snap.counters.size() - 1, 0};
  }
  CounterRef find(CounterRef table, std::string_view name) const {
    const std::vector<std::string>& names = snap.counters[table.table].names;
    return {table.table, size_t(std::find(names.begin(), names.end(), name) - names.begin())};
  }
  int64_t& value(CounterRef at) { return snap.counters[at.table].values[at.index]; }
  void build_counters() {
    const CounterRef tcp_ext = add_table("TcpExt", tcp_ext_fields, false);
    const CounterRef tcp = add_table("Tcp", tcp_fields, false);
    add_table("Udp", udp_fields, true);
    value(find(tcp, "RtoAlgorithm")) = 1, value(find(tcp, "RtoMin")) = 200;
    value(find(tcp, "RtoMax")) = 120000, value(find(tcp, "MaxConn")) = -1;
    curr_estab = find(tcp, "CurrEstab"), tw_at = find(tcp_ext, "TW");
    active_opens_at = find(tcp, "ActiveOpens"), passive_opens_at = find(tcp, "PassiveOpens");
    overflows_at = find(tcp_ext, "ListenOverflows"), drops_at = find(tcp_ext, "ListenDrops");
    value(active_opens_at) = established * 900, value(passive_opens_at) = established * 1400;
    value(tw_at) = established * 1800;
    value(drops_at) = value(overflows_at) += 3;  // every overflow is also a drop
    sockstat = snap.counters.size();
    const std::pair<const char*, std::vector<std::string>> gauges[] = {
        {"sockstat.sockets", {"used"}},
        {"sockstat.TCP", {"inuse", "orphan", "tw", "alloc", "mem"}},
        {"sockstat.UDP", {"inuse", "mem"}},
        {"sockstat.UDPLITE", {"inuse"}},
        {"sockstat.RAW", {"inuse"}},
        {"sockstat.FRAG", {"inuse", "memory"}},
        {"sockstat6.TCP6", {"inuse"}},
        {"sockstat6.UDP6", {"inuse"}},
        {"sockstat6.UDPLITE6", {"inuse"}},
        {"sockstat6.RAW6", {"inuse"}},
        {"sockstat6.FRAG6", {"inuse", "memory"}},
        {"fs.file-nr", {"allocated", "unused", "max"}}};
    for (const auto& [name, names] : gauges)
      snap.counters.push_back({name, names, std::vector<int64_t>(names.size())});
    update_gauges();
  }
  void update_gauges() {
    int64_t tcp_bytes = 0, udp_bytes = 0;
    for (size_t n = 0; n < sims.size(); ++n) {
      for (uint32_t i : sims[n].active) {
        const Socket& s = snap.namespaces[n].sockets[i];
        const int64_t bytes = int64_t(s.recv_q) + (is_listener(s) ? 0 : s.send_q);
        if (s.protocol == Protocol::tcp) tcp_bytes += bytes;
        if (s.protocol == Protocol::udp) udp_bytes += bytes;
      }
    }
    auto pages = [](int64_t bytes, int64_t n) { return (bytes + 4095) / 4096 + n / 64; };
    const int64_t all = tcp4 + tcp6 + udp4 + udp6 + unixes;
    std::vector<CounterTable>& c = snap.counters;
    c[sockstat].values = {all + 212};  // netlink and other sockets nobody lists count too
    c[sockstat + 1].values = {tcp4, 0, time_waits, tcp4 + tcp6, pages(tcp_bytes, tcp4 + tcp6)};
    c[sockstat + 2].values = {udp4, pages(udp_bytes, udp4 + udp6)};
    c[sockstat + 6].values = {tcp6};
    c[sockstat + 7].values = {udp6};
    c[sockstat + 11].values = {all + 8640, 0, std::numeric_limits<int64_t>::max()};
  }
  // Monotone counters advance with the load and with this interval's events.
  void advance_counters(int64_t elapsed_ns) {
    const double seconds = double(elapsed_ns) / 1e9;
    for (const Rated& r : rated) {
      const double mean = r.rate * seconds * double(r.per_udp_socket ? udp4 + udp6 : established);
      value(r.at) += int64_t(mean * (0.5 + rng.uniform()) + rng.uniform());
    }
    value(active_opens_at) += active_opens, value(passive_opens_at) += passive_opens;
    value(tw_at) += new_time_waits;
    value(overflows_at) += overflows, value(drops_at) += overflows;
    value(curr_estab) = established;
    active_opens = passive_opens = new_time_waits = overflows = 0;
    update_gauges();
  }

  void advance() {
    const int64_t previous = int64_t(produced) - 1;  // index of the snapshot returned last
    int64_t steps = 1;
    for (; next_gap < gaps.size() && gaps[next_gap] <= previous; ++next_gap)
      if (gaps[next_gap] == previous) ++steps;
    const int64_t elapsed_ns = steps * spec.interval_ns;
    snap.wall_ns += elapsed_ns, snap.mono_ns += elapsed_ns;
    for (size_t n = 0; n < sims.size(); ++n) {
      churn(n, elapsed_ns / 1'000'000);
      shuffle_queues(n);
    }
    snap.capture_ns = capture_cost_ns();
    advance_counters(elapsed_ns);
  }
};

SyntheticHost::SyntheticHost(const SyntheticSpec& spec) : s_(std::make_unique<State>(spec)) {}
SyntheticHost::SyntheticHost(SyntheticHost&&) noexcept = default;
SyntheticHost& SyntheticHost::operator=(SyntheticHost&&) noexcept = default;
SyntheticHost::~SyntheticHost() = default;

FileHeader SyntheticHost::header() const {
  const SyntheticSpec& spec = s_->spec;
  FileHeader h;
  h.format_version = FORMAT_VERSION;
  h.recorder_version = std::string("netsnap-synth ") + NETSNAP_VERSION;
  h.host_name = "web-01", h.kernel_release = "6.1.0-28-amd64";
  h.boot_id = s_->boot_id, h.machine_id = s_->machine_id;
  h.time_zone = "Europe/Berlin", h.utc_offset_seconds = berlin_offset_seconds(spec.start_wall_ns);
  h.options.interval_ns = spec.interval_ns;
  h.options.owners = spec.owners, h.options.tcp_info = spec.tcp_info;
  h.options.requested_source = h.source = CaptureSource::synthetic;
  h.options.key_interval = WriterOptions{}.key_interval;
  h.settings = make_settings(), h.users = make_users();
  h.services_db = services_db, h.protocols_db = protocols_db;
  h.owners_complete = spec.owners;
  h.started_wall_ns = spec.start_wall_ns;
  return h;
}

const Snapshot& SyntheticHost::next() {
  if (s_->produced > 0) s_->advance();
  s_->snap.seq = ++s_->produced;
  return s_->snap;
}

uint64_t SyntheticHost::produced() const { return s_->produced; }

Status write_synthetic_recording(const std::string& path, const SyntheticSpec& spec,
                                 const WriterOptions& options) {
  SyntheticHost host(spec);
  FileHeader header = host.header();
  header.options.key_interval = options.key_interval;
  Result<RecordingWriter> writer = RecordingWriter::create(path, header, options);
  if (!writer) return writer.error();
  for (uint64_t i = 0; i < spec.snapshots; ++i) {
    if (Status written = writer->write(host.next()); !written) return written;
  }
  return writer->close();
}

}  // namespace netsnap::synth
