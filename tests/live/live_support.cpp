#include "live_support.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace netsnap::live {
namespace {

#if defined(__x86_64__)
constexpr uint32_t kAuditArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr uint32_t kAuditArch = AUDIT_ARCH_AARCH64;
#else
constexpr uint32_t kAuditArch = 0;  // block_netlink is refused on other architectures
#endif
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the seccomp filter reads the low half of socket()'s first argument");

// socket(AF_NETLINK, ...) -> EPERM, everything else allowed: what a container runtime's
// seccomp profile does to a program that is not meant to use netlink.
const sock_filter kBlockNetlink[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kAuditArch, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 3),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_NETLINK, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};

// In the forked child only async-signal-safe calls: report and leave.
[[noreturn]] void child_fail(const char* what) {
  const int error = errno;
  const char* text = std::strerror(error);
  (void)!::write(STDERR_FILENO, "live test launcher: ", 20);
  (void)!::write(STDERR_FILENO, what, std::strlen(what));
  (void)!::write(STDERR_FILENO, ": ", 2);
  (void)!::write(STDERR_FILENO, text, std::strlen(text));
  (void)!::write(STDERR_FILENO, "\n", 1);
  ::_exit(126);
}

}  // namespace

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/netsnap-live-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp " + pattern + ": " + std::strerror(errno));
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string recorder_binary() { return std::string(NETSNAP_BIN_DIR) + "/netsnap-record"; }
std::string analyzer_binary() { return std::string(NETSNAP_BIN_DIR) + "/netsnap-analyze"; }

std::string ExitStatus::describe() const {
  if (!finished) return "did not finish in time (killed)";
  if (exited) return "exit status " + std::to_string(code);
  return "killed by signal " + std::to_string(signal);
}

ProcessRun::~ProcessRun() {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, __WALL) < 0 && errno == EINTR) {
    }
  }
}

bool ProcessRun::start(const std::string& program, const RunOptions& options) {
  static int serial = 0;
  const std::string dir = options.output_dir.empty() ? "/tmp" : options.output_dir;
  const std::string tag = std::to_string(::getpid()) + "-" + std::to_string(++serial);
  stdout_path_ = dir + "/run-" + tag + ".stdout";
  stderr_path_ = dir + "/run-" + tag + ".stderr";
  if (options.block_netlink && kAuditArch == 0) {
    error_ = "block_netlink: no seccomp filter for this architecture";
    return false;
  }

  // Everything the child needs is prepared here: between fork and exec only system calls.
  std::vector<std::string> arguments{program};
  arguments.insert(arguments.end(), options.args.begin(), options.args.end());
  std::vector<char*> argv;
  for (std::string& a : arguments) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int out_fd = ::open(stdout_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int err_fd = ::open(stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int netns_fd = -1;
  if (!options.enter_netns.empty()) {
    netns_fd = ::open(options.enter_netns.c_str(), O_RDONLY | O_CLOEXEC);
  }
  if (out_fd < 0 || err_fd < 0 || (!options.enter_netns.empty() && netns_fd < 0)) {
    error_ = std::string("opening the run's files: ") + std::strerror(errno);
    for (int fd : {out_fd, err_fd, netns_fd}) {
      if (fd >= 0) ::close(fd);
    }
    return false;
  }
  sock_fprog filter{static_cast<unsigned short>(std::size(kBlockNetlink)),
                    const_cast<sock_filter*>(kBlockNetlink)};

  started_at_ = std::chrono::steady_clock::now();
  pid_ = ::fork();
  if (pid_ < 0) {
    error_ = std::string("fork: ") + std::strerror(errno);
    return false;
  }
  if (pid_ == 0) {
    if (::dup2(out_fd, STDOUT_FILENO) < 0 || ::dup2(err_fd, STDERR_FILENO) < 0) child_fail("dup2");
    // The test runner may block or ignore signals; the recorder must start from defaults.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) ::signal(sig, SIG_DFL);
    if (netns_fd >= 0 && ::setns(netns_fd, CLONE_NEWNET) != 0) child_fail("setns");
    if (options.run_as) {
      const uid_t id = *options.run_as;
      if (::setgroups(0, nullptr) != 0 || ::setresgid(id, id, id) != 0 ||
          ::setresuid(id, id, id) != 0) {
        child_fail("dropping to the unprivileged user");
      }
    }
    if (options.block_netlink) {
      if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
          ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &filter) != 0) {
        child_fail("installing the seccomp filter");
      }
    }
    ::execv(argv[0], argv.data());
    child_fail("exec");
  }
  for (int fd : {out_fd, err_fd, netns_fd}) {
    if (fd >= 0) ::close(fd);
  }
  return true;
}

ExitStatus ProcessRun::wait(std::chrono::milliseconds limit) {
  ExitStatus result;
  if (pid_ <= 0 || reaped_) return result;
  int status = 0;
  const bool done = eventually(
      [&] {
        const pid_t got = ::waitpid(pid_, &status, WNOHANG | __WALL);
        return got == pid_ && !WIFSTOPPED(status);  // a ptrace stop is not the end
      },
      limit);
  if (!done) {
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, &status, __WALL) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    finished_at_ = std::chrono::steady_clock::now();
    return result;
  }
  reaped_ = true;
  finished_at_ = std::chrono::steady_clock::now();
  result.finished = true;
  result.exited = WIFEXITED(status);
  if (result.exited) result.code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

std::string ProcessRun::stdout_text() const { return read_file(stdout_path_); }
std::string ProcessRun::stderr_text() const { return read_file(stderr_path_); }
std::vector<std::string> ProcessRun::stderr_lines() const { return split_lines(stderr_text()); }

ExitStatus run_recorder(const RunOptions& options, ProcessRun& run,
                        std::chrono::milliseconds limit) {
  if (!run.start(recorder_binary(), options)) return {};
  return run.wait(limit);
}

Recording read_recording(const std::vector<std::string>& paths) {
  Recording out;
  auto timeline = Timeline::open(paths, ScanMode::full);
  if (!timeline) {
    out.error = timeline.error().message;
    return out;
  }
  out.header = timeline->header();
  out.files = timeline->files();
  out.entries = timeline->entries();
  Cursor cursor = timeline->cursor();
  while (cursor.next()) out.snapshots.push_back(cursor.current());
  out.damage = timeline->damage();
  out.ok = true;
  return out;
}

size_t FrameScan::count(RecordType type) const {
  size_t n = 0;
  for (const FrameHeader& frame : frames) n += frame.type == type ? 1 : 0;
  return n;
}

FrameScan scan_frames(const std::string& path) {
  FrameScan scan;
  const std::string bytes = read_file(path);
  scan.file_size = bytes.size();
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  if (bytes.size() < PREAMBLE_SIZE || !decode_preamble({data, PREAMBLE_SIZE})) return scan;
  scan.preamble_ok = true;
  uint64_t offset = PREAMBLE_SIZE;
  scan.parsed_end = offset;
  while (offset + FRAME_HEADER_SIZE <= bytes.size()) {
    const auto header = decode_frame_header({data + offset, FRAME_HEADER_SIZE});
    if (!header) break;
    const uint64_t next = offset + FRAME_HEADER_SIZE + header->stored_len;
    if (next > bytes.size()) break;  // being written
    scan.frames.push_back(*header);
    offset = next;
    scan.parsed_end = offset;
  }
  return scan;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

const CounterTable* counter_table(const Snapshot& snapshot, const std::string& name) {
  for (const CounterTable& table : snapshot.counters) {
    if (table.name == name) return &table;
  }
  return nullptr;
}

std::optional<int64_t> counter(const Snapshot& snapshot, const std::string& table,
                               const std::string& name) {
  const CounterTable* found = counter_table(snapshot, table);
  if (!found) return std::nullopt;
  for (size_t i = 0; i < found->names.size() && i < found->values.size(); ++i) {
    if (found->names[i] == name) return found->values[i];
  }
  return std::nullopt;
}

const Setting* header_setting(const FileHeader& header, const std::string& name) {
  for (const Setting& setting : header.settings) {
    if (setting.name == name) return &setting;
  }
  return nullptr;
}

}  // namespace netsnap::live
