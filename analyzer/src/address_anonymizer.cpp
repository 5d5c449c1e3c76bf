#include "address_anonymizer.h"

#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <string_view>

namespace netsnap::analysis {
namespace {

constexpr uint8_t ipv4_tree = 4, ipv6_tree = 6;

bool is_ipv4_kept(const std::array<uint8_t, 4>& a) {
  return a[0] == 127 || (a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == 0);
}

bool is_ipv4_mapped(const std::array<uint8_t, 16>& a) {
  static constexpr uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(a.data(), prefix, sizeof prefix) == 0;
}

bool is_ipv6_kept(const std::array<uint8_t, 16>& a) {
  // :: and ::1.
  return std::all_of(a.begin(), a.begin() + 15, [](uint8_t b) { return b == 0; }) && a[15] <= 1;
}

}  // namespace

size_t AddressAnonymizer::AddressHash::operator()(const std::array<uint8_t, 16>& a) const {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a: a cache key, not a secret
  for (uint8_t b : a) h = (h ^ b) * 1099511628211ULL;
  return static_cast<size_t>(h);
}

AddressAnonymizer::AddressAnonymizer(const HashKey& key) : key_(key) {
  // The first octet's permutation: Crypto-PAn over 8 bits, then 0 and 127 swapped back into
  // place (the octet that would have become 0 or 127 takes what 0 or 127 would have become).
  for (int octet = 0; octet < 256; ++octet) {
    uint8_t bits = static_cast<uint8_t>(octet);
    flip_bits(&bits, 0, 8, ipv4_tree);
    first_octet_[octet] = bits;
  }
  for (uint8_t fixed : {uint8_t(0), uint8_t(127)}) {
    auto onto = std::find(first_octet_.begin(), first_octet_.end(), fixed);
    std::swap(*onto, first_octet_[fixed]);
  }
}

void AddressAnonymizer::flip_bits(uint8_t* address, int first_bit, int bits, uint8_t tree) const {
  // The pseudo-random bit for position i depends on the ORIGINAL's first i bits only.
  uint8_t original[16] = {};
  std::memcpy(original, address, static_cast<size_t>((bits + 7) / 8));
  char message[18] = {};
  message[0] = static_cast<char>(tree);
  for (int i = first_bit; i < bits; ++i) {
    message[1] = static_cast<char>(i);
    std::memset(message + 2, 0, 16);
    std::memcpy(message + 2, original, static_cast<size_t>(i / 8));
    if (i % 8 != 0) message[2 + i / 8] = static_cast<char>(original[i / 8] & (0xff00 >> (i % 8)));
    const uint64_t prf = siphash24(key_, std::string_view(message, sizeof message));
    address[i / 8] ^= static_cast<uint8_t>((prf & 1) << (7 - i % 8));
  }
}

std::array<uint8_t, 4> AddressAnonymizer::ipv4(std::array<uint8_t, 4> address) {
  if (is_ipv4_kept(address)) return address;
  std::array<uint8_t, 16> cache_key{};
  std::copy(address.begin(), address.end(), cache_key.begin());
  auto [it, added] = v4_.try_emplace(cache_key);
  if (added) {
    std::array<uint8_t, 4> out = address;
    flip_bits(out.data(), 8, 32, ipv4_tree);
    out[0] = first_octet_[address[0]];
    std::copy(out.begin(), out.end(), it->second.begin());
  }
  return {it->second[0], it->second[1], it->second[2], it->second[3]};
}

std::array<uint8_t, 16> AddressAnonymizer::ipv6(const std::array<uint8_t, 16>& address) {
  if (is_ipv6_kept(address)) return address;
  if (is_ipv4_mapped(address)) {
    std::array<uint8_t, 16> out = address;
    const auto v4 = ipv4({address[12], address[13], address[14], address[15]});
    std::copy(v4.begin(), v4.end(), out.begin() + 12);
    return out;
  }
  auto [it, added] = v6_.try_emplace(address);
  if (added) {
    it->second = address;
    flip_bits(it->second.data(), 0, 128, ipv6_tree);
  }
  return it->second;
}

void AddressAnonymizer::replace(uint8_t family, std::array<uint8_t, 16>& address) {
  if (family == AF_INET) {
    const auto v4 = ipv4({address[0], address[1], address[2], address[3]});
    std::copy(v4.begin(), v4.end(), address.begin());
  } else if (family == AF_INET6) {
    address = ipv6(address);
  }
}

}  // namespace netsnap::analysis
