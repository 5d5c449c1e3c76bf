// Host identity from fake /proc and /etc trees, and the time-zone name rules.
#include "host_identity.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace netsnap {
namespace {

using ::testing::IsEmpty;

class FakeHostRoot {
 public:
  FakeHostRoot() {
    std::string pattern = (std::filesystem::temp_directory_path() / "netsnap-host-XXXXXX");
    if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    root_ = pattern;
    std::filesystem::create_directories(root_ + "/proc/sys/kernel/random");
    std::filesystem::create_directories(root_ + "/etc");
  }
  ~FakeHostRoot() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  void write(const std::string& path, std::string_view text) {
    std::ofstream(root_ + "/" + path) << text;
  }
  void link(const std::string& path, const std::string& target) {
    ASSERT_EQ(::symlink(target.c_str(), (root_ + "/" + path).c_str()), 0);
  }
  HostIdentitySources sources() const { return {root_ + "/proc", root_ + "/etc", {}}; }

 private:
  std::string root_;
};

TEST(HostIdentity, TimeZoneFromTzVariable) {
  EXPECT_EQ(time_zone_from_tz_env("Europe/Berlin"), "Europe/Berlin");
  EXPECT_EQ(time_zone_from_tz_env(":America/New_York"), "America/New_York");
  EXPECT_EQ(time_zone_from_tz_env("/usr/share/zoneinfo/Asia/Tokyo"), "Asia/Tokyo");
  EXPECT_EQ(time_zone_from_tz_env(""), "UTC");
  EXPECT_EQ(time_zone_from_tz_env("CET-1CEST,M3.5.0,M10.5.0/3"), "CET-1CEST,M3.5.0,M10.5.0/3");
}

TEST(HostIdentity, TimeZoneFromLocaltimeTarget) {
  EXPECT_EQ(time_zone_from_localtime_target("/usr/share/zoneinfo/Europe/Berlin"),
            "Europe/Berlin");
  EXPECT_EQ(time_zone_from_localtime_target("../usr/share/zoneinfo/Etc/UTC"), "Etc/UTC");
  EXPECT_EQ(time_zone_from_localtime_target("/usr/share/zoneinfo/posix/Europe/Paris"),
            "Europe/Paris");
  EXPECT_EQ(time_zone_from_localtime_target("/etc/zoneinfo-copy"), std::nullopt);
  EXPECT_EQ(time_zone_from_localtime_target("/usr/share/zoneinfo/"), std::nullopt);
}

TEST(HostIdentity, TimeZoneSourcesInOrder) {
  FakeHostRoot host;
  EXPECT_EQ(read_time_zone(host.sources()), "UTC");  // no /etc/localtime: the libc default
  host.write("etc/timezone", "Europe/Lisbon\n");
  EXPECT_EQ(read_time_zone(host.sources()), "Europe/Lisbon");
  host.link("etc/localtime", "/usr/share/zoneinfo/Africa/Nairobi");  // what libc uses wins
  EXPECT_EQ(read_time_zone(host.sources()), "Africa/Nairobi");
  HostIdentitySources with_tz = host.sources();
  with_tz.tz_env = ":Pacific/Auckland";
  EXPECT_EQ(read_time_zone(with_tz), "Pacific/Auckland");
}

TEST(HostIdentity, ReadsFakeHostAndFillsTheHeader) {
  FakeHostRoot host;
  host.write("proc/sys/kernel/hostname", "db-7\n");
  host.write("proc/sys/kernel/osrelease", "6.1.0-test\n");
  host.write("proc/sys/kernel/random/boot_id", "0b1c2d3e-aaaa-bbbb-cccc-0123456789ab\n");
  host.write("etc/machine-id", "5f1e0c7a9b2d4e6f8a1b3c5d7e9f0a1b\n");
  host.link("etc/localtime", "../usr/share/zoneinfo/Europe/Berlin");
  std::vector<CaptureError> errors;
  const HostIdentity identity = read_host_identity(host.sources(), errors);
  EXPECT_THAT(errors, IsEmpty());
  EXPECT_EQ(identity.host_name, "db-7");
  EXPECT_EQ(identity.kernel_release, "6.1.0-test");
  EXPECT_EQ(identity.boot_id, "0b1c2d3e-aaaa-bbbb-cccc-0123456789ab");
  EXPECT_EQ(identity.machine_id, "5f1e0c7a9b2d4e6f8a1b3c5d7e9f0a1b");
  EXPECT_EQ(identity.time_zone, "Europe/Berlin");
  EXPECT_EQ(identity.clock_ticks_per_second, static_cast<uint32_t>(::sysconf(_SC_CLK_TCK)));
  EXPECT_EQ(identity.is_root, ::geteuid() == 0);

  FileHeader header;
  fill_file_header_host(identity, header);
  EXPECT_EQ(header.host_name, "db-7");
  EXPECT_EQ(header.boot_id, identity.boot_id);
  EXPECT_EQ(header.machine_id, identity.machine_id);
  EXPECT_EQ(header.kernel_release, "6.1.0-test");
  EXPECT_EQ(header.time_zone, "Europe/Berlin");
  EXPECT_EQ(header.utc_offset_seconds, identity.utc_offset_seconds);
  EXPECT_EQ(header.owners_complete, identity.is_root);
}

TEST(HostIdentity, MissingIdsAreReportedAndNamesFallBackToUname) {
  FakeHostRoot host;
  std::vector<CaptureError> errors;
  const HostIdentity identity = read_host_identity(host.sources(), errors);
  EXPECT_EQ(errors.size(), 2u);  // boot_id and machine-id
  EXPECT_TRUE(identity.boot_id.empty());
  EXPECT_FALSE(identity.host_name.empty());
  EXPECT_FALSE(identity.kernel_release.empty());
}

// Root, or the two capabilities that open every /proc/PID/fd (the service's user, setcap):
// only then are owners expected to be complete.
TEST(HostIdentity, WhoMayReadEveryFdTable) {
  const std::string service = "Uid:\t998\t998\t998\t998\nCapEff:\t0000000000081004\n";
  const std::string ptrace_only = "Uid:\t998\t998\t998\t998\nCapEff:\t0000000000080000\n";
  const std::string none = "Uid:\t998\t998\t998\t998\nCapEff:\t0000000000000000\n";
  EXPECT_TRUE(may_read_every_fd_table(998, service));
  EXPECT_FALSE(may_read_every_fd_table(998, ptrace_only));
  EXPECT_FALSE(may_read_every_fd_table(998, none));
  EXPECT_FALSE(may_read_every_fd_table(998, ""));
  EXPECT_TRUE(may_read_every_fd_table(0, none));  // root's fd scan then says what it missed
}

TEST(HostIdentity, LiveHost) {
  std::vector<CaptureError> errors;
  const HostIdentity identity =
      read_host_identity(host_identity_sources_from_environment(), errors);
  EXPECT_EQ(identity.boot_id.size(), 36u);
  EXPECT_LE(std::abs(identity.utc_offset_seconds), 14 * 3600);
}

}  // namespace
}  // namespace netsnap
