#include "netstat_options.h"

#include <gtest/gtest.h>

namespace netsnap {
namespace {

NetstatOptions parsed(std::string_view text) {
  auto result = parse_netstat_options(text);
  EXPECT_TRUE(result.ok()) << text << ": " << (result.ok() ? "" : result.error().message);
  return result.ok() ? result.value() : NetstatOptions{};
}

TEST(NetstatOptions, CombinedShortFlags) {
  const NetstatOptions o = parsed("-tunap");
  EXPECT_TRUE(o.tcp && o.udp && o.all && o.programs);
  EXPECT_TRUE(o.numeric_hosts && o.numeric_ports && o.numeric_users);
  EXPECT_FALSE(o.raw || o.unix_sockets || o.listening || o.extend || o.timers || o.wide);
}

TEST(NetstatOptions, EveryShortFlag) {
  const NetstatOptions o = parsed("-tuUwx46laneopW");
  EXPECT_TRUE(o.tcp && o.udp && o.udplite && o.raw && o.unix_sockets && o.ipv4 && o.ipv6);
  EXPECT_TRUE(o.listening && o.all && o.extend && o.timers && o.programs && o.wide);
}

TEST(NetstatOptions, SeparateArgumentsAndRepeats) {
  const auto result = parse_netstat_options(std::vector<std::string>{"-t", "-l", "-e", "-e"});
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->tcp && result->listening && result->extend);
}

TEST(NetstatOptions, NumericSplit) {
  const NetstatOptions hosts = parsed("--numeric-hosts");
  EXPECT_TRUE(hosts.numeric_hosts);
  EXPECT_FALSE(hosts.numeric_ports || hosts.numeric_users);
  const NetstatOptions ports_users = parsed("--numeric-ports --numeric-users");
  EXPECT_FALSE(ports_users.numeric_hosts);
  EXPECT_TRUE(ports_users.numeric_ports && ports_users.numeric_users);
  const NetstatOptions all = parsed("--numeric");
  EXPECT_TRUE(all.numeric_hosts && all.numeric_ports && all.numeric_users);
}

TEST(NetstatOptions, LongOptionsAndUniqueAbbreviations) {
  const NetstatOptions o = parsed("--tcp --listen --wide --prog --numeric-h --inet6");
  EXPECT_TRUE(o.tcp && o.listening && o.wide && o.programs && o.numeric_hosts && o.ipv6);
  EXPECT_FALSE(o.numeric_ports);
}

TEST(NetstatOptions, AmbiguousAbbreviationIsRejected) {
  const auto result = parse_netstat_options("--num");  // numeric, numeric-hosts, ...
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("'--num'"), std::string::npos);
}

TEST(NetstatOptions, UnknownShortFlagNamesTheFlagAndTheArgument) {
  const auto result = parse_netstat_options("-tuq");
  ASSERT_FALSE(result.ok());
  const std::string& message = result.error().message;
  EXPECT_NE(message.find("unknown netstat option '-q' in '-tuq'"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos);
}

TEST(NetstatOptions, UnsupportedNetstatModesAreRejected) {
  EXPECT_FALSE(parse_netstat_options("-r").ok());   // routing table
  EXPECT_FALSE(parse_netstat_options("-s").ok());   // statistics
  EXPECT_FALSE(parse_netstat_options("-tc").ok());  // -c is the analyzer's own option
  EXPECT_FALSE(parse_netstat_options("--bogus").ok());
  EXPECT_FALSE(parse_netstat_options("--").ok());
}

TEST(NetstatOptions, StrayArgumentIsRejected) {
  const auto result = parse_netstat_options("-t tcp");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("'tcp'"), std::string::npos);
  EXPECT_FALSE(parse_netstat_options("-").ok());
}

TEST(NetstatOptions, EmptyMeansDefaults) {
  const auto result = parse_netstat_options("");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value(), NetstatOptions{});
}

TEST(NetstatSections, NoKindShowsEverything) {
  const NetstatSections s = netstat_sections(parsed("-an"));
  EXPECT_TRUE(s.inet && s.tcp && s.udp && s.udplite && s.raw && s.ipv4 && s.ipv6);
  EXPECT_TRUE(s.unix_sockets);
}

TEST(NetstatSections, InetKindsHideUnixUnlessXIsGiven) {
  const NetstatSections tcp = netstat_sections(parsed("-t"));
  EXPECT_TRUE(tcp.inet && tcp.tcp && tcp.ipv4 && tcp.ipv6);
  EXPECT_FALSE(tcp.udp || tcp.udplite || tcp.raw || tcp.unix_sockets);
  const NetstatSections tcp_unix = netstat_sections(parsed("-tx"));
  EXPECT_TRUE(tcp_unix.inet && tcp_unix.unix_sockets);
}

TEST(NetstatSections, UnixOnly) {
  const NetstatSections s = netstat_sections(parsed("-x"));
  EXPECT_FALSE(s.inet || s.tcp || s.udp || s.raw);
  EXPECT_TRUE(s.unix_sockets);
}

TEST(NetstatSections, FamilyAloneMeansEveryInetKind) {
  const NetstatSections v4 = netstat_sections(parsed("-4"));
  EXPECT_TRUE(v4.inet && v4.tcp && v4.udp && v4.udplite && v4.raw && v4.ipv4);
  EXPECT_FALSE(v4.ipv6 || v4.unix_sockets);
  const NetstatSections v6_tcp = netstat_sections(parsed("-6t"));
  EXPECT_TRUE(v6_tcp.tcp && v6_tcp.ipv6);
  EXPECT_FALSE(v6_tcp.ipv4 || v6_tcp.udp);
  const NetstatSections v4_unix = netstat_sections(parsed("-4x"));
  EXPECT_TRUE(v4_unix.inet && v4_unix.unix_sockets && v4_unix.ipv4 && !v4_unix.ipv6);
}

}  // namespace
}  // namespace netsnap
