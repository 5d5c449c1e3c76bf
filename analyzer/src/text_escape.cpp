#include "text_escape.h"

#include <cstdint>

namespace netsnap {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

void append_hex_byte(std::string& out, unsigned char byte) {
  const char text[4] = {'\\', 'x', hex_digits[byte >> 4], hex_digits[byte & 0xf]};
  out.append(text, 4);
}

bool is_continuation(unsigned char byte) { return (byte & 0xc0) == 0x80; }

// Length of the valid UTF-8 sequence starting at raw[i], or 0 when it is not valid (bad lead
// byte, missing or bad continuation, overlong form, surrogate, beyond U+10FFFF).
size_t utf8_sequence_length(std::string_view raw, size_t i) {
  const auto at = [&](size_t k) { return static_cast<unsigned char>(raw[i + k]); };
  const unsigned char lead = at(0);
  size_t length = 0;
  unsigned char second_min = 0x80, second_max = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead == 0xe0) second_min = 0xa0;  // overlong
    if (lead == 0xed) second_max = 0x9f;  // UTF-16 surrogates
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead == 0xf0) second_min = 0x90;  // overlong
    if (lead == 0xf4) second_max = 0x8f;  // beyond U+10FFFF
  } else {
    return 0;
  }
  if (raw.size() - i < length) return 0;
  if (at(1) < second_min || at(1) > second_max) return 0;
  for (size_t k = 2; k < length; ++k) {
    if (!is_continuation(at(k))) return 0;
  }
  return length;
}

// Valid sequences that still must not reach a terminal as they are.
bool is_dangerous_sequence(std::string_view raw, size_t i, size_t length) {
  const auto at = [&](size_t k) { return static_cast<unsigned char>(raw[i + k]); };
  if (length == 2) return at(0) == 0xc2 && at(1) <= 0x9f;  // C1 controls U+0080..U+009F
  if (length == 3 && at(0) == 0xe2) {
    if (at(1) == 0x80) return at(2) >= 0xa8 && at(2) <= 0xae;  // U+2028..U+202E
    if (at(1) == 0x81) return at(2) >= 0xa6 && at(2) <= 0xa9;  // U+2066..U+2069
  }
  return false;
}

// The escape for an ASCII byte, or an empty view when it prints as itself.
std::string_view ascii_escape(unsigned char byte) {
  switch (byte) {
    case '\\': return "\\\\";
    case '\n': return "\\n";
    case '\t': return "\\t";
    case '\r': return "\\r";
    default: return {};
  }
}

bool ascii_needs_escape(unsigned char byte) { return byte < 0x20 || byte == 0x7f || byte == '\\'; }

}  // namespace

void append_escaped(std::string& out, std::string_view raw) {
  size_t i = 0;
  while (i < raw.size()) {
    const auto byte = static_cast<unsigned char>(raw[i]);
    if (byte < 0x80) {
      // Copy the run of plain ASCII in one go: the common case for paths and names.
      size_t end = i;
      while (end < raw.size() && static_cast<unsigned char>(raw[end]) < 0x80 &&
             !ascii_needs_escape(static_cast<unsigned char>(raw[end]))) {
        ++end;
      }
      out.append(raw.data() + i, end - i);
      if (end == i) {
        const std::string_view named = ascii_escape(byte);
        if (named.empty()) {
          append_hex_byte(out, byte);
        } else {
          out.append(named);
        }
        end = i + 1;
      }
      i = end;
      continue;
    }
    const size_t length = utf8_sequence_length(raw, i);
    if (length == 0) {
      append_hex_byte(out, byte);
      i += 1;
    } else if (is_dangerous_sequence(raw, i, length)) {
      for (size_t k = 0; k < length; ++k) append_hex_byte(out, static_cast<unsigned char>(raw[i + k]));
      i += length;
    } else {
      out.append(raw.data() + i, length);
      i += length;
    }
  }
}

std::string escaped(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  append_escaped(out, raw);
  return out;
}

bool is_printable_as_is(std::string_view raw) {
  size_t i = 0;
  while (i < raw.size()) {
    const auto byte = static_cast<unsigned char>(raw[i]);
    if (byte < 0x80) {
      if (ascii_needs_escape(byte)) return false;
      ++i;
      continue;
    }
    const size_t length = utf8_sequence_length(raw, i);
    if (length == 0 || is_dangerous_sequence(raw, i, length)) return false;
    i += length;
  }
  return true;
}

void append_unix_socket_name(std::string& out, std::string_view raw) {
  if (raw.empty()) return;
  if (raw.front() != '\0') {
    append_escaped(out, raw.substr(0, raw.find('\0')));
    return;
  }
  // Abstract name: every NUL shows as '@', like /proc/net/unix prints it. Escape the pieces in
  // between, so that the '@' never hides a control character next to it.
  size_t start = 0;
  while (start <= raw.size()) {
    const size_t nul = raw.find('\0', start);
    const size_t end = nul == std::string_view::npos ? raw.size() : nul;
    append_escaped(out, raw.substr(start, end - start));
    if (nul == std::string_view::npos) break;
    out.push_back('@');
    start = nul + 1;
  }
}

}  // namespace netsnap
