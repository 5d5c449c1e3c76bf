// libFuzzer target: the record decoder, below the file scan. The input is a run of frames (a
// recording without its preamble); each frame header's CRC and payload CRC are re-stamped
// before decoding, so that mutations reach zstd, Cap'n Proto and the snapshot and delta
// decoders instead of stopping at a checksum (the file target covers the checksums). Key
// snapshots replace the current snapshot, deltas apply to it, as a replay does.
#include <capnp/serialize.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "netsnap/frame.h"
#include "netsnap/recording_reader.h"
#include "record_codec.h"
#include "snapshot_delta.h"
#include "wire_codec.h"

namespace {

void put_u32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, sizeof v); }  // little endian host

uint32_t get_u32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

struct Replay {
  netsnap::RecordDecoder decoder;
  netsnap::DeltaDecoder delta;
  netsnap::Snapshot current;
  bool have_current = false;

  void record(const netsnap::FrameHeader& header, kj::ArrayPtr<const capnp::word> words) {
    std::string why;
    try {
      capnp::FlatArrayMessageReader reader(words,
                                           netsnap::RecordDecoder::options_for(words.size()));
      switch (header.type) {
        case netsnap::RecordType::header:
          netsnap::wire_codec::read_header(reader.getRoot<netsnap::wire::FileHeader>());
          break;
        case netsnap::RecordType::key:
          current = {};
          have_current = netsnap::wire_codec::read_snapshot(
              reader.getRoot<netsnap::wire::Snapshot>(), current, why);
          break;
        case netsnap::RecordType::delta:
          if (have_current) {
            netsnap::SnapshotChanges changes;
            have_current = delta.apply(current, reader.getRoot<netsnap::wire::SnapshotDelta>(),
                                       header.raw_len, changes, why);
          }
          break;
        case netsnap::RecordType::index:
          for (auto entry : reader.getRoot<netsnap::wire::TimeIndex>().getEntries())
            (void)entry.getOffset();
          break;
      }
    } catch (const kj::Exception&) {
      have_current = false;  // what the reader does: the record is damaged
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  Replay replay;
  size_t at = 0;
  while (size - at >= netsnap::FRAME_HEADER_SIZE) {
    uint8_t* frame = bytes.data() + at;
    const size_t after = size - at - netsnap::FRAME_HEADER_SIZE;
    const uint32_t stored_len = get_u32(frame + 8);
    if (stored_len > after) break;  // the file scan refuses such a frame before decoding
    put_u32(frame, netsnap::FRAME_SYNC);
    put_u32(frame + 32, netsnap::crc32c(frame + netsnap::FRAME_HEADER_SIZE, stored_len));
    put_u32(frame + 36, netsnap::crc32c(frame, 36));
    auto header = netsnap::decode_frame_header(
        std::span<const uint8_t>(frame, netsnap::FRAME_HEADER_SIZE));
    at += netsnap::FRAME_HEADER_SIZE + stored_len;
    if (!header) continue;
    auto words = replay.decoder.decode(*header, frame + netsnap::FRAME_HEADER_SIZE);
    if (words) replay.record(*header, *words);
  }
  return 0;
}
