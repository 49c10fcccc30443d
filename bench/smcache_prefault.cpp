// First-lookup latency on a cold cache (its pages evicted from the page cache) against a
// prefaulted one (Cache::prefault(), what `lookup --prefault` and `symbolicate --prefault` do),
// and a warm one for reference. Each round evicts the file with posix_fadvise(POSIX_FADV_DONTNEED)
// (no root needed; it drops the clean pages no process maps), then times a "stack trace": K
// lookups at random token positions. Prints one Markdown row per cache (medians of the rounds).
//
// Usage: smcache_prefault [--rounds N] [--frames K] CACHE...
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <smcache/reader/cache.hpp>

namespace {

using Clock = std::chrono::steady_clock;

double us_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "smcache_prefault: %s\n", message.c_str());
  std::exit(1);
}

void evict(const char* path) {
  const int fd = ::open(path, O_RDONLY);
  if (fd < 0) die(std::string("cannot open ") + path);
  ::fdatasync(fd);
  if (::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) != 0) die("posix_fadvise failed");
  ::close(fd);
}

struct Position {
  std::uint32_t line, column;
};

// Opens `path`, optionally prefaults it, and answers every position; returns the microseconds of
// (open, prefault, lookups) and the number answered.
struct Round {
  double open_us = 0, prefault_us = 0, lookups_us = 0;
  std::size_t answered = 0;
};
Round run_round(const char* path, const std::vector<Position>& trace, bool prefault) {
  Round r;
  auto t = Clock::now();
  auto cache = smcache::Cache::open(path);
  if (!cache) die(std::string(path) + ": " + cache.error().message);
  r.open_us = us_since(t);
  if (prefault) {
    t = Clock::now();
    cache->prefault();
    r.prefault_us = us_since(t);
  }
  t = Clock::now();
  for (const Position& p : trace) r.answered += cache->lookup(p.line, p.column).has_value();
  r.lookups_us = us_since(t);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  unsigned rounds = 11, frames = 24;
  std::vector<const char*> caches;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if ((a == "--rounds" || a == "--frames") && i + 1 < argc) {
      const unsigned v = static_cast<unsigned>(std::strtoul(argv[++i], nullptr, 10));
      if (v == 0) die("--rounds and --frames must be >= 1");
      (a == "--rounds" ? rounds : frames) = v;
    } else if (a == "-h" || a == "--help") {
      std::puts("usage: smcache_prefault [--rounds N] [--frames K] CACHE...");
      return 0;
    } else {
      caches.push_back(argv[i]);
    }
  }
  if (caches.empty()) die("no CACHE given (see --help)");

  std::printf(
      "| cache | size | cold: open + %u lookups | warm: open + %u lookups | prefaulted: open + "
      "prefault | then %u lookups | prefaulted total |\n|---|---:|---:|---:|---:|---:|---:|\n",
      frames, frames, frames);
  std::mt19937_64 rng(42);
  for (const char* path : caches) {
    std::vector<Position> all;
    std::uint64_t size = 0;
    {
      auto cache = smcache::Cache::open(path);
      if (!cache) die(std::string(path) + ": " + cache.error().message);
      size = cache->info().file_size;
      cache->for_each_token([&](const smcache::Token& t) {
        all.push_back({t.generated_line, t.generated_column});
      });
    }
    if (all.empty()) die(std::string(path) + ": no tokens");
    std::vector<double> cold, warm, pre_open, pre_lookups, pre_total;
    for (unsigned r = 0; r < rounds; ++r) {
      std::vector<Position> trace;
      for (unsigned f = 0; f < frames; ++f) trace.push_back(all[rng() % all.size()]);
      evict(path);
      const Round c = run_round(path, trace, false);
      cold.push_back(c.open_us + c.lookups_us);
      const Round w = run_round(path, trace, false);  // pages now cached by the cold round
      warm.push_back(w.open_us + w.lookups_us);
      evict(path);
      const Round p = run_round(path, trace, true);
      pre_open.push_back(p.open_us + p.prefault_us);
      pre_lookups.push_back(p.lookups_us);
      pre_total.push_back(p.open_us + p.prefault_us + p.lookups_us);
      if (c.answered != p.answered || c.answered != w.answered) die("answers differ between runs");
    }
    std::string name = path;
    if (const auto slash = name.rfind('/'); slash != std::string::npos) name.erase(0, slash + 1);
    std::printf("| %s | %.2f MB | %.0f us | %.1f us | %.0f us | %.1f us | %.0f us |\n",
                name.c_str(), static_cast<double>(size) / 1e6, median(cold), median(warm),
                median(pre_open), median(pre_lookups), median(pre_total));
  }
  return 0;
}
