// netsnap-synth: writes a synthetic recording (see synthetic_recording.h) for tests and
// benchmarks. Parses options, runs the generator, prints a one-line summary.
#include <CLI/CLI.hpp>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "synth/synthetic_recording.h"

namespace {

// "90", "1.5", "500ms", "30s", "15m", "1h30m", "2d" -> nanoseconds; a plain number is seconds.
std::optional<int64_t> parse_duration_ns(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double total_s = 0;
  while (!text.empty()) {
    double number = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc() || number < 0) return std::nullopt;
    text.remove_prefix(size_t(end - text.data()));
    double unit_s = 0;
    if (text.starts_with("ms")) unit_s = 1e-3, text.remove_prefix(2);
    else if (text.starts_with("s")) unit_s = 1, text.remove_prefix(1);
    else if (text.starts_with("m")) unit_s = 60, text.remove_prefix(1);
    else if (text.starts_with("h")) unit_s = 3600, text.remove_prefix(1);
    else if (text.starts_with("d")) unit_s = 86400, text.remove_prefix(1);
    else if (text.empty() && total_s == 0) unit_s = 1;  // a bare number means seconds
    else return std::nullopt;
    total_s += number * unit_s;
  }
  if (total_s > 9.2e9) return std::nullopt;  // int64 nanoseconds end in 2262
  return int64_t(total_s * 1e9 + 0.5);
}

// RFC 3339: 2026-01-01T00:00:00Z, 2026-01-01T01:00:00.250+01:00 (a space may replace the T).
std::optional<int64_t> parse_rfc3339_ns(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, used = 0;
  char sep = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &s,
                  &used) != 7 || used != 19 || (sep != 'T' && sep != 't' && sep != ' '))
    return std::nullopt;
  std::string_view rest = std::string_view(text).substr(19);
  int64_t frac_ns = 0;
  if (rest.starts_with(".")) {
    rest.remove_prefix(1);
    int64_t scale = 100'000'000;
    if (rest.empty() || rest[0] < '0' || rest[0] > '9') return std::nullopt;
    for (; !rest.empty() && rest[0] >= '0' && rest[0] <= '9'; rest.remove_prefix(1), scale /= 10)
      frac_ns += (rest[0] - '0') * scale;
  }
  int offset_s = 0;
  if (rest == "Z" || rest == "z") {
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    int oh = 0, om = 0;
    if (std::sscanf(std::string(rest.substr(1)).c_str(), "%2d:%2d", &oh, &om) != 2 || oh > 23 ||
        om > 59)
      return std::nullopt;
    offset_s = (rest[0] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
  } else {
    return std::nullopt;
  }
  using namespace std::chrono;
  const year_month_day date{year{y}, month{unsigned(mo)}, day{unsigned(d)}};
  if (!date.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  const int64_t epoch_s = int64_t(sys_days{date}.time_since_epoch().count()) * 86400 + h * 3600 +
                          mi * 60 + s - offset_s;
  return epoch_s * 1'000'000'000 + frac_ns;
}

// CLI11's own range messages print doubles with six decimals; these read better.
CLI::Validator fraction_check() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        double v = -1;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        const bool ok = ec == std::errc() && end == text.data() + text.size() && v >= 0 && v <= 1;
        return ok ? "" : "expected a fraction from 0 to 1, got '" + text + "'";
      },
      "0..1");
}

int usage_error(const std::string& message) {
  std::cerr << "netsnap-synth: " << message << " (see --help)\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  netsnap::synth::SyntheticSpec spec;
  netsnap::WriterOptions writer_options;
  std::string output, duration, interval = "1", start;

  CLI::App app{"Writes a synthetic netsnap recording: a simulated busy server (nginx, java,\n"
               "postgres, sshd...) whose sockets, processes and counters change snapshot by\n"
               "snapshot. Deterministic for a given set of options.",
               "netsnap-synth"};
  app.add_option("-o,--output", output, "Recording to write (an existing file is replaced)")
      ->required();
  app.add_option("--sockets", spec.sockets, "Sockets alive at any time")
      ->capture_default_str()->check(CLI::Range(1u, 50'000'000u));
  auto* snapshots = app.add_option("--snapshots", spec.snapshots, "Snapshots to write")
                        ->capture_default_str()->check(CLI::Range(uint64_t(1), uint64_t(1) << 40));
  app.add_option("--duration", duration,
                 "Recorded time instead of --snapshots, e.g. 90s, 15m, 1h, 1h30m, 2d "
                 "(snapshots = duration / interval)")
      ->excludes(snapshots);
  app.add_option("--churn", spec.churn,
                 "Fraction of sockets closed and replaced by new ones per snapshot")
      ->capture_default_str()->check(fraction_check());
  app.add_option("--queue-activity", spec.queue_activity,
                 "Fraction of sockets whose Recv-Q or Send-Q changes per snapshot")
      ->capture_default_str()->check(fraction_check());
  app.add_option("--interval", interval,
                 "Time between snapshots: seconds (1, 0.5) or a duration (500ms, 1m)")
      ->capture_default_str();
  app.add_option("--seed", spec.seed, "Seed of the generator: same seed, same recording")
      ->capture_default_str();
  app.add_flag("--tcp-info", spec.tcp_info, "Record tcp_info for TCP sockets");
  app.add_flag("--timers", spec.timers,
               "Count TIME_WAIT and keepalive timers down every snapshot (more changes)");
  bool no_owners = false;
  app.add_flag("--no-owners", no_owners, "Record no owning processes");
  app.add_option("--namespaces", spec.namespaces, "Network namespaces to split the sockets into")
      ->capture_default_str()->check(CLI::Range(1u, 4096u));
  app.add_option("--netns-label", spec.namespace_labels,
                 "Label of the next namespace after the host's (repeatable; default tenant-N)")
      ->allow_extra_args(false);
  app.add_option("--gap-after", spec.gaps_after,
                 "Skip one interval after this snapshot index (0-based); repeatable")
      ->check(CLI::Range(int64_t(0), std::numeric_limits<int64_t>::max(), "0 or more"));
  app.add_option("--key-interval", writer_options.key_interval,
                 "A full key snapshot every this many snapshots")
      ->capture_default_str()->check(CLI::Range(1u, 1'000'000u));
  app.add_option("--start", start,
                 "Wall time of the first snapshot, RFC 3339 (default 2026-01-01T00:00:00Z)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    return usage_error(e.what());
  }
  spec.owners = !no_owners;
  const std::optional<int64_t> interval_ns = parse_duration_ns(interval);
  if (!interval_ns || *interval_ns < 1'000'000)
    return usage_error("--interval: expected seconds or a duration of at least 1ms, got '" +
                       interval + "'");
  spec.interval_ns = *interval_ns;
  if (!duration.empty()) {
    const std::optional<int64_t> duration_ns = parse_duration_ns(duration);
    if (!duration_ns || *duration_ns < spec.interval_ns)
      return usage_error("--duration: expected a duration of at least one interval, got '" +
                         duration + "'");
    spec.snapshots = uint64_t(*duration_ns / spec.interval_ns);
  }
  if (!start.empty()) {
    const std::optional<int64_t> start_ns = parse_rfc3339_ns(start);
    if (!start_ns) return usage_error("--start: expected RFC 3339 time, got '" + start + "'");
    spec.start_wall_ns = *start_ns;
  }

  const auto began = std::chrono::steady_clock::now();
  const netsnap::Status written = netsnap::synth::write_synthetic_recording(output, spec,
                                                                            writer_options);
  if (!written) {
    std::cerr << "netsnap-synth: " << written.error().message << "\n";
    return 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  std::error_code ec;
  uintmax_t bytes = std::filesystem::file_size(output, ec);
  if (ec) bytes = 0;  // written but gone already (a FIFO, or removed): report what we know
  const double per_socket = double(bytes) / double(spec.snapshots) / double(spec.sockets);
  std::printf("%s: %llu snapshots x %u sockets, %llu bytes, %.3f bytes/socket/snapshot, %.1f s\n",
              output.c_str(), static_cast<unsigned long long>(spec.snapshots), spec.sockets,
              static_cast<unsigned long long>(bytes), per_socket, seconds);
  return 0;
}
