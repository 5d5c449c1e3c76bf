#include "format/hostile_recordings.h"

#include <capnp/any.h>
#include <capnp/message.h>
#include <capnp/serialize.h>

#include <cstring>
#include <fstream>

#include "format/sample_snapshots.h"
#include "netsnap.capnp.h"
#include "netsnap/frame.h"
#include "netsnap/recording_writer.h"
#include "record_codec.h"
#include "socket_columns.h"
#include "varint.h"
#include "wire_codec.h"

namespace netsnap::testing {
namespace {

using Bytes = std::vector<uint8_t>;
constexpr int64_t START_NS = 1'767'225'600'000'000'000;
constexpr uint64_t NAMESPACE_INODE = 4026531840;

void append(Bytes& out, const Bytes& more) { out.insert(out.end(), more.begin(), more.end()); }

Bytes flat(capnp::MessageBuilder& message) {
  auto words = capnp::messageToFlatArray(message);
  auto bytes = words.asBytes();
  return Bytes(bytes.begin(), bytes.end());
}

// `with_size` false leaves the decompressed size out of the zstd frame (a streamed frame).
Bytes zstd(const Bytes& raw, bool with_size) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 3);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, with_size ? 1 : 0);
  Bytes out(ZSTD_compressBound(raw.size()));
  const size_t n = ZSTD_compress2(cctx, out.data(), out.size(), raw.data(), raw.size());
  ZSTD_freeCCtx(cctx);
  out.resize(ZSTD_isError(n) ? 0 : n);
  return out;
}

// A frame around `payload`, stored as given, whose header claims `raw_len` decompressed bytes.
Bytes frame(RecordType type, uint64_t seq, const Bytes& payload, uint32_t raw_len) {
  FrameHeader h;
  h.type = type;
  h.codec = Codec::zstd;
  h.stored_len = static_cast<uint32_t>(payload.size());
  h.raw_len = raw_len;
  h.seq = seq;
  h.wall_ns = seq ? START_NS + static_cast<int64_t>(seq) * 1'000'000'000 : 0;
  h.payload_crc = crc32c(payload.data(), payload.size());
  Bytes out(FRAME_HEADER_SIZE);
  encode_frame_header(h, std::span<uint8_t, FRAME_HEADER_SIZE>(out.data(), FRAME_HEADER_SIZE));
  append(out, payload);
  return out;
}

Bytes record(RecordType type, uint64_t seq, const Bytes& raw) {
  return frame(type, seq, zstd(raw, true), static_cast<uint32_t>(raw.size()));
}

// Preamble claiming `version`, then a file header record claiming `header_version`. Format 1
// by default: the committed files were made so, and every reader reads format 1.
Bytes file_start(uint32_t version = 1, uint32_t header_version = 1) {
  Bytes out(PREAMBLE_SIZE);
  encode_preamble(std::span<uint8_t, PREAMBLE_SIZE>(out.data(), PREAMBLE_SIZE), version);
  FileHeader h = sample_header();
  h.host_name = "hostile.example";
  h.format_version = header_version;
  capnp::MallocMessageBuilder message;
  wire_codec::write_header(h, message.initRoot<wire::FileHeader>());
  append(out, record(RecordType::header, 0, flat(message)));
  return out;
}

Socket unix_socket(uint64_t inode, std::string path) {
  Socket s;
  s.family = 1;
  s.protocol = Protocol::unix_;
  s.state = unix_state::connected;
  s.unix_type = 1;
  s.inode = inode;
  s.unix_path = std::move(path);
  return s;
}

std::string columns_of(const std::vector<Socket>& sockets) {
  std::vector<const Socket*> pointers;
  for (const Socket& s : sockets) pointers.push_back(&s);
  std::string out;
  encode_socket_columns(pointers, out);
  return out;
}

// The flat message of a key snapshot (seq 1) of one namespace whose columns are as given.
Bytes key_with_columns(const std::string& columns) {
  capnp::MallocMessageBuilder message;
  auto s = message.initRoot<wire::Snapshot>();
  s.setSeq(1);
  s.setWallNs(START_NS + 1'000'000'000);
  auto ns = s.initNamespaces(1);
  ns[0].setInode(NAMESPACE_INODE);
  ns[0].setSocketColumns(wire_codec::bytes_of(columns));
  return flat(message);
}

Bytes plain_key() { return key_with_columns(columns_of({unix_socket(7, "/run/a")})); }

// A zstd frame of 8 raw bytes whose header claims 2^62 bytes of content.
Bytes zstd_claiming_2_pow_62() {
  Bytes out = {0x28, 0xB5, 0x2F, 0xFD, 0xE0};  // magic; 8-byte content size, single segment
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>((uint64_t{1} << 62) >> (8 * i)));
  out.insert(out.end(), {0x41, 0x00, 0x00});  // last block, raw, 8 bytes
  out.insert(out.end(), 8, 0);
  return out;
}

// Struct pointer words: offset (in words, from the end of the pointer) and section sizes.
uint64_t struct_pointer(int64_t offset, uint16_t data_words, uint16_t pointers) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(offset) << 2)) |
         (static_cast<uint64_t>(data_words) << 32) | (static_cast<uint64_t>(pointers) << 48);
}

Bytes words_message(const std::vector<uint64_t>& segment) {
  Bytes out(8 + 8 * segment.size());
  const uint32_t table[2] = {0, static_cast<uint32_t>(segment.size())};
  std::memcpy(out.data(), table, 8);
  std::memcpy(out.data() + 8, segment.data(), 8 * segment.size());
  return out;
}

// A chain of 400 structs, each of whose 4 pointers points at the next: as deep as Cap'n Proto
// pointers go, and nothing where the schema expects lists.
Bytes nested_pointers() {
  constexpr int depth = 400, pointers = 4;
  std::vector<uint64_t> seg(1 + depth * pointers, 0);
  seg[0] = struct_pointer(0, 0, pointers);
  for (int k = 0; k + 1 < depth; ++k)
    for (int j = 0; j < pointers; ++j) {
      const int at = 1 + k * pointers + j, next = 1 + (k + 1) * pointers;
      seg[at] = struct_pointer(next - (at + 1), 0, pointers);
    }
  return words_message(seg);
}

// 4,000 processes whose names all point at one 64 KiB text: 256 MiB of names from a 256 KiB
// message unless the traversal limit stops the reader.
Bytes overlapping_pointers() {
  constexpr int processes = 4000;
  capnp::MallocMessageBuilder message(1 << 17, capnp::AllocationStrategy::FIXED_SIZE);
  auto s = message.initRoot<wire::Snapshot>();
  s.setSeq(1);
  s.setWallNs(START_NS + 1'000'000'000);
  auto list = s.initProcesses(processes);
  list[0].setComm(std::string(64 << 10, 'A'));
  for (int i = 1; i < processes; ++i) list[i].setComm("x");
  kj::Array<capnp::word> words = capnp::messageToFlatArray(message);
  capnp::FlatArrayMessageReader reader(words);
  auto read = reader.getRoot<wire::Snapshot>().getProcesses();
  auto* base = reinterpret_cast<const uint64_t*>(words.begin());
  auto pointer_word = [&](int i) {  // comm is the first pointer of Process
    auto data = capnp::AnyStruct::Reader(read[i]).getDataSection();
    return static_cast<size_t>(reinterpret_cast<const uint64_t*>(data.end()) - base);
  };
  const size_t target = static_cast<size_t>(
      reinterpret_cast<const uint64_t*>(read[0].getComm().begin()) - base);
  auto* patch = reinterpret_cast<uint64_t*>(words.begin());
  const uint64_t text_list = patch[pointer_word(0)] & 0xFFFFFFFF00000000ull;
  for (int i = 1; i < processes; ++i) {
    const size_t at = pointer_word(i);
    const int64_t offset = static_cast<int64_t>(target) - static_cast<int64_t>(at + 1);
    patch[at] = text_list | (static_cast<uint64_t>(static_cast<uint32_t>(offset) << 2)) | 1;
  }
  auto bytes = words.asBytes();
  return Bytes(bytes.begin(), bytes.end());
}

// Two sockets; the second claims 2^64 - 1 owners (a count that wrapped a running sum).
std::string owners_beyond_cap() {
  std::string columns = columns_of({unix_socket(7, "/run/a"), unix_socket(8, "/run/b")});
  columns.resize(columns.size() - 2);  // the owner counts, 0 and 0
  put_varint(columns, 1);
  put_varint(columns, UINT64_MAX);
  put_varint(columns, 4242);
  return columns;
}

// A key record (seq 1) of `key`'s sockets and processes, then a delta record (seq 2) of one
// namespace whose attack `fill` writes: the shape of every delta attack below.
template <class Fill>
Bytes key_then_delta(Snapshot key, bool processes_unchanged, const Fill& fill) {
  key.seq = 1;
  key.wall_ns = START_NS + 1'000'000'000;
  capnp::MallocMessageBuilder key_message;
  wire_codec::write_snapshot(key, key_message.initRoot<wire::Snapshot>());
  Bytes out = record(RecordType::key, 1, flat(key_message));

  capnp::MallocMessageBuilder message;
  auto d = message.initRoot<wire::SnapshotDelta>();
  d.setSeq(2);
  d.setWallNs(START_NS + 2'000'000'000);
  d.setProcessesUnchanged(processes_unchanged);
  d.setCounterLayoutUnchanged(true);
  auto ns = d.initNamespaces(1);
  ns[0].setInode(NAMESPACE_INODE);
  fill(d, ns[0]);
  append(out, record(RecordType::delta, 2, flat(message)));
  return out;
}

// A key of two sockets, then a delta removing the socket at position 5.
Bytes delta_past_snapshot() {
  Snapshot key;
  key.namespaces.push_back({NAMESPACE_INODE, "", {unix_socket(7, "/run/a"), unix_socket(8, "/run/b")}});
  return key_then_delta(key, true, [](wire::SnapshotDelta::Builder, wire::NamespaceDelta::Builder ns) {
    std::string removed;
    put_varint(removed, 1);
    put_varint(removed, 5);
    ns.setRemoved(wire_codec::bytes_of(removed));
  });
}

// Format 2: a key whose one process has a 1 MiB command line, then a delta whose process
// origins name that process 100,000 times (a few hundred bytes asking for 100 GB of copies).
Bytes process_origins_repeat() {
  Snapshot key;
  key.namespaces.push_back({NAMESPACE_INODE, "", {unix_socket(7, "/run/a")}});
  key.processes.push_back({4242, 0, "big", "/usr/bin/big", {std::string(1 << 20, 'x')}, 9, 1024, 4096});
  return key_then_delta(key, false, [](wire::SnapshotDelta::Builder d, wire::NamespaceDelta::Builder ns) {
    ns.setAdded(wire_codec::bytes_of(columns_of({})));  // valid sockets: the processes fail
    constexpr uint64_t repeats = 100'000;
    std::string origins;
    put_varint(origins, repeats);
    put_varint(origins, 1);  // index 0
    for (uint64_t i = 1; i < repeats; ++i) put_varint(origins, zigzag(-1) + 1);  // index 0 again
    for (uint64_t i = 0; i < repeats; ++i) put_varint(origins, 0);  // descriptor differences
    d.setProcessOrigins(wire_codec::bytes_of(origins));
  });
}

Bytes with_start(const Bytes& records) {
  Bytes out = file_start();
  append(out, records);
  return out;
}

}  // namespace

std::vector<HostileRecording> hostile_recordings() {
  std::vector<HostileRecording> out;
  auto add = [&](std::string file, std::string error, bool on_open, Bytes bytes) {
    out.push_back({std::move(file), std::move(error), on_open, std::move(bytes)});
  };
  add("future-version.netsnap",
      "newer format version 7, this build reads " + std::to_string(FORMAT_VERSION), true,
      file_start(7));
  add("header-version-lie.netsnap", "file header record says format version 9, the preamble 1",
      true, file_start(1, 9));
  add("raw-len-over-limit.netsnap",
      "record claims 4294967288 bytes decompressed, above the limit of 536870912", false,
      with_start(frame(RecordType::key, 1, zstd(plain_key(), false), 0xFFFFFFF8u)));
  const Bytes key = plain_key();
  add("zstd-claims-2-pow-62.netsnap",
      "zstd frame claims 4611686018427387904 bytes, its record header " +
          std::to_string(key.size()),
      false, with_start(frame(RecordType::key, 1, zstd_claiming_2_pow_62(), uint32_t(key.size()))));
  add("raw-len-unbacked.netsnap",
      "record header claims 268435456 bytes, its zstd frame holds at most ", false,
      with_start(frame(RecordType::key, 1, zstd(key, false), 256u << 20)));
  add("zstd-bomb.netsnap", "zstd: Destination buffer is too small", false,
      with_start(frame(RecordType::key, 1, zstd(Bytes(64u << 20, 0), false), 64u << 10)));
  add("nested-pointers.netsnap", "undecodable snapshot", false,
      with_start(record(RecordType::key, 1, nested_pointers())));
  add("overlapping-pointers.netsnap", "traversal limit", false,
      with_start(record(RecordType::key, 1, overlapping_pointers())));
  std::string many_sockets;
  put_varint(many_sockets, 3'000'000'000u);
  many_sockets.append(64, '\0');
  add("too-many-sockets.netsnap", "3,000,000,000 sockets exceeds the limit of 16,777,216", false,
      with_start(record(RecordType::key, 1, key_with_columns(many_sockets))));
  add("too-many-owners.netsnap",
      "18,446,744,073,709,551,615 owners of one socket exceeds the limit of 65,536", false,
      with_start(record(RecordType::key, 1, key_with_columns(owners_beyond_cap()))));
  add("delta-past-snapshot.netsnap", "removed index out of range", false,
      with_start(delta_past_snapshot()));
  {
    Bytes bytes = file_start(2, 2);
    append(bytes, process_origins_repeat());
    add("process-origins-repeat.netsnap",
        "process origins list 100000 processes, more than the 1 before and 0 new", false, bytes);
  }
  return out;
}

}  // namespace netsnap::testing
