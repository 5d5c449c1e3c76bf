#include "proc_pid_parsers.h"

#include <charconv>

namespace netsnap {
namespace {

template <class T>
bool parse_whole_number(std::string_view text, T& value) {
  if (text.empty()) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// The next blank-separated word of `rest`, consuming it.
std::string_view next_word(std::string_view& rest) {
  size_t start = 0;
  while (start < rest.size() && is_blank(rest[start])) ++start;
  size_t end = start;
  while (end < rest.size() && !is_blank(rest[end]) && rest[end] != '\n') ++end;
  const std::string_view word = rest.substr(start, end - start);
  rest.remove_prefix(end);
  return word;
}

// The rest of the line that starts with `prefix` at the beginning of a line.
std::optional<std::string_view> line_after(std::string_view contents, std::string_view prefix) {
  size_t position = 0;
  while (position < contents.size()) {
    size_t end = contents.find('\n', position);
    if (end == std::string_view::npos) end = contents.size();
    const std::string_view line = contents.substr(position, end - position);
    if (line.starts_with(prefix)) return line.substr(prefix.size());
    position = end + 1;
  }
  return std::nullopt;
}

std::optional<uint64_t> parse_limit_value(std::string_view word) {
  if (word == "unlimited") return proc_pid_limit_unlimited;
  uint64_t value = 0;
  if (!parse_whole_number(word, value)) return std::nullopt;
  return value;
}

}  // namespace

std::optional<ProcPidStat> parse_proc_pid_stat(std::string_view contents) {
  const size_t open = contents.find('(');
  const size_t close = contents.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return std::nullopt;
  }
  ProcPidStat stat;
  stat.comm = contents.substr(open + 1, close - open - 1);
  // Field 3 (state) is the first word after ')'; field 22 is the 20th.
  std::string_view rest = contents.substr(close + 1);
  std::string_view word;
  for (int field = 3; field <= 22; ++field) word = next_word(rest);
  if (!parse_whole_number(word, stat.start_time)) return std::nullopt;
  return stat;
}

std::optional<uint32_t> parse_proc_pid_status_uid(std::string_view contents) {
  std::optional<std::string_view> line = line_after(contents, "Uid:");
  if (!line) return std::nullopt;
  std::string_view rest = *line;
  next_word(rest);  // real uid
  uint32_t effective = 0;
  if (!parse_whole_number(next_word(rest), effective)) return std::nullopt;
  return effective;
}

std::optional<uint64_t> parse_proc_pid_status_effective_capabilities(std::string_view contents) {
  std::optional<std::string_view> line = line_after(contents, "CapEff:");
  if (!line) return std::nullopt;
  std::string_view rest = *line;
  const std::string_view hex = next_word(rest);
  uint64_t mask = 0;
  const auto [end, error] = std::from_chars(hex.data(), hex.data() + hex.size(), mask, 16);
  if (hex.empty() || error != std::errc{} || end != hex.data() + hex.size()) return std::nullopt;
  return mask;
}

std::optional<ProcPidNofile> parse_proc_pid_limits_nofile(std::string_view contents) {
  std::optional<std::string_view> line = line_after(contents, "Max open files");
  if (!line) return std::nullopt;
  std::string_view rest = *line;
  const std::optional<uint64_t> soft = parse_limit_value(next_word(rest));
  const std::optional<uint64_t> hard = parse_limit_value(next_word(rest));
  if (!soft || !hard) return std::nullopt;
  return ProcPidNofile{*soft, *hard};
}

void parse_proc_pid_cmdline(std::string_view contents, std::vector<std::string>& args) {
  while (!contents.empty() && contents.back() == '\0') contents.remove_suffix(1);
  size_t count = 0;
  size_t position = 0;
  while (!contents.empty() && position <= contents.size()) {
    size_t end = contents.find('\0', position);
    if (end == std::string_view::npos) end = contents.size();
    if (count == args.size()) args.emplace_back();
    args[count++].assign(contents.substr(position, end - position));
    position = end + 1;
  }
  args.resize(count);
}

std::optional<uint64_t> parse_proc_pid_socket_link(std::string_view target) {
  constexpr std::string_view prefix = "socket:[";
  if (!target.starts_with(prefix) || !target.ends_with(']')) return std::nullopt;
  uint64_t inode = 0;
  if (!parse_whole_number(target.substr(prefix.size(), target.size() - prefix.size() - 1),
                          inode)) {
    return std::nullopt;
  }
  return inode;
}

std::optional<int32_t> parse_proc_pid_number(std::string_view name) {
  int32_t number = 0;
  if (name.empty() || name[0] < '0' || name[0] > '9') return std::nullopt;
  if (!parse_whole_number(name, number) || number < 0) return std::nullopt;
  return number;
}

}  // namespace netsnap
