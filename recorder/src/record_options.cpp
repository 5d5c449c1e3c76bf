#include "record_options.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <regex>

#include "netsnap/frame.h"

namespace netsnap {

Result<int64_t> parse_record_duration(const std::string& text) {
  static const std::regex whole(R"(^((\d+(\.\d+)?)(ms|s|m|h|d))+$|^\d+(\.\d+)?$)");
  if (!std::regex_match(text, whole))
    return Error{"--duration '" + text + "': expected e.g. 90s, 10m, 2h or 1h30m"};
  static const std::regex part(R"((\d+(?:\.\d+)?)(ms|s|m|h|d)?)");
  double total = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), part); it != std::sregex_iterator(); ++it) {
    std::string unit = (*it)[2];
    double scale = unit == "ms" ? 1e-3 : unit == "m" ? 60 : unit == "h" ? 3600 : unit == "d" ? 86400 : 1;
    total += std::stod((*it)[1]) * scale;
  }
  if (total <= 0) return Error{"--duration '" + text + "': must be positive"};
  return static_cast<int64_t>(std::llround(total * 1e9));
}

namespace {

// The interval as the user would have written it ("0.05", not std::to_string's "0.050000").
std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", seconds);
  return text;
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
  std::string dir = ".";
  if (auto slash = o.output.rfind('/'); slash != std::string::npos)
    dir = slash == 0 ? "/" : o.output.substr(0, slash);
  struct stat st {};
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
