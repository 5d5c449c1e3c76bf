// measure_command: runs one command and records what it cost, for the capture benchmark.
//
//   measure_command RESULT_FILE PROGRAM [ARGS...]
//
// Appends one line to RESULT_FILE: "wall_s user_s sys_s max_rss_kb exit_status" of the
// command (wait4's rusage: microsecond CPU figures, where GNU time prints hundredths, and
// only this child, not the shell around it). The command's stdin, stdout and stderr are
// this program's. Exit status: the command's (128 + N if killed by signal N), 127 if it could
// not be started, 2 bad arguments or RESULT_FILE not writable.
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace {

struct CommandCost {
  double wall_s = 0;
  double user_s = 0;
  double sys_s = 0;
  long max_rss_kb = 0;
  int exit_status = 0;
};

double seconds_of(const timeval& t) {
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

double monotonic_seconds() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

// Returns false (errno set) when the command could not be forked or waited for.
bool run_command(char** argv, CommandCost& cost) {
  const double start = monotonic_seconds();
  const pid_t child = fork();
  if (child < 0) return false;
  if (child == 0) {
    execvp(argv[0], argv);
    std::fprintf(stderr, "measure_command: %s: %s\n", argv[0], std::strerror(errno));
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  while (wait4(child, &status, 0, &usage) < 0) {
    if (errno != EINTR) return false;
  }
  cost.wall_s = monotonic_seconds() - start;
  cost.user_s = seconds_of(usage.ru_utime);
  cost.sys_s = seconds_of(usage.ru_stime);
  cost.max_rss_kb = usage.ru_maxrss;
  cost.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: measure_command RESULT_FILE PROGRAM [ARGS...]\n");
    return 2;
  }
  std::FILE* results = std::fopen(argv[1], "ae");
  if (!results) {
    std::fprintf(stderr, "measure_command: %s: %s\n", argv[1], std::strerror(errno));
    return 2;
  }
  CommandCost cost;
  if (!run_command(argv + 2, cost)) {
    std::fprintf(stderr, "measure_command: %s: %s\n", argv[2], std::strerror(errno));
    std::fclose(results);
    return 127;
  }
  std::fprintf(results, "%.6f %.6f %.6f %ld %d\n", cost.wall_s, cost.user_s, cost.sys_s,
               cost.max_rss_kb, cost.exit_status);
  std::fclose(results);
  return cost.exit_status;
}
