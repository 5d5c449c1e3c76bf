#include "namespace_selection.h"

#include <algorithm>
#include <charconv>

#include "netsnap/socket_summary.h"
#include "text_escape.h"

namespace netsnap::analysis {
namespace {

constexpr size_t listed_in_error = 5;  // namespaces an unknown --netns lists

bool parse_inode(const std::string& value, uint64_t& inode) {
  const char* end = value.data() + value.size();
  auto [ptr, ec] = std::from_chars(value.data(), end, inode);
  return ec == std::errc() && ptr == end && !value.empty();
}

// The namespaces a recording has, in order of first appearance (inode, label).
class NamespaceInventory {
 public:
  void add(const Snapshot& snapshot) {
    for (const Namespace& ns : snapshot.namespaces) {
      const bool known = std::any_of(seen_.begin(), seen_.end(), [&](const auto& s) {
        return s.first == ns.inode && s.second == ns.name;
      });
      if (!known) seen_.emplace_back(ns.inode, ns.name);
    }
  }
  bool has(const std::string& value) const {
    const NamespaceSelection one({value});
    return std::any_of(seen_.begin(), seen_.end(),
                       [&](const auto& s) { return one.matches(s.first, s.second); });
  }
  std::string listing() const {
    std::string text;
    for (size_t i = 0; i < seen_.size() && i < listed_in_error; ++i) {
      if (i > 0) text.append(", ");
      text.append(namespace_label(seen_[i].first, seen_[i].second));
    }
    if (seen_.size() > listed_in_error)
      text.append(" and " + std::to_string(seen_.size() - listed_in_error) + " more");
    return text.empty() ? "none" : text;
  }

 private:
  std::vector<std::pair<uint64_t, std::string>> seen_;
};

}  // namespace

bool NamespaceSelection::matches(uint64_t inode, const std::string& name) const {
  if (values_.empty()) return true;
  for (const std::string& value : values_) {
    uint64_t number = 0;
    if (value == name || (parse_inode(value, number) && number == inode)) return true;
  }
  return false;
}

bool NamespaceSelection::matches(const Namespace& ns) const { return matches(ns.inode, ns.name); }

Status check_namespace_selection(Timeline& timeline, const NamespaceSelection& selection) {
  if (selection.empty()) return ok_status();
  NamespaceInventory inventory;
  const auto unknown = [&]() -> const std::string* {
    for (const std::string& value : selection.values())
      if (!inventory.has(value)) return &value;
    return nullptr;
  };
  if (!timeline.entries().empty()) {
    // Most values name a namespace of the first snapshot: no replay needed then.
    if (auto first = timeline.snapshot_at(0)) inventory.add(*first);
    if (unknown() != nullptr) {
      // Summaries: the namespaces' names and inodes without storing any socket.
      SummaryCursor cursor = timeline.summary_cursor(0);
      while (cursor.next()) inventory.add(cursor.current().snapshot);
    }
  }
  if (const std::string* value = unknown()) {
    return Error{"--netns '" + *value +
                 "': no network namespace of the recording has this name or inode (it has: " +
                 inventory.listing() + ")"};
  }
  return ok_status();
}

void keep_selected_namespaces(Snapshot& snapshot, const NamespaceSelection& selection) {
  if (selection.empty()) return;
  std::erase_if(snapshot.namespaces, [&](const Namespace& ns) { return !selection.matches(ns); });
}

std::string namespace_label(uint64_t inode, const std::string& name) {
  std::string inode_text = "inode " + std::to_string(inode);
  return name.empty() ? inode_text : name + " (" + inode_text + ")";
}

std::string namespace_label(const Namespace& ns) { return namespace_label(ns.inode, ns.name); }

void append_namespace_title(const Namespace& ns, std::string& out) {
  out.append("Network namespace ");
  if (!ns.name.empty()) {
    append_escaped(out, ns.name);
    out.push_back(' ');
  }
  out.append("(inode " + std::to_string(ns.inode) + ")\n");
}

NamespaceCursor::NamespaceCursor(Cursor cursor, const NamespaceSelection& selection)
    : cursor_(std::move(cursor)), selection_(selection), filtering_(!selection.empty()) {}

bool NamespaceCursor::next() {
  if (!cursor_.next()) return false;
  if (filtering_) select();
  return true;
}

void NamespaceCursor::swap_changes(SnapshotChanges& other) {
  if (filtering_) {
    std::swap(changes_, other);
  } else {
    cursor_.swap_changes(other);
  }
}

void NamespaceCursor::select() {
  const Snapshot& all = cursor_.current();
  const SnapshotChanges& all_changes = cursor_.changes();
  // Everything but the namespaces, then the kept ones with their changes (same index in both).
  current_.seq = all.seq;
  current_.wall_ns = all.wall_ns;
  current_.mono_ns = all.mono_ns;
  current_.capture_ns = all.capture_ns;
  current_.source = all.source;
  current_.errors = all.errors;
  current_.processes = all.processes;
  current_.counters = all.counters;
  current_.settings_changed = all.settings_changed;
  current_.users_added = all.users_added;
  current_.namespaces.clear();
  changes_.has_previous = all_changes.has_previous;
  changes_.namespaces.clear();
  changes_.namespaces_gone.clear();
  std::swap(kept_before_, kept_now_);
  kept_now_.clear();
  for (size_t n = 0; n < all.namespaces.size(); ++n) {
    if (!selection_.matches(all.namespaces[n])) continue;
    current_.namespaces.push_back(all.namespaces[n]);
    if (n < all_changes.namespaces.size()) changes_.namespaces.push_back(all_changes.namespaces[n]);
    kept_now_.push_back(all.namespaces[n].inode);
  }
  // A kept namespace that is gone; one that stopped matching (renamed) is gone too.
  for (const uint64_t inode : kept_before_) {
    if (std::find(kept_now_.begin(), kept_now_.end(), inode) == kept_now_.end())
      changes_.namespaces_gone.push_back(inode);
  }
  // A namespace kept now but not before (it matched only from this step on) counts as new.
  if (changes_.has_previous) {
    for (NamespaceChanges& c : changes_.namespaces) {
      if (!c.is_new &&
          std::find(kept_before_.begin(), kept_before_.end(), c.inode) == kept_before_.end()) {
        changes_.has_previous = false;  // consumers count this step from scratch
      }
    }
  }
}

}  // namespace netsnap::analysis
