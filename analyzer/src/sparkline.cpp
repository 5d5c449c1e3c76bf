#include "sparkline.h"

#include <algorithm>
#include <vector>

namespace netsnap::analysis {
namespace {

constexpr const char* blocks[8] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                   "\u2585", "\u2586", "\u2587", "\u2588"};

}  // namespace

std::string sparkline(std::span<const int64_t> values, size_t width) {
  if (values.empty() || width == 0) return {};
  // Chunk i covers values [i * n / w, (i + 1) * n / w): every value in exactly one chunk.
  const size_t columns = std::min(width, values.size());
  std::vector<int64_t> maxima(columns);
  for (size_t i = 0; i < columns; ++i) {
    const size_t begin = i * values.size() / columns;
    const size_t end = (i + 1) * values.size() / columns;
    maxima[i] = *std::max_element(values.begin() + static_cast<std::ptrdiff_t>(begin),
                                  values.begin() + static_cast<std::ptrdiff_t>(end));
  }
  const auto [low_it, high_it] = std::minmax_element(values.begin(), values.end());
  const int64_t low = *low_it, high = *high_it;
  std::string line;
  line.reserve(columns * 3);
  for (const int64_t value : maxima) {
    size_t level = 0;
    if (high > low) {
      // Scale in floating point: byte totals can be large enough to overflow a product.
      const double fraction = static_cast<double>(value - low) / static_cast<double>(high - low);
      level = std::min<size_t>(7, static_cast<size_t>(fraction * 7.0 + 0.5));
    }
    line.append(blocks[level]);
  }
  return line;
}

}  // namespace netsnap::analysis
