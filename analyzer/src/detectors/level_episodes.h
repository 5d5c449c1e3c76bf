// A level rule with persistence and hysteresis: "value >= warning (or >= critical) in N
// consecutive snapshots". A level is entered at its threshold and left only below
// threshold * clear_ratio, so a value hovering around the line makes one episode. Runs are
// measured lazily in snapshot ordinals: update() is called only when the value changes (an
// unchanged value keeps its level), so an idle key costs nothing per snapshot.
#pragma once

#include <array>
#include <cstdint>
#include <limits>

namespace netsnap::analysis::detectors {

struct LevelRule {
  double warning = std::numeric_limits<double>::infinity();
  double critical = std::numeric_limits<double>::infinity();
  double clear_ratio = 0.9;
  uint32_t min_snapshots = 2;
};

class LevelEpisodes {
 public:
  // The value from `ordinal` on (until the next update).
  void update(uint64_t ordinal, double value, const LevelRule& rule);
  // Ends open runs after the window's last snapshot.
  void finish(uint64_t final_ordinal, const LevelRule& rule);

  // 0 none, 1 warning, 2 critical: the highest level held for min_snapshots.
  int confirmed() const { return confirmed_; }
  // The highest level entered at all (even for a single snapshot).
  int touched() const { return touched_; }
  // Confirmed runs at warning or above: how many, from which ordinal to which, how long.
  uint32_t episodes() const { return episodes_; }
  uint64_t first_ordinal() const { return first_; }
  uint64_t last_ordinal() const { return last_; }
  uint64_t held_snapshots(int level) const { return held_[level]; }
  // Any run at warning or above, confirmed or not (for brief spikes).
  uint64_t touched_first() const { return touched_first_; }
  uint64_t touched_last() const { return touched_last_; }

 private:
  void end_run(int level, uint64_t end_ordinal, const LevelRule& rule);
  std::array<bool, 3> in_run_{};
  std::array<uint64_t, 3> run_start_{};
  std::array<uint64_t, 3> held_{};
  int confirmed_ = 0, touched_ = 0;
  uint32_t episodes_ = 0;
  uint64_t first_ = 0, last_ = 0;
  uint64_t touched_first_ = 0, touched_last_ = 0;
  bool finished_ = false;
};

}  // namespace netsnap::analysis::detectors
