#include "progress_meter.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace netsnap::analysis {
namespace {

constexpr int bar_width = 20;
constexpr int64_t redraw_ns = 100'000'000;  // ten times a second at most

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// 86400 -> "86,400"
std::string grouped(uint64_t value) {
  std::string digits = std::to_string(value), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string duration_text(double seconds) {
  const auto s = static_cast<uint64_t>(std::llround(std::max(seconds, 0.0)));
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m" + std::to_string(s % 60) + "s";
  return std::to_string(s / 3600) + "h" + std::to_string(s / 60 % 60) + "m";
}

}  // namespace

ProgressMeter::ProgressMeter(std::ostream& out, std::string what,
                             std::chrono::milliseconds first_draw)
    : out_(out),
      what_(std::move(what)),
      first_draw_ns_(std::chrono::duration_cast<std::chrono::nanoseconds>(first_draw).count()),
      started_(std::chrono::steady_clock::now()) {}

ProgressMeter::~ProgressMeter() { finish(); }

void ProgressMeter::start(uint64_t total) {
  total_ = total;
  done_ = 0;
  started_ = std::chrono::steady_clock::now();
  next_draw_ns_ = now_ns() + first_draw_ns_;  // quick work never shows a bar
}

void ProgressMeter::advance(uint64_t done) {
  done_.fetch_add(done, std::memory_order_relaxed);
  if (now_ns() >= next_draw_ns_.load(std::memory_order_relaxed)) draw(false);
}

void ProgressMeter::finish() {
  std::lock_guard lock(drawing_);
  if (!drawn_) return;
  out_ << "\r\033[K" << std::flush;  // erase the line: what follows starts clean
  drawn_ = false;
}

std::string ProgressMeter::line(const std::string& what, uint64_t done, uint64_t total,
                                double elapsed_s) {
  std::string text = what + " ";
  const double rate = elapsed_s > 0 ? static_cast<double>(done) / elapsed_s : 0;
  if (total > 0) {
    done = std::min(done, total);
    const double share = static_cast<double>(done) / static_cast<double>(total);
    const int filled = static_cast<int>(share * bar_width);
    text += "[" + std::string(filled, '#') + std::string(bar_width - filled, '.') + "] ";
    char percent[8];
    std::snprintf(percent, sizeof percent, "%3d%%", static_cast<int>(share * 100));
    text += percent;
    text += "  " + grouped(done) + "/" + grouped(total) + " snapshots";
  } else {
    text += grouped(done) + " snapshots";
  }
  if (rate > 0) {
    text += "  " + grouped(static_cast<uint64_t>(rate)) + "/s";
    if (total > done) text += "  ETA " + duration_text(static_cast<double>(total - done) / rate);
  }
  return text;
}

void ProgressMeter::draw(bool force) {
  std::unique_lock lock(drawing_, std::try_to_lock);
  if (!lock.owns_lock()) return;  // another thread is drawing this moment
  const int64_t now = now_ns();
  if (!force && now < next_draw_ns_.load(std::memory_order_relaxed)) return;
  next_draw_ns_.store(now + redraw_ns, std::memory_order_relaxed);
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  out_ << "\r\033[K" << line(what_, done_.load(), total_.load(), elapsed) << std::flush;
  drawn_ = true;
}

}  // namespace netsnap::analysis
