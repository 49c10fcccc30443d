// Progress bar / log lines on standard error for warm and verify DIR.
#include "progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace smcache::cli {
namespace {

void write_stderr(const std::string& s) {
  std::fwrite(s.data(), 1, s.size(), stderr);
  std::fflush(stderr);
}

unsigned terminal_columns() {
  struct winsize ws {};
  if (::ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40) return ws.ws_col;
  return 80;
}

std::string fixed1(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace

std::string human_bytes(std::uint64_t bytes) {
  const double b = static_cast<double>(bytes);
  if (bytes < 1000) return std::to_string(bytes) + " B";
  if (bytes < 1000 * 1000) return fixed1(b / 1e3) + " kB";
  if (bytes < 1000ull * 1000 * 1000) return fixed1(b / 1e6) + " MB";
  return fixed1(b / 1e9) + " GB";
}

std::string human_duration(double seconds) {
  if (!(seconds >= 0) || seconds > 1e7) return "?";
  const auto s = static_cast<std::uint64_t>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%llu:%02llu:%02llu", static_cast<unsigned long long>(s / 3600),
                  static_cast<unsigned long long>(s / 60 % 60),
                  static_cast<unsigned long long>(s % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%llu:%02llu", static_cast<unsigned long long>(s / 60),
                  static_cast<unsigned long long>(s % 60));
  }
  return buf;
}

Progress::Progress(std::string_view command, std::string_view unit, bool enabled)
    : command_(command), unit_(unit), enabled_(enabled), start_(std::chrono::steady_clock::now()) {
  const char* term = std::getenv("TERM");
  tty_ = ::isatty(2) == 1 && !(term != nullptr && std::strcmp(term, "dumb") == 0);
  last_draw_ = start_;
}

Progress::~Progress() {
  finish();
}

double Progress::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::start(std::uint64_t total_items, std::uint64_t total_bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  total_items_ = total_items;
  total_bytes_ = total_bytes;
  if (enabled_ && tty_) draw_locked(false);
}

void Progress::update(std::uint64_t items_done, std::uint64_t bytes_done) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  items_ = items_done;
  bytes_ = bytes_done;
  const auto now = std::chrono::steady_clock::now();
  const auto since = now - last_draw_;
  if (tty_) {
    if (since >= std::chrono::milliseconds(100) || items_ == total_items_) draw_locked(false);
    return;
  }
  // Log lines only for jobs that last: a short run prints its summary and nothing else.
  if (now - start_ < std::chrono::seconds(2)) return;
  const std::uint64_t percent = total_items_ == 0 ? 100 : items_ * 100 / total_items_;
  if (since >= std::chrono::seconds(5) || (percent >= next_log_percent_ && items_ < total_items_)) {
    draw_locked(false);
    while (next_log_percent_ <= percent) next_log_percent_ += 10;
  }
}

void Progress::line(std::string_view text) {
  std::lock_guard<std::mutex> lock(mutex_);
  clear_locked();
  std::string s(text);
  s += '\n';
  write_stderr(s);
  if (enabled_ && tty_ && total_items_ != 0 && items_ < total_items_) draw_locked(false);
}

void Progress::finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  clear_locked();
}

void Progress::clear_locked() {
  if (!bar_shown_) return;
  write_stderr("\r\033[K");
  bar_shown_ = false;
}

void Progress::draw_locked(bool /*final*/) {
  last_draw_ = std::chrono::steady_clock::now();
  const double secs = std::chrono::duration<double>(last_draw_ - start_).count();
  const double item_rate = secs > 0 ? static_cast<double>(items_) / secs : 0;
  const double byte_rate = secs > 0 ? static_cast<double>(bytes_) / secs : 0;
  // ETA from bytes when sizes are known (maps differ in size by 1000x), else from counts.
  double eta = -1;
  if (total_bytes_ > 0 && byte_rate > 0 && bytes_ <= total_bytes_) {
    eta = static_cast<double>(total_bytes_ - bytes_) / byte_rate;
  } else if (item_rate > 0 && items_ <= total_items_) {
    eta = static_cast<double>(total_items_ - items_) / item_rate;
  }
  const std::uint64_t percent = total_items_ == 0 ? 100 : items_ * 100 / total_items_;
  const std::string counts = std::to_string(items_) + "/" + std::to_string(total_items_);
  const std::string rates = fixed1(item_rate) + " " + unit_ + "/s, " + fixed1(byte_rate / 1e6) +
                            " MB/s, eta " + (eta < 0 ? std::string("?") : human_duration(eta));
  if (!tty_) {
    write_stderr("smcache: " + command_ + ": " + counts + " " + unit_ + " (" +
                 std::to_string(percent) + "%), " + rates + "\n");
    return;
  }
  const std::string tail = " " + counts + " " + std::to_string(percent) + "% " + rates;
  const unsigned columns = terminal_columns();
  std::size_t width = 30;
  if (columns < tail.size() + width + 4) {
    width = columns > tail.size() + 12 ? columns - tail.size() - 4 : 8;
  }
  const std::size_t filled =
      total_items_ == 0 ? width : static_cast<std::size_t>(width * items_ / total_items_);
  std::string s = "\r\033[K[";
  s.append(filled, '#');
  s.append(width - filled, '.');
  s += ']';
  s += tail;
  if (s.size() > columns + 5) s.resize(columns + 5);  // "\r\033[K" takes 4 columns of none
  write_stderr(s);
  bar_shown_ = true;
}

}  // namespace smcache::cli
