// Recordings crafted byte by byte to attack the reader (fixtures/hostile/, see its README):
// lengths beyond the limits, zstd frames that lie or expand too far, Cap'n Proto pointers
// nested or overlapping, counts beyond the caps, a delta pointing past its snapshot, versions
// that lie. Each must fail cleanly with one line saying what is wrong.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace netsnap::testing {

struct HostileRecording {
  std::string file;                  // name under fixtures/hostile/
  std::string expected_error;        // what the reader must say about it (a substring)
  bool refused_on_open = false;      // true: opening fails; false: it opens and shows damage
  std::vector<uint8_t> bytes;
};

std::vector<HostileRecording> hostile_recordings();

// The injection strings of the output-safety fixture: newlines, terminal escapes, HTML and
// spreadsheet formula prefixes.
std::vector<std::string> injection_strings();
// A valid recording whose UNIX paths, program names, host and user names are those strings
// (fixtures/hostile/injected-names.netsnap), written to `path`.
bool write_injected_names_recording(const std::string& path);

}  // namespace netsnap::testing
