// How the benchmark's helper processes stop: SIGTERM or SIGINT, received synchronously
// (sigwait/sigtimedwait, no handler and no flag shared with one), and the parent's death
// turned into a SIGTERM so that a benchmark killed with SIGKILL leaves nothing running.
#pragma once

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace netsnap::bench {

// Blocks the stop signals (call before anything else) and returns them for sigwait; false when
// the parent died before the death signal was armed: nobody would ever stop this process.
inline bool stop_with_parent(sigset_t& stop_signals) {
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigprocmask(SIG_BLOCK, &stop_signals, nullptr);
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  return getppid() != 1;
}

}  // namespace netsnap::bench
