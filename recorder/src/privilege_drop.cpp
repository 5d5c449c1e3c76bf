#include "privilege_drop.h"

#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace netsnap {

namespace {

Error failed(const RecorderUser& user, const char* what) {
  return Error{"--user " + user.name + ": " + what + ": " + std::strerror(errno)};
}

// capset(2) without libcap: version 3 takes two 32-bit words per set.
bool set_capabilities(uint64_t effective, uint64_t permitted, uint64_t inheritable) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  for (int i = 0; i < 2; ++i) {
    data[i].effective = static_cast<uint32_t>(effective >> (32 * i));
    data[i].permitted = static_cast<uint32_t>(permitted >> (32 * i));
    data[i].inheritable = static_cast<uint32_t>(inheritable >> (32 * i));
  }
  return syscall(SYS_capset, &header, data) == 0;
}

uint64_t permitted_capabilities() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (syscall(SYS_capget, &header, data) != 0) return 0;
  return uint64_t{data[0].permitted} | uint64_t{data[1].permitted} << 32;
}

}  // namespace

uint64_t recorder_capabilities() {
  return uint64_t{1} << CAP_NET_ADMIN | uint64_t{1} << CAP_SYS_PTRACE |
         uint64_t{1} << CAP_DAC_READ_SEARCH;
}

Result<RecorderUser> look_up_recorder_user(const std::string& name) {
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  const bool numeric = !name.empty() && name.find_first_not_of("0123456789") == std::string::npos;
  const int rc = numeric ? getpwuid_r(static_cast<uid_t>(std::stoul(name)), &entry, buffer.data(),
                                      buffer.size(), &found)
                         : getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (rc != 0 || found == nullptr)
    return Error{"--user '" + name + "': no such user" + (rc ? std::string(": ") + std::strerror(rc) : "")};
  return RecorderUser{name, entry.pw_uid, entry.pw_gid};
}

Status drop_to_user(const RecorderUser& user) {
  const uint64_t keep = recorder_capabilities() & permitted_capabilities();
  // The bounding set first (needs CAP_SETPCAP, which goes with the uid change).
  for (int cap = 0; cap <= 63; ++cap) {
    if (keep >> cap & 1) continue;
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL)
      return failed(user, "cannot drop capabilities from the bounding set");
  }
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) return failed(user, "cannot keep capabilities");
  if (setgroups(0, nullptr) != 0) return failed(user, "cannot clear supplementary groups");
  if (setresgid(user.gid, user.gid, user.gid) != 0) return failed(user, "cannot change group");
  if (setresuid(user.uid, user.uid, user.uid) != 0) return failed(user, "cannot change user");
  // KEEPCAPS kept the permitted set across the uid change; the effective set was cleared.
  if (!set_capabilities(keep, keep, 0)) return failed(user, "cannot set capabilities");
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0) return failed(user, "cannot reset keep-capabilities");
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return failed(user, "cannot set no-new-privileges");
  if (user.uid != 0 && setuid(0) == 0) return Error{"--user " + user.name + ": could become root again"};
  return ok_status();
}

}  // namespace netsnap
