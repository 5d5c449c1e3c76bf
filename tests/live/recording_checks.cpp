#include "recording_checks.h"

#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>

namespace netsnap::live {
namespace {

std::string trimmed_file(const std::string& path) {
  std::string text = read_file(path);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

bool is_inet(const Socket& s) { return s.protocol != Protocol::unix_; }

bool same_endpoint(const Endpoint& a, const Endpoint& b) {
  return a.address == b.address && a.port == b.port;
}

std::string all_sockets(const Snapshot& snapshot) {
  std::string text;
  for (const Namespace& ns : snapshot.namespaces) {
    for (const Socket& s : ns.sockets) text += "    " + describe(s) + "\n";
  }
  return text;
}

std::string user_name(uint32_t uid) {
  const passwd* entry = ::getpwuid(uid);
  return entry ? entry->pw_name : "";
}

void check_socket(const Socket& got, const ExpectedSocket& want, const NamespaceOwner& owner,
                  const RecordingExpectations& expect) {
  const Socket& w = want.fields;
  const bool netlink = expect.source == CaptureSource::netlink;
  SCOPED_TRACE("socket " + want.role + ": recorded " + describe(got));
  EXPECT_EQ(got.family, w.family);
  EXPECT_EQ(got.protocol, w.protocol);
  EXPECT_EQ(int(got.state), int(w.state));
  EXPECT_EQ(got.inode, w.inode);
  if (got.family != AF_UNIX) {
    EXPECT_EQ(got.local.address, w.local.address);
    EXPECT_EQ(got.local.port, w.local.port);
    EXPECT_EQ(got.remote.address, w.remote.address);
    EXPECT_EQ(got.remote.port, w.remote.port);
    EXPECT_EQ(got.uid, w.uid);  // /proc/net/{tcp,udp,raw} have the uid too
  } else {
    EXPECT_EQ(got.unix_path, w.unix_path);  // raw bytes: the abstract NUL, the space
    EXPECT_EQ(int(got.unix_type), int(w.unix_type));
    EXPECT_EQ(got.unix_flags, w.unix_flags);
    EXPECT_GT(got.ref_count, 0u) << "RefCount comes from /proc/net/unix in both sources";
    if (netlink) {
      EXPECT_EQ(got.uid, w.uid);                // unix_diag's UDIAG_SHOW_UID
      EXPECT_EQ(got.peer_inode, w.peer_inode);  // /proc/net/unix has no peer
    }
  }
  EXPECT_EQ(got.raw_protocol, w.raw_protocol);
  // The cookie is netlink's alone. RAW sockets come from /proc where the kernel has no
  // raw_diag (the capture says so in the first snapshot's errors), and UNIX sockets without
  // an inode from /proc/net/unix always (unix_diag skips them).
  const bool from_proc = !netlink || (got.protocol == Protocol::raw && expect.raw_from_proc) ||
                         (got.protocol == Protocol::unix_ && w.inode == 0);
  if (from_proc) {
    EXPECT_EQ(got.cookie, 0u) << "a cookie from /proc?";
  } else if (want.owned) {
    EXPECT_EQ(got.cookie, w.cookie);
  } else {
    EXPECT_NE(got.cookie, 0u) << "netlink has a cookie for every socket";
  }

  // Queues: /proc has none for UNIX sockets and prints a listener's Send-Q (backlog) as 0.
  const bool queues_known = netlink || got.family != AF_UNIX;
  if (want.check_recv_q && queues_known) {
    EXPECT_EQ(got.recv_q, w.recv_q) << "Recv-Q";
  }
  if (want.check_send_q && queues_known) {
    const bool proc_listener = !netlink && w.state == tcp_state::listen;
    EXPECT_EQ(got.send_q, proc_listener ? 0u : w.send_q) << "Send-Q";
  }
  if (want.recv_q_nonzero) {
    EXPECT_GT(got.recv_q, 0u) << "Recv-Q";
  }
  if (want.send_q_nonzero) {
    EXPECT_GT(got.send_q, 0u) << "Send-Q";
  }

  const bool connected_tcp = got.protocol == Protocol::tcp && want.owned &&
                             (w.state == tcp_state::established ||
                              w.state == tcp_state::close_wait || w.state == tcp_state::fin_wait2);
  if (connected_tcp) {
    EXPECT_EQ(got.has_tcp_info, netlink) << "tcp_info only from netlink";
  }
  if (netlink && want.role == "tcp4-server") {
    EXPECT_EQ(got.tcp_info.bytes_received, 100u);
  }
  if (netlink && want.role == "tcp4-client") {
    EXPECT_GE(got.tcp_info.bytes_acked, 100u);
  }

  if (!expect.owners || !want.owned) {
    EXPECT_TRUE(got.owners.empty()) << "owners of " << want.role;
  } else {
    EXPECT_EQ(got.owners, std::vector<int32_t>{owner.pid()}) << "owners of " << want.role;
  }
}

void check_owner_process(const Snapshot& snapshot, const NamespaceOwner& owner,
                         const RecordingExpectations& expect) {
  const auto process = std::find_if(snapshot.processes.begin(), snapshot.processes.end(),
                                    [&](const Process& p) { return p.pid == owner.pid(); });
  if (!expect.owners) {
    EXPECT_EQ(process, snapshot.processes.end()) << "an unreadable owner must not be listed";
    return;
  }
  ASSERT_NE(process, snapshot.processes.end()) << "owner pid " << owner.pid() << " not listed";
  EXPECT_EQ(process->comm, kOwnerComm);
  EXPECT_EQ(process->argv0, kOwnerArgv0);
  EXPECT_EQ(process->cmdline, kOwnerCmdline);
  EXPECT_EQ(process->uid, 0u);
  EXPECT_EQ(process->fd_count, owner.fd_count());
  EXPECT_EQ(process->nofile_soft, kOwnerNofileSoft);
  EXPECT_EQ(process->nofile_hard, kOwnerNofileHard);
  // Every owner pid of a socket has its process entry.
  std::set<int32_t> listed;
  for (const Process& p : snapshot.processes) listed.insert(p.pid);
  for (const Namespace& ns : snapshot.namespaces) {
    for (const Socket& s : ns.sockets) {
      for (int32_t pid : s.owners) EXPECT_TRUE(listed.count(pid)) << "pid " << pid << " unlisted";
    }
  }
}

void check_counters(const Snapshot& snapshot, const NamespaceOwner& owner) {
  for (const char* table : {"TcpExt", "IpExt", "Tcp", "Udp", "sockstat.TCP", "fs.file-nr"}) {
    EXPECT_NE(counter_table(snapshot, table), nullptr) << "counter table " << table;
  }
  // The namespace is fresh: its counters count our sockets and nothing else, which also
  // proves they were read in the recorded namespace and not in the recorder's.
  EXPECT_EQ(counter(snapshot, "Tcp", "ActiveOpens"), owner.sockets().tcp_active_opens);
  int64_t established = 0, time_wait = 0;
  for (const Socket& s : snapshot.namespaces.at(0).sockets) {
    if (s.protocol != Protocol::tcp) continue;
    established += s.state == tcp_state::established || s.state == tcp_state::close_wait;
    time_wait += s.state == tcp_state::time_wait;
  }
  EXPECT_EQ(counter(snapshot, "Tcp", "CurrEstab"), established);
  EXPECT_EQ(counter(snapshot, "sockstat.TCP", "tw"), time_wait);
  if (owner.find("tcp4-full-listen")) {
    EXPECT_GE(counter(snapshot, "TcpExt", "ListenOverflows").value_or(0), 1);
  }
}

}  // namespace

// The checks, once the capture errors have said where RAW sockets came from.
void check_recording(const Recording& recording, const NamespaceOwner& owner,
                     const RecordingExpectations& expect);

const Socket* find_recorded(const Snapshot& snapshot, const ExpectedSocket& expected) {
  if (snapshot.namespaces.size() != 1) return nullptr;
  const Socket& w = expected.fields;
  for (const Socket& s : snapshot.namespaces[0].sockets) {
    if (s.protocol != w.protocol) continue;
    if (w.inode != 0) {
      if (s.inode == w.inode) return &s;
      continue;
    }
    // No inode (TIME_WAIT, request socket, not accepted yet): the addresses say which.
    if (s.inode != 0 || s.family != w.family) continue;
    if (w.family == AF_UNIX) {
      if (s.unix_path == w.unix_path && s.unix_type == w.unix_type) return &s;
    } else if (same_endpoint(s.local, w.local) && same_endpoint(s.remote, w.remote)) {
      return &s;
    }
  }
  return nullptr;
}

void check_host_identity(const FileHeader& header) {
  utsname names{};
  ASSERT_EQ(::uname(&names), 0);
  EXPECT_EQ(header.host_name, names.nodename);
  EXPECT_EQ(header.kernel_release, names.release);
  EXPECT_EQ(header.boot_id, trimmed_file("/proc/sys/kernel/random/boot_id"));
  if (::access("/etc/machine-id", R_OK) == 0) {
    EXPECT_EQ(header.machine_id, trimmed_file("/etc/machine-id"));
  }
  EXPECT_EQ(header.clock_ticks_per_second, static_cast<uint32_t>(::sysconf(_SC_CLK_TCK)));
  EXPECT_EQ(header.format_version, FORMAT_VERSION);
  EXPECT_FALSE(header.recorder_version.empty());
}

void check_owner_recording(const Recording& recording, const NamespaceOwner& owner,
                           const RecordingExpectations& expect) {
  ASSERT_TRUE(recording.ok) << recording.error;
  EXPECT_TRUE(recording.damage.empty());
  ASSERT_FALSE(recording.snapshots.empty());
  RecordingExpectations with_raw = expect;
  for (const CaptureError& e : recording.snapshots.front().errors) {
    if (e.source.starts_with("netlink raw")) with_raw.raw_from_proc = true;
  }
  check_recording(recording, owner, with_raw);
}

void check_recording(const Recording& recording, const NamespaceOwner& owner,
                     const RecordingExpectations& expect) {
  const FileHeader& header = recording.header;
  check_host_identity(header);
  EXPECT_EQ(header.source, expect.source);
  EXPECT_EQ(header.options.requested_source, expect.requested);
  EXPECT_EQ(header.options.netns, expect.netns_option);
  EXPECT_EQ(header.options.interval_ns, expect.interval_ns);
  EXPECT_EQ(header.owners_complete, expect.owners);
  const Setting* range = header_setting(header, kPortRangeSetting);
  ASSERT_NE(range, nullptr) << "settings lack " << kPortRangeSetting;
  EXPECT_EQ(range->value, kPortRangeValue) << "settings must be the recorded namespace's";

  std::map<uint32_t, std::string> users;
  for (const UserName& u : header.users) users[u.uid] = u.name;
  for (size_t index = 0; index < recording.snapshots.size(); ++index) {
    const Snapshot& snapshot = recording.snapshots[index];
    SCOPED_TRACE("snapshot seq " + std::to_string(snapshot.seq));
    EXPECT_EQ(snapshot.seq, index + 1);
    EXPECT_EQ(snapshot.source, expect.source);
    for (const UserName& u : snapshot.users_added) users[u.uid] = u.name;
    ASSERT_EQ(snapshot.namespaces.size(), 1u);
    const Namespace& ns = snapshot.namespaces[0];
    EXPECT_EQ(ns.inode, owner.netns_inode()) << "the namespace recorded is the owner's";
    EXPECT_EQ(ns.name, "");  // a path, not an ip-netns name

    std::set<const Socket*> matched;
    for (const ExpectedSocket& want : owner.sockets().expected) {
      const Socket* got = find_recorded(snapshot, want);
      if (!got) {
        ADD_FAILURE() << "socket " << want.role << " (" << describe(want.fields)
                      << ") not recorded; recorded:\n"
                      << all_sockets(snapshot);
        continue;
      }
      matched.insert(got);
      check_socket(*got, want, owner, expect);
    }
    if (expect.exact_inet_set) {
      for (const Socket& s : ns.sockets) {
        if (is_inet(s) && !matched.count(&s)) {
          ADD_FAILURE() << "unexpected socket " << describe(s);
        }
      }
    }
    check_owner_process(snapshot, owner, expect);
    check_counters(snapshot, owner);
    for (const CaptureError& e : snapshot.errors) {
      std::cout << "    capture note (seq " << snapshot.seq << "): " << e.source << ": "
                << e.message << "\n";
    }
  }
  // uid -> name, resolved on this host, for every uid the sockets carry.
  EXPECT_EQ(users[0], user_name(0));
  for (const ExpectedSocket& want : owner.sockets().expected) {
    if (want.fields.uid != 0) {
      EXPECT_EQ(users[want.fields.uid], user_name(want.fields.uid)) << want.role;
    }
  }
  for (const Snapshot& snapshot : recording.snapshots) {
    for (const Socket& s : snapshot.namespaces.at(0).sockets) {
      EXPECT_TRUE(users.count(s.uid)) << "uid " << s.uid << " has no user name entry";
    }
  }
}

}  // namespace netsnap::live
