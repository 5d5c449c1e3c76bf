// uid -> user name, resolved on the recorded host: the analyst's machine has other users, so
// names must travel in the recording. Each uid is looked up once per recorder run; a
// snapshot carries only the uids it introduces (Snapshot::users_added), the header all of
// them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "netsnap/model.h"

namespace netsnap {

// Looks one uid up; nullopt when the host has no user with that uid.
using UserNameLookup = std::function<std::optional<std::string>(uint32_t uid)>;

// The host's user database through getpwuid_r (files, LDAP, sssd... as NSS is configured).
std::optional<std::string> lookup_user_name(uint32_t uid);

class UserNames {
 public:
  explicit UserNames(UserNameLookup lookup = lookup_user_name) : lookup_(std::move(lookup)) {}

  // Looks up the uids not seen before (the list may repeat uids and need not be sorted) and
  // appends them to `added`, ascending by uid. A uid without a user is recorded with an empty
  // name: "looked up, no such user" (netstat then shows the number).
  void resolve(std::span<const uint32_t> uids, std::vector<UserName>& added);

  // Every uid resolved so far, ascending: the header's user list.
  const std::vector<UserName>& all() const { return known_; }

 private:
  bool is_known(uint32_t uid) const;

  UserNameLookup lookup_;
  std::vector<UserName> known_;  // ascending by uid
  std::vector<uint32_t> new_uids_;
};

}  // namespace netsnap
