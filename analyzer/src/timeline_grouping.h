// The columns of `timeline`, and which column each socket counts in (--by):
//   state       LISTEN ESTABLISHED SYN_SENT SYN_RECV FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE_WAIT
//               LAST_ACK CLOSING (TCP sockets by state), UDP and UNIX (totals), Recv-Q and
//               Send-Q (total bytes queued in TCP, UDP and RAW sockets; listeners excluded,
//               their queues count connections, not bytes)
//   proto       tcp tcp6 udp udp6 udpl udpl6 raw raw6 unix (netstat's Proto column)
//   local-port  "22/tcp", "53/udp": TCP, UDP and RAW sockets by local port and protocol
//   remote      connected TCP, UDP and RAW sockets by remote address
//   program     every socket by its netstat owner's command name (comm, as ss and top show
//               it; argv[0]'s basename when comm was not recorded; "-" for no owner)
//   netns       every socket by its network namespace: "blue (inode 4026532999)", or
//               "inode 4026531840" for a namespace without a label
//   netns-state the columns of --by state (without the byte totals) per namespace:
//               "blue (inode 4026532999) CLOSE_WAIT": which container's CLOSE_WAIT rises
// The last four have one column per value met; the view keeps the largest (--top) and sums
// the rest into "other".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "netsnap/model.h"
#include "netsnap/result.h"
#include "netsnap/socket_summary.h"

namespace netsnap::analysis {

enum class TimelineGroupBy : uint8_t { state, proto, local_port, remote, program, netns, netns_state };

Result<TimelineGroupBy> parse_group_by(std::string_view name);

// pid -> program name (comm, else argv[0]'s basename), for one process table (by pid).
class ProgramNames {
 public:
  void rebuild(const std::vector<Process>& processes);
  // The name for the socket's netstat owner, or "-" when it has none.
  std::string_view name_of(const Socket& socket) const;
  bool operator==(const ProgramNames&) const = default;

 private:
  std::vector<std::pair<int32_t, std::string>> by_pid_;
};

class TimelineGrouping {
 public:
  static constexpr uint32_t no_column = UINT32_MAX;

  explicit TimelineGrouping(TimelineGroupBy by);

  TimelineGroupBy by() const { return by_; }
  bool uses_programs() const { return by_ == TimelineGroupBy::program; }
  // One column per value met (local-port, remote, program), rather than a fixed list.
  bool is_open_ended() const;

  // The namespace the sockets counted next belong to (--by netns); `ns` must stay valid until
  // the next call. Counters call it before each namespace's sockets.
  void enter_namespace(const Namespace& ns) { namespace_ = &ns; }

  // The column `socket` counts in (no_column: none). Open-ended groupings give each new value
  // the next column id, or, after keep_columns(), its output column.
  uint32_t column_of(const Socket& socket, const ProgramNames& programs);
  // The same for a grouping whose columns are fixed (state, proto), which a summary tells.
  uint32_t column_of(const SocketSummary& socket) const;

  // Byte totals: the columns receiving a socket's queued bytes, or no_column (by state only).
  uint32_t recv_q_column() const { return recv_q_column_; }
  uint32_t send_q_column() const { return send_q_column_; }
  static bool counts_queue_bytes(const Socket& socket) {
    return counts_queue_bytes(summarize(socket));
  }
  static bool counts_queue_bytes(const SocketSummary& socket);

  // Column names by column id (the output columns after keep_columns()).
  const std::vector<std::string>& column_names() const { return names_; }

  // For open-ended groupings: keeps the `top` columns with the highest `peaks` (by column id;
  // 0 keeps all) in that order, and maps every other value to a last column "other".
  void keep_columns(const std::vector<int64_t>& peaks, size_t top);

 private:
  // The column of an open-ended value `key`; `name(std::string&)` writes its column name
  // the first time the value is met.
  template <class Name>
  uint32_t column_for_key(const std::string& key, Name&& name);

  TimelineGroupBy by_;
  std::vector<std::string> names_;
  uint32_t recv_q_column_ = no_column, send_q_column_ = no_column;
  std::unordered_map<std::string, uint32_t> ids_;  // open-ended: value's key bytes -> id
  std::vector<uint32_t> output_of_id_;             // set by keep_columns
  bool kept_ = false;
  std::string key_;  // reused
  const Namespace* namespace_ = nullptr;
};

}  // namespace netsnap::analysis
