// The `table` view: prints a snapshot exactly as net-tools' netstat 2.10 would have printed it
// on the recorded host at that instant, with the given flags (netstat_options.h), byte for
// byte: titles, headers with their trailing spaces, row formats and padding, address cutting,
// row selection by -l/-a, and the -e/-p/-o columns. Facts: /work/shared/notes/netstat-compat.md.
//
// Where the output deliberately or necessarily differs from netstat:
//  * Listen backlog: a LISTEN socket's Send-Q shows the socket's recorded send_q, which netlink
//    fills with the listen backlog (netstat's own manual says Send-Q of a listener is the
//    backlog; /proc, and so netstat, shows 0). A recording taken from /proc shows 0 like netstat.
//  * Order: netstat prints each /proc/net file (tcp, tcp6, udp, udp6, udplite, udplite6, raw,
//    raw6, unix) in the kernel's hash-table order, which a recording cannot know. Rows follow
//    that file order by group and, within a group, the order the snapshot stores the sockets.
//  * Namespaces: netstat shows one network namespace. A snapshot holding several is printed as
//    one table: each group lists the sockets of every namespace, namespace by namespace.
//  * Names: port names come from the services/protocols contents the caller passes (see
//    service_names.h). Host addresses stay numeric even without -n unless the caller passes a
//    HostNames (--resolve): netstat would ask the resolver, which on the analyst's machine can
//    give wrong answers. The wildcard prints as netstat prints it: "0.0.0.0" for IPv4 and,
//    without -n, "[::]" for IPv6 ("::" with -n).
//  * Untrusted text: UNIX paths, program names and user names are escaped (text_escape.h), so a
//    recorded newline or terminal escape shows as \n or \x1b instead of breaking the table. A
//    UNIX path is printed whole (netstat stops at its first space).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "netsnap/model.h"
#include "host_names.h"
#include "netstat_options.h"
#include "service_names.h"
#include "socket_owner.h"

namespace netsnap {

// uid -> user name, resolved on the recorded host (FileHeader::users plus every
// Snapshot::users_added up to the snapshot shown).
using UidNames = std::unordered_map<uint32_t, std::string>;

// Adds (or updates) names from a recording's user list. An empty name means "looked up on the
// recorded host, no such user": netstat prints the number then, and so does the table.
void add_uid_names(UidNames& names, const std::vector<UserName>& users);

// What the recorded host knew that netstat would have looked up there.
struct NetstatLookups {
  const ServiceNames* services = nullptr;  // null: every port shows as a number
  const UidNames* users = nullptr;         // null: every user shows as a uid
  // sysconf(_SC_CLK_TCK) of the recorded host (FileHeader::clock_ticks_per_second): netstat
  // reads timers from /proc in these ticks, so -o seconds are rounded down to whole ticks.
  uint32_t clock_ticks_per_second = 100;
  // --resolve: host names from the analyst's resolver (host_names.h); null keeps addresses
  // numeric, as they are by default.
  HostNames* hosts = nullptr;
};

// The two sections of netstat's output.
enum class NetstatSection : uint8_t { inet, unix_sockets };

// The Proto column: "tcp", "tcp6", "udp", "udp6", "udpl", "udpl6", "raw", "raw6", or "unix";
// empty for a socket netstat has no section for.
std::string_view netstat_proto_name(const Socket& socket);
std::string_view netstat_proto_name(Protocol protocol, uint8_t family);

// The sockets of `section` that netstat would print with `options` (their kind selected, and
// -l/-a), in the table's order, as pointers into `snapshot`. `rows` is cleared first and may be
// reused across snapshots. `only`: the rows of that namespace of `snapshot` alone (the table's
// section of one namespace).
void collect_netstat_rows(const Snapshot& snapshot, const NetstatOptions& options,
                          NetstatSection section, std::vector<const Socket*>& rows,
                          const Namespace* only = nullptr);

// The namespace holding `socket`, a pointer into `snapshot` (such as a row of
// collect_netstat_rows); null when it points elsewhere.
const Namespace* namespace_of(const Snapshot& snapshot, const Socket* socket);

// Renders single rows and section headings, for views that choose their own rows (filters,
// diff). Keeps references to `options` and `lookups`, and pointers into `snapshot`'s process
// table (used by -p): all three must outlive it.
class NetstatRowFormatter {
 public:
  NetstatRowFormatter(const Snapshot& snapshot, const NetstatOptions& options,
                      const NetstatLookups& lookups);

  // Which sections these flags print.
  const NetstatSections& sections() const { return sections_; }
  // The section's title and column header lines.
  void append_heading(NetstatSection section, std::string& out) const;
  // One row, newline included.
  void append_row(const Socket& socket, std::string& out);

 private:
  void append_inet_row(const Socket& socket, std::string& out);
  void append_unix_row(const Socket& socket, std::string& out);
  void append_address(std::string& text, const Endpoint& endpoint, uint8_t family, uint16_t port,
                      ServiceProtocol names) const;
  void append_inet_tail(const Socket& socket, std::string& out);
  void append_timer(const Socket& socket, std::string& out) const;
  void append_program(const Socket& socket, std::string& out);
  const std::string* user_name(uint32_t uid) const;
  std::string_view host_name(const Endpoint& endpoint, uint8_t family) const;

  const NetstatOptions& options_;
  const NetstatSections sections_;
  const NetstatLookups& lookups_;
  ProcessIndex processes_;
  // Reused per row, so that a table of any size costs a handful of allocations.
  std::string local_text_, remote_text_, scratch_;
};

// Appends netstat's output for `snapshot` to `out` (which the caller may reuse across
// snapshots: clear it, and its capacity is kept).
void render_netstat_table(const Snapshot& snapshot, const NetstatOptions& options,
                          const NetstatLookups& lookups, std::string& out);

// Convenience for tests and one-off use.
std::string netstat_table(const Snapshot& snapshot, const NetstatOptions& options,
                          const NetstatLookups& lookups = {});

}  // namespace netsnap
