#include "detectors/syn_queue_overflow.h"

#include <algorithm>

namespace netsnap::analysis::detectors {
namespace {

constexpr std::string_view kind = "syn_queue_overflow";
constexpr size_t max_prefixes = 4096;

IpKey prefix_of(const IpKey& ip) {
  IpKey prefix = ip;
  std::fill(prefix.bytes.begin() + (ip.v4 ? 3 : 6), prefix.bytes.end(), 0);
  return prefix;
}

}  // namespace

void SynQueueOverflow::reset() {
  syn_recv_.reset();
  recounting_ = true;
}

void SynQueueOverflow::added(const FeedContext&, uint64_t netns, const Socket& socket) {
  if (!is_syn_recv(socket)) return;
  const PortKey port{netns, socket.local.port};
  syn_recv_.apply(port, +1);
  if (recounting_) return;  // seen before the recount
  auto& prefixes = ports_[port].prefixes;
  const IpKey prefix = prefix_of(ip_key(socket.remote, socket.family));
  if (prefixes.size() < max_prefixes || prefixes.contains(prefix)) ++prefixes[prefix];
}

void SynQueueOverflow::removed(const FeedContext&, uint64_t netns, const Socket& socket) {
  if (is_syn_recv(socket)) syn_recv_.apply({netns, socket.local.port}, -1);
}

// Shares an interval's increase among the ports with SYN_RECV sockets, by how many they had.
void SynQueueOverflow::attribute(const FeedContext& context, int64_t amount, bool drops) {
  if (amount <= 0) return;
  std::vector<PortKey> ports = nonzero_before_;
  for (const PortKey& p : nonzero_)
    if (std::find(ports.begin(), ports.end(), p) == ports.end()) ports.push_back(p);
  const double window = options_.overflow_rate_window_s;
  const uint64_t ordinal = context.moment.ordinal;
  const int64_t wall = context.moment.wall_ns;
  // A port that emptied during the interval still takes a share (weight 1).
  const auto weight = [&](const PortKey& p) {
    const auto* slot = syn_recv_.find(p);
    return slot ? std::max(1.0, static_cast<double>(slot->value)) : 1.0;
  };
  double weights = 0;
  for (const PortKey& p : ports) weights += weight(p);
  if (ports.empty()) {
    (drops ? host_.drops : host_.cookies).add(static_cast<double>(amount), ordinal, wall, window);
    return;
  }
  for (const PortKey& p : ports) {
    PortData& data = ports_[p];
    (drops ? data.drops : data.cookies).add(static_cast<double>(amount) * weight(p) / weights, ordinal, wall, window);
  }
}

void SynQueueOverflow::end_snapshot(const FeedContext& context) {
  recounting_ = false;
  nonzero_before_ = nonzero_;
  syn_recv_.commit(context.moment, [&](const PortKey& port, KeyedCounts<PortKey>::Slot& slot) {
    if (slot.value > 0 && slot.committed <= 0) nonzero_.push_back(port);
    if (slot.value <= 0 && slot.committed > 0) std::erase(nonzero_, port);
  });
  const auto drops = context.counters.delta(Counter::req_q_full_drop);
  // SyncookiesSent counts every cookie, TCPReqQFullDoCookies the queue-full ones: take the
  // larger, they overlap.
  const auto sent = context.counters.delta(Counter::syncookies_sent);
  const auto full = context.counters.delta(Counter::req_q_full_do_cookies);
  attribute(context, drops.value_or(0), true);
  attribute(context, std::max(sent.value_or(0), full.value_or(0)), false);
}

void SynQueueOverflow::finish(const FinishContext& context, const AcceptQueueOverflow& listeners) {
  if (!context.counters.seen(Counter::req_q_full_drop) && !context.counters.seen(Counter::syncookies_sent))
    context.not_judged(kind, "no TcpExt TCPReqQFullDrop/SyncookiesSent counters in the window "
                             "(recorded without counters?): SYN queue overflows are not judged");
  for (const auto& [port, data] : ports_)
    if (data.drops.total > 0 || data.cookies.total > 0) emit(context, &port, data, listeners);
  if (host_.drops.total > 0 || host_.cookies.total > 0) emit(context, nullptr, host_, listeners);
}

void SynQueueOverflow::emit(const FinishContext& context, const PortKey* port, const PortData& data,
                            const AcceptQueueOverflow& listeners) const {
  Finding f;
  f.kind = kind;
  f.severity = data.drops.total > 0 ? Severity::critical : Severity::warning;
  const AttributedCounter& main = data.drops.total > 0 ? data.drops : data.cookies;
  const auto* slot = port ? syn_recv_.find(*port) : nullptr;
  std::string where = "the host";
  if (port) {
    const auto listener = listeners.listener_on(*port);
    if (listener) {
      f.subject = listener_subject(listener->key, context.feed);
      if (listener->pid > 0) f.subject.pid = listener->pid;
      if (!listener->program.empty()) f.subject.program = listener->program;
    } else {
      f.subject.local_port = port->port;
      set_netns(f.subject, port->netns, context.feed);
    }
    where = "port " + std::to_string(port->port);
  }
  uint64_t first = main.first, last = main.last;
  if (data.drops.intervals && data.cookies.intervals)
    first = std::min(data.drops.first, data.cookies.first), last = std::max(data.drops.last, data.cookies.last);
  if (slot) {
    fill_timing(f, context, slot->series.expand(context.clock), slot->peak, slot->peak_ordinal, first, last);
  } else {
    f.first_seen_ns = context.wall_at(first), f.last_seen_ns = context.wall_at(last);
    f.peak_value = static_cast<double>(0), f.peak_at_ns = f.first_seen_ns;
  }
  f.onset_ns = context.wall_at(first);
  f.peak_unit = "SYN_RECV sockets";
  f.thresholds = {int_field("drops_critical_above", 0), int_field("cookies_warning_above", 0)};
  f.facts = {number_field("req_q_full_drops", data.drops.total), number_field("syn_cookies", data.cookies.total),
             int_field("syn_recv_peak", slot ? slot->peak : 0)};
  if (data.drops.intervals)
    f.evidence.push_back({"counter", {text_field("name", "TcpExt TCPReqQFullDrop (attributed)"),
                                      number_field("delta", data.drops.total),
                                      time_field("first", context.wall_at(data.drops.first)),
                                      time_field("last", context.wall_at(data.drops.last))}});
  if (data.cookies.intervals)
    f.evidence.push_back({"counter", {text_field("name", "TcpExt SyncookiesSent / TCPReqQFullDoCookies (attributed)"),
                                      number_field("delta", data.cookies.total),
                                      time_field("first", context.wall_at(data.cookies.first)),
                                      time_field("last", context.wall_at(data.cookies.last))}});
  std::vector<std::pair<IpKey, uint32_t>> prefixes(data.prefixes.begin(), data.prefixes.end());
  std::sort(prefixes.begin(), prefixes.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  for (size_t i = 0; i < prefixes.size() && i < options_.top_n; ++i)
    f.evidence.push_back({"remote_network", {text_field("network", network_prefix_text(prefixes[i].first)),
                                             int_field("syn_recv_seen", prefixes[i].second)}});
  f.series_name = "SYN_RECV sockets on " + where;
  f.summary = data.drops.total > 0
                  ? "The SYN queue of " + where + " overflowed: " + format_number(data.drops.total) + " SYNs dropped"
                  : "The SYN queue of " + where + " filled up: " + format_number(data.cookies.total) + " SYN cookies sent";
  if (slot) f.summary += " (up to " + format_number(static_cast<double>(slot->peak)) + " half-open connections)";
  f.likely_cause = "More connection attempts than the listener's SYN queue holds (a SYN flood, "
                   "or clients whose final ACK never arrives), or a small backlog.";
  f.next_check = "Look at the remote networks below; check net.ipv4.tcp_max_syn_backlog, the "
                 "listen() backlog, net.ipv4.tcp_syncookies=1, and SYN retransmits on clients.";
  context.findings.push_back(std::move(f));
}

}  // namespace netsnap::analysis::detectors
