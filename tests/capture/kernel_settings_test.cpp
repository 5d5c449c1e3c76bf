// Kernel settings from a fake /proc/sys, and which of them changed between two snapshots.
#include "kernel_settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace netsnap {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class FakeSysRoot {
 public:
  FakeSysRoot() {
    std::string pattern = (std::filesystem::temp_directory_path() / "netsnap-sys-XXXXXX");
    if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    root_ = pattern;
  }
  ~FakeSysRoot() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  void set(std::string_view name, std::string_view contents) {
    const std::filesystem::path path = root_ + "/" + kernel_setting_path(name);
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << contents;
  }
  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

TEST(KernelSettings, PathAndTrim) {
  EXPECT_EQ(kernel_setting_path("net.ipv4.ip_local_port_range"),
            "net/ipv4/ip_local_port_range");
  EXPECT_EQ(kernel_setting_path("fs.file-max"), "fs/file-max");
  EXPECT_EQ(trim_kernel_setting_value("32768\t60999\n"), "32768\t60999");
  EXPECT_EQ(trim_kernel_setting_value("\n"), "");
  EXPECT_EQ(trim_kernel_setting_value(" 1 \n"), "1");
}

TEST(KernelSettings, DefaultsCoverPortsTimeWaitBacklogsAndFds) {
  const std::span<const std::string_view> names = default_kernel_setting_names();
  for (std::string_view wanted :
       {"net.ipv4.ip_local_port_range", "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.tcp_max_tw_buckets", "net.ipv4.tcp_tw_reuse", "net.ipv4.tcp_fin_timeout",
        "net.core.somaxconn", "net.ipv4.tcp_max_syn_backlog", "net.ipv4.tcp_syncookies",
        "net.ipv4.tcp_abort_on_overflow", "net.ipv4.tcp_max_orphans", "net.ipv4.tcp_mem",
        "fs.nr_open", "fs.file-max"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), wanted), names.end()) << wanted;
  }
}

TEST(KernelSettings, ReadsInOrderAndSkipsAbsentOnes) {
  FakeSysRoot sys;
  sys.set("net.ipv4.ip_local_port_range", "32768\t60999\n");
  sys.set("net.ipv4.ip_local_reserved_ports", "\n");  // empty is a value, not absence
  sys.set("fs.file-max", "9223372036854775807\n");
  KernelSettingsReader reader(sys.root(),
                              {"net.ipv4.ip_local_port_range", "net.netfilter.nf_conntrack_max",
                               "net.ipv4.ip_local_reserved_ports", "fs.file-max"});
  std::vector<Setting> settings;
  std::vector<CaptureError> errors;
  reader.read(settings, errors);
  EXPECT_THAT(errors, IsEmpty());
  EXPECT_THAT(settings, ElementsAre(Setting{"net.ipv4.ip_local_port_range", "32768\t60999"},
                                    Setting{"net.ipv4.ip_local_reserved_ports", ""},
                                    Setting{"fs.file-max", "9223372036854775807"}));
}

TEST(KernelSettings, UnreadableSettingIsReported) {
  FakeSysRoot sys;
  std::filesystem::create_directories(sys.root() + "/net/core/somaxconn");  // EISDIR
  KernelSettingsReader reader(sys.root(), {"net.core.somaxconn"});
  std::vector<Setting> settings{{"stale", "x"}};
  std::vector<CaptureError> errors;
  reader.read(settings, errors);
  EXPECT_THAT(settings, IsEmpty());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0].source, ::testing::HasSubstr("net/core/somaxconn"));
}

TEST(KernelSettings, ChangedSettings) {
  const std::vector<Setting> before = {{"a", "1"}, {"b", "2"}, {"c", "3"}};
  const std::vector<Setting> after = {{"a", "1"}, {"c", "4"}, {"d", "5"}};  // b gone
  std::vector<Setting> changed{{"stale", "x"}};
  changed_kernel_settings(before, after, changed);
  EXPECT_THAT(changed, ElementsAre(Setting{"c", "4"}, Setting{"d", "5"}));
  changed_kernel_settings(after, after, changed);
  EXPECT_THAT(changed, IsEmpty());
}

TEST(KernelSettings, LiveHostHasThePortRange) {
  KernelSettingsReader reader;
  std::vector<Setting> settings;
  std::vector<CaptureError> errors;
  reader.read(settings, errors);
  EXPECT_THAT(errors, IsEmpty());
  const auto range = std::find_if(settings.begin(), settings.end(), [](const Setting& s) {
    return s.name == "net.ipv4.ip_local_port_range";
  });
  ASSERT_NE(range, settings.end());
  EXPECT_THAT(range->value, ::testing::MatchesRegex("[0-9]+\t[0-9]+"));
}

}  // namespace
}  // namespace netsnap
