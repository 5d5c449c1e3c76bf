#include "field_writers.h"

#include "socket_text.h"
#include "text_escape.h"

namespace netsnap::analysis {
namespace {

// A CSV cell needs quotes when it holds the separator, a quote, or spaces at either end (which
// some readers trim). Escaped text holds no line breaks, so those cannot occur.
bool needs_csv_quotes(std::string_view text) {
  if (text.empty()) return false;
  if (text.front() == ' ' || text.back() == ' ') return true;
  return text.find_first_of(",\"") != std::string_view::npos;
}

void append_number(std::string& out, const FieldValues::Slot& slot) {
  if (slot.kind == FieldValues::Slot::Kind::signed_integer) {
    append_decimal_signed(out, slot.signed_value);
  } else {
    append_decimal(out, slot.unsigned_value);
  }
}

// A spreadsheet runs a cell that starts with = + - or @ as a formula (CSV injection: a
// recorded program name "=HYPERLINK(...)" or "-2+3" would execute on the analyst's machine).
// Such a cell gets a leading apostrophe, which spreadsheets show as text and do not evaluate
// (OWASP's advice). A lone "-" (timeline's "no owner" column) is no formula and stays as is.
// Tab and CR, also on OWASP's list, cannot start a cell: they are escaped to \t and \r.
bool could_run_as_formula(std::string_view cell) {
  if (cell.empty() || cell == "-") return false;
  return cell.front() == '=' || cell.front() == '+' || cell.front() == '-' || cell.front() == '@';
}

void append_csv_cell(std::string& out, std::string_view raw) {
  std::string cell;
  if (could_run_as_formula(raw)) cell.push_back('\'');
  append_escaped(cell, raw);
  if (!needs_csv_quotes(cell)) {
    out.append(cell);
    return;
  }
  out.push_back('"');
  for (const char c : cell) {
    if (c == '"') out.push_back('"');  // RFC 4180: a quote inside quotes is doubled
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace

Result<OutputFormat> parse_output_format(std::string_view name) {
  if (name == "text") return OutputFormat::text;
  if (name == "csv") return OutputFormat::csv;
  if (name == "json") return OutputFormat::json;
  return Error{"unknown format '" + std::string(name) + "' (expected text, csv or json)"};
}

void FieldValues::resize(size_t fields) { slots_.resize(fields); }

void FieldValues::set_integer(size_t field, int64_t value) {
  slots_[field].kind = Slot::Kind::signed_integer;
  slots_[field].signed_value = value;
}

void FieldValues::set_unsigned(size_t field, uint64_t value) {
  slots_[field].kind = Slot::Kind::unsigned_integer;
  slots_[field].unsigned_value = value;
}

void FieldValues::set_text(size_t field, std::string_view value) {
  slots_[field].kind = Slot::Kind::text;
  slots_[field].text.assign(value);
}

void FieldValues::set_null(size_t field) { slots_[field].kind = Slot::Kind::null; }

void FieldValues::clear() {
  for (Slot& slot : slots_) slot.kind = Slot::Kind::null;
}

void append_csv_header(std::string& out, const std::vector<FieldSpec>& fields) {
  // Names may come from the recording too (timeline's program and address columns).
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_csv_cell(out, fields[i].name);
  }
  out.push_back('\n');
}

void append_csv_row(std::string& out, const FieldValues& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    const FieldValues::Slot& slot = values.slot(i);
    switch (slot.kind) {
      case FieldValues::Slot::Kind::null: break;
      case FieldValues::Slot::Kind::text: append_csv_cell(out, slot.text); break;
      default: append_number(out, slot); break;
    }
  }
  out.push_back('\n');
}

void append_json_string(std::string& out, std::string_view raw) {
  // After append_escaped only printable text remains; JSON then needs '"' and '\' escaped.
  std::string cell;
  append_escaped(cell, raw);
  out.push_back('"');
  for (const char c : cell) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

void append_json_object(std::string& out, const std::vector<FieldSpec>& fields,
                        const FieldValues& values) {
  out.push_back('{');
  for (size_t i = 0; i < fields.size() && i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_json_string(out, fields[i].name);
    out.push_back(':');
    const FieldValues::Slot& slot = values.slot(i);
    switch (slot.kind) {
      case FieldValues::Slot::Kind::null: out.append("null"); break;
      case FieldValues::Slot::Kind::text: append_json_string(out, slot.text); break;
      default: append_number(out, slot); break;
    }
  }
  out.push_back('}');
}

}  // namespace netsnap::analysis
