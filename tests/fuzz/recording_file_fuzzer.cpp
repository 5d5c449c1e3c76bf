// libFuzzer target: a whole recording file, as netsnap-analyze reads one. The bytes go into a
// memfd and the real reader opens it by path (/proc/self/fd/N): a regular file to it, so no
// from-bytes reader is needed. Each input is opened twice, with the fast scan (time index)
// and the full scan (every frame), and every snapshot is replayed with a Cursor, as `table
// --all` and `timeline` do. Damage must be reported, never crash or read out of bounds.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "netsnap/recording_reader.h"

namespace {

// At most this many snapshots are replayed per open: larger inputs only repeat the work.
constexpr size_t kMaxReplayed = 64;

void open_and_replay(const std::string& path, netsnap::ScanMode scan, netsnap::CursorMode replay) {
  auto timeline = netsnap::Timeline::open({path}, scan);
  if (!timeline) return;
  auto cursor = timeline->cursor(0, replay);
  for (size_t n = 0; n < kMaxReplayed && cursor.next(); ++n) {
  }
  if (!timeline->entries().empty()) (void)timeline->snapshot_at(timeline->entries().size() - 1);
  (void)timeline->damage();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  int fd = memfd_create("netsnap-fuzz", MFD_CLOEXEC);
  if (fd < 0) return 0;
  size_t written = 0;
  while (written < size) {
    ssize_t n = ::write(fd, data + written, size - written);
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  if (written == size) {
    const std::string path = "/proc/self/fd/" + std::to_string(fd);
    open_and_replay(path, netsnap::ScanMode::fast, netsnap::CursorMode::changes_only);
    open_and_replay(path, netsnap::ScanMode::full, netsnap::CursorMode::with_previous);
  }
  ::close(fd);
  return 0;
}
