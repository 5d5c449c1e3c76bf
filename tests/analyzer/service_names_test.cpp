#include "service_names.h"

#include <gtest/gtest.h>

#include <string>

namespace netsnap {
namespace {

constexpr std::string_view services_sample =
    "# Network services, Internet style\n"
    "\n"
    "tcpmux\t\t1/tcp\t\t\t\t# TCP port service multiplexer\n"
    "ssh\t\t22/tcp\t\t\t\t# SSH Remote Login Protocol\n"
    "domain\t\t53/tcp\n"
    "domain\t\t53/udp\n"
    "   http  80/tcp   www   # leading blanks are allowed\n"
    "sctp-only\t9/sctp\n"
    "noport\t\tx/tcp\n"
    "toolarge\t70000/tcp\n"
    "noslash\t\t81\n"
    "lonely\n"
    "first\t\t8080/tcp\n"
    "second\t\t8080/tcp\n"
    "rawsvc\t\t99/raw\n"
    "last-line-without-newline 5353/udp";

constexpr std::string_view protocols_sample =
    "# Internet (IP) protocols\n"
    "ip\t0\tIP\t\t# internet protocol, pseudo protocol number\n"
    "icmp\t1\tICMP\t\t# internet control message protocol\n"
    "ipv6-icmp 58\tIPv6-ICMP\n"
    "override 99\n";

TEST(ServiceNames, EmptyDatabaseHasNoNames) {
  const ServiceNames names;
  EXPECT_EQ(names.find(ServiceProtocol::tcp, 22), "");
  EXPECT_EQ(names.size(), 0u);
}

TEST(ServiceNames, FindsOfficialNamesPerProtocol) {
  const ServiceNames names = ServiceNames::parse(services_sample);
  EXPECT_EQ(names.find(ServiceProtocol::tcp, 22), "ssh");
  EXPECT_EQ(names.find(ServiceProtocol::udp, 22), "");
  EXPECT_EQ(names.find(ServiceProtocol::udp, 53), "domain");
  EXPECT_EQ(names.find(ServiceProtocol::tcp, 80), "http");
  EXPECT_EQ(names.find(ServiceProtocol::tcp, 1), "tcpmux");
  EXPECT_EQ(names.find(ServiceProtocol::udp, 5353), "last-line-without-newline");
  EXPECT_EQ(names.find(ServiceProtocol::raw, 99), "rawsvc");
}

TEST(ServiceNames, SkipsLinesThatDoNotParseAndOtherProtocols) {
  const ServiceNames names = ServiceNames::parse(services_sample);
  EXPECT_EQ(names.find(ServiceProtocol::tcp, 9), "");
  EXPECT_EQ(names.find(ServiceProtocol::tcp, 81), "");
  EXPECT_EQ(names.find(ServiceProtocol::tcp, static_cast<uint16_t>(70000 & 0xffff)), "");
}

TEST(ServiceNames, LastEntryForAPortWinsLikeNetstat) {
  const ServiceNames names = ServiceNames::parse(services_sample);
  EXPECT_EQ(names.find(ServiceProtocol::tcp, 8080), "second");
}

TEST(ServiceNames, ProtocolsNameRawPortsAndComeAfterServices) {
  const ServiceNames names = ServiceNames::parse(services_sample, protocols_sample);
  EXPECT_EQ(names.find(ServiceProtocol::raw, 1), "icmp");
  EXPECT_EQ(names.find(ServiceProtocol::raw, 58), "ipv6-icmp");
  EXPECT_EQ(names.find(ServiceProtocol::raw, 0), "ip");
  EXPECT_EQ(names.find(ServiceProtocol::raw, 99), "override");
  EXPECT_EQ(names.find(ServiceProtocol::tcp, 1), "tcpmux");
}

TEST(ServiceNames, NamesAreEscapedAndCutLikeNetstatsBuffer) {
  const std::string hostile = "evil\x1b[31m 666/tcp\nbad\\name 667/tcp\n" +
                              std::string(70, 'n') + " 668/tcp\n";
  const ServiceNames names = ServiceNames::parse(hostile);
  EXPECT_EQ(names.find(ServiceProtocol::tcp, 666), "evil\\x1b[31m");
  EXPECT_EQ(names.find(ServiceProtocol::tcp, 667), "bad\\\\name");
  EXPECT_EQ(names.find(ServiceProtocol::tcp, 668), std::string(63, 'n'));
}

TEST(ServiceNames, CrLfLinesParse) {
  const ServiceNames names = ServiceNames::parse("ssh 22/tcp\r\nsmtp 25/tcp\r\n");
  EXPECT_EQ(names.find(ServiceProtocol::tcp, 22), "ssh");
  EXPECT_EQ(names.find(ServiceProtocol::tcp, 25), "smtp");
}

}  // namespace
}  // namespace netsnap
