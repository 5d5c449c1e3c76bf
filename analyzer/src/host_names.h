// Host names for `table --resolve` and `diff --resolve`: what netstat prints without -n, looked
// up on the analyst's workstation (its /etc/hosts and DNS), never on the recorded host, which
// the analyzer cannot ask. That is why it is opt-in: by default addresses stay numeric, so an
// analyst's machine sends no DNS queries about a production host's peers, and names that would
// be wrong (split-horizon DNS, stale PTR records) are not shown as fact.
//
// Lookups follow net-tools netstat 2.10 (lib/inet.c INET_rresolve, lib/inet6.c
// INET6_rresolve): a reverse lookup of the address, the numeric form when there is no name; the
// unspecified address is never looked up. Each distinct address is looked up once per run
// (netstat caches the same way), so a table of 100,000 rows with 50 peers costs 50 lookups.
// Names are returned escaped (text_escape.h): a PTR record is as untrusted as the recording.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "netsnap/model.h"

namespace netsnap {

class HostNames {
 public:
  // The name of the address, escaped, or an empty view when it has none (the caller prints the
  // numeric form, as netstat does). The view stays valid for this object's lifetime.
  std::string_view find(const Endpoint& endpoint, uint8_t family);

  // Distinct addresses asked about so far (lookups made), for tests and diagnostics.
  size_t lookups() const { return names_.size(); }

 private:
  using Key = std::pair<uint8_t, std::array<uint8_t, 16>>;
  std::map<Key, std::string> names_;
};

}  // namespace netsnap
