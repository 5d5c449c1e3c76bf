#include "socket_columns.h"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <unordered_map>

#include "reader_limits.h"
#include "socket_fields.h"
#include "varint.h"

namespace netsnap {
namespace {

// The column order. Numeric fields follow in SocketField order (socket_fields.h) after these.
size_t address_size(uint8_t family) { return family == 2 ? 4 : family == 10 ? 16 : 0; }

// Addresses and UNIX names repeat a lot: each distinct one is stored once.
class BlobTable {
 public:
  uint64_t index_of(std::string_view blob) {
    auto [it, inserted] = index_.try_emplace(std::string(blob), blobs_.size());
    if (inserted) blobs_.push_back(it->first);
    return it->second;
  }
  void write(std::string& out) const {
    put_varint(out, blobs_.size());
    for (const auto& b : blobs_) {
      put_varint(out, b.size());
      out += b;
    }
  }

 private:
  std::unordered_map<std::string, uint64_t> index_;
  std::vector<std::string> blobs_;
};

std::string_view address_bytes(const Endpoint& e, uint8_t family) {
  return {reinterpret_cast<const char*>(e.address.data()), address_size(family)};
}

}  // namespace

bool column_order_less(const Socket* a, const Socket* b) {
  if (a->protocol != b->protocol) return a->protocol < b->protocol;
  if (a->family != b->family) return a->family < b->family;
  if (a->cookie != b->cookie) return a->cookie < b->cookie;
  return a->inode < b->inode;
}

void encode_socket_columns(std::span<const Socket* const> sockets, std::string& out) {
  BlobTable blobs;
  std::string columns;
  auto column = [&](auto value_of) {
    for (const Socket* s : sockets) put_varint(columns, value_of(*s));
  };
  column([](const Socket& s) { return uint64_t(s.family); });
  column([](const Socket& s) { return uint64_t(s.protocol); });
  column([&](const Socket& s) { return blobs.index_of(address_bytes(s.local, s.family)); });
  column([](const Socket& s) { return uint64_t(s.local.port); });
  column([](const Socket& s) { return uint64_t(s.local.scope_id); });
  column([&](const Socket& s) { return blobs.index_of(address_bytes(s.remote, s.family)); });
  column([](const Socket& s) { return uint64_t(s.remote.port); });
  column([](const Socket& s) { return uint64_t(s.remote.scope_id); });
  uint64_t last = 0;
  column([&](const Socket& s) { uint64_t d = zigzag(int64_t(s.inode - last)); last = s.inode; return d; });
  last = 0;
  column([&](const Socket& s) { uint64_t d = zigzag(int64_t(s.cookie - last)); last = s.cookie; return d; });
  column([](const Socket& s) { return uint64_t(s.unix_type); });
  column([&](const Socket& s) { return s.unix_path.empty() ? 0 : blobs.index_of(s.unix_path) + 1; });
  column([](const Socket& s) { return uint64_t(s.raw_protocol); });
  for (int f = 0; f < FIELD_COUNT; ++f) {
    if (f == OWNERS_FIELD) continue;
    if (f >= FIRST_TCP_INFO_FIELD) {
      for (const Socket* s : sockets)
        if (s->has_tcp_info) put_varint(columns, get_field(*s, f));
    } else if (f == PEER_INODE_FIELD) {
      column([](const Socket& s) { return s.peer_inode ? zigzag(int64_t(s.peer_inode - s.inode)) : 0; });
    } else {
      column([&](const Socket& s) { return get_field(s, f); });
    }
  }
  column([](const Socket& s) { return uint64_t(s.owners.size()); });
  // Pids as they are: a few processes own most sockets, and zstd finds repeated values
  // better than the differences between them.
  for (const Socket* s : sockets)
    for (int32_t pid : s->owners) put_varint(columns, static_cast<uint32_t>(pid));
  put_varint(out, sockets.size());
  blobs.write(out);
  out += columns;
}

template <class Record>
bool decode_socket_columns(std::span<const uint8_t> bytes, std::vector<Record>& out,
                           std::string& why) {
  // A summary keeps a few fields; every other column is still read and checked the same way.
  constexpr bool whole = std::is_same_v<Record, Socket>;
  VarintReader r(bytes.data(), bytes.size());
  auto bad = [&](const std::string& what) {
    why = "socket columns: " + what;
    return false;
  };
  uint64_t count = 0, blob_count = 0;
  if (!r.next(count)) return bad("no count");
  if (count > MAX_SOCKETS_PER_NAMESPACE || out.size() + count > MAX_SOCKETS_PER_NAMESPACE)
    return bad(over_limit(out.size() + count, "sockets", MAX_SOCKETS_PER_NAMESPACE));
  // Every socket takes at least one byte in each of the ~35 columns.
  if (count > r.remaining() / 16) return bad("more sockets than bytes");
  if (!r.next(blob_count) || blob_count > r.remaining()) return bad("bad table");
  std::vector<std::string_view> blobs;
  blobs.reserve(blob_count);
  const uint8_t* base = bytes.data();
  size_t at = bytes.size() - r.remaining();
  for (uint64_t i = 0; i < blob_count; ++i) {
    VarintReader len_reader(base + at, bytes.size() - at);
    uint64_t len;
    if (!len_reader.next(len) || len > len_reader.remaining() || len > MAX_NAME_BYTES) return bad("bad table entry");
    at = bytes.size() - len_reader.remaining();
    blobs.emplace_back(reinterpret_cast<const char*>(base + at), len);
    at += len;
  }
  r = VarintReader(base + at, bytes.size() - at);
  size_t first = out.size();
  out.resize(first + count);
  std::span<Record> s(out.data() + first, count);
  bool ok = true;
  auto column = [&](auto assign) {
    for (Record& x : s) {
      uint64_t v;
      if (!r.next(v)) { ok = false; return; }
      assign(x, v);
    }
  };
  // A column a summary does not keep: read past, with the same checks.
  const auto skip_column = [&] { ok = ok && r.skip(count); };
  auto address = [&](uint64_t v, uint8_t family, [[maybe_unused]] Endpoint* e) {
    if (v >= blobs.size() || blobs[v].size() != address_size(family)) { ok = false; return; }
    if constexpr (whole) {
      e->address.fill(0);
      std::memcpy(e->address.data(), blobs[v].data(), blobs[v].size());
    }
  };
  column([](Record& x, uint64_t v) { x.family = uint8_t(v); });
  column([](Record& x, uint64_t v) { x.protocol = v <= 5 ? Protocol(v) : Protocol::unknown; });
  if constexpr (whole) {
    column([&](Socket& x, uint64_t v) { address(v, x.family, &x.local); });
    column([](Socket& x, uint64_t v) { x.local.port = uint16_t(v); });
    column([](Socket& x, uint64_t v) { x.local.scope_id = uint32_t(v); });
    column([&](Socket& x, uint64_t v) { address(v, x.family, &x.remote); });
    column([](Socket& x, uint64_t v) { x.remote.port = uint16_t(v); });
    column([](Socket& x, uint64_t v) { x.remote.scope_id = uint32_t(v); });
    uint64_t last = 0;
    column([&](Socket& x, uint64_t v) { x.inode = last += uint64_t(unzigzag(v)); });
    last = 0;
    column([&](Socket& x, uint64_t v) { x.cookie = last += uint64_t(unzigzag(v)); });
    column([](Socket& x, uint64_t v) { x.unix_type = uint8_t(v); });
  } else {
    for (int endpoint = 0; endpoint < 2; ++endpoint) {
      column([&](Record& x, uint64_t v) { address(v, x.family, nullptr); });
      if (!r.skip(2 * count)) ok = false;  // port, scope id
    }
    if (!r.skip(3 * count)) ok = false;  // inode, cookie, unixType
  }
  column([&]([[maybe_unused]] Record& x, uint64_t v) {
    if (v > blobs.size()) { ok = false; return; }
    if constexpr (whole) {
      if (v) x.unix_path.assign(blobs[v - 1]);
    }
  });
  if constexpr (whole) {
    column([](Socket& x, uint64_t v) { x.raw_protocol = uint16_t(v); });
  } else {
    skip_column();  // rawProtocol
  }
  if (!ok) return bad("bad identity column");
  for (int f = 0; f < FIELD_COUNT && ok; ++f) {
    if (f == OWNERS_FIELD) continue;
    if (!whole && f >= FIRST_TCP_INFO_FIELD) {
      size_t with_tcp_info = 0;
      for (const Record& x : s) with_tcp_info += x.has_tcp_info;
      if (!r.skip(with_tcp_info)) return bad("bad tcp_info column");
    } else if (!whole && f > 2 && f != TCP_INFO_PRESENT) {
      skip_column();
    } else if (f >= FIRST_TCP_INFO_FIELD) {
      for (Record& x : s) {
        if (!x.has_tcp_info) continue;
        uint64_t v;
        if (!r.next(v)) return bad("bad tcp_info column");
        set_field(x, f, v);
      }
    } else if (f == PEER_INODE_FIELD) {
      column([]([[maybe_unused]] Record& x, [[maybe_unused]] uint64_t v) {
        if constexpr (whole) x.peer_inode = v ? x.inode + uint64_t(unzigzag(v)) : 0;
      });
    } else {
      column([&](Record& x, uint64_t v) { set_field(x, f, v); });
    }
  }
  if (!ok) return bad("bad field column");
  uint64_t total_owners = 0;
  std::string owners_wrong;
  column([&]([[maybe_unused]] Record& x, uint64_t v) {
    if (!ok) return;
    // Each pid takes a byte at least; compared without adding, so no sum can wrap around.
    if (v > MAX_OWNERS_PER_SOCKET) owners_wrong = over_limit(v, "owners of one socket", MAX_OWNERS_PER_SOCKET);
    else if (v > r.remaining() - std::min<uint64_t>(total_owners, r.remaining())) owners_wrong = "more owners than bytes";
    if (!owners_wrong.empty()) { ok = false; return; }
    total_owners += v;
    if constexpr (whole) x.owners.resize(v);
  });
  if (!ok) return bad(owners_wrong.empty() ? "bad owner counts" : owners_wrong);
  if constexpr (whole) {
    for (Socket& x : s)
      for (int32_t& pid : x.owners) {
        uint64_t v;
        if (!r.next(v)) return bad("bad owner column");
        pid = static_cast<int32_t>(static_cast<uint32_t>(v));
      }
  } else if (!r.skip(total_owners)) {
    return bad("bad owner column");
  }
  if (!r.at_end()) return bad("trailing bytes");
  return true;
}

template bool decode_socket_columns(std::span<const uint8_t>, std::vector<Socket>&, std::string&);
template bool decode_socket_columns(std::span<const uint8_t>, std::vector<SocketSummary>&,
                                    std::string&);

}  // namespace netsnap
