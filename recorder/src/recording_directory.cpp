#include "recording_directory.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>

namespace netsnap {

namespace {

constexpr std::string_view kSuffix = ".netsnap";
constexpr size_t kStampLength = 16;  // YYYYmmddTHHMMSSZ

std::string file_safe(std::string_view host) {
  std::string out(host.empty() ? "host" : host);
  for (char& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') c = '_';
  return out;
}

bool is_stamp(std::string_view s) {
  if (s.size() != kStampLength || s[8] != 'T' || s[15] != 'Z') return false;
  for (size_t i = 0; i < kStampLength; ++i)
    if (i != 8 && i != 15 && !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

}  // namespace

std::string recording_file_name(std::string_view host, int64_t wall_ns) {
  time_t seconds = static_cast<time_t>(wall_ns / 1'000'000'000);
  struct tm utc {};
  gmtime_r(&seconds, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  return file_safe(host) + "-" + stamp + std::string(kSuffix);
}

bool is_recording_file_of(std::string_view name, std::string_view host) {
  const std::string prefix = file_safe(host) + "-";
  if (name.size() != prefix.size() + kStampLength + kSuffix.size()) return false;
  if (name.substr(0, prefix.size()) != prefix) return false;
  if (name.substr(name.size() - kSuffix.size()) != kSuffix) return false;
  return is_stamp(name.substr(prefix.size(), kStampLength));
}

Result<std::vector<DirectoryFile>> list_recordings(const std::string& dir, std::string_view host) {
  DIR* d = opendir(dir.c_str());
  if (!d) return Error{dir + ": cannot list: " + std::strerror(errno)};
  std::vector<DirectoryFile> files;
  while (dirent* entry = readdir(d)) {
    std::string name = entry->d_name;
    if (!is_recording_file_of(name, host)) continue;
    struct stat st {};
    // lstat: a symlink with a recording's name is not ours to count or delete.
    if (::lstat((dir + "/" + name).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    files.push_back({name, static_cast<uint64_t>(st.st_size),
                     st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec});
  }
  closedir(d);
  std::sort(files.begin(), files.end(),
            [](const DirectoryFile& a, const DirectoryFile& b) { return a.name < b.name; });
  return files;
}

std::vector<std::string> files_past_retention(const std::vector<DirectoryFile>& oldest_first,
                                              const std::string& current, uint64_t keep_size,
                                              int64_t keep_age_ns, int64_t now_ns) {
  uint64_t total = 0;
  for (const auto& f : oldest_first) total += f.size;
  std::vector<std::string> doomed;
  for (const auto& f : oldest_first) {
    if (f.name == current) continue;
    const bool too_big = keep_size && total > keep_size;
    const bool too_old = keep_age_ns && now_ns - f.modified_ns > keep_age_ns;
    if (!too_big && !too_old) continue;
    doomed.push_back(f.name);
    total -= f.size;
  }
  return doomed;
}

}  // namespace netsnap
