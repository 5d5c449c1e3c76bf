// One-line charts of a series with the eight block characters U+2581..U+2588, for the end of
// `timeline`'s text output on a terminal.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace netsnap::analysis {

// At most `width` characters: when the series is longer, each character shows the maximum of
// its share of the values (a spike must not vanish by averaging). The lowest value of the
// series maps to the lowest block and the highest to the full block; a flat series is all
// lowest blocks. Empty series or width 0: an empty string.
std::string sparkline(std::span<const int64_t> values, size_t width);

}  // namespace netsnap::analysis
