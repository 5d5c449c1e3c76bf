// The hand-made recording behind fixtures/table-sample.netsnap: six snapshots, ten seconds
// apart from 2026-03-01T12:00:00Z, of a small host in Europe/Berlin, chosen to exercise every
// row form of the table, the diff and the timeline:
//  * TCP in every common state (LISTEN with backlogs, ESTABLISHED, TIME_WAIT, CLOSE_WAIT,
//    FIN_WAIT1, a request socket), long IPv6 addresses (cut without -W), an IPv4-mapped peer,
//    UDP bound and connected, UDP-Lite, RAW, timers;
//  * UNIX listeners, connections, a queued connection (inode 0), an abstract name with an
//    escape sequence, a path with a space, and a path holding a newline and a forged row;
//  * owners: a program whose argv[0] holds a terminal escape, one longer than the -p column,
//    setproctitle-style names, a uid the host had no name for, a user added mid-way whose
//    name holds an escape;
//  * the host's own services database (with a long service name and an escaped one);
//  * a second network namespace that appears in snapshot 3 and is gone in snapshot 5.
// Snapshots 0 and 3 are key snapshots (key interval 3), the others deltas.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "netsnap/model.h"

namespace netsnap::table_sample {

inline constexpr int snapshot_count = 6;
inline constexpr int64_t first_wall_ns = 1'772'366'400'000'000'000;  // 2026-03-01T12:00:00Z
inline constexpr int64_t interval_ns = 10'000'000'000;
inline constexpr uint32_t key_interval = 3;

FileHeader header();
// Snapshot i (0-based), sockets in the order the writer stores them.
Snapshot snapshot(int index);

// The committed fixture's path.
std::string fixture_path();

}  // namespace netsnap::table_sample
