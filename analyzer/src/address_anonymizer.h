// Replaces IP addresses by others, consistently and prefix-preserving (Crypto-PAn: Xu, Fan,
// Ammar, Moon, 2002): bit i of the replacement is bit i of the original XOR a keyed
// pseudo-random bit of the original's first i bits. So the same address always gets the same
// replacement, and two addresses sharing exactly a /k prefix get replacements sharing exactly a
// /k prefix: subnets stay recognizable, the networks themselves do not.
//
// Left as they are, because they name no one and a reader needs to see them: the loopback
// addresses (127/8, ::1) and the unspecified ones (0.0.0.0, ::). An IPv4-mapped IPv6 address
// (::ffff:a.b.c.d) gets ::ffff: and the replacement of a.b.c.d, so a dual-stack peer stays one
// peer. IPv4 keeps the first octets 0 and 127 apart: the first octet is permuted as a whole (a
// keyed permutation of 0..255 that fixes 0 and 127), so no replacement looks like loopback;
// prefix preservation therefore holds for /8 and longer (IPv6: every length).
#pragma once

#include <array>
#include <cstdint>
#include <unordered_map>

#include "keyed_hash.h"

namespace netsnap::analysis {

class AddressAnonymizer {
 public:
  explicit AddressAnonymizer(const HashKey& key);

  // IPv4 in the first 4 bytes (network byte order), as in netsnap::Endpoint.
  std::array<uint8_t, 4> ipv4(std::array<uint8_t, 4> address);
  std::array<uint8_t, 16> ipv6(const std::array<uint8_t, 16>& address);
  // An Endpoint address of a socket of `family` (AF_INET, AF_INET6; others unchanged).
  void replace(uint8_t family, std::array<uint8_t, 16>& address);

 private:
  struct AddressHash {
    size_t operator()(const std::array<uint8_t, 16>& a) const;
  };
  // Crypto-PAn over bits [first_bit, bits) of `address`, in place; `tree` keeps the IPv4 and
  // IPv6 functions independent.
  void flip_bits(uint8_t* address, int first_bit, int bits, uint8_t tree) const;

  HashKey key_;
  std::array<uint8_t, 256> first_octet_{};
  // Replacements made so far (a recording repeats the same few addresses millions of times).
  std::unordered_map<std::array<uint8_t, 16>, std::array<uint8_t, 16>, AddressHash> v4_, v6_;
};

}  // namespace netsnap::analysis
