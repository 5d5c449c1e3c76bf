// --resolve: host names through this machine's resolver, where netstat would look them up.
// The resolver is the real one (/etc/hosts here); the expected name is asked of getnameinfo
// directly, so the test holds on any machine whose /etc/hosts names 127.0.0.1.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netdb.h>

#include <string>

#include "host_names.h"
#include "netstat_table.h"
#include "netstat_test_sockets.h"

namespace netsnap {
namespace {

using namespace netstat_test;

// What the resolver says about 127.0.0.1, or "" when it has no name.
std::string loopback_name() {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  char host[NI_MAXHOST];
  if (getnameinfo(reinterpret_cast<const sockaddr*>(&address), sizeof address, host, sizeof host,
                  nullptr, 0, NI_NAMEREQD) != 0)
    return "";
  return host;
}

std::string render(const Snapshot& snapshot, std::string_view flags, HostNames* hosts) {
  const auto options = parse_netstat_options(flags);
  EXPECT_TRUE(options.ok()) << flags;
  NetstatLookups lookups;
  lookups.hosts = hosts;
  return options.ok() ? netstat_table(snapshot, options.value(), lookups) : std::string();
}

TEST(HostNames, NamesLoopbackAsTheResolverDoesAndLooksEachAddressUpOnce) {
  const std::string expected = loopback_name();
  if (expected.empty()) GTEST_SKIP() << "this machine's resolver has no name for 127.0.0.1";
  HostNames hosts;
  const Socket a = tcp("127.0.0.1", 22, "127.0.0.1", 40000, tcp_state::established);
  EXPECT_EQ(hosts.find(a.local, a.family), expected);
  EXPECT_EQ(hosts.find(a.remote, a.family), expected);
  EXPECT_EQ(hosts.lookups(), 1u);
}

TEST(HostNames, TableShowsNamesOnlyWhenAskedAndNeverWithNumericHosts) {
  const std::string expected = loopback_name();
  if (expected.empty()) GTEST_SKIP() << "this machine's resolver has no name for 127.0.0.1";
  const Snapshot snapshot =
      snapshot_of({tcp("0.0.0.0", 22, "0.0.0.0", 0, tcp_state::listen),
                   tcp("127.0.0.1", 22, "127.0.0.1", 40000, tcp_state::established)});
  HostNames hosts;
  const std::string resolved = render(snapshot, "-ta", &hosts);
  EXPECT_NE(resolved.find(expected + ":40000"), std::string::npos) << resolved;
  EXPECT_NE(resolved.find("0.0.0.0:*"), std::string::npos) << resolved;  // never looked up
  EXPECT_EQ(hosts.lookups(), 1u);
  EXPECT_EQ(render(snapshot, "-ta", nullptr).find(expected + ":"), std::string::npos);
  HostNames unused;
  const std::string numeric = render(snapshot, "-ta --numeric-hosts", &unused);
  EXPECT_NE(numeric.find("127.0.0.1:40000"), std::string::npos) << numeric;
  EXPECT_EQ(unused.lookups(), 0u);
}

}  // namespace
}  // namespace netsnap
