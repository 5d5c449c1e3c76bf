#include "recording_output.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "recording_directory.h"

namespace netsnap {

Result<RecordingOutput> RecordingOutput::open_file(const std::string& path, OutputAction action,
                                                   const FileHeader& header,
                                                   const WriterOptions& options) {
  RecordingOutput out;
  out.header_ = header;
  out.options_ = options;
  auto writer = action == OutputAction::append ? RecordingWriter::append(path, header, options)
                                               : RecordingWriter::create(path, header, options);
  if (!writer) return writer.error();
  out.writer_.emplace(std::move(writer.value()));
  out.current_path_ = path;
  return out;
}

Result<RecordingOutput> RecordingOutput::open_directory(const std::string& dir,
                                                        const OutputPolicy& policy,
                                                        const FileHeader& header,
                                                        const WriterOptions& options) {
  RecordingOutput out;
  out.dir_ = dir;
  out.policy_ = policy;
  out.header_ = header;
  out.options_ = options;
  // Fail now, not at the first snapshot, when the directory cannot be listed.
  auto files = list_recordings(dir, header.host_name);
  if (!files) return files.error();
  return out;
}

Status RecordingOutput::start_file(int64_t wall_ns) {
  std::string name = recording_file_name(header_.host_name, wall_ns);
  std::string path = dir_ + "/" + name;
  WriterOptions options = options_;
  options.start_after_seq = writer_ ? writer_->last_seq() : 0;
  struct stat st {};
  // Two files started within one second share a name: the second continues the first.
  auto next = ::lstat(path.c_str(), &st) == 0 ? RecordingWriter::append(path, header_, options)
                                              : RecordingWriter::create(path, header_, options);
  // A file that cannot be started (disk full) leaves the old one current.
  if (!next) return next.error();
  Status closed = ok_status();
  if (writer_) {
    bytes_before_ += writer_->bytes_written();
    closed = writer_->close();
  }
  writer_.emplace(std::move(next.value()));
  current_name_ = name;
  current_path_ = path;
  file_started_wall_ns_ = wall_ns;
  rotate_next_ = false;
  return closed;
}

Status RecordingOutput::write(const Snapshot& snapshot) {
  if (is_directory()) {
    const bool due = !writer_ || rotate_next_ ||
                     writer_->bytes_written() >= policy_.rotate_size ||
                     snapshot.wall_ns - file_started_wall_ns_ >= policy_.rotate_age_ns;
    if (due) {
      // When no new file can be started the snapshot goes to the old one if it can, and
      // rotation is tried again next time.
      Status started = start_file(snapshot.wall_ns);
      if (!started && !writer_) return started;
      if (!started) notices_.push_back(started.error().message);
    }
  }
  return writer_->write(snapshot);
}

Status RecordingOutput::enforce_retention(int64_t now_wall_ns) {
  if (!is_directory() || (!policy_.keep_size && !policy_.keep_age_ns)) return ok_status();
  auto files = list_recordings(dir_, header_.host_name);
  if (!files) return files.error();
  for (const auto& name : files_past_retention(*files, current_name_, policy_.keep_size,
                                                policy_.keep_age_ns, now_wall_ns)) {
    std::string path = dir_ + "/" + name;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
      return Error{path + ": cannot delete (retention): " + std::strerror(errno)};
  }
  return ok_status();
}

Status RecordingOutput::reopen() {
  if (is_directory()) {
    rotate_next_ = true;
    return ok_status();
  }
  return writer_->reopen();
}

Status RecordingOutput::close() {
  if (!writer_) return ok_status();
  return writer_->close();
}

uint64_t RecordingOutput::bytes_written() const {
  return bytes_before_ + (writer_ ? writer_->bytes_written() : 0);
}

const std::string& RecordingOutput::current_path() const { return current_path_; }

}  // namespace netsnap
