#include "record_codec.h"

#include <capnp/serialize.h>

#include <cstring>

namespace netsnap {

RecordEncoder::RecordEncoder() : cctx_(ZSTD_createCCtx()) {}
RecordEncoder::~RecordEncoder() { ZSTD_freeCCtx(cctx_); }

void RecordEncoder::compress(RecordType type, uint64_t seq, int64_t wall_ns, int zstd_level,
                             std::vector<uint8_t>& out) {
  auto raw = flat_.asBytes();
  size_t bound = ZSTD_compressBound(raw.size());
  out.resize(FRAME_HEADER_SIZE + bound);
  ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, zstd_level);
  size_t n = ZSTD_compress2(cctx_, out.data() + FRAME_HEADER_SIZE, bound, raw.begin(), raw.size());
  FrameHeader h;
  h.type = type;
  h.seq = seq;
  h.wall_ns = wall_ns;
  h.raw_len = static_cast<uint32_t>(raw.size());
  if (ZSTD_isError(n)) {  // cannot happen with a bound-sized buffer; store it plain then
    h.codec = Codec::none;
    n = raw.size();
    std::memcpy(out.data() + FRAME_HEADER_SIZE, raw.begin(), n);
  }
  out.resize(FRAME_HEADER_SIZE + n);
  h.stored_len = static_cast<uint32_t>(n);
  h.payload_crc = crc32c(out.data() + FRAME_HEADER_SIZE, n);
  encode_frame_header(h, std::span<uint8_t, FRAME_HEADER_SIZE>(out.data(), FRAME_HEADER_SIZE));
}

RecordDecoder::RecordDecoder() : dctx_(ZSTD_createDCtx()) {}
RecordDecoder::~RecordDecoder() { ZSTD_freeDCtx(dctx_); }

Result<kj::ArrayPtr<const capnp::word>> RecordDecoder::decode(const FrameHeader& header,
                                                              const uint8_t* payload) {
  if (crc32c(payload, header.stored_len) != header.payload_crc)
    return Error{"payload checksum mismatch"};
  if (header.raw_len % sizeof(capnp::word) != 0 || header.raw_len == 0)
    return Error{"payload size is not a whole message"};
  size_t words = header.raw_len / sizeof(capnp::word);
  if (buffer_.size() < words) buffer_ = kj::heapArray<capnp::word>(words);
  auto* dst = reinterpret_cast<uint8_t*>(buffer_.begin());
  if (header.codec == Codec::none) {
    std::memcpy(dst, payload, header.raw_len);
  } else {
    size_t n = ZSTD_decompressDCtx(dctx_, dst, header.raw_len, payload, header.stored_len);
    if (ZSTD_isError(n)) return Error{std::string("zstd: ") + ZSTD_getErrorName(n)};
    if (n != header.raw_len) return Error{"payload shorter than its header says"};
  }
  return kj::ArrayPtr<const capnp::word>(buffer_.begin(), words);
}

capnp::ReaderOptions RecordDecoder::options_for(size_t words) {
  capnp::ReaderOptions options;
  options.traversalLimitInWords = 2 * words + 1024;
  options.nestingLimit = 16;
  return options;
}

}  // namespace netsnap
