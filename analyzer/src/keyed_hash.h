// SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed pseudo-random function of a byte string.
// The anonymizer derives every replacement from it, so that without the 128-bit key nobody can
// tell which original a replacement stands for, and with the same key the same original always
// gets the same replacement. Small enough to carry here instead of a crypto library.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace netsnap::analysis {

using HashKey = std::array<uint8_t, 16>;

uint64_t siphash24(const HashKey& key, std::string_view message);

}  // namespace netsnap::analysis
