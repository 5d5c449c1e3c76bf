// Preamble, frame headers and CRC32C: the byte layout documented in frame.h.
#include "netsnap/frame.h"

#include <array>
#include <cstring>

namespace netsnap {
namespace {

constexpr std::array<uint32_t, 256> make_crc32c_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    table[i] = c;
  }
  return table;
}
constexpr auto CRC32C_TABLE = make_crc32c_table();

void put_u16(uint8_t* p, uint16_t v) { for (int i = 0; i < 2; ++i) p[i] = uint8_t(v >> (8 * i)); }
void put_u32(uint8_t* p, uint32_t v) { for (int i = 0; i < 4; ++i) p[i] = uint8_t(v >> (8 * i)); }
void put_u64(uint8_t* p, uint64_t v) { for (int i = 0; i < 8; ++i) p[i] = uint8_t(v >> (8 * i)); }
uint16_t get_u16(const uint8_t* p) { return uint16_t(p[0] | p[1] << 8); }
uint32_t get_u32(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = v << 8 | p[i];
  return v;
}
uint64_t get_u64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | p[i];
  return v;
}

}  // namespace

namespace {

uint32_t crc32c_table(const uint8_t* p, size_t size, uint32_t crc) {
  for (size_t i = 0; i < size; ++i) crc = CRC32C_TABLE[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return crc;
}

#if defined(__x86_64__)
// The SSE4.2 crc32 instruction computes exactly CRC32C, 8 bytes at a time: every record is
// checked on every read, so this is on the reader's hot path.
__attribute__((target("sse4.2"))) uint32_t crc32c_sse42(const uint8_t* p, size_t size, uint32_t crc) {
  uint64_t c = crc;
  for (; size >= 8; p += 8, size -= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    c = __builtin_ia32_crc32di(c, word);
  }
  uint32_t c32 = static_cast<uint32_t>(c);
  for (; size > 0; ++p, --size) c32 = __builtin_ia32_crc32qi(c32, *p);
  return c32;
}
#endif

}  // namespace

uint32_t crc32c(const void* data, size_t size, uint32_t crc) {
  const auto* p = static_cast<const uint8_t*>(data);
#if defined(__x86_64__)
  static const bool hardware = __builtin_cpu_supports("sse4.2");
  if (hardware) return ~crc32c_sse42(p, size, ~crc);
#endif
  return ~crc32c_table(p, size, ~crc);
}

void encode_preamble(std::span<uint8_t, PREAMBLE_SIZE> out, uint32_t format_version) {
  std::memcpy(out.data(), FILE_MAGIC.data(), FILE_MAGIC.size());
  put_u32(out.data() + 8, format_version);
  put_u32(out.data() + 12, 0);
}

std::optional<uint32_t> decode_preamble(std::span<const uint8_t> bytes) {
  if (bytes.size() < PREAMBLE_SIZE) return std::nullopt;
  if (std::memcmp(bytes.data(), FILE_MAGIC.data(), FILE_MAGIC.size()) != 0) return std::nullopt;
  return get_u32(bytes.data() + 8);
}

void encode_frame_header(const FrameHeader& h, std::span<uint8_t, FRAME_HEADER_SIZE> out) {
  uint8_t* p = out.data();
  put_u32(p, FRAME_SYNC);
  p[4] = static_cast<uint8_t>(h.type);
  p[5] = static_cast<uint8_t>(h.codec);
  put_u16(p + 6, 0);
  put_u32(p + 8, h.stored_len);
  put_u32(p + 12, h.raw_len);
  put_u64(p + 16, h.seq);
  put_u64(p + 24, static_cast<uint64_t>(h.wall_ns));
  put_u32(p + 32, h.payload_crc);
  put_u32(p + 36, crc32c(p, 36));
}

std::optional<FrameHeader> decode_frame_header(std::span<const uint8_t> bytes) {
  if (bytes.size() < FRAME_HEADER_SIZE) return std::nullopt;
  const uint8_t* p = bytes.data();
  if (get_u32(p) != FRAME_SYNC) return std::nullopt;
  if (get_u32(p + 36) != crc32c(p, 36)) return std::nullopt;
  FrameHeader h;
  if (p[4] < 1 || p[4] > 4) return std::nullopt;
  if (p[5] > 1 || get_u16(p + 6) != 0) return std::nullopt;
  h.type = static_cast<RecordType>(p[4]);
  h.codec = static_cast<Codec>(p[5]);
  h.stored_len = get_u32(p + 8);
  h.raw_len = get_u32(p + 12);
  if (h.stored_len > MAX_STORED_LEN || h.raw_len > MAX_RAW_LEN) return std::nullopt;
  if (h.codec == Codec::none && h.raw_len != h.stored_len) return std::nullopt;
  h.seq = get_u64(p + 16);
  h.wall_ns = static_cast<int64_t>(get_u64(p + 24));
  h.payload_crc = get_u32(p + 32);
  return h;
}

std::string frame_header_limit_problem(std::span<const uint8_t> bytes, uint64_t bytes_after) {
  if (bytes.size() < FRAME_HEADER_SIZE) return "";
  const uint8_t* p = bytes.data();
  if (get_u32(p) != FRAME_SYNC || get_u32(p + 36) != crc32c(p, 36)) return "";
  const uint32_t stored = get_u32(p + 8), raw = get_u32(p + 12);
  if (raw > MAX_RAW_LEN)
    return "record claims " + std::to_string(raw) + " bytes decompressed, above the limit of " +
           std::to_string(MAX_RAW_LEN);
  if (stored > MAX_STORED_LEN)
    return "record claims " + std::to_string(stored) + " stored bytes, above the limit of " +
           std::to_string(MAX_STORED_LEN);
  if (stored > bytes_after)
    return "cut short: record of " + std::to_string(stored) + " stored bytes, the file holds " +
           std::to_string(bytes_after) + " after its header";
  return "";
}

}  // namespace netsnap
