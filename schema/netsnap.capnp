# The netsnap recording schema.
#
# EVOLUTION RULES (a recording made by any released version must keep replaying):
#   1. Never renumber a field (@N) or an enumerant, never reuse a retired number.
#   2. Never change a field's type. To change meaning, add a new field and retire the old one
#      by renaming it `obsoleteXxx`, keeping its number and type.
#   3. New fields go at the end with the next free number; their zero default must mean
#      "not recorded" so that old recordings read as "unknown", not as a real zero.
#   4. A change the old reader cannot ignore safely bumps FORMAT_VERSION in
#      schema/include/netsnap/frame.h; readers refuse versions newer than they know.
#
# A recording file is: an 16-byte preamble ("NETSNAP\0", u32 format version, u32 zero),
# then framed records (see frame.h: sync word, type, lengths, sequence number, time, CRC32C of
# payload and of the frame header). Each payload is a zstd-compressed Cap'n Proto message whose
# root is one of the structs below, by record type:
#   header -> FileHeader, key -> Snapshot, delta -> SnapshotDelta, index -> TimeIndex.
# A file may hold several header records (a recorder appended to it again); each is followed
# by a key snapshot. A delta applies to the snapshot with the sequence number just before it.

@0xfd54821114ac9417;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("netsnap::wire");

struct Setting {
  # A kernel setting as text, exactly as read from /proc/sys (e.g. "32768\t60999").
  name @0 :Text;     # sysctl path with dots, e.g. "net.ipv4.ip_local_port_range"
  value @1 :Text;
}

struct UserName {
  uid @0 :UInt32;
  name @1 :Text;     # resolved on the recorded host, never on the analyst's machine
}

struct CaptureOptions {
  intervalNs @0 :Int64;
  tcp @1 :Bool;
  udp @2 :Bool;
  raw @3 :Bool;
  unix @4 :Bool;
  owners @5 :Bool;
  tcpInfo @6 :Bool;
  requestedSource @7 :CaptureSource;
  netns @8 :Text;             # what --netns named, empty for the recorder's own namespace
  keyInterval @9 :UInt32;     # a full key snapshot every this many snapshots
  allNetns @10 :Bool;         # --all-netns: every network namespace of the host, one Namespace each
}

enum CaptureSource {
  unknown @0;
  netlink @1;                 # NETLINK_SOCK_DIAG (+ /proc/net/unix for what unix_diag omits)
  proc @2;                    # /proc/net text files only
  synthetic @3;               # written by the test/bench generator, not from a kernel
}

struct FileHeader {
  magic @0 :Text;             # "netsnap"
  formatVersion @1 :UInt32;
  recorderVersion @2 :Text;
  hostName @3 :Text;
  bootId @4 :Text;            # /proc/sys/kernel/random/boot_id
  machineId @5 :Text;         # /etc/machine-id
  kernelRelease @6 :Text;     # uname -r
  timeZone @7 :Text;          # IANA name of the host's zone, e.g. "Europe/Berlin"
  utcOffsetSeconds @8 :Int32; # the zone's offset when the header was written
  options @9 :CaptureOptions;
  source @10 :CaptureSource;  # the source actually used (netlink may fall back to proc)
  settings @11 :List(Setting);
  users @12 :List(UserName);
  ownersComplete @13 :Bool;   # false when not root: other users' sockets have no owners
  startedWallNs @14 :Int64;   # when this recorder run started (UTC ns)
  clockTicksPerSecond @15 :UInt32;
  servicesDb @16 :Data;       # the host's /etc/services: port names as netstat there shows them
  protocolsDb @17 :Data;      # the host's /etc/protocols (RAW sockets are named from it)
  ownNetnsOnly @18 :Bool;
    # allNetns was asked for, but the recorder could not enter other namespaces (setns refused:
    # no CAP_SYS_ADMIN, or a seccomp filter): only its own namespace is recorded.
}

struct Endpoint {
  address @0 :Data;           # 4 bytes (IPv4) or 16 bytes (IPv6), network byte order
  port @1 :UInt16;
  scopeId @2 :UInt32;         # IPv6 interface index (link-local), 0 otherwise
}

struct TcpInfo {
  # A subset of struct tcp_info (linux/tcp.h). Absent fields of older kernels read as 0.
  rttUs @0 :UInt32;
  rttvarUs @1 :UInt32;
  sndCwnd @2 :UInt32;
  sndSsthresh @3 :UInt32;
  retransmits @4 :UInt32;     # tcpi_retransmits: current consecutive retransmits
  totalRetrans @5 :UInt32;
  lost @6 :UInt32;
  unacked @7 :UInt32;
  lastDataRecvMs @8 :UInt32;
  lastDataSentMs @9 :UInt32;
  bytesAcked @10 :UInt64;
  bytesReceived @11 :UInt64;
  probes @12 :UInt32;
}

enum Protocol {
  unknown @0;
  tcp @1;
  udp @2;
  raw @3;
  unix @4;
  udplite @5;
}

struct Socket {
  # The fields of one socket. Snapshots store sockets column by column ("Socket columns"
  # below), not as a list of this struct: the columns are exactly these fields.
  family @0 :UInt8;           # AF_INET 2, AF_INET6 10, AF_UNIX 1
  protocol @1 :Protocol;
  state @2 :UInt8;
    # TCP/UDP/RAW: the kernel's sk_state (TCP_ESTABLISHED 1 .. TCP_NEW_SYN_RECV 12; a connected
    # UDP socket is 1, an unconnected one 7). UNIX: the socket state as /proc/net/unix's "St"
    # prints it (1 unconnected, 2 connecting, 3 connected, 4 disconnecting).
  local @3 :Endpoint;
  remote @4 :Endpoint;
  recvQ @5 :UInt32;           # LISTEN: accept queue length; else unread bytes (UDP: memory)
  sendQ @6 :UInt32;           # LISTEN: backlog; else unacknowledged / unsent bytes
  uid @7 :UInt32;
  inode @8 :UInt64;           # 0 for TIME_WAIT, request and orphaned sockets
  cookie @9 :UInt64;          # the kernel's socket cookie; 0 when the source has none (/proc)
  timer @10 :UInt8;           # 0 off, 1 retransmit, 2 keepalive, 3 TIME_WAIT, 4 zero-window probe
  timerExpiresMs @11 :UInt32; # ms until the timer fires
  retransmits @12 :UInt8;     # retransmits (or probes sent) for the running timer
  probes @13 :UInt8;          # netstat -o's third number (zero-window/keepalive probes)
  tcpInfo @14 :TcpInfo;       # null when not captured
  unixType @15 :UInt8;        # SOCK_STREAM 1, SOCK_DGRAM 2, SOCK_RAW 3, SOCK_RDM 4, SOCK_SEQPACKET 5
  unixFlags @16 :UInt32;      # /proc/net/unix Flags (0x10000 = __SO_ACCEPTCON, listening)
  refCount @17 :UInt32;       # /proc/net/unix RefCount
  unixPath @18 :Data;         # raw bytes of the name; abstract names start with a NUL byte
  peerInode @19 :UInt64;      # UNIX peer's inode, 0 when unknown
  owners @20 :List(Int32);    # pids of every process holding this socket, first found first
  rawProtocol @21 :UInt16;    # RAW: the IP protocol number the socket was opened for
}

struct Process {
  pid @0 :Int32;
  uid @1 :UInt32;
  comm @2 :Text;              # /proc/PID/comm (ss shows this), at most 15 bytes
  argv0 @3 :Text;             # /proc/PID/cmdline up to its first NUL (netstat shows this)
  cmdline @4 :List(Text);     # every argument
  fdCount @5 :UInt32;         # open file descriptors when captured
  nofileSoft @6 :UInt64;      # RLIMIT_NOFILE; 0 when unknown, UINT64_MAX for unlimited
  nofileHard @7 :UInt64;
}

struct Namespace {
  inode @0 :UInt64;           # the network namespace's inode (/proc/PID/ns/net)
  name @1 :Text;              # its name when known (ip netns), else empty
  socketColumns @2 :Data;     # the namespace's sockets in the socket column encoding
}

# Socket columns: LEB128 varints. `count`; a table of byte strings (`n`, then `n` times
# length + bytes) holding every distinct address and UNIX name; then one column per field, each
# listing that field for every socket in order: family, protocol, local address (table index),
# local port, local scope id, remote address (table index), remote port, remote scope id, inode
# (zigzag difference to the previous socket's), cookie (likewise), unixType, unixPath (table
# index + 1, 0 for none), rawProtocol; then the SocketField numbers 0..25 in order, except
# owners (11), with peerInode as zigzag(peerInode - inode) (0 for none) and the tcp_info fields
# (13..25) only for sockets whose tcpInfoPresent is 1; then the owner count of every socket and
# then all owner pids, each as its value.

struct CounterTable {
  # One table of kernel counters, e.g. "TcpExt" from /proc/net/netstat, "Tcp" from
  # /proc/net/snmp, "sockstat.TCP", "fs.file-nr". Stored whole: names differ across kernels.
  name @0 :Text;
  names @1 :List(Text);
  values @2 :List(Int64);
}

struct CaptureError {
  source @0 :Text;            # e.g. "netlink tcp6", "/proc/net/unix", "owners"
  message @1 :Text;
}

struct Snapshot {
  seq @0 :UInt64;             # 1, 2, 3 ... across the whole file (continued on append)
  wallNs @1 :Int64;           # UTC, ns since the epoch, when the capture started
  monoNs @2 :Int64;           # CLOCK_MONOTONIC at the same moment
  captureNs @3 :Int64;        # how long the capture took
  source @4 :CaptureSource;
  errors @5 :List(CaptureError);
  namespaces @6 :List(Namespace);
  processes @7 :List(Process);
  counters @8 :List(CounterTable);
  settingsChanged @9 :List(Setting);
  usersAdded @10 :List(UserName);
}

struct NamespaceDelta {
  # Changes of one namespace against the same namespace in the previous snapshot, whose
  # sockets are numbered 0..n-1 in their stored order. The new order: apply `changed`; then,
  # for each removed position from the highest down, move the last socket into it (or drop it
  # when it is the last); then append `added`. (Removal by swapping keeps a delta's cost
  # proportional to what changed.)
  inode @0 :UInt64;
  name @1 :Text;
  removed @2 :Data;
    # LEB128 varints: count, then ascending indices as gaps (first index, then differences).
  changed @3 :Data;
    # LEB128 varints, in columns: count; the changed sockets' indices into the previous order
    # as gaps (first index, then differences); their field masks (bit i = SocketField i); then
    # for each field in SocketField order, one value for each socket whose mask has it: for
    # the counters totalRetrans, bytesAcked and
    # bytesReceived zigzag(new - old), for every other number the new value; for `owners` the
    # new count followed by zigzag pid gaps. A socket without tcp_info counts as having all
    # its tcp_info fields zero (so when tcp_info appears, its fields appear as changes).
  added @4 :Data;             # the new sockets, in the socket column encoding
    # Writers store them ordered by protocol, family, cookie and inode (the order in which
    # those two columns are small differences); readers append them in the stored order.
}

enum SocketField {
  # The bit numbers used by NamespaceDelta.changed. Append only.
  state @0;
  recvQ @1;
  sendQ @2;
  uid @3;
  timer @4;
  timerExpiresMs @5;
  retransmits @6;
  probes @7;
  unixFlags @8;
  refCount @9;
  peerInode @10;
  owners @11;
  tcpInfoPresent @12;
  rttUs @13;
  rttvarUs @14;
  sndCwnd @15;
  sndSsthresh @16;
  tcpiRetransmits @17;
  totalRetrans @18;
  lost @19;
  unacked @20;
  lastDataRecvMs @21;
  lastDataSentMs @22;
  bytesAcked @23;
  bytesReceived @24;
  tcpiProbes @25;
}

struct SnapshotDelta {
  seq @0 :UInt64;
  wallNs @1 :Int64;
  monoNs @2 :Int64;
  captureNs @3 :Int64;
  source @4 :CaptureSource;
  errors @5 :List(CaptureError);
  namespaces @6 :List(NamespaceDelta);
    # Every namespace of this snapshot, in order. A namespace of the previous snapshot that is
    # not listed is gone; a new one has every socket in `added`.
  processesUnchanged @7 :Bool;  # true: same process table as the previous snapshot
  processes @8 :List(Process);  # the whole table when processesUnchanged is false, unless
                                # processOrigins is set (then only new and changed processes)
  counterLayoutUnchanged @9 :Bool;
    # true: same tables and names as before; `counterDeltas` holds zigzag LEB128 varints of
    # (new - old) for every value in order. false: `counters` holds the tables whole.
  counterDeltas @10 :Data;
  counters @11 :List(CounterTable);
  settingsChanged @12 :List(Setting);
  usersAdded @13 :List(UserName);
  processOrigins @14 :Data;
    # Format 2 and later. When processesUnchanged is false and this is not empty, `processes`
    # lists only the new processes and those that changed more than their fdCount, and this
    # gives the whole new table against the previous one, in LEB128 varints: the new table's
    # process count; for each of its processes in order, 0 for the next process of
    # `processes`, or zigzag(i - next) + 1 for the previous table's process at index i, where
    # next is one past the last such index (0 at first), each index at most once; then for each
    # process taken from the previous table, in order, zigzag(new fdCount - old). Empty:
    # `processes` is the whole table.
}

struct IndexEntry {
  offset @0 :UInt64;          # byte offset of the record's frame in this file
  seq @1 :UInt64;
  wallNs @2 :Int64;
  isKey @3 :Bool;
  sockets @4 :UInt32;         # sockets in the snapshot (all namespaces), for size statistics
}

struct TimeIndex {
  # Written every few dozen snapshots. The chain of index records (each names the one before)
  # lets a reader list every snapshot of a long file without reading them; it is only a
  # shortcut: a reader rebuilds it from the frame headers when it is missing or damaged.
  previousIndexOffset @0 :UInt64;  # 0: this is the first index record of the file
  entries @1 :List(IndexEntry);    # the snapshot records since the previous index record
}
