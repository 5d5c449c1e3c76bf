#include "anonymization_key.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace netsnap::analysis {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Error io_error(const std::string& path, const char* what) {
  return Error{"--anonymize-key " + path + ": " + what + ": " + std::strerror(errno)};
}

Status write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error{std::strerror(errno)};
    done += static_cast<size_t>(n);
  }
  return ok_status();
}

}  // namespace

Result<HashKey> random_anonymization_key() {
  HashKey key{};
  size_t done = 0;
  while (done < key.size()) {
    const ssize_t n = getrandom(key.data() + done, key.size() - done, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error{std::string("no random key: getrandom: ") + std::strerror(errno)};
    done += static_cast<size_t>(n);
  }
  return key;
}

Result<HashKey> parse_anonymization_key(std::string_view bytes, const std::string& name) {
  while (!bytes.empty() && (bytes.back() == '\n' || bytes.back() == '\r' || bytes.back() == ' '))
    bytes.remove_suffix(1);
  HashKey key{};
  const Error wrong{"--anonymize-key " + name +
                    ": not an anonymization key (expected 32 hex digits on one line)"};
  if (bytes.size() != key.size() * 2) return wrong;
  for (size_t i = 0; i < key.size(); ++i) {
    const int high = hex_value(bytes[2 * i]), low = hex_value(bytes[2 * i + 1]);
    if (high < 0 || low < 0) return wrong;
    key[i] = static_cast<uint8_t>(high << 4 | low);
  }
  return key;
}

std::string format_anonymization_key(const HashKey& key) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string text;
  for (uint8_t b : key) {
    text += digits[b >> 4];
    text += digits[b & 15];
  }
  return text + "\n";
}

Result<HashKey> load_or_create_anonymization_key(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd >= 0) {
    char buffer[128];
    std::string text;
    ssize_t n = 0;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0 && text.size() < 4096)
      text.append(buffer, static_cast<size_t>(n));
    const bool failed = n < 0;
    ::close(fd);
    if (failed) return io_error(path, "cannot read");
    return parse_anonymization_key(text, path);
  }
  if (errno != ENOENT) return io_error(path, "cannot open");
  auto key = random_anonymization_key();
  if (!key) return key.error();
  // O_EXCL: two slices started at once must not each write their own key.
  fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return io_error(path, "cannot create");
  Status written = write_all(fd, format_anonymization_key(*key));
  if (written && ::fsync(fd) != 0) written = Error{std::strerror(errno)};
  ::close(fd);
  if (!written) {
    ::unlink(path.c_str());
    return Error{"--anonymize-key " + path + ": cannot write: " + written.error().message};
  }
  return key;
}

}  // namespace netsnap::analysis
