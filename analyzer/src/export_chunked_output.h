// Export output collected in a string and handed to the stream in pieces of about 64 KiB: a
// day-long export has tens of millions of lines, and one stream write per line would cost
// more than formatting them.
#pragma once

#include <ostream>
#include <string>

namespace netsnap::analysis {

class ChunkedOutput {
 public:
  explicit ChunkedOutput(std::ostream& out) : out_(out) {}
  ~ChunkedOutput() { flush(); }
  ChunkedOutput(const ChunkedOutput&) = delete;
  ChunkedOutput& operator=(const ChunkedOutput&) = delete;

  // Where to append; call written() after each line or record.
  std::string& text() { return text_; }
  void written() {
    if (text_.size() >= chunk_bytes) flush();
  }
  void flush() {
    out_ << text_;
    text_.clear();
  }

 private:
  static constexpr size_t chunk_bytes = 1 << 16;
  std::ostream& out_;
  std::string text_;
};

}  // namespace netsnap::analysis
