#include "report_json_writer.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace netsnap::analysis {
namespace {

// Decodes the UTF-8 sequence at raw[i]: its length and code point, or length 0 when the bytes
// there are not a valid, shortest-form encoding of a Unicode scalar value.
struct Decoded {
  size_t length = 0;
  uint32_t code_point = 0;
};

Decoded decode_utf8(std::string_view raw, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(raw[k]); };
  const unsigned char lead = byte(i);
  size_t length = 0;
  uint32_t cp = 0, minimum = 0;
  if (lead < 0x80) return {1, lead};
  if (lead >= 0xC2 && lead <= 0xDF)
    length = 2, cp = lead & 0x1Fu, minimum = 0x80;
  else if (lead >= 0xE0 && lead <= 0xEF)
    length = 3, cp = lead & 0x0Fu, minimum = 0x800;
  else if (lead >= 0xF0 && lead <= 0xF4)
    length = 4, cp = lead & 0x07u, minimum = 0x10000;
  else
    return {};
  if (i + length > raw.size()) return {};
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return {};
    cp = (cp << 6) | (byte(i + k) & 0x3Fu);
  }
  if (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {};
  return {length, cp};
}

void append_u_escape(std::string& out, uint32_t code_point) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(code_point));
  out.append(buffer);
}

// Code points that are valid text but unsafe to hand to a consumer literally.
bool needs_u_escape(uint32_t cp) {
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

}  // namespace

void append_json_text(std::string& out, std::string_view raw) {
  out.push_back('"');
  size_t i = 0;
  while (i < raw.size()) {
    const Decoded d = decode_utf8(raw, i);
    if (d.length == 0) {
      out.append("\\ufffd");  // one replacement per invalid byte, as decoders commonly do
      ++i;
      continue;
    }
    switch (d.code_point) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (needs_u_escape(d.code_point))
          append_u_escape(out, d.code_point);
        else
          out.append(raw.substr(i, d.length));
    }
    i += d.length;
  }
  out.push_back('"');
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!has_value_.empty()) {
    if (has_value_.back()) out_.push_back(',');
    has_value_.back() = true;
  }
  if (newline_pending_) out_.push_back('\n');
  newline_pending_ = false;
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  out_.push_back('{');
  has_value_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  out_.push_back('}');
  has_value_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  out_.push_back('[');
  has_value_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  out_.push_back(']');
  has_value_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  before_value();
  append_json_text(out_, name);
  out_.push_back(':');
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::string(std::string_view raw) {
  before_value();
  append_json_text(out_, raw);
  return *this;
}

JsonWriter& JsonWriter::number(int64_t value) {
  before_value();
  out_.append(std::to_string(value));
  return *this;
}

JsonWriter& JsonWriter::number(uint64_t value) {
  before_value();
  out_.append(std::to_string(value));
  return *this;
}

JsonWriter& JsonWriter::number(double value, int decimals) {
  before_value();
  if (decimals >= 0 && std::isfinite(value)) {
    const double scale = std::pow(10.0, decimals);
    value = std::round(value * scale) / scale;
  }
  if (!std::isfinite(value)) {
    out_.append("null");
    return *this;
  }
  if (value == 0) value = 0;  // no "-0"
  // The shortest text that reads back as the same double: exact, and short for round values
  // ("3600", "0.01", "5.624e-20"; a fixed number of decimals would turn tiny p-values into 0).
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out_.append(buffer, ec == std::errc() ? end : buffer);
  return *this;
}

JsonWriter& JsonWriter::boolean(bool value) {
  before_value();
  out_.append(value ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  out_.append("null");
  return *this;
}

JsonWriter& JsonWriter::newline() {
  newline_pending_ = true;
  return *this;
}

}  // namespace netsnap::analysis
