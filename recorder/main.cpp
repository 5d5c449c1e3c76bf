// netsnap-record: parses the command line, checks it, enters the namespace to record and
// wires the sampler, writer and signal watcher together. Exit status: 0 done (including a
// clean stop on SIGINT/SIGTERM), 1 the recording failed while running, 2 usage or setup error
// (nothing recorded).
#include <CLI/CLI.hpp>
#include <fcntl.h>
#include <malloc.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>

#include "output_lock.h"
#include "privilege_drop.h"
#include "record_options.h"
#include "recording_output.h"
#include "sampling_loop.h"

namespace {

using namespace netsnap;

constexpr int EXIT_FAILED = 1;
constexpr int EXIT_USAGE = 2;

int usage_error(const std::string& message) {
  std::cerr << "netsnap-record: " << message << "\n";
  return EXIT_USAGE;
}

std::string protocols(const CaptureOptions& c) {
  std::string s;
  for (auto [on, name] : {std::pair{c.tcp, "tcp"}, {c.udp, "udp"}, {c.raw, "raw"}, {c.unix_, "unix"}})
    if (on) s += (s.empty() ? "" : ",") + std::string(name);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  // glibc raises its mmap threshold to the largest block freed (up to 32 MB), and the recorder
  // frees socket arrays of 25 MB at 100,000 sockets: from then on every buffer of 1-25 MB came
  // from the heap, and freed ones stayed resident. A fixed threshold keeps such buffers in
  // their own mappings, returned when freed: peak RSS 81.0 -> 74.8 MB at 100,000 sockets, no
  // measurable CPU. The capture's working tables of 1-2 MB are freed after each snapshot on
  // purpose (recorder/README.md, "Memory"): this threshold is what returns them to the kernel.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  RecordOptions o;
  std::string duration;
  CLI::App app{"netsnap-record: record every socket of this host (what netstat -tuwxanpeo and "
               "ss -tuaxpeio show) plus the kernel's TCP counters into a compressed recording.\n"
               "Example: netsnap-record -c 5 -o /var/lib/netsnap/host.netsnap\n"
               "Signals: SIGINT/SIGTERM finish the snapshot in progress, close the file and exit 0 "
               "(a second one exits at once); SIGHUP reopens the output path (logrotate).\n"
               "Exit status: 0 done or stopped by SIGINT/SIGTERM, 1 failed while recording, "
               "2 bad arguments or setup (nothing recorded)."};
  // -o is checked by check_record_options rather than marked required: CLI11 reports a
  // missing required option before an unknown one, and "--bogus" must be named as the problem.
  app.add_option("-o,--output", o.output, "Recording file or directory (required), e.g. -o /var/lib/netsnap/host.netsnap; a file is appended to when it is already a recording of this host; in a directory, time-named files HOST-YYYYmmddTHHMMSSZ.netsnap are written, e.g. -o /var/lib/netsnap");
  app.add_option("--rotate-size", o.rotate_size, "With -o DIR: start a new file when the current one reaches SIZE (K, M, G; default 64M), e.g. --rotate-size 64M");
  app.add_option("--rotate-age", o.rotate_age, "With -o DIR: start a new file when the current one is this old (default 1h), e.g. --rotate-age 1h");
  app.add_option("--keep-size", o.keep_size, "With -o DIR: delete this host's oldest files while all of them take more than SIZE, e.g. --keep-size 1G");
  app.add_option("--keep-age", o.keep_age, "With -o DIR: delete this host's files last written longer ago than this, e.g. --keep-age 14d");
  app.add_option("-c,--interval", o.interval_s, "Seconds between snapshots, fractional allowed, >= 0.1 (default 1), e.g. -c 0.5");
  app.add_option("-n,--count", o.count, "Stop after N snapshots (N >= 1), e.g. -n 10")
      ->check([](const std::string& text) -> std::string {
        // CLI11 2.1 would read "-1" as 2^64-1 (strtoull): only plain digits, and not 0.
        if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos ||
            text.find_first_not_of('0') == std::string::npos)
          return "'" + text + "' is not a whole number of snapshots >= 1";
        return {};
      });
  app.add_option("--duration", duration, "Stop after this long (ms, s, m, h, d; combinable), e.g. --duration 90s, 10m, 2h, 1h30m");
  app.add_flag("-t,--tcp", o.tcp, "TCP sockets; -t -u -w -x combine, none given means all four, e.g. -t -u for tcp and udp only");
  app.add_flag("-u,--udp", o.udp, "UDP sockets (UDP-Lite included), e.g. -u");
  app.add_flag("-w,--raw", o.raw, "RAW sockets, e.g. -w");
  app.add_flag("-x,--unix", o.unix_, "UNIX sockets, e.g. -x");
  bool no_owners = false, no_tcp_info = false;
  app.add_flag("--no-owners", no_owners, "Do not record owning processes (cheaper; netstat -p needs them), e.g. --no-owners");
  app.add_flag("--no-tcp-info", no_tcp_info, "Do not record tcp_info (rtt, cwnd, retransmits...), e.g. --no-tcp-info");
  app.add_option("--source", o.source, "netlink (default; falls back to /proc when netlink is unavailable) or proc, e.g. --source proc");
  app.add_option("--netns", o.netns, "Record another network namespace: a NAME in /var/run/netns or a path, e.g. --netns blue or --netns /proc/1234/ns/net");
  app.add_flag("--all-netns", o.all_netns, "Record every network namespace of the host (containers, pods, ip netns), each labelled by its ip netns name, its container or pod, or its first process; needs CAP_SYS_ADMIN (without it: this namespace only, said once); not with --netns or --user, e.g. --all-netns");
  app.add_option("--key-interval", o.key_interval, "A full snapshot every N snapshots (default 600): bounds what one damaged record loses, e.g. --key-interval 60");
  std::string user_name;
  app.add_option("--user", user_name, "After opening the netlink socket and the output, run as this user with only CAP_NET_ADMIN, CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH (needs root; with -o DIR the directory must be writable by the user), e.g. --user netsnap");
  app.add_flag("-q,--quiet", o.quiet, "No status line at start and no summary at exit (warnings still go to stderr), e.g. -q");
  app.add_flag("--force", o.force, "Start an existing recording over instead of appending to it (a file that is not a recording is never overwritten), e.g. --force");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    return usage_error(std::string(e.what()) + " (see --help)");
  }
  o.owners = !no_owners;
  o.tcp_info = !no_tcp_info;
  LoopLimits limits;
  if (!duration.empty()) {
    auto d = parse_record_duration(duration, "--duration");
    if (!d) return usage_error(d.error().message);
    limits.duration_ns = *d;
  }
  auto checked = check_record_options(o);
  if (!checked) return usage_error(checked.error().message);
  limits.interval_ns = checked->capture.interval_ns;
  limits.count = o.count;

  std::optional<RecorderUser> user;
  if (!user_name.empty()) {
    auto found = look_up_recorder_user(user_name);
    if (!found) return usage_error(found.error().message);
    if (::geteuid() != 0) return usage_error("--user " + user_name + ": needs root (to change user)");
    // Namespaces that appear later are entered with CAP_SYS_ADMIN, which --user gives up.
    if (o.all_netns)
      return usage_error("--user " + user_name + " and --all-netns exclude each other: entering "
                         "namespaces needs CAP_SYS_ADMIN, which --user drops");
    user = *found;
  }

  if (!checked->netns_path.empty()) {
    // Before any thread starts: setns() moves only the calling thread.
    int fd = ::open(checked->netns_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || setns(fd, CLONE_NEWNET) != 0)
      return usage_error("--netns '" + o.netns + "': cannot enter: " + std::strerror(errno));
    ::close(fd);
  }
  std::string netns_name = o.netns.find('/') == std::string::npos ? o.netns : "";
  SignalWatcher signals;
  SnapshotSampler sampler(checked->capture, netns_name);
  FileHeader header = sampler.header();
  WriterOptions writer_options;
  writer_options.key_interval = o.key_interval;
  // Locked before anything is created or truncated: a second recorder must not touch it.
  auto lock = OutputLock::acquire(o.output);
  if (!lock) return usage_error(lock.error().message);
  auto output = checked->output_is_directory
                    ? RecordingOutput::open_directory(o.output, checked->policy, header, writer_options)
                    : RecordingOutput::open_file(o.output, checked->action, header, writer_options);
  if (!output) return usage_error(output.error().message);
  if (user) {
    // Everything that needs root is open: the netlink socket, the lock, the output.
    if (Status dropped = drop_to_user(*user); !dropped) return usage_error(dropped.error().message);
    if (checked->output_is_directory && ::access(o.output.c_str(), W_OK | X_OK) != 0)
      return usage_error("--user " + user->name + ": cannot create files in " + o.output + ": " +
                         std::strerror(errno));
  }
  if (!header.owners_complete && o.owners)
    std::cerr << "netsnap-record: not running as root: owners of other users' sockets will be missing\n";
  if (!sampler.own_netns_only_reason().empty())
    std::cerr << "netsnap-record: --all-netns: cannot enter other network namespaces ("
              << sampler.own_netns_only_reason()
              << "; needs CAP_SYS_ADMIN): recording this namespace only\n";
  if (checked->capture.requested_source == CaptureSource::netlink && sampler.source() == CaptureSource::proc)
    std::cerr << "netsnap-record: netlink sock_diag is unavailable here; reading /proc/net instead "
                 "(slower, no tcp_info or socket cookies)\n";
  if (!o.quiet)
    std::cerr << "netsnap-record: recording " << protocols(checked->capture) << " sockets"
              << (o.netns.empty() ? "" : " of namespace " + o.netns)
              << (o.all_netns && sampler.own_netns_only_reason().empty()
                      ? " of every network namespace"
                      : "")
              << " via "
              << (sampler.source() == CaptureSource::proc ? "/proc" : "netlink") << " to "
              << o.output
              << (checked->output_is_directory ? " (time-named files)"
                  : checked->action == OutputAction::append ? " (appending)" : "")
              << " every " << o.interval_s << " s\n";

  auto report = run_sampling_loop(sampler, *output, signals, limits);
  Status closed = output->close();
  if (!report) {
    std::cerr << "netsnap-record: " << report.error().message << "\n";
    return EXIT_FAILED;
  }
  if (!o.quiet) {
    double mean_ms = report->snapshots ? report->capture_ns_total / 1e6 / report->snapshots : 0;
    std::fprintf(stderr,
                 "netsnap-record: %llu snapshots, %llu bytes written, mean capture %.1f ms, %llu ticks skipped%s\n",
                 static_cast<unsigned long long>(report->snapshots),
                 static_cast<unsigned long long>(output->bytes_written()), mean_ms,
                 static_cast<unsigned long long>(report->skipped_ticks),
                 report->write_failures ? ", some snapshots lost to write errors" : "");
  }
  if (!closed) {
    std::cerr << "netsnap-record: " << closed.error().message << "\n";
    return EXIT_FAILED;
  }
  return report->write_failures ? EXIT_FAILED : 0;
}
