// `slice` end to end through the library: the window replays exactly as in the original
// (snapshots, times, sequence numbers, uid map), damage is skipped and still sliced, the
// destination rules hold, and an anonymized slice keeps no original address, host name, path,
// user or program anywhere in its decompressed records.
#include "slice_command.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "analyzer/table_sample_recording.h"
#include "netsnap/frame.h"
#include "synth/synthetic_recording.h"

namespace netsnap::analysis {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Every record's payload, decompressed, back to back: everything a recording says.
std::string decompressed_records(const std::string& path) {
  const std::string bytes = read_file(path);
  std::string all;
  size_t offset = PREAMBLE_SIZE;
  while (offset + FRAME_HEADER_SIZE <= bytes.size()) {
    auto header = decode_frame_header(std::span<const uint8_t>(
        reinterpret_cast<const uint8_t*>(bytes.data()) + offset, FRAME_HEADER_SIZE));
    EXPECT_TRUE(header.has_value()) << "frame at " << offset;
    if (!header) break;
    const char* payload = bytes.data() + offset + FRAME_HEADER_SIZE;
    std::string raw(header->raw_len, '\0');
    if (header->codec == Codec::zstd) {
      const size_t n = ZSTD_decompress(raw.data(), raw.size(), payload, header->stored_len);
      EXPECT_EQ(n, header->raw_len) << "frame at " << offset;
    } else {
      raw.assign(payload, header->stored_len);
    }
    all += raw;
    offset += FRAME_HEADER_SIZE + header->stored_len;
  }
  EXPECT_EQ(offset, bytes.size());
  return all;
}

std::string address_bytes(const char* text) {
  unsigned char a[16];
  const bool v6 = std::string(text).find(':') != std::string::npos;
  EXPECT_EQ(inet_pton(v6 ? AF_INET6 : AF_INET, text, a), 1) << text;
  return std::string(reinterpret_cast<const char*>(a), v6 ? 16 : 4);
}

std::vector<Snapshot> replay(Timeline& timeline) {
  std::vector<Snapshot> snapshots;
  Cursor cursor = timeline.cursor(0, CursorMode::changes_only);
  while (cursor.next()) snapshots.push_back(cursor.current());
  return snapshots;
}

class SliceCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/slice-command-" + std::to_string(getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Slices `inputs` into dir_/name; returns the status and fills out_.
  Status slice(const std::vector<std::string>& inputs, SliceRequest request,
               const std::string& name) {
    auto timeline = Timeline::open(inputs, ScanMode::fast);
    if (!timeline) return timeline.error();
    request.output = dir_ + "/" + name;
    auto plan = plan_slice(*timeline, request);
    if (!plan) return plan.error();
    std::ostringstream out;
    Status written = write_slice(*timeline, request, *plan, out);
    out_ = out.str();
    damage_ = timeline->damage();
    return written;
  }

  std::string dir_, out_;
  std::vector<DamagedRegion> damage_;
};

TEST_F(SliceCommand, WindowReplaysExactlyWithItsTimesNumbersAndUidMap) {
  SliceRequest request;
  request.from = "13:00:20";  // 2026-03-01 CET: snapshots 2..4 of the fixture
  request.to = "13:00:40";
  const Status status = slice({table_sample::fixture_path()}, request, "window.netsnap");
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(out_, "wrote " + dir_ +
                      "/window.netsnap: 3 snapshots, 2026-03-01 13:00:20 CET to 2026-03-01 "
                      "13:00:40 CET (" +
                      out_.substr(out_.find('(') + 1, out_.find(" bytes") - out_.find('(') - 1) +
                      " bytes)\n");

  auto original = Timeline::open({table_sample::fixture_path()}, ScanMode::fast);
  auto sliced = Timeline::open({dir_ + "/window.netsnap"}, ScanMode::full);
  ASSERT_TRUE(original.ok() && sliced.ok());
  EXPECT_TRUE(sliced->damage().empty());
  const std::vector<Snapshot> all = replay(*original), part = replay(*sliced);
  ASSERT_EQ(part.size(), 3u);
  for (size_t i = 0; i < part.size(); ++i) {
    EXPECT_EQ(part[i], all[i + 2]) << "snapshot " << i;  // seq, times, sockets, processes...
  }
  EXPECT_TRUE(sliced->entries().front().is_key);
  // The uid map as it stood at the window's start: 4242 was added by snapshot 1.
  const FileHeader& header = sliced->header();
  EXPECT_NE(std::find(header.users.begin(), header.users.end(), UserName{4242, "bad\x1bname"}),
            header.users.end());
  EXPECT_EQ(header.host_name, "edge-3.example");
  EXPECT_EQ(header.settings, original->header().settings);
  struct stat st {};
  ASSERT_EQ(stat((dir_ + "/window.netsnap").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
}

TEST_F(SliceCommand, AnonymizedSliceKeepsNoOriginalAnywhereInItsRecords) {
  SliceRequest plain, anonymized;
  anonymized.anonymize = true;
  ASSERT_TRUE(slice({table_sample::fixture_path()}, plain, "plain.netsnap").ok());
  ASSERT_TRUE(slice({table_sample::fixture_path()}, anonymized, "anon.netsnap").ok());
  EXPECT_NE(out_.find(", anonymized\n"), std::string::npos) << out_;

  std::vector<std::string> originals = {"edge-3.example",
                                        "0d6a3c52-3f8e-4a4e-9d57-0c5b6f1a2b3c",
                                        "4c1f6f0a8d2e4b7c9a1e3d5f7b9c1a2e",
                                        "www-data",
                                        "messagebus",
                                        "bad\x1bname",
                                        "/run/dbus/system_bus_socket",
                                        "/run/with space.sock",
                                        "/run/evil",
                                        "netsnap\x1b[31mred",
                                        "systemd",
                                        "/sbin/init",
                                        "sshd",
                                        "nginx",
                                        "a-very-long-dae",
                                        "/opt/app/bin",
                                        "redis-server",
                                        "evil\x1b[2Jprog",
                                        "blue"};
  for (const char* address :
       {"10.0.0.5", "192.168.1.20", "192.168.1.30", "10.0.0.7", "10.0.0.8", "10.0.0.9", "10.0.0.2",
        "10.0.0.66", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1",
        "2001:db8:1111:2222:3333:4444:5555:6666"})
    originals.push_back(address_bytes(address));

  // The search finds them in the plain slice (so it can fail), and none in the anonymized one.
  const std::string plain_bytes = decompressed_records(dir_ + "/plain.netsnap");
  const std::string anonymized_bytes = decompressed_records(dir_ + "/anon.netsnap");
  for (const std::string& original : originals) {
    EXPECT_NE(plain_bytes.find(original), std::string::npos)
        << "not in the plain slice: " << original;
    EXPECT_EQ(anonymized_bytes.find(original), std::string::npos) << "survived: " << original;
  }
  // Loopback stays loopback; ports, states and queues stay.
  EXPECT_NE(anonymized_bytes.find(address_bytes("127.0.0.1")), std::string::npos);
  auto plain_timeline = Timeline::open({dir_ + "/plain.netsnap"}, ScanMode::full);
  auto anonymized_timeline = Timeline::open({dir_ + "/anon.netsnap"}, ScanMode::full);
  ASSERT_TRUE(plain_timeline.ok() && anonymized_timeline.ok());
  EXPECT_EQ(anonymized_timeline->header().host_name, "host-1");
  const auto before = replay(*plain_timeline), after = replay(*anonymized_timeline);
  ASSERT_EQ(before.size(), after.size());
  for (size_t i = 0; i < before.size(); ++i) {
    ASSERT_EQ(before[i].namespaces.size(), after[i].namespaces.size());
    EXPECT_EQ(before[i].counters, after[i].counters);
    for (size_t n = 0; n < before[i].namespaces.size(); ++n) {
      const auto& a = before[i].namespaces[n].sockets;
      const auto& b = after[i].namespaces[n].sockets;
      ASSERT_EQ(a.size(), b.size());
      for (size_t s = 0; s < a.size(); ++s) {
        EXPECT_EQ(a[s].local.port, b[s].local.port);
        EXPECT_EQ(a[s].remote.port, b[s].remote.port);
        EXPECT_EQ(a[s].state, b[s].state);
        EXPECT_EQ(a[s].recv_q, b[s].recv_q);
        EXPECT_EQ(a[s].send_q, b[s].send_q);
        EXPECT_EQ(a[s].inode, b[s].inode);
        EXPECT_EQ(a[s].uid, b[s].uid);
      }
    }
  }
}

TEST_F(SliceCommand, TheSameKeyFileGivesTheSameAddressesInTwoSlices) {
  SliceRequest request;
  request.anonymize = true;
  request.key_file = dir_ + "/incident.key";
  request.to = "13:00:20";
  ASSERT_TRUE(slice({table_sample::fixture_path()}, request, "early.netsnap").ok());
  request.to.reset();
  request.from = "13:00:20";
  ASSERT_TRUE(slice({table_sample::fixture_path()}, request, "late.netsnap").ok());
  auto early = Timeline::open({dir_ + "/early.netsnap"}, ScanMode::fast);
  auto late = Timeline::open({dir_ + "/late.netsnap"}, ScanMode::fast);
  ASSERT_TRUE(early.ok() && late.ok());
  // Snapshot 13:00:20 is in both: every address equal, and so are the machine and boot ids.
  EXPECT_EQ(replay(*early).back().namespaces[0].sockets,
            replay(*late).front().namespaces[0].sockets);
  EXPECT_EQ(early->header().machine_id, late->header().machine_id);
  EXPECT_EQ(early->header().boot_id, late->header().boot_id);
}

TEST_F(SliceCommand, DamageInsideTheWindowIsSkippedAndTheRestStillSliced) {
  synth::SyntheticSpec spec;
  spec.sockets = 200;
  spec.snapshots = 40;
  spec.churn = 0.02;
  spec.gaps_after = {5};
  WriterOptions options;
  options.key_interval = 10;
  const std::string source = dir_ + "/damaged.netsnap";
  ASSERT_TRUE(synth::write_synthetic_recording(source, spec, options).ok());
  auto intact = Timeline::open({source}, ScanMode::full);
  ASSERT_TRUE(intact.ok());
  const std::vector<SnapshotEntry> entries = intact->entries();
  {  // One payload byte of snapshot 15 (a delta): 15..19 are lost up to the key at 20.
    std::fstream file(source, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(entries[15].offset + FRAME_HEADER_SIZE + 3));
    file.put('\xff');
  }
  const Status status = slice({source}, SliceRequest{}, "out.netsnap");
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_FALSE(damage_.empty());
  auto sliced = Timeline::open({dir_ + "/out.netsnap"}, ScanMode::full);
  ASSERT_TRUE(sliced.ok());
  EXPECT_TRUE(sliced->damage().empty()) << "the slice itself is intact";
  std::vector<uint64_t> want, got;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i < 15 || i >= 20) want.push_back(entries[i].seq);
  }
  for (const SnapshotEntry& e : sliced->entries()) got.push_back(e.seq);
  EXPECT_EQ(got, want);
  // Gaps stay gaps: the times are the original ones.
  EXPECT_EQ(sliced->entries()[6].wall_ns - sliced->entries()[5].wall_ns, 2 * spec.interval_ns);
}

TEST_F(SliceCommand, RefusesBadDestinationsAndWindowsWithOneLineAndLeavesNothing) {
  const std::string fixture = table_sample::fixture_path();
  const std::string taken = dir_ + "/taken.netsnap";
  std::ofstream(taken) << "precious";
  Status status = slice({fixture}, SliceRequest{}, "taken.netsnap");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, taken + ": exists; use --force to replace it");
  EXPECT_EQ(read_file(taken), "precious");

  std::filesystem::create_symlink(taken, dir_ + "/link.netsnap");
  SliceRequest forced;
  forced.force = true;
  status = slice({fixture}, forced, "link.netsnap");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message,
            dir_ + "/link.netsnap: is a symbolic link; refusing to replace it (even with --force)");
  EXPECT_EQ(read_file(taken), "precious");

  SliceRequest late;
  late.from = "14:00";
  status = slice({fixture}, late, "late.netsnap");
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("--from '14:00' (2026-03-01 14:00:00 CET) is outside the "
                                        "recording"),
            std::string::npos)
      << status.error().message;

  ASSERT_TRUE(slice({fixture}, forced, "taken.netsnap").ok());  // a regular file, with --force
  EXPECT_NE(read_file(taken), "precious");
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    ++files;
    EXPECT_EQ(entry.path().filename().string().find(".netsnap-slice-"), std::string::npos)
        << "temporary file left behind: " << entry.path();
  }
  EXPECT_EQ(files, 2u);  // taken.netsnap and the link
}

}  // namespace
}  // namespace netsnap::analysis
