// The pieces of `slice --anonymize`: SipHash-2-4 against the reference vectors, the
// prefix-preserving address mapping (consistency, prefix property, kept addresses, IPv4-mapped
// consistent with IPv4, no collisions), key files, and what RecordingAnonymizer replaces.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "address_anonymizer.h"
#include "anonymization_key.h"
#include "keyed_hash.h"
#include "recording_anonymizer.h"

namespace netsnap::analysis {
namespace {

HashKey key_of(uint8_t first) {
  HashKey key{};
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(first + i);
  return key;
}

std::array<uint8_t, 4> v4(const char* text) {
  std::array<uint8_t, 4> a{};
  EXPECT_EQ(inet_pton(AF_INET, text, a.data()), 1) << text;
  return a;
}
std::array<uint8_t, 16> v6(const char* text) {
  std::array<uint8_t, 16> a{};
  EXPECT_EQ(inet_pton(AF_INET6, text, a.data()), 1) << text;
  return a;
}

// Leading bits two addresses share.
template <size_t N>
int shared_prefix(const std::array<uint8_t, N>& a, const std::array<uint8_t, N>& b) {
  for (size_t i = 0; i < N * 8; ++i) {
    const int mask = 0x80 >> (i % 8);
    if ((a[i / 8] & mask) != (b[i / 8] & mask)) return static_cast<int>(i);
  }
  return static_cast<int>(N * 8);
}

// b = a with bit k flipped and the bits after k random: a and b share exactly a /k prefix.
template <size_t N>
std::array<uint8_t, N> sharing_exactly(const std::array<uint8_t, N>& a, size_t k,
                                       std::mt19937_64& random) {
  std::array<uint8_t, N> b = a;
  for (size_t i = k + 1; i < N * 8; ++i) {
    if (random() & 1) b[i / 8] ^= static_cast<uint8_t>(0x80 >> (i % 8));
  }
  b[k / 8] ^= static_cast<uint8_t>(0x80 >> (k % 8));
  return b;
}

TEST(KeyedHash, MatchesSipHashReferenceVectors) {
  // From the SipHash paper's reference implementation: key 00..0f, message 00..(n-1).
  const HashKey key = key_of(0);
  std::string message;
  for (int i = 0; i < 15; ++i) message += static_cast<char>(i);
  EXPECT_EQ(siphash24(key, ""), 0x726fdb47dd0e0e31ULL);
  EXPECT_EQ(siphash24(key, message.substr(0, 8)), 0x93f5f5799a932462ULL);
  EXPECT_EQ(siphash24(key, message), 0xa129ca6149be45e5ULL);
  EXPECT_NE(siphash24(key_of(1), message), siphash24(key, message));
}

TEST(AddressAnonymizer, SameAddressSameReplacementWithinARunAndWithTheSameKey) {
  AddressAnonymizer a(key_of(7)), b(key_of(7)), other(key_of(8));
  const auto peer = v4("198.51.100.77");
  const auto first = a.ipv4(peer);
  EXPECT_NE(first, peer);
  EXPECT_EQ(a.ipv4(peer), first);
  EXPECT_EQ(b.ipv4(peer), first);
  EXPECT_NE(other.ipv4(peer), first);
  const auto peer6 = v6("2001:db8:1111:2222:3333:4444:5555:6666");
  EXPECT_NE(a.ipv6(peer6), peer6);
  EXPECT_EQ(a.ipv6(peer6), b.ipv6(peer6));
}

TEST(AddressAnonymizer, KeepsLoopbackAndUnspecifiedAndMapsIpv4MappedLikeIpv4) {
  AddressAnonymizer a(key_of(3));
  for (const char* kept : {"127.0.0.1", "127.0.0.53", "127.255.1.2", "0.0.0.0"})
    EXPECT_EQ(a.ipv4(v4(kept)), v4(kept)) << kept;
  for (const char* kept : {"::", "::1", "::ffff:127.0.0.1", "::ffff:0.0.0.0"})
    EXPECT_EQ(a.ipv6(v6(kept)), v6(kept)) << kept;
  const auto plain = a.ipv4(v4("10.0.0.5"));
  const auto mapped = a.ipv6(v6("::ffff:10.0.0.5"));
  char text[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET, plain.data(), text, sizeof text);
  EXPECT_EQ(mapped, v6(("::ffff:" + std::string(text)).c_str()));
}

TEST(AddressAnonymizer, Ipv4PrefixesArePreservedFromSlash8AndNothingBecomesLoopback) {
  AddressAnonymizer a(key_of(11));
  std::mt19937_64 random(42);
  std::set<std::array<uint8_t, 4>> outputs;
  for (int round = 0; round < 2000; ++round) {
    std::array<uint8_t, 4> x{};
    for (auto& byte : x) byte = static_cast<uint8_t>(random());
    if (x[0] == 127 || x[0] == 0) continue;
    const auto ax = a.ipv4(x);
    EXPECT_NE(ax[0], 127) << "a replacement must not look like loopback";
    EXPECT_NE(ax[0], 0);
    outputs.insert(ax);
    for (size_t k = 8; k < 32; ++k) {
      const auto y = sharing_exactly(x, k, random);
      if (y[0] == 127) continue;
      ASSERT_EQ(shared_prefix(ax, a.ipv4(y)), static_cast<int>(k)) << "k=" << k;
    }
  }
  EXPECT_GT(outputs.size(), 1900u);  // a bijection: distinct inputs, distinct outputs
}

TEST(AddressAnonymizer, Ipv6PrefixesArePreservedAtEveryLength) {
  AddressAnonymizer a(key_of(5));
  std::mt19937_64 random(7);
  for (int round = 0; round < 200; ++round) {
    std::array<uint8_t, 16> x{};
    for (auto& byte : x) byte = static_cast<uint8_t>(random());
    x[0] |= 0x20;  // never ::, ::1 or ::ffff:0:0/96 (nor is y: it keeps 80 random bits)
    const auto ax = a.ipv6(x);
    for (size_t k = 0; k < 128; ++k) {
      const auto y = sharing_exactly(x, k, random);
      ASSERT_EQ(shared_prefix(ax, a.ipv6(y)), static_cast<int>(k)) << "k=" << k;
    }
  }
}

TEST(AnonymizationKey, KeyFileIsCreatedOnceThenReadBack) {
  const std::string dir = ::testing::TempDir() + "/anonymization-key-" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/incident.key";
  auto created = load_or_create_anonymization_key(path);
  ASSERT_TRUE(created.ok()) << created.error().message;
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = load_or_create_anonymization_key(path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *created);
  EXPECT_EQ(*parse_anonymization_key(format_anonymization_key(*created), "k"), *created);

  std::ofstream(dir + "/bad.key") << "not a key\n";
  auto bad = load_or_create_anonymization_key(dir + "/bad.key");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "--anonymize-key " + dir +
                                     "/bad.key: not an anonymization key (expected 32 hex "
                                     "digits on one line)");
  std::filesystem::remove_all(dir);
}

TEST(RecordingAnonymizer, ReplacesNamesPathsAndIdsAndKeepsNumbers) {
  RecordingAnonymizer anonymizer(key_of(9));
  FileHeader header;
  header.host_name = "db-7.corp.example";
  header.machine_id = "4c1f6f0a8d2e4b7c9a1e3d5f7b9c1a2e";
  header.boot_id = "0d6a3c52-3f8e-4a4e-9d57-0c5b6f1a2b3c";
  header.kernel_release = "6.1.0-28-amd64";
  header.users = {{0, "root"}, {33, "www-data"}, {1000, ""}};
  anonymizer.anonymize(header);
  EXPECT_EQ(header.host_name, "host-1");
  EXPECT_EQ(header.machine_id.size(), 32u);
  EXPECT_NE(header.machine_id, "4c1f6f0a8d2e4b7c9a1e3d5f7b9c1a2e");
  EXPECT_EQ(header.boot_id.size(), 36u);
  EXPECT_EQ(header.kernel_release, "6.1.0-28-amd64");
  EXPECT_EQ(header.users, (std::vector<UserName>{{0, "root"}, {33, "user-1"}, {1000, ""}}));

  Snapshot snapshot;
  Socket tcp;
  tcp.family = AF_INET;
  tcp.local.address = {10, 0, 0, 5};
  tcp.local.port = 443;
  tcp.recv_q = 17;
  tcp.uid = 33;
  Socket unix_socket;
  unix_socket.family = AF_UNIX;
  unix_socket.unix_path = "/run/secret/app.sock";
  Socket abstract = unix_socket;
  abstract.unix_path = std::string("\0hidden", 7);
  snapshot.namespaces.push_back({1, "customer-a", {tcp, unix_socket, abstract, unix_socket}});
  Process nginx{812, 33, "nginx", "/usr/sbin/nginx", {"/usr/sbin/nginx", "-c", "/etc/x"}};
  snapshot.processes = {nginx};
  snapshot.users_added = {{4242, "alice"}};
  snapshot.errors = {{"owners", "/proc/812/fd: permission denied"}};
  anonymizer.anonymize(snapshot);
  const auto& sockets = snapshot.namespaces[0].sockets;
  EXPECT_EQ(snapshot.namespaces[0].name, "netns-1");
  EXPECT_NE(sockets[0].local.address, tcp.local.address);
  EXPECT_EQ(sockets[0].local.port, 443);
  EXPECT_EQ(sockets[0].recv_q, 17u);
  EXPECT_EQ(sockets[0].uid, 33u);
  EXPECT_EQ(sockets[1].unix_path, "/path-1");
  EXPECT_EQ(sockets[2].unix_path, std::string("\0path-2", 7));
  EXPECT_EQ(sockets[3].unix_path, "/path-1");
  EXPECT_EQ(snapshot.processes[0].comm, "prog-1");
  EXPECT_EQ(snapshot.processes[0].argv0, "prog-1");  // argv[0] agrees with comm
  EXPECT_EQ(snapshot.processes[0].cmdline, std::vector<std::string>{"prog-1"});
  EXPECT_EQ(snapshot.users_added, (std::vector<UserName>{{4242, "user-2"}}));
  EXPECT_EQ(snapshot.errors[0].source, "owners");
  EXPECT_EQ(snapshot.errors[0].message, "(removed by --anonymize)");
}

}  // namespace
}  // namespace netsnap::analysis
