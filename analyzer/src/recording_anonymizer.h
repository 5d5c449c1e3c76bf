// What `slice --anonymize` changes in a recording before it is written, and what it keeps.
//
// Replaced (a placeholder per distinct value, numbered in order of first appearance in this
// slice, so a value keeps its placeholder throughout the slice):
//   host name                      -> host-1
//   user names (header, users_added) -> user-<n>; uid 0 keeps "root" (the same on every Linux
//                                     host; it names no one); uids stay (numbers, not names)
//   program names (comm, argv[0])  -> prog-<n>; argv[0] gets the placeholder of its program
//                                     name (its last path element), so comm and argv[0] of one
//                                     program agree; command lines keep only argv[0] (arguments
//                                     may name hosts, addresses and files)
//   UNIX socket paths              -> /path-<n>; abstract names -> @path-<n>
//   network namespace names and the recorded --netns -> netns-<n>
//   capture error messages         -> "(removed by --anonymize)" (they may quote paths)
// Derived from the key (the same original gets the same replacement in every slice made with
// one key file): IP addresses (address_anonymizer.h), machine id and boot id (so that the
// analyzer still tells two boots apart).
// Kept: ports, states, queues, timers, tcp_info, counters, kernel settings and release, the time
// zone, the services and protocols databases, inodes, cookies, pids and every time.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "address_anonymizer.h"
#include "netsnap/model.h"

namespace netsnap::analysis {

class RecordingAnonymizer {
 public:
  explicit RecordingAnonymizer(const HashKey& key);

  void anonymize(FileHeader& header);
  void anonymize(Snapshot& snapshot);

 private:
  // Placeholders "<prefix><n>" per distinct original value.
  class Placeholders {
   public:
    explicit Placeholders(std::string prefix) : prefix_(std::move(prefix)) {}
    const std::string& of(const std::string& original);

   private:
    std::string prefix_;
    std::map<std::string, std::string> assigned_;
  };

  void anonymize(std::vector<UserName>& users);
  void anonymize(Process& process);
  void anonymize(Socket& socket);
  std::string keyed_hex(std::string_view what, const std::string& original, size_t digits) const;

  HashKey key_;
  AddressAnonymizer addresses_;
  Placeholders hosts_{"host-"}, users_{"user-"}, programs_{"prog-"}, paths_{"path-"},
      namespaces_{"netns-"};
};

}  // namespace netsnap::analysis
