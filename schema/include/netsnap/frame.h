// The byte layout of a recording file around the Cap'n Proto payloads: the preamble and the
// frame that carries every record. Pure functions over bytes; no I/O here.
//
// File:   preamble (16 bytes) then frames, back to back.
// Preamble: "NETSNAP\0", u32 format version (little endian), u32 zero.
// Frame:  40-byte header then `stored_len` payload bytes (zstd frame of a Cap'n Proto message).
//   0 u32 sync        0x46524E53 ("SNRF" on disk): lets a reader find the next frame after damage
//   4 u8  type        RecordType
//   5 u8  codec       0 none, 1 zstd
//   6 u16 reserved    0
//   8 u32 stored_len  payload bytes that follow
//  12 u32 raw_len     payload bytes after decompression (checked before allocating)
//  16 u64 seq         snapshot sequence number (0 for header and index records)
//  24 i64 wall_ns     snapshot time (0 for header and index records)
//  32 u32 payload_crc CRC32C of the stored payload
//  36 u32 header_crc  CRC32C of bytes 0..35
// One damaged frame loses itself and, if it is a snapshot, every delta up to the next key
// snapshot: at most key_interval snapshots (600 by default).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace netsnap {

// 1: the first. 2: a delta's process table may be given against the previous one
// (SnapshotDelta.processOrigins); readers of 1 would take it for the whole table, so files
// that use it say 2, and a writer appending to a file of 1 keeps to 1.
inline constexpr uint32_t FORMAT_VERSION = 2;
inline constexpr std::string_view FILE_MAGIC{"NETSNAP\0", 8};
inline constexpr size_t PREAMBLE_SIZE = 16;
inline constexpr size_t FRAME_HEADER_SIZE = 40;
inline constexpr uint32_t FRAME_SYNC = 0x46524E53;
// Upper bounds checked before any allocation: a recording is untrusted input.
inline constexpr uint32_t MAX_STORED_LEN = 256u << 20;
inline constexpr uint32_t MAX_RAW_LEN = 512u << 20;

enum class RecordType : uint8_t { header = 1, key = 2, delta = 3, index = 4 };
enum class Codec : uint8_t { none = 0, zstd = 1 };

struct FrameHeader {
  RecordType type = RecordType::header;
  Codec codec = Codec::zstd;
  uint32_t stored_len = 0;
  uint32_t raw_len = 0;
  uint64_t seq = 0;
  int64_t wall_ns = 0;
  uint32_t payload_crc = 0;
};

uint32_t crc32c(const void* data, size_t size, uint32_t crc = 0);

void encode_preamble(std::span<uint8_t, PREAMBLE_SIZE> out, uint32_t format_version);
// The format version of a preamble, or nullopt when the bytes are not a netsnap preamble.
std::optional<uint32_t> decode_preamble(std::span<const uint8_t> bytes);

void encode_frame_header(const FrameHeader& header, std::span<uint8_t, FRAME_HEADER_SIZE> out);
// nullopt unless the sync word, header CRC, type, codec and length bounds all check out.
std::optional<FrameHeader> decode_frame_header(std::span<const uint8_t> bytes);
// For a header whose sync word and CRC check out: which length it claims beyond
// MAX_STORED_LEN, MAX_RAW_LEN or the `bytes_after` that follow it in the file
// ("claims 4294967295 bytes decompressed, above the limit of 536870912"); "" when none.
std::string frame_header_limit_problem(std::span<const uint8_t> bytes, uint64_t bytes_after);

}  // namespace netsnap
