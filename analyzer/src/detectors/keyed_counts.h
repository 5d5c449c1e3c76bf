// Counts per key (TIME_WAIT per destination, CLOSE_WAIT per process, SYN_RECV per port...),
// kept incrementally: a socket event adds or subtracts, touching only its key; commit() at the
// end of each snapshot records the keys that changed into their StepSeries. A key that does not
// change costs nothing per snapshot. A full recount (no previous snapshot) resets every live
// value and adds the sockets again; commit() then records only the keys whose value differs.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

#include "detectors/bucketed_series.h"
#include "detectors/socket_keys.h"

namespace netsnap::analysis::detectors {

struct NoExtra {};

template <class Key, class Extra = NoExtra>
class KeyedCounts {
 public:
  struct Slot {
    int64_t value = 0;      // live, while events of the current snapshot are applied
    int64_t committed = 0;  // as of the last commit: the previous snapshot's value
    int64_t peak = 0;
    uint64_t peak_ordinal = 0;
    bool ever_nonzero = false;
    uint64_t first_nonzero = 0, last_nonzero = 0;  // ordinals; last_nonzero valid when zero now
    StepSeries series;
    Extra extra;
    bool dirty = false;
  };
  using Map = std::unordered_map<Key, Slot, KeyHash<Key>>;

  // A key and its slot inside the map: stays valid as the map grows (its nodes never move),
  // so that a tracked socket can remember its key's slot instead of hashing again.
  struct Handle {
    const Key* key = nullptr;
    Slot* slot = nullptr;
  };

  Slot& apply(const Key& key, int64_t delta) { return *apply_handle(key, delta).slot; }
  Handle apply_handle(const Key& key, int64_t delta) {
    auto [it, inserted] = map_.try_emplace(key);
    Handle handle{&it->first, &it->second};
    apply(handle, delta);
    return handle;
  }
  void apply(const Handle& handle, int64_t delta) {
    handle.slot->value += delta;
    mark(*handle.key, *handle.slot);
  }
  // For keys whose Extra changed without a count change (still wants commit's callback).
  Slot& touch(const Key& key) { return apply(key, 0); }

  // Before a full recount: every live value to zero (the series keep their history).
  void reset() {
    for (auto& [key, slot] : map_) {
      slot.value = 0;
      mark(key, slot);
    }
  }

  // Records the changed keys at `at`, then calls on_commit(key, slot) for each (with
  // slot.committed still the previous value, so the callback sees both).
  template <class OnCommit>
  void commit(const Moment& at, OnCommit&& on_commit) {
    for (auto& [key, slot] : dirty_) {
      slot->dirty = false;
      if (slot->value != slot->committed || slot->series.stored_points() == 0)
        slot->series.record(at, slot->value);
      if (slot->value > slot->peak) slot->peak = slot->value, slot->peak_ordinal = at.ordinal;
      if (slot->value > 0 && !slot->ever_nonzero) slot->ever_nonzero = true, slot->first_nonzero = at.ordinal;
      if (slot->value <= 0 && slot->committed > 0 && at.ordinal > 0) slot->last_nonzero = at.ordinal - 1;
      on_commit(*key, *slot);
      slot->committed = slot->value;
    }
    dirty_.clear();
  }
  void commit(const Moment& at) {
    commit(at, [](const Key&, Slot&) {});
  }

  // The last ordinal at which the key was nonzero, given the window's last ordinal.
  static uint64_t last_nonzero_ordinal(const Slot& slot, uint64_t final_ordinal) {
    return slot.committed > 0 ? final_ordinal : slot.last_nonzero;
  }

  const Map& slots() const { return map_; }
  Map& slots() { return map_; }
  const Slot* find(const Key& key) const {
    auto it = map_.find(key);
    return it == map_.end() ? nullptr : &it->second;
  }

 private:
  void mark(const Key& key, Slot& slot) {
    if (slot.dirty) return;
    slot.dirty = true;
    dirty_.emplace_back(&key, &slot);
  }
  Map map_;  // node-based: the pointers in dirty_ stay valid while it grows
  std::vector<std::pair<const Key*, Slot*>> dirty_;
};

}  // namespace netsnap::analysis::detectors
