// A UNIX socket's name (raw bytes; abstract names start with '\0'), in 8 bytes of the Socket
// instead of a std::string's 32. Most sockets are TCP and have none, and the recorder holds two
// arrays of 100,000 sockets: 24 bytes a socket is 4.8 MB of its memory (issue #6's RSS target).
// The bytes are immutable once set and shared by copies (a reference count), so copying a
// socket never copies its name: the analyzer copies millions of sockets while replaying a day,
// and the recorder copies each new one into the writer's previous snapshot.
#pragma once

#include <atomic>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <string_view>
#include <utility>

namespace netsnap {

class UnixPath {
 public:
  UnixPath() = default;
  explicit UnixPath(std::string_view bytes) { assign(bytes); }
  UnixPath(const UnixPath& other) noexcept : block_(other.block_) { retain(); }
  UnixPath(UnixPath&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  UnixPath& operator=(const UnixPath& other) noexcept {
    if (block_ != other.block_) {
      release();
      block_ = other.block_;
      retain();
    }
    return *this;
  }
  UnixPath& operator=(UnixPath&& other) noexcept {
    if (this != &other) {
      release();
      block_ = std::exchange(other.block_, nullptr);
    }
    return *this;
  }
  UnixPath& operator=(std::string_view bytes) {
    assign(bytes);
    return *this;
  }
  ~UnixPath() { release(); }

  // Replaces the name (other copies keep theirs). Empty: no name, nothing allocated.
  void assign(std::string_view bytes) {
    Block* fresh = nullptr;
    if (!bytes.empty()) {
      fresh = static_cast<Block*>(::operator new(sizeof(Block) + bytes.size()));
      new (fresh) Block{{1}, static_cast<uint32_t>(bytes.size())};
      std::memcpy(fresh->bytes(), bytes.data(), bytes.size());
    }
    release();
    block_ = fresh;
  }
  void clear() {
    release();
    block_ = nullptr;
  }

  std::string_view view() const {
    return block_ ? std::string_view(block_->bytes(), block_->size) : std::string_view();
  }
  operator std::string_view() const { return view(); }  // NOLINT: used where a name is read
  std::string str() const { return std::string(view()); }
  const char* data() const { return view().data(); }
  size_t size() const { return block_ ? block_->size : 0; }
  bool empty() const { return block_ == nullptr; }
  char front() const { return block_->bytes()[0]; }
  char operator[](size_t i) const { return block_->bytes()[i]; }

  friend bool operator==(const UnixPath& a, const UnixPath& b) {
    return a.block_ == b.block_ || a.view() == b.view();
  }
  friend bool operator==(const UnixPath& a, std::string_view b) { return a.view() == b; }
  friend std::strong_ordering operator<=>(const UnixPath& a, const UnixPath& b) {
    return a.view() <=> b.view();
  }

 private:
  // The bytes follow the block. The count is atomic because the recorder's namespace threads
  // hand captured sockets to the main thread.
  struct Block {
    std::atomic<uint32_t> refs;
    uint32_t size;
    char* bytes() { return reinterpret_cast<char*>(this + 1); }
    const char* bytes() const { return reinterpret_cast<const char*>(this + 1); }
  };
  void retain() const {
    if (block_) block_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  void release() {
    if (block_ && block_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      block_->~Block();
      ::operator delete(block_);
    }
  }

  Block* block_ = nullptr;
};

}  // namespace netsnap
