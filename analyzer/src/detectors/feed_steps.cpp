#include "detectors/feed_steps.h"

#include "detectors/socket_keys.h"

namespace netsnap::analysis::detectors {
namespace {

// Copies into `out`'s kept elements (no allocation once they exist).
void assign_sockets(std::vector<Socket>& out, size_t& used, const Socket& socket) {
  if (used == out.size()) out.emplace_back();
  out[used++] = socket;
}

// The fields detectors read; a step that changed only others (tcp_info, timer countdowns) is
// not worth an event.
bool relevant_change(const Socket& a, const Socket& b) {
  return a.state != b.state || a.recv_q != b.recv_q || a.send_q != b.send_q ||
         a.owners != b.owners || a.timer != b.timer || a.retransmits != b.retransmits ||
         a.inode != b.inode;
}

}  // namespace

FeedStepReader::FeedStepReader(Timeline& timeline, size_t first_entry, size_t last_entry,
                               const NamespaceSelection& namespaces)
    : namespaces_(namespaces), ring_(ring_size) {
  reader_ = std::thread([this, &timeline, first_entry, last_entry] {
    run(timeline, first_entry, last_entry);
  });
}

FeedStepReader::~FeedStepReader() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_reader_.notify_all();
  reader_.join();
}

void FeedStepReader::fill(FeedStep& step, NamespaceCursor& cursor, bool file_changed) const {
  const Snapshot& snapshot = cursor.current();
  const SnapshotChanges& changes = cursor.changes();
  step.entry_index = cursor.entry_index();
  step.has_previous = changes.has_previous;
  step.namespaces_gone = !changes.namespaces_gone.empty();
  step.with_all = !changes.has_previous || step.namespaces_gone ||
                  !snapshot.settings_changed.empty() || file_changed;
  Snapshot& meta = step.meta;
  meta.seq = snapshot.seq;
  meta.wall_ns = snapshot.wall_ns;
  meta.mono_ns = snapshot.mono_ns;
  meta.capture_ns = snapshot.capture_ns;
  meta.source = snapshot.source;
  meta.counters = snapshot.counters;
  meta.processes = snapshot.processes;
  meta.settings_changed = snapshot.settings_changed;
  meta.users_added = snapshot.users_added;
  step.namespace_count = snapshot.namespaces.size();
  if (step.namespaces.size() < step.namespace_count) step.namespaces.resize(step.namespace_count);
  for (size_t n = 0; n < step.namespace_count; ++n) {
    const Namespace& ns = snapshot.namespaces[n];
    FeedNamespace& out = step.namespaces[n];
    out.inode = ns.inode;
    out.name = ns.name;
    size_t changed = 0, opened = 0, all = 0;
    out.changed_index.clear();
    if (step.with_all) {
      for (const Socket& s : ns.sockets)
        if (is_inet_tcp(s)) assign_sockets(out.all, all, s);
    }
    if (changes.has_previous && n < changes.namespaces.size()) {
      const NamespaceChanges& c = changes.namespaces[n];
      for (size_t i = 0; i < c.changed.size() && i < c.changed_before.size(); ++i) {
        const Socket& after = ns.sockets[c.changed[i].second];
        if (!is_inet_tcp(after) || !relevant_change(c.changed_before[i], after)) continue;
        assign_sockets(out.after, changed, after);
        out.changed_index.push_back(static_cast<uint32_t>(i));
      }
      for (uint32_t index : c.opened)
        if (is_inet_tcp(ns.sockets[index])) assign_sockets(out.opened, opened, ns.sockets[index]);
    }
    // Drop what an earlier, larger step left beyond this one's sizes.
    out.after.resize(changed);
    out.opened.resize(opened);
    out.all.resize(all);
  }
  // The closed sockets and old values go over whole, without a copy; the cursor refills the
  // step's previous set (whose memory it reuses) on its next step.
  cursor.swap_changes(step.changes);
}

void FeedStepReader::run(Timeline& timeline, size_t first_entry, size_t last_entry) {
  const auto& entries = timeline.entries();
  NamespaceCursor cursor(timeline.cursor(first_entry, CursorMode::changes_only), namespaces_);
  size_t current_file = SIZE_MAX;
  while (true) {
    const bool more = cursor.next() && cursor.entry_index() <= last_entry;
    std::unique_lock lock(mutex_);
    if (!more || stopping_) {
      done_ = true;
      if (caller_waiting_) wake_caller_.notify_one();
      return;
    }
    if (filled_ + 1 >= taken_ + ring_size) {
      reader_idle_ = true;
      wake_reader_.wait(lock, [&] { return stopping_ || filled_ + 1 < taken_ + ring_size; });
      reader_idle_ = false;
      if (stopping_) return;
    }
    FeedStep& step = ring_[filled_ % ring_size];
    lock.unlock();
    const size_t file = entries[cursor.entry_index()].file;
    fill(step, cursor, file != current_file);
    current_file = file;
    lock.lock();
    ++filled_;
    if (caller_waiting_ && (filled_ - taken_ >= wake_batch)) wake_caller_.notify_one();
  }
}

const FeedStep* FeedStepReader::next() {
  std::unique_lock lock(mutex_);
  // The step handed out last (taken_ - 1) is done with from here on.
  if (reader_idle_ && taken_ + ring_size - filled_ >= wake_batch) wake_reader_.notify_one();
  if (taken_ == filled_ && !done_) {
    caller_waiting_ = true;
    if (reader_idle_) wake_reader_.notify_one();
    wake_caller_.wait(lock, [&] { return taken_ < filled_ || done_; });
    caller_waiting_ = false;
  }
  if (taken_ == filled_) return nullptr;  // done
  return &ring_[taken_++ % ring_size];
}

}  // namespace netsnap::analysis::detectors
