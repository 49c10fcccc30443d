// Progress of long CLI jobs (warm, verify DIR) on standard error: a bar redrawn in place on a
// terminal, plain log lines otherwise, nothing with --quiet. Also the human units both print.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace smcache::cli {

class Progress {
 public:
  // `command` prefixes log lines ("smcache: warm: ..."); `unit` names the items ("maps").
  // Disabled: every call does nothing. The bar is drawn only when standard error is a terminal
  // (and TERM is not "dumb"); otherwise, once the job has run for 2 seconds, a log line at
  // every 10% step or every 5 seconds.
  Progress(std::string_view command, std::string_view unit, bool enabled);
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  ~Progress();

  void start(std::uint64_t total_items, std::uint64_t total_bytes);
  // Thread-safe; cheap when nothing is due to be drawn.
  void update(std::uint64_t items_done, std::uint64_t bytes_done);
  // Prints a whole line on standard error (the bar is cleared first and redrawn after).
  void line(std::string_view text);
  // Clears the bar. Called by the destructor too.
  void finish();

  bool terminal() const noexcept { return tty_; }
  double elapsed_seconds() const;

 private:
  void draw_locked(bool final);
  void clear_locked();

  std::string command_, unit_;
  bool enabled_, tty_;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point start_, last_draw_;
  std::uint64_t total_items_ = 0, total_bytes_ = 0, items_ = 0, bytes_ = 0;
  std::uint64_t next_log_percent_ = 10;
  bool bar_shown_ = false;
};

// "1.2 MB", "530 kB", "12 B" (decimal units, as rates in MB/s are).
std::string human_bytes(std::uint64_t bytes);
// "0:07", "1:02:03".
std::string human_duration(double seconds);

}  // namespace smcache::cli
