#include "kernel_counters.h"

#include <fcntl.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "proc_pid_reader.h"

namespace netsnap {
namespace {

// Hands out one line at a time; a final newline does not start an empty line.
class LineReader {
 public:
  explicit LineReader(std::string_view contents) : rest_(contents) {}
  bool next(std::string_view& line) {
    if (rest_.empty()) return false;
    const size_t newline = rest_.find('\n');
    line = rest_.substr(0, newline);
    rest_.remove_prefix(newline == std::string_view::npos ? rest_.size() : newline + 1);
    return true;
  }

 private:
  std::string_view rest_;
};

// Hands out the words of a line, separated by spaces or tabs.
class WordReader {
 public:
  explicit WordReader(std::string_view line) : rest_(line) {}
  bool next(std::string_view& word) {
    const size_t start = rest_.find_first_not_of(" \t");
    if (start == std::string_view::npos) return false;
    rest_.remove_prefix(start);
    word = rest_.substr(0, rest_.find_first_of(" \t"));
    rest_.remove_prefix(word.size());
    return true;
  }

 private:
  std::string_view rest_;
};

// Counters print as %lu or %ld: parse as signed (Tcp MaxConn is -1); an unsigned value past
// INT64_MAX keeps its bits, so deltas computed later still come out right.
bool parse_counter(std::string_view text, int64_t& value) {
  const char* end = text.data() + text.size();
  const std::from_chars_result as_signed = std::from_chars(text.data(), end, value);
  if (as_signed.ec == std::errc() && as_signed.ptr == end) return true;
  uint64_t unsigned_value = 0;
  const std::from_chars_result as_unsigned = std::from_chars(text.data(), end, unsigned_value);
  if (as_unsigned.ec != std::errc() || as_unsigned.ptr != end || text.empty()) return false;
  value = static_cast<int64_t>(unsigned_value);
  return true;
}

// "Prefix: rest" -> prefix and rest; false without a ':'.
bool split_prefix(std::string_view line, std::string_view& prefix, std::string_view& rest) {
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  prefix = line.substr(0, colon);
  rest = line.substr(colon + 1);
  return true;
}

// Sets counter `index` of a table being filled: the names are assigned over the previous
// snapshot's strings, the values were cleared by CounterTableSink::add.
void put_counter(CounterTable& table, std::string_view name, int64_t value) {
  const size_t index = table.values.size();
  if (index == table.names.size()) {
    table.names.emplace_back(name);
  } else {
    table.names[index].assign(name);
  }
  table.values.push_back(value);
}

void finish_counters(CounterTable& table) { table.names.resize(table.values.size()); }

Error table_error(std::string_view table, std::string_view problem) {
  return Error{"table " + std::string(table) + ": " + std::string(problem)};
}

}  // namespace

CounterTable& CounterTableSink::add(std::string_view name) {
  if (used_ == tables_.size()) tables_.emplace_back();
  CounterTable& table = tables_[used_++];
  table.name.assign(name);
  // `names` keeps its old strings: parsers assign over them (reusing their buffers) through
  // put_counter() and trim with finish_counters().
  table.values.clear();
  return table;
}

Status parse_snmp_style_counters(std::string_view contents, CounterTableSink& out) {
  LineReader lines(contents);
  std::string_view header, values;
  bool have_header = lines.next(header);
  Status result = ok_status();
  while (have_header) {
    std::string_view prefix, names_text, value_prefix, values_text;
    if (header.empty()) {
      have_header = lines.next(header);
      continue;
    }
    if (!split_prefix(header, prefix, names_text)) {
      result = table_error(header.substr(0, 20), "line without a 'Prefix:'");
      have_header = lines.next(header);
      continue;
    }
    if (!lines.next(values)) {
      result = table_error(prefix, "names line without a values line");
      break;
    }
    if (!split_prefix(values, value_prefix, values_text) || value_prefix != prefix) {
      // The line after is another table's names, not ours: parse it as a header next.
      result = table_error(prefix, "names line not followed by its values line");
      header = values;
      continue;
    }
    CounterTable& table = out.add(prefix);
    WordReader name_words(names_text), value_words(values_text);
    std::string_view name, value;
    bool paired = true;
    while (paired && name_words.next(name)) {
      int64_t number = 0;
      paired = value_words.next(value) && parse_counter(value, number);
      if (paired) put_counter(table, name, number);
    }
    finish_counters(table);
    if (!paired || value_words.next(value)) {
      out.drop_last();
      result = table_error(prefix, "names and values do not pair up");
    }
    have_header = lines.next(header);
  }
  return result;
}

Status parse_snmp6_counters(std::string_view contents, CounterTableSink& out) {
  CounterTable& table = out.add("snmp6");
  LineReader lines(contents);
  std::string_view line, name, value;
  while (lines.next(line)) {
    WordReader words(line);
    if (!words.next(name)) continue;
    int64_t number = 0;
    if (!words.next(value) || !parse_counter(value, number)) {
      out.drop_last();
      return table_error("snmp6", "line '" + std::string(line) + "' is not 'Name value'");
    }
    put_counter(table, name, number);
  }
  finish_counters(table);
  return ok_status();
}

Status parse_sockstat_counters(std::string_view contents, std::string_view file,
                               CounterTableSink& out) {
  LineReader lines(contents);
  std::string_view line;
  std::string table_name;
  Status result = ok_status();
  while (lines.next(line)) {
    std::string_view prefix, rest;
    if (line.empty()) continue;
    if (!split_prefix(line, prefix, rest)) {
      result = table_error(file, "line without a 'Prefix:'");
      continue;
    }
    table_name.assign(file).append(".").append(prefix);
    CounterTable& table = out.add(table_name);
    WordReader words(rest);
    std::string_view name, value;
    bool paired = true;
    while (paired && words.next(name)) {
      int64_t number = 0;
      paired = words.next(value) && parse_counter(value, number);
      if (paired) put_counter(table, name, number);
    }
    finish_counters(table);
    if (!paired) {
      out.drop_last();
      result = table_error(table_name, "not 'name value' pairs");
    }
  }
  return result;
}

Status parse_file_nr_counters(std::string_view contents, CounterTableSink& out) {
  constexpr std::string_view names[] = {"allocated", "unused", "max"};
  CounterTable& table = out.add("fs.file-nr");
  WordReader words(contents.substr(0, contents.find('\n')));
  std::string_view word;
  for (size_t i = 0; i < 3; ++i) {
    int64_t number = 0;
    if (!words.next(word) || !parse_counter(word, number)) {
      out.drop_last();
      return table_error("fs.file-nr", "expected three numbers");
    }
    put_counter(table, names[i], number);
  }
  finish_counters(table);
  return ok_status();
}

template <class Parse>
void KernelCounterReader::read_one(const char* relative_path, bool optional,
                                   std::vector<CaptureError>& errors, Parse&& parse) {
  path_.assign(root_).append("/").append(relative_path);
  const int error = read_proc_file(AT_FDCWD, path_.c_str(), contents_, 4 << 20);
  if (error != 0) {
    if (!(optional && error == ENOENT)) errors.push_back({path_, std::strerror(error)});
    return;
  }
  if (Status parsed = parse(std::string_view(contents_)); !parsed) {
    errors.push_back({path_, parsed.error().message});
  }
}

void KernelCounterReader::read(std::vector<CounterTable>& tables,
                               std::vector<CaptureError>& errors) {
  CounterTableSink out(tables);
  const auto snmp_style = [&out](std::string_view text) {
    return parse_snmp_style_counters(text, out);
  };
  read_one("net/netstat", false, errors, snmp_style);
  read_one("net/snmp", false, errors, snmp_style);
  read_one("net/snmp6", true, errors,
           [&out](std::string_view text) { return parse_snmp6_counters(text, out); });
  read_one("net/sockstat", false, errors, [&out](std::string_view text) {
    return parse_sockstat_counters(text, "sockstat", out);
  });
  read_one("net/sockstat6", true, errors, [&out](std::string_view text) {
    return parse_sockstat_counters(text, "sockstat6", out);
  });
  read_one("sys/fs/file-nr", false, errors,
           [&out](std::string_view text) { return parse_file_nr_counters(text, out); });
  out.finish();
}

}  // namespace netsnap
