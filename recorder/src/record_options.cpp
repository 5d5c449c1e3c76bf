#include "record_options.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <regex>
#include <tuple>
#include <utility>
#include <vector>

#include "netsnap/frame.h"

namespace netsnap {

Result<int64_t> parse_record_duration(const std::string& text, const std::string& option) {
  static const std::regex whole(R"(^((\d+(\.\d+)?)(ms|s|m|h|d))+$|^\d+(\.\d+)?$)");
  if (!std::regex_match(text, whole))
    return Error{option + " '" + text + "': expected e.g. 90s, 10m, 2h, 14d or 1h30m"};
  static const std::regex part(R"((\d+(?:\.\d+)?)(ms|s|m|h|d)?)");
  double total = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), part); it != std::sregex_iterator(); ++it) {
    std::string unit = (*it)[2];
    double scale = unit == "ms" ? 1e-3 : unit == "m" ? 60 : unit == "h" ? 3600 : unit == "d" ? 86400 : 1;
    total += std::stod((*it)[1]) * scale;
  }
  if (total <= 0) return Error{option + " '" + text + "': must be positive"};
  if (total > 1e9) return Error{option + " '" + text + "': too long"};
  return static_cast<int64_t>(std::llround(total * 1e9));
}

Result<uint64_t> parse_record_size(const std::string& text, const std::string& option) {
  static const std::regex form(R"(^(\d+(?:\.\d+)?)([KMGT]?)(i?B)?$)", std::regex::icase);
  std::smatch m;
  if (!std::regex_match(text, m, form))
    return Error{option + " '" + text + "': expected a size like 4096, 512K, 64M or 1G"};
  int shift = 0;
  if (m[2].length()) shift = 10 * (1 + static_cast<int>(std::string("KMGT").find(
                                           static_cast<char>(std::toupper(m[2].str()[0])))));
  double bytes = std::stod(m[1]) * std::ldexp(1.0, shift);
  if (bytes < 1) return Error{option + " '" + text + "': must be positive"};
  if (bytes > 1e18) return Error{option + " '" + text + "': too large"};
  return static_cast<uint64_t>(bytes);
}

namespace {

// The interval as the user would have written it ("0.05", not std::to_string's "0.050000").
std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", seconds);
  return text;
}

std::vector<std::pair<std::string, std::string>> policy_options(const RecordOptions& o) {
  return {{"--rotate-size", o.rotate_size}, {"--rotate-age", o.rotate_age},
          {"--keep-size", o.keep_size}, {"--keep-age", o.keep_age}};
}

Result<OutputPolicy> check_output_policy(const RecordOptions& o) {
  OutputPolicy p;
  for (auto [text, option, size] : {std::tuple{&o.rotate_size, "--rotate-size", &p.rotate_size},
                                    {&o.keep_size, "--keep-size", &p.keep_size}}) {
    if (text->empty()) continue;
    auto parsed = parse_record_size(*text, option);
    if (!parsed) return parsed.error();
    *size = *parsed;
  }
  for (auto [text, option, ns] : {std::tuple{&o.rotate_age, "--rotate-age", &p.rotate_age_ns},
                                  {&o.keep_age, "--keep-age", &p.keep_age_ns}}) {
    if (text->empty()) continue;
    auto parsed = parse_record_duration(*text, option);
    if (!parsed) return parsed.error();
    *ns = *parsed;
  }
  // A file is never deleted while it is written: keeping less than one file would be a lie.
  if (p.keep_size && p.rotate_size && p.keep_size < p.rotate_size)
    return Error{"--keep-size " + o.keep_size + " is smaller than --rotate-size " + o.rotate_size +
                 ": the current file alone would exceed it"};
  return p;
}

}  // namespace

Result<CheckedOptions> check_record_options(const RecordOptions& o) {
  CheckedOptions out;
  if (!(o.interval_s >= 0.1) || !std::isfinite(o.interval_s))
    return Error{"--interval " + seconds_text(o.interval_s) + ": must be at least 0.1 seconds"};
  if (o.source != "netlink" && o.source != "proc")
    return Error{"--source '" + o.source + "': expected netlink or proc"};
  bool any = o.tcp || o.udp || o.raw || o.unix_;
  CaptureOptions& c = out.capture;
  c.interval_ns = static_cast<int64_t>(std::llround(o.interval_s * 1e9));
  c.tcp = !any || o.tcp;
  c.udp = !any || o.udp;
  c.raw = !any || o.raw;
  c.unix_ = !any || o.unix_;
  c.owners = o.owners;
  c.tcp_info = o.tcp_info;
  c.requested_source = o.source == "proc" ? CaptureSource::proc : CaptureSource::netlink;
  c.netns = o.netns;
  c.all_netns = o.all_netns;
  if (o.all_netns && !o.netns.empty())
    return Error{"--all-netns and --netns '" + o.netns +
                 "' exclude each other: --all-netns already records every namespace"};
  c.key_interval = o.key_interval;
  if (o.key_interval < 1) return Error{"--key-interval: must be at least 1"};

  if (!o.netns.empty()) {
    out.netns_path = o.netns.find('/') == std::string::npos ? "/var/run/netns/" + o.netns : o.netns;
    int fd = ::open(out.netns_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return Error{"--netns '" + o.netns + "': " + out.netns_path + ": " + std::strerror(errno)};
    ::close(fd);
  }

  if (o.output.empty()) return Error{"--output: a recording path is required, e.g. -o host.netsnap"};
  auto policy = check_output_policy(o);
  if (!policy) return policy.error();
  out.policy = *policy;
  struct stat st {};
  // Never through a link: a recorder running as root must not be pointed at another file.
  if (::lstat(o.output.c_str(), &st) == 0 && S_ISLNK(st.st_mode))
    return Error{"--output '" + o.output + "': is a symbolic link; recordings are never written through one"};
  if (::stat(o.output.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    if (::access(o.output.c_str(), W_OK | X_OK) != 0)
      return Error{"--output '" + o.output + "': directory is not writable: " + std::strerror(errno)};
    out.output_is_directory = true;
    // Files are what retention deletes: without a rotation limit the one current file would
    // grow past --keep-size forever. Unset limits default to an hour and 64 MB, or a quarter
    // of the retention when that is smaller.
    OutputPolicy& p = out.policy;
    if (!p.rotate_size) p.rotate_size = std::min<uint64_t>(64ull << 20, p.keep_size ? std::max<uint64_t>(p.keep_size / 4, 1) : UINT64_MAX);
    if (!p.rotate_age_ns) p.rotate_age_ns = std::min<int64_t>(3600'000'000'000, p.keep_age_ns ? std::max<int64_t>(p.keep_age_ns / 4, 1) : INT64_MAX);
    return out;
  }
  if (o.output.back() == '/')
    return Error{"--output '" + o.output + "': no such directory (create it first)"};
  for (const auto& [option, text] : policy_options(o))
    if (!text.empty())
      return Error{option + " needs -o DIR (a directory for time-named files); '" + o.output +
                   "' is not a directory"};
  std::string dir = ".";
  if (auto slash = o.output.rfind('/'); slash != std::string::npos)
    dir = slash == 0 ? "/" : o.output.substr(0, slash);
  if (::stat(dir.c_str(), &st) != 0)
    return Error{"--output '" + o.output + "': directory " + dir + ": " + std::strerror(errno)};
  if (!S_ISDIR(st.st_mode)) return Error{"--output '" + o.output + "': " + dir + " is not a directory"};
  if (::access(dir.c_str(), W_OK) != 0)
    return Error{"--output '" + o.output + "': directory " + dir + " is not writable: " + std::strerror(errno)};
  if (::stat(o.output.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode)) return Error{"--output '" + o.output + "': exists and is not a regular file"};
    if (::access(o.output.c_str(), W_OK) != 0)
      return Error{"--output '" + o.output + "': not writable: " + std::strerror(errno)};
    if (st.st_size > 0) {
      int fd = ::open(o.output.c_str(), O_RDONLY | O_CLOEXEC);
      uint8_t preamble[PREAMBLE_SIZE] = {};
      ssize_t n = fd >= 0 ? ::read(fd, preamble, sizeof preamble) : -1;
      if (fd >= 0) ::close(fd);
      if (n != static_cast<ssize_t>(PREAMBLE_SIZE) || !decode_preamble(preamble))
        return Error{"--output '" + o.output + "': exists and is not a netsnap recording; refusing to overwrite it"};
      out.action = o.force ? OutputAction::create : OutputAction::append;
    }
  }
  return out;
}

}  // namespace netsnap
