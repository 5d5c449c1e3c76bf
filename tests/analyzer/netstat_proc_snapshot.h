// TEST ONLY: builds a model Snapshot from /proc the way netstat itself reads it, so that the
// live tests can render "what netstat saw" and compare with netstat's own output. This is not
// the recorder's capture (which is written elsewhere, from netlink): it is a deliberately small
// reader of the same text files netstat parses, with netstat's own sscanf formats.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "netsnap/model.h"

namespace netsnap::netstat_test {

// One /proc/net/{tcp,tcp6,udp,udp6,udplite,udplite6,raw,raw6} file's contents. Timer ticks are
// turned into milliseconds with `ticks_per_second`.
std::vector<Socket> parse_proc_net_inet(std::string_view contents, Protocol protocol,
                                        uint8_t family, uint32_t ticks_per_second);

// /proc/net/unix contents. A path starting with '@' is taken as an abstract name.
std::vector<Socket> parse_proc_net_unix(std::string_view contents);

// Every socket of the calling process's network namespace, in netstat's file order, with
// owners and their processes found through /proc/PID/fd the way netstat -p finds them.
Snapshot snapshot_from_proc();

std::string read_file(const std::string& path);

}  // namespace netsnap::netstat_test
