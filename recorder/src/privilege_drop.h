// --user NAME: after the netlink socket and the output are open, the recorder becomes NAME and
// keeps only the capabilities capture needs (CAP_NET_ADMIN, CAP_SYS_PTRACE,
// CAP_DAC_READ_SEARCH), so that a flaw in parsing kernel replies or /proc cannot be turned
// into root. Everything else is dropped from the effective, permitted, inheritable and
// bounding sets, supplementary groups included.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "netsnap/result.h"

namespace netsnap {

struct RecorderUser {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
};

// NAME from the user database (a number is taken as a uid that must exist there too).
Result<RecorderUser> look_up_recorder_user(const std::string& name);

// The capabilities kept, as a bit mask over capability numbers.
uint64_t recorder_capabilities();

// Switches every uid and gid to `user`, clears supplementary groups and keeps only
// recorder_capabilities() (those of them this process has). Fails without changing identity
// when the process may not (not root); afterwards, failing to regain root is checked.
Status drop_to_user(const RecorderUser& user);

}  // namespace netsnap
