#include "record_codec.h"

#include <capnp/serialize.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

namespace netsnap {

RecordEncoder::RecordEncoder() : cctx_(ZSTD_createCCtx()) {}
RecordEncoder::~RecordEncoder() { ZSTD_freeCCtx(cctx_); }

void RecordEncoder::compress(RecordType type, uint64_t seq, int64_t wall_ns,
                             kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>> segments,
                             size_t raw_size, int zstd_level, std::vector<uint8_t>& out) {
  // The segment table of capnp's flat form: count - 1, each size in words, padded to a word.
  segment_table_.assign(1 + segments.size() + (segments.size() % 2 == 0 ? 1 : 0), 0);
  segment_table_[0] = static_cast<uint32_t>(segments.size() - 1);
  for (size_t i = 0; i < segments.size(); ++i)
    segment_table_[i + 1] = static_cast<uint32_t>(segments[i].size());
  std::vector<std::pair<const uint8_t*, size_t>> pieces;
  pieces.reserve(segments.size() + 1);
  pieces.push_back({reinterpret_cast<const uint8_t*>(segment_table_.data()),
                    segment_table_.size() * sizeof(uint32_t)});
  for (const auto& segment : segments)
    pieces.push_back({reinterpret_cast<const uint8_t*>(segment.begin()),
                      segment.size() * sizeof(capnp::word)});

  // Window and tables capped at 1 MB / 512 K entries: keys of 100,000 sockets at level 9 would
  // otherwise take a 13 MB context for a compression gain under 1%.
  // Keys get a context of their own, freed after each: zstd keeps a context's largest
  // workspace while it is less than 3x too large, so a key's (5 MB at level 9) would stay for
  // the deltas after it, which need ~2 MB. Keys come once every few hundred snapshots.
  struct KeyContext {
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    ~KeyContext() { ZSTD_freeCCtx(cctx); }
  };
  std::optional<KeyContext> key_context;
  if (type == RecordType::key) key_context.emplace();
  ZSTD_CCtx* const context = key_context ? key_context->cctx : cctx_;
  if (context != nullptr) {
    ZSTD_CCtx_reset(context, ZSTD_reset_session_only);
    ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, zstd_level);
    const ZSTD_compressionParameters defaults = ZSTD_getCParams(zstd_level, raw_size, 0);
    ZSTD_CCtx_setParameter(context, ZSTD_c_windowLog, std::min<int>(defaults.windowLog, 20));
    ZSTD_CCtx_setParameter(context, ZSTD_c_hashLog, std::min<int>(defaults.hashLog, 19));
    ZSTD_CCtx_setParameter(context, ZSTD_c_chainLog, std::min<int>(defaults.chainLog, 19));
    ZSTD_CCtx_setPledgedSrcSize(context, raw_size);
  }
  out.resize(FRAME_HEADER_SIZE + std::min<size_t>(ZSTD_compressBound(raw_size), 64 << 10));
  size_t used = FRAME_HEADER_SIZE;
  bool failed = context == nullptr;  // out of memory for a key's context: stored plain
  for (size_t i = 0; i < pieces.size() && !failed; ++i) {
    ZSTD_inBuffer in{pieces[i].first, pieces[i].second, 0};
    const ZSTD_EndDirective mode = i + 1 == pieces.size() ? ZSTD_e_end : ZSTD_e_continue;
    for (;;) {
      if (out.size() - used < ZSTD_CStreamOutSize() / 2) out.resize(out.size() + out.size() / 2 + ZSTD_CStreamOutSize());
      ZSTD_outBuffer dst{out.data(), out.size(), used};
      const size_t left = ZSTD_compressStream2(context, &dst, &in, mode);
      used = dst.pos;
      if (ZSTD_isError(left)) {
        failed = true;
        break;
      }
      if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size) break;
    }
  }
  FrameHeader h;
  h.type = type;
  h.seq = seq;
  h.wall_ns = wall_ns;
  h.raw_len = static_cast<uint32_t>(raw_size);
  if (failed) {  // cannot happen short of memory; store it plain then
    h.codec = Codec::none;
    out.resize(FRAME_HEADER_SIZE);
    for (const auto& [data, size] : pieces) out.insert(out.end(), data, data + size);
    used = out.size();
  }
  out.resize(used);
  h.stored_len = static_cast<uint32_t>(used - FRAME_HEADER_SIZE);
  h.payload_crc = crc32c(out.data() + FRAME_HEADER_SIZE, h.stored_len);
  encode_frame_header(h, std::span<uint8_t, FRAME_HEADER_SIZE>(out.data(), FRAME_HEADER_SIZE));
}

namespace {

std::optional<std::string> check_zstd_frame(const FrameHeader& header, const uint8_t* payload) {
  const unsigned long long claimed = ZSTD_getFrameContentSize(payload, header.stored_len);
  if (claimed == ZSTD_CONTENTSIZE_ERROR) return "payload is not a zstd frame";
  if (claimed != ZSTD_CONTENTSIZE_UNKNOWN && claimed != header.raw_len)
    return "zstd frame claims " + std::to_string(claimed) + " bytes, its record header " +
           std::to_string(header.raw_len);
  // The frame's blocks bound what it can expand to (128 KiB each at most).
  const unsigned long long bound = ZSTD_decompressBound(payload, header.stored_len);
  if (bound == ZSTD_CONTENTSIZE_ERROR) return "damaged zstd frame";
  if (bound < header.raw_len)
    return "record header claims " + std::to_string(header.raw_len) +
           " bytes, its zstd frame holds at most " + std::to_string(bound);
  return std::nullopt;
}

}  // namespace

RecordDecoder::RecordDecoder() : dctx_(ZSTD_createDCtx()) {}
RecordDecoder::~RecordDecoder() { ZSTD_freeDCtx(dctx_); }

Result<kj::ArrayPtr<const capnp::word>> RecordDecoder::decode(const FrameHeader& header,
                                                              const uint8_t* payload) {
  if (crc32c(payload, header.stored_len) != header.payload_crc)
    return Error{"payload checksum mismatch"};
  if (header.raw_len % sizeof(capnp::word) != 0 || header.raw_len == 0)
    return Error{"payload size is not a whole message"};
  // What the zstd frame itself says it holds is checked before the buffer is allocated: a
  // header claiming more than its frame can expand to is refused here, not after allocating.
  if (header.codec == Codec::zstd) {
    if (auto why = check_zstd_frame(header, payload)) return Error{*why};
  }
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
