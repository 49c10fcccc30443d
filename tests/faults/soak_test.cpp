// Soak (issue 6): P processes x T threads open caches and look up random positions while a
// writer loop replaces every cache file by rename, alternating two versions. Every answer is
// checked against a reference computed beforehand for the version the open file holds. Zero
// errors and zero wrong answers; lookups/s per configuration printed.
// Env: SOAK_SECONDS (total, default 15; split across the configurations).
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <smcache/converter/compile.hpp>
#include <smcache/reader/cache.hpp>

namespace smcache::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Answer {
  bool found = false;
  std::uint32_t source = 0, line = 0, column = 0;
  bool operator==(const Answer&) const = default;
};

Answer answer(const Cache& c, std::uint32_t line, std::uint32_t col) {
  const auto t = c.lookup(line, col);
  if (!t) return {};
  return {true, t->source_index, t->line, t->column};
}

constexpr int kCaches = 4, kQueries = 4096;

struct Version {
  std::vector<std::uint8_t> bytes;
  std::uint64_t hash_low = 0;
  std::vector<Answer> ref;  // per query
};

struct Fixture {
  fs::path dir;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> queries[kCaches];
  Version versions[kCaches][2];
};

std::string make_map(int cache, int version, std::uint32_t lines) {
  std::mt19937 rng(static_cast<unsigned>(cache * 10 + version));
  std::string m;
  for (std::uint32_t l = 0; l < lines; ++l) {
    if (l) m += ';';
    m += "A";
    m += version ? "AC" : "AE";  // original line +1 or +2 per generated line
    m += "A";
    const int n = static_cast<int>(rng() % 12);
    for (int s = 0; s < n; ++s) m += version ? ",EAAC" : ",GAAE";
  }
  return R"({"version":3,"sources":["c)" + std::to_string(cache) + "v" + std::to_string(version) +
         R"(.js"],"names":[],"mappings":")" + m + "\"}";
}

void build(Fixture& f) {
  for (int c = 0; c < kCaches; ++c) {
    const std::uint32_t lines = 2000 + 3000 * static_cast<std::uint32_t>(c);
    std::mt19937 rng(static_cast<unsigned>(c));
    for (int q = 0; q < kQueries; ++q) {
      f.queries[c].emplace_back(static_cast<std::uint32_t>(rng() % (lines + 10)),
                                static_cast<std::uint32_t>(rng() % 80));
    }
    for (int v = 0; v < 2; ++v) {
      const std::string json = make_map(c, v, lines - static_cast<std::uint32_t>(v) * 500);
      auto r = compile(std::span(reinterpret_cast<const std::uint8_t*>(json.data()), json.size()));
      ASSERT_TRUE(r) << r.error().message;
      Version& ver = f.versions[c][v];
      ver.bytes = std::move(r).value();
      const Cache cache = std::move(Cache::from_bytes(ver.bytes)).value();
      ver.hash_low = cache.info().input_hash.low;
      for (const auto& [line, col] : f.queries[c]) ver.ref.push_back(answer(cache, line, col));
    }
    ASSERT_NE(f.versions[c][0].ref, f.versions[c][1].ref) << "versions must answer differently";
  }
}

fs::path cache_path(const Fixture& f, int c) {
  return f.dir / ("c" + std::to_string(c) + ".smc");
}

struct Counts {
  std::uint64_t lookups = 0, opens = 0, errors = 0, wrong = 0;
  std::uint64_t seen[2] = {0, 0};
};

// One reader process: T threads, each opening a random cache, identifying its version and
// checking 2000 random lookups against that version's reference, until `deadline`.
Counts reader_process(const Fixture& f, int threads, Clock::time_point deadline, int seed) {
  std::vector<Counts> per(static_cast<std::size_t>(threads));
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      Counts& k = per[static_cast<std::size_t>(t)];
      std::mt19937_64 rng(static_cast<std::uint64_t>(seed * 100 + t));
      while (Clock::now() < deadline) {
        const int c = static_cast<int>(rng() % kCaches);
        auto opened = Cache::open(cache_path(f, c));
        ++k.opens;
        if (!opened) {
          ++k.errors;
          std::fprintf(stderr, "soak: open: %s\n", opened.error().message.c_str());
          continue;
        }
        const Cache& cache = *opened;
        const std::uint64_t h = cache.info().input_hash.low;
        const int v = h == f.versions[c][0].hash_low ? 0 : h == f.versions[c][1].hash_low ? 1 : -1;
        if (v < 0) {
          ++k.errors;
          continue;
        }
        ++k.seen[v];
        const auto& ref = f.versions[c][v].ref;
        for (int i = 0; i < 2000; ++i) {
          const std::size_t q = rng() % kQueries;
          const auto& [line, col] = f.queries[c][q];
          if (!(answer(cache, line, col) == ref[q])) ++k.wrong;
          ++k.lookups;
        }
      }
    });
  }
  for (auto& th : pool) th.join();
  Counts total;
  for (const Counts& k : per) {
    total.lookups += k.lookups;
    total.opens += k.opens;
    total.errors += k.errors;
    total.wrong += k.wrong;
    total.seen[0] += k.seen[0];
    total.seen[1] += k.seen[1];
  }
  return total;
}

TEST(Soak, LookupsWhileCachesAreReplacedByRename) {
  Fixture f;
  f.dir = fs::temp_directory_path() / ("smcache-soak-" + std::to_string(::getpid()));
  fs::remove_all(f.dir);
  fs::create_directories(f.dir);
  build(f);
  if (HasFatalFailure()) return;
  for (int c = 0; c < kCaches; ++c) {
    ASSERT_TRUE(write_file_atomic(cache_path(f, c), f.versions[c][0].bytes));
  }
  double total_seconds = 15;
  if (const char* s = std::getenv("SOAK_SECONDS")) total_seconds = std::max(3.0, std::atof(s));
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  struct Config {
    int processes, threads;
  };
  const Config configs[] = {{1, 1}, {1, 2}, {2, 2}, {2, 4}};
  const double per_config = total_seconds / std::size(configs);
  std::uint64_t grand_lookups = 0, grand_replacements = 0;
  for (const Config& cfg : configs) {
    const auto deadline =
        Clock::now() + std::chrono::milliseconds(static_cast<long>(per_config * 1000));
    std::vector<std::pair<pid_t, int>> children;
    for (int p = 0; p < cfg.processes; ++p) {
      int fds[2];
      ASSERT_EQ(::pipe(fds), 0);
      const pid_t pid = ::fork();
      ASSERT_GE(pid, 0);
      if (pid == 0) {
        ::close(fds[0]);
        const Counts k = reader_process(f, cfg.threads, deadline, p + 1);
        (void)!::write(fds[1], &k, sizeof k);
        ::_exit(0);
      }
      ::close(fds[1]);
      children.emplace_back(pid, fds[0]);
    }
    // The writer: replaces every cache by rename, alternating versions, as `warm` would. It
    // starts after the fork()s, so each reader child is forked from a single-threaded parent
    // (forking while a thread runs can deadlock a child inside a sanitizer runtime or malloc).
    std::atomic<bool> stop{false};
    std::uint64_t replacements = 0;
    std::thread writer([&] {
      int v = 1;
      while (!stop.load()) {
        for (int c = 0; c < kCaches; ++c) {
          auto w = write_file_atomic(cache_path(f, c), f.versions[c][v].bytes);
          if (!w) std::fprintf(stderr, "soak: write: %s\n", w.error().message.c_str());
          ++replacements;
        }
        v ^= 1;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    });
    const auto start = Clock::now();
    Counts total;
    for (const auto& [pid, fd] : children) {
      Counts k;
      const bool got = ::read(fd, &k, sizeof k) == sizeof k;
      ::close(fd);
      int status = 0;
      ::waitpid(pid, &status, 0);
      ASSERT_TRUE(got && WIFEXITED(status) && WEXITSTATUS(status) == 0)
          << "reader process died: status " << status;
      total.lookups += k.lookups;
      total.opens += k.opens;
      total.errors += k.errors;
      total.wrong += k.wrong;
      total.seen[0] += k.seen[0];
      total.seen[1] += k.seen[1];
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    stop = true;
    writer.join();
    std::printf(
        "[ soak ] %d process(es) x %d thread(s) (%d cores): %.1f s, %llu lookups = %.2f M "
        "lookups/s (with an open per 2000 lookups), %llu opens (v1 %llu, v2 %llu), %llu "
        "replacements, %llu errors, %llu wrong\n",
        cfg.processes, cfg.threads, cores, seconds, static_cast<unsigned long long>(total.lookups),
        static_cast<double>(total.lookups) / seconds / 1e6,
        static_cast<unsigned long long>(total.opens),
        static_cast<unsigned long long>(total.seen[0]),
        static_cast<unsigned long long>(total.seen[1]),
        static_cast<unsigned long long>(replacements),
        static_cast<unsigned long long>(total.errors),
        static_cast<unsigned long long>(total.wrong));
    EXPECT_EQ(total.errors, 0u);
    EXPECT_EQ(total.wrong, 0u);
    EXPECT_GT(total.lookups, 0u);
    EXPECT_GT(replacements, 0u);
    grand_lookups += total.lookups;
    grand_replacements += replacements;
  }
  std::printf("[ soak ] total: %llu lookups checked, %llu replacements, 0 errors, 0 wrong\n",
              static_cast<unsigned long long>(grand_lookups),
              static_cast<unsigned long long>(grand_replacements));
  fs::remove_all(f.dir);
}

}  // namespace
}  // namespace smcache::test
