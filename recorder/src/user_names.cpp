#include "user_names.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace netsnap {

std::optional<std::string> lookup_user_name(uint32_t uid) {
  const long suggested = ::sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buffer(suggested > 0 ? static_cast<size_t>(suggested) : 1024);
  for (;;) {
    struct passwd entry {};
    struct passwd* found = nullptr;
    const int error = ::getpwuid_r(static_cast<uid_t>(uid), &entry, buffer.data(),
                                   buffer.size(), &found);
    if (error == ERANGE && buffer.size() < (1u << 20)) {  // a long entry (LDAP): grow
      buffer.resize(buffer.size() * 2);
      continue;
    }
    if (error == EINTR) continue;
    if (error != 0 || found == nullptr) return std::nullopt;
    return std::string(found->pw_name);
  }
}

bool UserNames::is_known(uint32_t uid) const {
  const auto found = std::lower_bound(
      known_.begin(), known_.end(), uid,
      [](const UserName& user, uint32_t wanted) { return user.uid < wanted; });
  return found != known_.end() && found->uid == uid;
}

void UserNames::resolve(std::span<const uint32_t> uids, std::vector<UserName>& added) {
  // A snapshot passes one uid per socket (100k of them, a handful of distinct values): skip
  // runs of the same uid before the binary search.
  new_uids_.clear();
  bool have_last = false;
  uint32_t last = 0;
  for (uint32_t uid : uids) {
    if (have_last && uid == last) continue;
    have_last = true;
    last = uid;
    if (!is_known(uid)) new_uids_.push_back(uid);
  }
  if (new_uids_.empty()) return;
  std::sort(new_uids_.begin(), new_uids_.end());
  new_uids_.erase(std::unique(new_uids_.begin(), new_uids_.end()), new_uids_.end());

  const size_t first_added = added.size();
  for (uint32_t uid : new_uids_) {
    added.push_back({uid, lookup_(uid).value_or(std::string())});
  }
  const size_t old_size = known_.size();
  known_.insert(known_.end(), added.begin() + static_cast<ptrdiff_t>(first_added), added.end());
  std::inplace_merge(known_.begin(), known_.begin() + static_cast<ptrdiff_t>(old_size),
                     known_.end(),
                     [](const UserName& a, const UserName& b) { return a.uid < b.uid; });
}

}  // namespace netsnap
