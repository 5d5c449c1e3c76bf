// JSON output for `report --format json`: a strict string escaper for recorded (untrusted)
// text and a small streaming writer that places commas and colons, so the renderer reads as
// the document's structure instead of as punctuation.
//
// The escaper keeps the recorded text exact where JSON can carry it (unlike the text views'
// \xHH escapes, a consumer gets the original characters back) and makes the rest safe:
//   quote, backslash              -> \" \\ (as JSON escapes)
//   \b \f \n \r \t                -> themselves as JSON escapes
//   other C0 controls, DEL        -> \u00XX
//   C1 controls (U+0080..U+009F)  -> \u00XX    (terminals obey some of them when a consumer
//                                               prints the value)
//   U+2028, U+2029                -> \u2028 \u2029 (line breaks to JavaScript parsers)
//   bidi overrides U+202A..U+202E, U+2066..U+2069 -> \uXXXX (they reorder displayed text)
//   bytes that are not valid UTF-8 (including overlong forms and surrogates) -> \ufffd each
// The output is therefore always valid UTF-8 and pure printable text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace netsnap::analysis {

// Appends `raw` as a JSON string literal, quotes included.
void append_json_text(std::string& out, std::string_view raw);

// Writes one JSON document into a string. Usage:
//   JsonWriter json(out);
//   json.begin_object();
//   json.key("schema_version").number(int64_t{1});
//   json.key("findings").begin_array(); ... json.end_array();
//   json.end_object();
// Keys are written through the escaper as well (a program name may become a key).
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);

  JsonWriter& string(std::string_view raw);
  JsonWriter& number(int64_t value);
  JsonWriter& number(uint64_t value);
  // The shortest text that reads back as `value` (rounded first to `decimals` digits after
  // the point when decimals >= 0); NaN and infinities are written as null, which JSON has no
  // number for.
  JsonWriter& number(double value, int decimals = -1);
  JsonWriter& boolean(bool value);
  JsonWriter& null();

  // A newline before the next value (after its comma): keeps arrays of many objects diff- and
  // grep-friendly.
  JsonWriter& newline();

 private:
  void before_value();
  std::string& out_;
  // One entry per open container: true once it holds a value (the next needs a comma).
  std::vector<bool> has_value_;
  bool after_key_ = false;
  bool newline_pending_ = false;
};

}  // namespace netsnap::analysis
