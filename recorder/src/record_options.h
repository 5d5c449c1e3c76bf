// What the user asked netsnap-record to do, and the checks made before anything is recorded
// (each failure is one line naming the argument; the caller exits 2).
#pragma once

#include <cstdint>
#include <string>

#include "netsnap/model.h"
#include "netsnap/result.h"

namespace netsnap {

struct RecordOptions {
  std::string output;
  double interval_s = 1.0;
  uint64_t count = 0;        // 0: no limit
  int64_t duration_ns = 0;   // 0: no limit
  bool tcp = false, udp = false, raw = false, unix_ = false;  // none given: all four
  bool owners = true;
  bool tcp_info = true;
  std::string source = "netlink";
  std::string netns;         // NAME (in /var/run/netns) or a path
  bool all_netns = false;    // every network namespace of the host
  bool quiet = false;
  bool force = false;        // start the recording over instead of appending
  uint32_t key_interval = 600;
  // Directory mode (-o DIR) only; empty: off. Parsed by check_record_options.
  std::string rotate_size, rotate_age, keep_size, keep_age;
};

// What to do with the output path.
enum class OutputAction { create, append };

// -o DIR: when to start a new file and which old ones to delete (0: never).
struct OutputPolicy {
  uint64_t rotate_size = 0;
  int64_t rotate_age_ns = 0;
  uint64_t keep_size = 0;
  int64_t keep_age_ns = 0;
};

struct CheckedOptions {
  CaptureOptions capture;
  OutputAction action = OutputAction::create;
  std::string netns_path;    // resolved namespace path, empty for our own
  bool output_is_directory = false;  // -o names a directory: time-named files in it
  OutputPolicy policy;
};

// Validates everything that can be checked up front: interval, source, namespace, output
// directory and what is at the output path now.
Result<CheckedOptions> check_record_options(const RecordOptions& options);

// "90s", "10m", "2h", "1h30m", "1.5s" or plain seconds; `option` names it in the error.
Result<int64_t> parse_record_duration(const std::string& text,
                                      const std::string& option = "--duration");

// "4096", "512K", "64M", "1G", "2T" (powers of 1024; a trailing B or iB is accepted).
Result<uint64_t> parse_record_size(const std::string& text, const std::string& option);

}  // namespace netsnap
