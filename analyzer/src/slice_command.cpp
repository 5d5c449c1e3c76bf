#include "slice_command.h"

#include <algorithm>
#include <limits>
#include <map>

#include "anonymization_key.h"
#include "netns_option.h"
#include "netsnap/recording_writer.h"
#include "recording_summary.h"
#include "text_escape.h"

namespace netsnap::analysis {
namespace {

// The uid map and kernel settings in force as the replay moves forward, so that the slice's
// header (and the first snapshot after a file boundary) says what the original did.
class SliceMetadata {
 public:
  SliceMetadata(const Timeline& timeline, uint32_t first_file)
      : files_(timeline.files()), file_(first_file), settings_(files_[first_file].header.settings) {
    // As RecordingUsers does: every file's header users, whatever part of the timeline is read.
    for (const RecordingFileInfo& file : files_) add_users(file.header.users);
  }

  // A snapshot before the window: only what it adds to the state at the window's start.
  void skip(const Snapshot& snapshot, uint32_t file) {
    add_users(snapshot.users_added);
    if (file == file_) apply(snapshot.settings_changed);
  }

  FileHeader header() const {
    FileHeader header = files_[file_].header;
    header.users.clear();
    for (const auto& [uid, name] : users_) header.users.push_back({uid, name});
    header.settings = settings_;
    return header;
  }

  // A snapshot of the window: when it starts another file, that file's header settings that
  // differ from those in force are added to its settings_changed.
  void enter(Snapshot& snapshot, uint32_t file) {
    if (file != file_) {
      file_ = file;
      std::vector<Setting> changed;
      for (const Setting& s : files_[file].header.settings) {
        if (set(s)) changed.push_back(s);
      }
      snapshot.settings_changed.insert(snapshot.settings_changed.begin(), changed.begin(),
                                       changed.end());
    }
    apply(snapshot.settings_changed);
  }

 private:
  void add_users(const std::vector<UserName>& users) {
    for (const UserName& user : users) users_.insert_or_assign(user.uid, user.name);
  }
  void apply(const std::vector<Setting>& settings) {
    for (const Setting& s : settings) set(s);
  }
  bool set(const Setting& setting) {
    auto it = std::find_if(settings_.begin(), settings_.end(),
                           [&](const Setting& s) { return s.name == setting.name; });
    if (it == settings_.end()) {
      settings_.push_back(setting);
      return true;
    }
    if (it->value == setting.value) return false;
    it->value = setting.value;
    return true;
  }

  const std::vector<RecordingFileInfo>& files_;
  uint32_t file_;
  std::vector<Setting> settings_;
  std::map<uint32_t, std::string> users_;
};

// True when the window's sequence numbers increase, so the slice can keep them.
bool numbers_increase(const std::vector<SnapshotEntry>& entries, const SnapshotRange& range) {
  for (size_t i = range.first + 1; i <= range.last; ++i) {
    if (entries[i].seq <= entries[i - 1].seq) return false;
  }
  return entries[range.first].seq > 0;
}

Result<std::optional<RecordingAnonymizer>> make_anonymizer(const SliceRequest& request) {
  if (request.key_file && !request.anonymize)
    return Error{"--anonymize-key is only used with --anonymize"};
  if (!request.anonymize) return std::optional<RecordingAnonymizer>();
  auto key = request.key_file ? load_or_create_anonymization_key(*request.key_file)
                              : random_anonymization_key();
  if (!key) return key.error();
  return std::optional<RecordingAnonymizer>(RecordingAnonymizer(*key));
}

std::string with_thousands(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

Result<SlicePlan> plan_slice(const Timeline& timeline, const SliceRequest& request) {
  RecordingTimeZone zone(timeline.header(), request.utc);
  SnapshotSelectorArgs window;
  window.from = request.from;
  window.to = request.to;
  auto range = resolve_selection(timeline, zone, window, DefaultSelection::every_snapshot);
  if (!range) return range.error();
  auto anonymizer = make_anonymizer(request);
  if (!anonymizer) return anonymizer.error();
  auto destination = SliceOutputFile::prepare(request.output, request.force);
  if (!destination) return destination.error();
  return SlicePlan{*range, std::move(zone), std::move(destination.value()),
                   std::move(anonymizer.value())};
}

Status write_slice(Timeline& timeline, const SliceRequest& request, SlicePlan& plan,
                   std::ostream& out) {
  const SnapshotRange& range = plan.range;
  std::optional<RecordingAnonymizer>& anonymizer = plan.anonymizer;
  const std::vector<SnapshotEntry>& entries = timeline.entries();
  const bool keep_numbers = numbers_increase(entries, range);
  SliceMetadata metadata(timeline, entries[range.first].file);
  std::optional<RecordingWriter> writer;
  int64_t first_ns = 0, last_ns = 0;
  if (request.progress != nullptr) request.progress->start(range.last + 1);

  // From the first snapshot: the uid map before the window is needed (SliceMetadata).
  NamespaceCursor cursor(timeline.cursor(0, CursorMode::changes_only), request.namespaces);
  Snapshot copy;
  while (cursor.next() && cursor.entry_index() <= range.last) {
    if (request.progress != nullptr) request.progress->advance();
    const uint32_t file = entries[cursor.entry_index()].file;
    if (cursor.entry_index() < range.first) {
      metadata.skip(cursor.current(), file);
      continue;
    }
    copy = cursor.current();
    if (!writer) {
      FileHeader header = metadata.header();
      if (anonymizer) anonymizer->anonymize(header);
      // Keys come from the original (write_copy below), not from a schedule of our own: one
      // at a different place would list that snapshot's sockets in another order.
      WriterOptions options;
      options.key_interval = std::numeric_limits<uint32_t>::max();
      auto created = RecordingWriter::create(plan.destination.temporary_path(), header, options);
      if (!created) return created.error();
      writer.emplace(std::move(created.value()));
      first_ns = copy.wall_ns;
    }
    metadata.enter(copy, file);
    if (anonymizer) anonymizer->anonymize(copy);
    if (!keep_numbers) copy.seq = writer->last_seq() + 1;
    // Keys where the original has them: deltas then rebuild the original's socket order.
    Status written = writer->write_copy(copy, entries[cursor.entry_index()].is_key);
    if (!written) return written.error();
    last_ns = copy.wall_ns;
  }
  if (request.progress != nullptr) request.progress->finish();
  if (!writer) return Error{"no readable snapshot in the window: nothing written"};
  const uint64_t snapshots = writer->snapshots_written();
  if (Status closed = writer->close(); !closed) return closed.error();
  const uint64_t bytes = writer->bytes_written();
  if (Status committed = plan.destination.commit(); !committed) return committed.error();

  out << "wrote " << escaped(request.output) << ": " << with_thousands(snapshots)
      << (snapshots == 1 ? " snapshot, " : " snapshots, ") << plan.zone.format(first_ns) << " to "
      << plan.zone.format(last_ns) << " (" << with_thousands(bytes) << " bytes)"
      << (keep_numbers ? "" : ", renumbered from 1 (the window's numbers do not increase)")
      << (anonymizer ? ", anonymized" : "") << "\n";
  return ok_status();
}

CLI::App* add_slice_subcommand(CLI::App& app, SliceCommandOptions& options) {
  SliceRequest& request = options.request;
  CLI::App* slice = app.add_subcommand(
      "slice",
      "Copy a window into one self-contained recording (to attach to a ticket), optionally "
      "anonymized.\n"
      "Example: netsnap-analyze slice /var/lib/netsnap/ --from 14:00 --to 14:10 -o "
      "incident.netsnap "
      "--anonymize");
  slice
      ->add_option("inputs", options.inputs,
                   "Recording files or directories (read as one timeline)")
      ->required();
  slice->add_option("--from", request.from, "Start at TIME (default: the first snapshot)");
  slice->add_option("--to", request.to, "End at TIME (default: the last snapshot)");
  slice->add_option("-o,--output", request.output, "The new recording")->required();
  slice->add_flag("--force", request.force,
                  "Replace OUT if it is a regular file (a symbolic link is never replaced)");
  slice->add_flag("--anonymize", request.anonymize,
                  "Replace addresses (prefix-preserving; loopback and unspecified kept), host, "
                  "user, program names and UNIX paths; ports, states, queues, counters kept");
  slice->add_option("--anonymize-key", request.key_file,
                    "Key FILE (32 hex digits; created with a random key if missing) so that "
                    "several slices replace addresses alike; default: a random key per run");
  slice->add_flag("--utc", request.utc, "Read HH:MM times in UTC, not the recorded host's zone");
  add_netns_option(*slice, options.netns);
  return slice;
}

int run_slice_command(const SliceCommandOptions& options, std::ostream& out, std::ostream& err) {
  constexpr int exit_failed = 1, exit_usage = 2;
  auto timeline = Timeline::open(options.inputs, ScanMode::fast);
  if (!timeline) {
    err << "netsnap-analyze: " << escaped(timeline.error().message) << "\n";
    return exit_usage;
  }
  SliceRequest request = options.request;
  request.namespaces = NamespaceSelection(options.netns);
  if (Status known = check_namespace_selection(*timeline, request.namespaces); !known) {
    err << "netsnap-analyze: " << escaped(known.error().message) << "\n";
    return exit_usage;
  }
  auto plan = plan_slice(*timeline, request);
  if (!plan) {
    err << "netsnap-analyze: " << escaped(plan.error().message) << "\n";
    return exit_usage;
  }
  Status written = write_slice(*timeline, request, *plan, out);
  out.flush();
  const std::vector<DamagedRegion> damage = timeline->damage();
  err << render_damage_lines(damage);
  if (!written) {
    err << "netsnap-analyze: " << escaped(written.error().message) << "\n";
    return exit_failed;
  }
  return damage.empty() ? 0 : exit_failed;
}

}  // namespace netsnap::analysis
