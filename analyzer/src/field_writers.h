// CSV and JSON output that is generic over a list of fields: a view declares its fields once
// (name and kind) and fills one FieldValues row at a time; every machine-readable format comes
// from that one declaration, so a column can never exist in one format and not the other.
//
// Text values are recorded (untrusted) text: both writers pass them through text_escape.h
// first, so a value prints exactly as the text table shows it (\n, \x1b, ...) and the output
// is always valid UTF-8 without control characters. Then CSV quotes per RFC 4180 and JSON
// escapes '"' and '\'. A CSV text cell that a spreadsheet would run as a formula (starting
// with = + - or @, e.g. an abstract UNIX name "@/tmp/.X11-unix/X0") gets a leading apostrophe
// ("'@/tmp/.X11-unix/X0"); a lone "-" stays. Numbers and JSON are never changed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "netsnap/result.h"

namespace netsnap::analysis {

enum class OutputFormat : uint8_t { text, csv, json };

// "text", "csv", "json".
Result<OutputFormat> parse_output_format(std::string_view name);

enum class FieldKind : uint8_t { integer, text };

struct FieldSpec {
  std::string name;
  FieldKind kind = FieldKind::integer;
};

// One row's values, in field order. Reused across rows: set() overwrites, so filling a row
// costs no allocation once the strings have grown.
class FieldValues {
 public:
  explicit FieldValues(size_t fields = 0) { resize(fields); }
  void resize(size_t fields);
  size_t size() const { return slots_.size(); }

  void set_integer(size_t field, int64_t value);
  void set_unsigned(size_t field, uint64_t value);
  // Raw (recorded) text; the writers escape it.
  void set_text(size_t field, std::string_view value);
  // No value: an empty CSV cell, JSON null.
  void set_null(size_t field);
  void clear();  // every field null

  struct Slot {
    enum class Kind : uint8_t { null, signed_integer, unsigned_integer, text } kind = Kind::null;
    int64_t signed_value = 0;
    uint64_t unsigned_value = 0;
    std::string text;
  };
  const Slot& slot(size_t field) const { return slots_[field]; }

 private:
  std::vector<Slot> slots_;
};

// "name1,name2,...\n"
void append_csv_header(std::string& out, const std::vector<FieldSpec>& fields);
// One CSV record ending in "\n".
void append_csv_row(std::string& out, const FieldValues& values);

// {"name1":value1,...} without a trailing newline or comma.
void append_json_object(std::string& out, const std::vector<FieldSpec>& fields,
                        const FieldValues& values);
// A JSON string literal (quotes included) of raw recorded text, escaped as above.
void append_json_string(std::string& out, std::string_view raw);

}  // namespace netsnap::analysis
