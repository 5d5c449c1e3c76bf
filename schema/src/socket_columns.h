// Sockets stored column by column (see "Socket columns" in netsnap.capnp): every field of all
// sockets together, as LEB128 varints, addresses and UNIX names through a table. Neighbouring
// values of one field are alike (states, ports, zero queues, consecutive inodes and cookies),
// so zstd shrinks columns several times better than one record per socket.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "netsnap/model.h"
#include "netsnap/socket_summary.h"

namespace netsnap {

void encode_socket_columns(std::span<const Socket* const> sockets, std::string& out);

// The order that stores sockets smallest: by protocol and family, then cookie and inode, so
// that those two columns are small differences. Sorts pointers, never the sockets.
bool column_order_less(const Socket* a, const Socket* b);

// Appends the sockets in `bytes` to `out` (Socket, or SocketSummary: the same checks, only the
// summary's fields kept). False (with `why`) when the bytes are malformed; never reads past
// them, and allocates only in proportion to their size.
template <class Record>
bool decode_socket_columns(std::span<const uint8_t> bytes, std::vector<Record>& out,
                           std::string& why);

}  // namespace netsnap
