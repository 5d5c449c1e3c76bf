// The columns of one socket in the machine-readable forms of `table` and `diff` (csv, json):
// every column netstat can show, whatever -e/-p/-o say, split into typed fields (address and
// port apart, numbers as numbers). Declared once here; field_writers.h writes any format.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "field_writers.h"
#include "netsnap/model.h"
#include "netstat_table.h"
#include "socket_owner.h"

namespace netsnap::analysis {

// Field names, in order:
//   netns netns_name proto recv_q send_q local_address local_port remote_address remote_port state
//   uid user inode cookie pid program timer timer_ms retransmits probes unix_type unix_flags
//   ref_count path
// proto and state are the words of netstat's columns ("tcp6", "udpl", "unix"; "LISTEN",
// "LISTENING", "" for an unconnected UDP or UNIX socket); addresses are numeric (an
// IPv4-mapped address as IPv4, as netstat shows it). Fields that do not apply to a socket (a
// UNIX socket's ports, an inet socket's path, the pid of a socket without a known owner, the
// user of a uid the recorded host had no name for) are null. timer is "off", "on",
// "keepalive", "timewait", "probe" or "unknown-N"; path is the UNIX name as netstat prints it
// (abstract names start with '@'; in CSV "'@", see field_writers.h on formula prefixes).
// netns is the network namespace's inode, netns_name its label (null when it has none).
const std::vector<FieldSpec>& socket_field_specs();

// Fills fields [first, first + socket_field_specs().size()) of `values`.
void fill_socket_fields(const Socket& socket, uint64_t netns, std::string_view netns_name,
                        const ProcessIndex& processes, const UidNames& users, size_t first,
                        FieldValues& values);

// The same list with a leading "time" field, for CSV rows (one row per socket per snapshot).
std::vector<FieldSpec> timed_socket_field_specs();

}  // namespace netsnap::analysis
