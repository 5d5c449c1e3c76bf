// An open-addressing hash map for the per-socket state that changes on every replay step
// (queue runs): the probe table holds only (hash, index) pairs, four to a cache line, with
// linear probing and backward-shift deletion; entries (key next to value) sit in a dense array
// whose freed places are reused. No allocation per insert and usually one cache line per miss, where
// std::unordered_map allocates a node per entry and chases a pointer per lookup.
// Values move when the arrays grow: never keep a pointer across an insert.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace netsnap::analysis::detectors {

template <class Key, class Value, class Hash>
class FlatMap {
 public:
  Value* find(const Key& key) {
    if (probes_.empty()) return nullptr;
    const uint64_t h = Hash{}(key);
    for (size_t i = h & mask();; i = next(i)) {
      const Probe& p = probes_[i];
      if (p.index == empty) return nullptr;
      if (p.hash == h && entries_[p.index].first == key) return &entries_[p.index].second;
    }
  }

  // The value for key, default-constructed if new; second: whether it was inserted.
  std::pair<Value*, bool> try_emplace(const Key& key) {
    if ((size_ + 1) * 2 > probes_.size()) grow();
    const uint64_t h = Hash{}(key);
    size_t i = h & mask();
    for (;; i = next(i)) {
      const Probe& p = probes_[i];
      if (p.index == empty) break;
      if (p.hash == h && entries_[p.index].first == key) return {&entries_[p.index].second, false};
    }
    uint32_t index;
    if (!free_.empty()) {
      index = free_.back();
      free_.pop_back();
      entries_[index] = {key, Value{}};
    } else {
      index = static_cast<uint32_t>(entries_.size());
      entries_.emplace_back(key, Value{});
    }
    probes_[i] = {h, index};
    ++size_;
    return {&entries_[index].second, true};
  }

  bool erase(const Key& key) {
    if (probes_.empty()) return false;
    const uint64_t h = Hash{}(key);
    size_t i = h & mask();
    for (;; i = next(i)) {
      if (probes_[i].index == empty) return false;
      if (probes_[i].hash == h && entries_[probes_[i].index].first == key) break;
    }
    free_.push_back(probes_[i].index);
    // Backward shift: pull later members of the probe run into the hole (no tombstones).
    for (size_t j = next(i);; j = next(j)) {
      const Probe& candidate = probes_[j];
      if (candidate.index == empty) break;
      const size_t want = candidate.hash & mask();
      const bool movable = (j > i) ? (want <= i || want > j) : (want <= i && want > j);
      if (!movable) continue;
      probes_[i] = candidate;
      i = j;
    }
    probes_[i] = Probe{};
    --size_;
    return true;
  }

  template <class F>
  void for_each(F&& f) {
    for (const Probe& p : probes_)
      if (p.index != empty) f(entries_[p.index].first, entries_[p.index].second);
  }
  void clear() {
    probes_.assign(probes_.size(), Probe{});
    entries_.clear();
    free_.clear();
    size_ = 0;
  }
  size_t size() const { return size_; }

 private:
  static constexpr uint32_t empty = UINT32_MAX;
  struct Probe {
    uint64_t hash = 0;
    uint32_t index = empty;
  };
  size_t mask() const { return probes_.size() - 1; }
  size_t next(size_t i) const { return (i + 1) & mask(); }
  void grow() {
    std::vector<Probe> old = std::move(probes_);
    probes_.assign(old.empty() ? 64 : old.size() * 2, Probe{});
    for (const Probe& p : old) {
      if (p.index == empty) continue;
      size_t i = p.hash & mask();
      while (probes_[i].index != empty) i = next(i);
      probes_[i] = p;
    }
  }
  std::vector<Probe> probes_;
  std::vector<std::pair<Key, Value>> entries_;
  std::vector<uint32_t> free_;
  size_t size_ = 0;
};

}  // namespace netsnap::analysis::detectors
