#include "report_state_timeline.h"

#include <algorithm>
#include <climits>

#include "socket_text.h"

namespace netsnap::analysis {
namespace {

// Column order: the states as netstat lists them (timeline --by state does the same), then
// the queued bytes.
constexpr uint8_t state_columns[] = {
    tcp_state::listen,    tcp_state::established, tcp_state::syn_sent,  tcp_state::syn_recv,
    tcp_state::fin_wait1, tcp_state::fin_wait2,   tcp_state::time_wait, tcp_state::close_wait,
    tcp_state::last_ack,  tcp_state::closing};
constexpr size_t state_count = sizeof state_columns;
constexpr size_t recv_q_column = state_count, send_q_column = state_count + 1;
constexpr size_t no_column = SIZE_MAX;

size_t column_of_state(uint8_t state) {
  // A request socket (NEW_SYN_RECV) is what netstat shows as SYN_RECV.
  if (state == tcp_state::new_syn_recv) state = tcp_state::syn_recv;
  for (size_t c = 0; c < state_count; ++c) {
    if (state_columns[c] == state) return c;
  }
  return no_column;  // CLOSE and unknown states are not columns
}

int64_t floor_to(int64_t wall_ns, int64_t step) {
  const int64_t q = wall_ns / step;
  return (wall_ns % step < 0 ? q - 1 : q) * step;
}

}  // namespace

StateTimelineListener::StateTimelineListener(int64_t bucket_ns, ProgressMeter* progress)
    : counts_(state_count + 2, 0), progress_(progress) {
  timeline_.bucket_ns = bucket_ns;
  for (const uint8_t state : state_columns) timeline_.columns.emplace_back(tcp_state_name(state));
  timeline_.columns.emplace_back("Recv-Q");
  timeline_.columns.emplace_back("Send-Q");
}

void StateTimelineListener::apply(const Socket& socket, int64_t sign) {
  const size_t column = column_of_state(socket.state);
  if (column != no_column) counts_[column] += sign;
  // A listener's queues count connections (and its backlog), not bytes.
  if (socket.state != tcp_state::listen) {
    counts_[recv_q_column] += sign * int64_t{socket.recv_q};
    counts_[send_q_column] += sign * int64_t{socket.send_q};
  }
}

void StateTimelineListener::begin_snapshot(const detectors::FeedContext&, bool) {}

void StateTimelineListener::reset(const detectors::FeedContext&) {
  std::fill(counts_.begin(), counts_.end(), 0);
}

void StateTimelineListener::added(const detectors::FeedContext&, uint64_t, const Socket& socket) {
  apply(socket, 1);
}

void StateTimelineListener::removed(const detectors::FeedContext&, uint64_t, const Socket& socket) {
  apply(socket, -1);
}

void StateTimelineListener::changed(const detectors::FeedContext&, uint64_t, const Socket& before,
                                    const Socket& after) {
  apply(before, -1);
  apply(after, 1);
}

void StateTimelineListener::end_snapshot(const detectors::FeedContext& context) {
  if (progress_) progress_->advance();
  const int64_t wall_ns = context.snapshot.wall_ns;
  const int64_t bucket_ns = timeline_.bucket_ns;
  const int64_t time = bucket_ns > 0 ? floor_to(wall_ns, bucket_ns) : wall_ns;
  const size_t width = counts_.size();
  if (!open_row_ || bucket_ns == 0 || time != open_bucket_) {
    timeline_.times.push_back(time);
    timeline_.values.resize(timeline_.values.size() + width, INT64_MIN);
    open_row_ = true;
    open_bucket_ = time;
  }
  int64_t* row = timeline_.values.data() + timeline_.values.size() - width;
  for (size_t c = 0; c < width; ++c) row[c] = std::max(row[c], counts_[c]);
}

}  // namespace netsnap::analysis
