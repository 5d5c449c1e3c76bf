// `--netns NAME|INODE` (every command): which network namespaces of a recording to show, and
// a replay that shows only those.
//
// A value matches a namespace whose label (Namespace::name: an `ip netns` name, docker:...,
// pod:..., `pid 42 (nginx)`) is exactly the value, or whose inode is the value read as a
// decimal number. Labels are matched rather than resolved to inodes once: a namespace deleted
// and made again under the same name has a new inode and is still the one the analyst means.
//
// Filtering happens on the replay's output (NamespaceCursor), not in the format library: a
// delta is applied to the whole previous snapshot, so the reader must keep every namespace;
// the cursor hands on a copy of the kept namespaces (and their changes) instead. That copy is
// made only when --netns is given.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "netsnap/recording_reader.h"

namespace netsnap::analysis {

class NamespaceSelection {
 public:
  NamespaceSelection() = default;  // every namespace
  explicit NamespaceSelection(std::vector<std::string> values) : values_(std::move(values)) {}

  bool empty() const { return values_.empty(); }
  bool matches(const Namespace& ns) const;
  bool matches(uint64_t inode, const std::string& name) const;
  const std::vector<std::string>& values() const { return values_; }

 private:
  std::vector<std::string> values_;
};

// Checks that every value names a namespace somewhere in the recording (not necessarily in
// the window shown). The first snapshot answers most; only a value it does not know makes a
// replay of every snapshot. Fails, as a usage error, with one line naming the value and a few
// of the namespaces the recording has.
Status check_namespace_selection(Timeline& timeline, const NamespaceSelection& selection);

// Removes the namespaces `selection` does not match (nothing when it is empty).
void keep_selected_namespaces(Snapshot& snapshot, const NamespaceSelection& selection);

// "blue (inode 4026532999)", or "inode 4026532999" for a namespace without a label; raw
// (the caller escapes for its format).
std::string namespace_label(const Namespace& ns);
std::string namespace_label(uint64_t inode, const std::string& name);

// The line before a namespace's section of a text table: "Network namespace blue (inode
// 4026532999)\n", or "Network namespace (inode 4026531840)\n" without a label; escaped.
void append_namespace_title(const Namespace& ns, std::string& out);

// A Cursor whose snapshots and changes hold only the selected namespaces (the Cursor's own
// when the selection is empty). The same interface as Cursor.
class NamespaceCursor {
 public:
  NamespaceCursor(Cursor cursor, const NamespaceSelection& selection);

  bool next();
  const Snapshot& current() const { return filtering_ ? current_ : cursor_.current(); }
  const SnapshotChanges& changes() const { return filtering_ ? changes_ : cursor_.changes(); }
  void swap_changes(SnapshotChanges& other);
  size_t entry_index() const { return cursor_.entry_index(); }

 private:
  void select();

  Cursor cursor_;
  const NamespaceSelection& selection_;
  bool filtering_;
  Snapshot current_;
  SnapshotChanges changes_;
  std::vector<uint64_t> kept_before_, kept_now_;  // inodes kept at the previous / this step
};

}  // namespace netsnap::analysis
