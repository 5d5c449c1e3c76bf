// A record's payload: a Cap'n Proto message, flat (unpacked, so its size bounds every
// allocation a reader makes), compressed with zstd, framed with the header of frame.h.
#pragma once

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/array.h>
// ZSTD_getCParams (the level's defaults, to cap them) is in the static-only section of the
// API; Debian's libzstd exports it.
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>

#include <string>
#include <vector>

#include "netsnap/frame.h"
#include "netsnap/result.h"

namespace netsnap {

class RecordEncoder {
 public:
  RecordEncoder();
  ~RecordEncoder();
  RecordEncoder(const RecordEncoder&) = delete;
  RecordEncoder& operator=(const RecordEncoder&) = delete;

  // Frame header + compressed payload of `message`, ready to write, in `out` (reused).
  // `level_for` picks the zstd level from the message's flat size.
  template <class LevelFor>
  void encode(RecordType type, uint64_t seq, int64_t wall_ns, capnp::MessageBuilder& message,
              LevelFor level_for, std::vector<uint8_t>& out) {
    auto segments = message.getSegmentsForOutput();
    const size_t raw = capnp::computeSerializedSizeInWords(segments) * sizeof(capnp::word);
    compress(type, seq, wall_ns, segments, raw, level_for(raw), out);
  }

 private:
  // Streams the flat form (segment table, then each segment) through zstd without building
  // it: at 100,000 sockets a key's flat copy and a bound-sized output buffer would be 12 MB of
  // the recorder's peak memory. `out` grows only to the compressed size.
  void compress(RecordType type, uint64_t seq, int64_t wall_ns,
                kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>> segments, size_t raw_size,
                int level, std::vector<uint8_t>& out);
  ZSTD_CCtx* cctx_;
  std::vector<uint32_t> segment_table_;
};

class RecordDecoder {
 public:
  RecordDecoder();
  ~RecordDecoder();
  RecordDecoder(const RecordDecoder&) = delete;
  RecordDecoder& operator=(const RecordDecoder&) = delete;

  // Checks the payload CRC, decompresses into word-aligned memory owned by the decoder and
  // returns it; an Error says what is wrong. Valid until the next call.
  Result<kj::ArrayPtr<const capnp::word>> decode(const FrameHeader& header,
                                                 const uint8_t* payload);

  // Reader options for a message of `words` words: traversal bounded by its own size (our
  // writer never shares sub-objects), nesting by the schema's depth.
  static capnp::ReaderOptions options_for(size_t words);

 private:
  ZSTD_DCtx* dctx_;
  kj::Array<capnp::word> buffer_;
};

}  // namespace netsnap
