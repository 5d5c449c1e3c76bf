// changed_fields(): the recorder's fast change mask must be exactly the field-by-field
// comparison the format defines (get_field per SocketField, owners as a list).
#include "socket_fields.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace netsnap {
namespace {

uint64_t mask_by_get_field(const Socket& a, const Socket& b) {
  uint64_t mask = 0;
  for (int f = 0; f < FIELD_COUNT; ++f) {
    const bool differs = f == OWNERS_FIELD ? !(a.owners == b.owners) : get_field(a, f) != get_field(b, f);
    if (differs) mask |= uint64_t{1} << f;
  }
  return mask;
}

TEST(SocketFields, ChangedFieldsEqualsTheFieldByFieldComparison) {
  uint32_t seed = 99;
  const auto next = [&] { return seed = seed * 1664525 + 1013904223, seed >> 16; };
  const auto vary = [&](Socket s) {
    // Change a few fields at random, tcp_info included (present, absent, or coming and going).
    for (int changes = next() % 4; changes-- > 0;) {
      const int f = static_cast<int>(next() % FIELD_COUNT);
      if (f == OWNERS_FIELD) s.owners = {static_cast<int32_t>(next() % 3)};
      else set_field(s, f, next() % 3);
    }
    return s;
  };
  for (int i = 0; i < 20000; ++i) {
    Socket a;
    a.has_tcp_info = next() % 2;
    a = vary(a);
    const Socket b = vary(a);
    EXPECT_EQ(changed_fields(a, b), mask_by_get_field(a, b)) << "case " << i;
  }
  Socket with_info;
  with_info.has_tcp_info = true;
  with_info.tcp_info.rtt_us = 5;
  Socket without = with_info;
  without.has_tcp_info = false;  // its stale tcp_info reads as zeros
  EXPECT_EQ(changed_fields(with_info, without), (uint64_t{1} << TCP_INFO_PRESENT) | (uint64_t{1} << 13));
  EXPECT_EQ(changed_fields(without, without), 0u);
}

}  // namespace
}  // namespace netsnap
