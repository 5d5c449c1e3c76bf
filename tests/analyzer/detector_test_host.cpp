#include "analyzer/detector_test_host.h"

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "netsnap/frame.h"
#include "netsnap/recording_reader.h"
#include "netsnap/recording_writer.h"

namespace netsnap::detector_test {

Endpoint v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port) {
  Endpoint e;
  e.address[0] = a, e.address[1] = b, e.address[2] = c, e.address[3] = d;
  e.port = port;
  return e;
}

Socket tcp(uint8_t state, Endpoint local, Endpoint remote, uint64_t cookie,
           std::vector<int32_t> owners, uint32_t recv_q, uint32_t send_q) {
  Socket s;
  s.family = AF_INET;
  s.protocol = Protocol::tcp;
  s.state = state;
  s.local = local;
  s.remote = remote;
  s.cookie = cookie;
  const bool fileless = state == tcp_state::time_wait || state == tcp_state::syn_recv ||
                        state == tcp_state::new_syn_recv;
  s.inode = fileless ? 0 : cookie;
  s.owners = std::move(owners);
  s.recv_q = recv_q;
  s.send_q = send_q;
  return s;
}

Socket listener(Endpoint local, uint32_t backlog, uint64_t cookie, std::vector<int32_t> owners,
                uint32_t recv_q) {
  return tcp(tcp_state::listen, local, Endpoint{}, cookie, std::move(owners), recv_q, backlog);
}

Process process(int32_t pid, std::string argv0, uint32_t fds, uint64_t nofile_soft) {
  Process p;
  p.pid = pid;
  p.argv0 = argv0;
  p.comm = argv0.substr(argv0.rfind('/') + 1).substr(0, 15);
  p.cmdline = {argv0};
  p.fd_count = fds;
  p.nofile_soft = nofile_soft;
  p.nofile_hard = 1048576;
  return p;
}

TestHost::TestHost(std::string name) {
  static std::atomic<int> serial{0};
  const auto dir = std::filesystem::temp_directory_path() / ("netsnap-detector-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  path_ = (dir / (name + "-" + std::to_string(serial++) + ".netsnap")).string();
  header.format_version = FORMAT_VERSION;
  header.host_name = "test-host";
  header.kernel_release = "6.1.0-test";
  header.options.interval_ns = interval_ns;
  header.source = CaptureSource::synthetic;
  header.settings = {{"net.ipv4.ip_local_port_range", "32768\t60999"}};
  header.started_wall_ns = 1'767'225'600'000'000'000;
  next_wall_ns_ = header.started_wall_ns;
  state.source = CaptureSource::synthetic;
  state.namespaces.push_back(Namespace{4026531840, "", {}});
}

TestHost::~TestHost() { std::filesystem::remove(path_); }

void TestHost::counter(const std::string& table, const std::string& name, int64_t value) {
  for (CounterTable& t : state.counters) {
    if (t.name != table) continue;
    for (size_t i = 0; i < t.names.size(); ++i)
      if (t.names[i] == name) return void(t.values[i] = value);
    t.names.push_back(name);
    t.values.push_back(value);
    return;
  }
  state.counters.push_back({table, {name}, {value}});
}

void TestHost::setting(const std::string& name, const std::string& value) {
  for (Setting& s : header.settings)
    if (s.name == name) return void(s.value = value);
  header.settings.push_back({name, value});
}

void TestHost::snap(int skip) {
  if (!written_.empty()) next_wall_ns_ += interval_ns * (1 + skip);
  Snapshot s = state;
  s.wall_ns = next_wall_ns_;
  s.mono_ns = next_wall_ns_ - header.started_wall_ns + 1'000'000'000;
  written_.push_back(std::move(s));
}

std::vector<Finding> TestHost::run(const DetectorOptions& options, DetectorReport* notes,
                                   std::optional<size_t> first, std::optional<size_t> last) {
  header.options.interval_ns = interval_ns;
  auto recording = RecordingWriter::create(path_, header, writer);
  if (!recording) throw std::runtime_error(recording.error().message);
  for (const Snapshot& s : written_)
    if (auto ok = recording->write(s); !ok) throw std::runtime_error(ok.error().message);
  if (auto ok = recording->close(); !ok) throw std::runtime_error(ok.error().message);
  if (!damaged.empty()) {  // flip a payload byte: the record fails its CRC when read
    auto listing = Timeline::open({path_}, ScanMode::fast);
    if (!listing) throw std::runtime_error(listing.error().message);
    std::fstream file(path_, std::ios::in | std::ios::out | std::ios::binary);
    for (size_t index : damaged) {
      file.seekg(static_cast<std::streamoff>(listing->entries().at(index).offset + 48));
      const char byte = static_cast<char>(file.get() ^ 0x5a);
      file.seekp(static_cast<std::streamoff>(listing->entries().at(index).offset + 48));
      file.put(byte);
    }
  }
  auto timeline = Timeline::open({path_}, ScanMode::fast);
  if (!timeline) throw std::runtime_error(timeline.error().message);
  DetectorReport local;
  const size_t count = timeline->entries().size();
  return analysis::detectors::run_detectors(*timeline, first.value_or(0),
                                            last.value_or(count ? count - 1 : 0), options,
                                            notes ? *notes : local);
}

std::vector<Finding> of_kind(const std::vector<Finding>& findings, const std::string& kind) {
  std::vector<Finding> out;
  for (const Finding& f : findings)
    if (f.kind == kind) out.push_back(f);
  return out;
}

Severity highest(const std::vector<Finding>& findings) {
  Severity s = Severity::info;
  for (const Finding& f : findings) s = std::max(s, f.severity);
  return s;
}

double fact(const Finding& finding, const std::string& name) {
  return analysis::detectors::field_number(finding.facts, name).value_or(std::nan(""));
}

bool has_not_judged(const DetectorReport& notes, const std::string& kind) {
  for (const auto& n : notes.not_judged)
    if (n.kind == kind) return true;
  return false;
}

std::string describe(const std::vector<Finding>& findings) {
  std::string out;
  for (const Finding& f : findings)
    out += f.kind + " [" + std::string(analysis::detectors::severity_name(f.severity)) + "] " + f.summary + "\n";
  return out.empty() ? "(no findings)" : out;
}

}  // namespace netsnap::detector_test
