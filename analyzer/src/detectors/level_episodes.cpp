#include "detectors/level_episodes.h"

#include <algorithm>
#include <cmath>

namespace netsnap::analysis::detectors {

void LevelEpisodes::update(uint64_t ordinal, double value, const LevelRule& rule) {
  const double threshold[3] = {0, rule.warning, rule.critical};
  for (int level = 1; level <= 2; ++level) {
    if (!std::isfinite(threshold[level])) continue;
    if (!in_run_[level] && value >= threshold[level]) {
      in_run_[level] = true;
      run_start_[level] = ordinal;
      if (touched_ == 0) touched_first_ = ordinal;
      touched_ = std::max(touched_, level);
    } else if (in_run_[level] && value < threshold[level] * rule.clear_ratio) {
      end_run(level, ordinal, rule);
    }
  }
}

void LevelEpisodes::finish(uint64_t final_ordinal, const LevelRule& rule) {
  if (finished_) return;
  finished_ = true;
  for (int level = 1; level <= 2; ++level)
    if (in_run_[level]) end_run(level, final_ordinal + 1, rule);
}

// A run of `level` held from run_start_ up to end_ordinal - 1.
void LevelEpisodes::end_run(int level, uint64_t end_ordinal, const LevelRule& rule) {
  in_run_[level] = false;
  const uint64_t start = run_start_[level];
  const uint64_t held = end_ordinal > start ? end_ordinal - start : 0;
  if (held > 0) touched_last_ = std::max(touched_last_, end_ordinal - 1);
  if (held < std::max<uint32_t>(rule.min_snapshots, 1)) return;
  held_[level] += held;
  // Episodes are counted on the lowest level the rule has, so that a critical run inside a
  // warning run is not counted twice.
  const bool lowest = level == 1 || !std::isfinite(rule.warning);
  if (lowest) ++episodes_;
  if (confirmed_ == 0 || start < first_) first_ = start;
  last_ = std::max(last_, end_ordinal - 1);
  confirmed_ = std::max(confirmed_, level);
}

}  // namespace netsnap::analysis::detectors
