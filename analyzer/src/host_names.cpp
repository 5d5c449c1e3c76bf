#include "host_names.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

#include "socket_text.h"
#include "text_escape.h"

namespace netsnap {
namespace {

// getnameinfo with NI_NAMEREQD: the name, or empty when the resolver has none (netstat's
// gethostbyaddr/getnameinfo fall back to the numeric text in that case too).
std::string reverse_lookup(const Endpoint& endpoint, uint8_t family) {
  char host[NI_MAXHOST];
  int rc = 0;
  if (family == family_inet) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    std::memcpy(&address.sin_addr, endpoint.address.data(), 4);
    rc = getnameinfo(reinterpret_cast<const sockaddr*>(&address), sizeof address, host,
                     sizeof host, nullptr, 0, NI_NAMEREQD);
  } else {
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    std::memcpy(&address.sin6_addr, endpoint.address.data(), 16);
    address.sin6_scope_id = endpoint.scope_id;
    rc = getnameinfo(reinterpret_cast<const sockaddr*>(&address), sizeof address, host,
                     sizeof host, nullptr, 0, NI_NAMEREQD);
  }
  if (rc != 0) return {};
  return escaped(host);
}

}  // namespace

std::string_view HostNames::find(const Endpoint& endpoint, uint8_t family) {
  Key key{family, endpoint.address};
  if (family == family_inet) std::fill(key.second.begin() + 4, key.second.end(), 0);
  auto it = names_.find(key);
  if (it == names_.end()) it = names_.emplace(key, reverse_lookup(endpoint, family)).first;
  return it->second;
}

}  // namespace netsnap
