// fixtures/hostile/injected-names.netsnap: a valid recording whose every recorded name is an
// attack on a renderer (tests/cli/output_safety.sh runs every output format over it).
#include "format/hostile_recordings.h"
#include "format/sample_snapshots.h"
#include "netsnap/recording_writer.h"

namespace netsnap::testing {
namespace {

constexpr int64_t START_NS = 1'767'225'600'000'000'000;

Socket unix_listener(uint64_t inode, const std::string& path, int32_t pid) {
  Socket s;
  s.family = 1;
  s.protocol = Protocol::unix_;
  s.state = unix_state::unconnected;
  s.unix_type = 1;
  s.unix_flags = unix_flag_accepting;
  s.inode = inode;
  s.unix_path = path;
  s.owners = {pid};
  return s;
}

Socket tcp_close_wait(uint64_t inode, int32_t pid) {
  Socket s;
  s.family = 2;
  s.protocol = Protocol::tcp;
  s.state = tcp_state::close_wait;
  s.local.address = {127, 0, 0, 1};
  s.local.port = 8080;
  s.remote.address = {127, 0, 0, 1};
  s.remote.port = static_cast<uint16_t>(40000 + inode % 1000);
  s.recv_q = 1;
  s.inode = inode;
  s.cookie = inode;
  s.uid = 1000;
  s.owners = {pid};
  return s;
}

// Snapshot i: a process and a UNIX listener per injection string (path and name the string),
// CLOSE_WAIT sockets that grow, and the last string's listener only from snapshot 1 on.
Snapshot injected_snapshot(int i) {
  const std::vector<std::string> names = injection_strings();
  Snapshot s;
  s.seq = static_cast<uint64_t>(i + 1);
  s.wall_ns = START_NS + i * 10'000'000'000ll;
  s.mono_ns = 1'000'000'000ll * (i + 1);
  s.source = CaptureSource::netlink;
  Namespace ns;
  ns.inode = 4026531840;
  for (size_t n = 0; n < names.size(); ++n) {
    const int32_t pid = static_cast<int32_t>(100 + n);
    if (n + 1 < names.size() || i > 0) ns.sockets.push_back(unix_listener(9000 + n, names[n], pid));
    s.processes.push_back({pid, 1000, names[n], names[n], {names[n], "--" + names[n]}, 5, 1024, 4096});
  }
  for (int c = 0; c <= i; ++c) ns.sockets.push_back(tcp_close_wait(7000 + c, 100 + c));
  s.namespaces.push_back(std::move(ns));
  s.counters.push_back({"Tcp", {"ActiveOpens", "=cmd|' /C calc'!A0\n\x1b[31m<b>"}, {10 + i, 3 * i}});
  if (i == 1) s.errors.push_back({"owners\n\x1b[2J", "<script>alert(1)</script>\r=1+1"});
  return s;
}

}  // namespace

std::vector<std::string> injection_strings() {
  return {"/tmp/new\nline", "/tmp/\x1b[31mred\x1b[0m", "/tmp/<script>alert(\"x\")</script>&",
          "=cmd|' /C calc'!A0", "+1", "-2", "@SUM(1)", "\t=tab\r\x07" "bell\x7f"};
}

bool write_injected_names_recording(const std::string& path) {
  FileHeader h = sample_header();
  h.host_name = "evil\n\x1b[31mhost<i>&\"";
  h.users = {{0, "root"}, {1000, "=cmd|' /C calc'!A0\n<u>"}};
  h.options.netns = "";
  h.time_zone = "UTC";
  h.utc_offset_seconds = 0;
  WriterOptions options;
  options.key_interval = 2;
  auto writer = RecordingWriter::create(path, h, options);
  if (!writer.ok()) return false;
  for (int i = 0; i < 3; ++i)
    if (!writer->write(injected_snapshot(i)).ok()) return false;
  return writer->close().ok();
}

}  // namespace netsnap::testing
