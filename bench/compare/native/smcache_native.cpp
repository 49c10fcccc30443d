// smcache_native: the C++ side of bench/compare (issue 7). Built by bench/compare/run.sh against
// the header-only reader (no CMake target: bench/compare is self-contained).
//
//   smcache_native answers CACHE QUERIES          one JSON line per query: [source_index, line,
//                                                 column, name] or null (the reference answers)
//   smcache_native tokens CACHE                   every token, one line each: generated line,
//                                                 generated column, source index (-1 without
//                                                 source), line, column, name (JSON or null),
//                                                 tab-separated
//   smcache_native compile MAP [--repeats N]      read the file + smcache_compile() in memory
//                                                 (the C ABI, libsmcache.so) + free, per
//                                                 repetition: "compile MEDIAN_NS MIN_NS FIRST_NS
//                                                 VMHWM_BYTES" (the process's peak RSS)
//   smcache_native lookup CACHE QUERIES [--repeats N]
//                                                 ns per Cache::lookup over the queries, in order
//                                                 ("lookup MEDIAN MIN"), then "answers FOUND HASH"
//   smcache_native cold CACHE LINE COLUMN [--repeats N]
//                                                 Cache::open + one lookup + close, per repetition
//                                                 ("cold MEDIAN_NS MIN_NS FIRST_NS")
//   smcache_native hold CACHE QUERIES             open, answer every query, print "ready", then
//                                                 wait for EOF on stdin (smaps of 8 of these)
//   smcache_native threads CACHE QUERIES --threads T [--lookups N]
//                                                 T threads each doing N lookups over the queries
//                                                 ("threads T LOOKUPS_PER_SECOND WALL_NS
//                                                 LOOKUPS_PER_CPU_SECOND")
//   smcache_native opendir LIST [--dontneed]      open + first lookup + close for every cache
//                                                 named in LIST (one "PATH LINE COLUMN" per line);
//                                                 --dontneed first evicts each file from the page
//                                                 cache (posix_fadvise), for a cold run
//                                                 ("opendir COUNT ANSWERED TOTAL_NS MEDIAN_NS
//                                                 P99_NS")
//
// QUERIES: little-endian uint32 (line, column) pairs, 0-based. Times are CLOCK_MONOTONIC.
// Links the header-only reader and, for `compile`, libsmcache.so (bindings/c).
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <smcache.h>

#include <smcache/reader/cache.hpp>

namespace {

using Clock = std::chrono::steady_clock;

volatile std::uint64_t g_sink = 0;  // timed loops store their result here: the work is observable

struct Query {
  std::uint32_t line, column;
};

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "smcache_native: %s\n", message.c_str());
  std::exit(1);
}

std::int64_t ns_since(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
}

std::vector<Query> read_queries(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) die(std::string("cannot read ") + path);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() % 8 != 0) die(std::string(path) + ": size is not a multiple of 8");
  std::vector<Query> qs(bytes.size() / 8);
  for (std::size_t i = 0; i < qs.size(); ++i) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + 8 * i);
    qs[i].line = std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
                 std::uint32_t{p[3]} << 24;
    qs[i].column = std::uint32_t{p[4]} | std::uint32_t{p[5]} << 8 | std::uint32_t{p[6]} << 16 |
                   std::uint32_t{p[7]} << 24;
  }
  return qs;
}

smcache::Cache open_or_die(const std::string& path) {
  auto c = smcache::Cache::open(path);
  if (!c) die(path + ": " + c.error().message);
  return std::move(c).value();
}

std::uint64_t fold(std::uint64_t h, std::uint64_t v) {
  return (h ^ v) * 1099511628211ull;
}

// The same answer hash as bench/c/bench_c_lookup.c and bench/python/bench_lookup.py.
std::uint64_t answer_hash(std::uint64_t h, const std::optional<smcache::Token>& t) {
  if (!t) return fold(h, ~std::uint64_t{0});
  h = fold(h, std::uint64_t{t->source_index} + 1);
  h = fold(h, t->line);
  h = fold(h, t->column);
  return fold(h, t->name ? t->name->size() + 1 : 0);
}

void json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (c < 0x20) {
      out.append("\\u00");
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else {
      out.push_back(ch);
    }
  }
  out.push_back('"');
}

std::uint32_t arg_u32(int argc, char** argv, std::string_view flag, std::uint32_t fallback) {
  for (int i = 0; i + 1 < argc; ++i) {
    if (argv[i] == flag) return static_cast<std::uint32_t>(std::strtoul(argv[i + 1], nullptr, 10));
  }
  return fallback;
}

bool has_flag(int argc, char** argv, std::string_view flag) {
  for (int i = 0; i < argc; ++i) {
    if (argv[i] == flag) return true;
  }
  return false;
}

[[gnu::noinline]] int cmd_answers(const smcache::Cache& cache, const std::vector<Query>& qs) {
  std::string out;
  out.reserve(1 << 20);
  for (const Query& q : qs) {
    const auto t = cache.lookup(q.line, q.column);
    if (!t) {
      out.append("null\n");
    } else {
      out.push_back('[');
      out.append(std::to_string(t->source_index));
      out.push_back(',');
      out.append(std::to_string(t->line));
      out.push_back(',');
      out.append(std::to_string(t->column));
      out.push_back(',');
      if (t->name) {
        json_string(out, *t->name);
      } else {
        out.append("null");
      }
      out.append("]\n");
    }
    if (out.size() > (1 << 20) - 4096) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

[[gnu::noinline]] int cmd_tokens(const smcache::Cache& cache) {
  std::string out;
  out.reserve(1 << 20);
  cache.for_each_token([&](const smcache::Token& t) {
    out.append(std::to_string(t.generated_line));
    out.push_back('\t');
    out.append(std::to_string(t.generated_column));
    out.push_back('\t');
    if (t.has_source()) {
      out.append(std::to_string(t.source_index));
    } else {
      out.append("-1");
    }
    out.push_back('\t');
    out.append(std::to_string(t.line));
    out.push_back('\t');
    out.append(std::to_string(t.column));
    out.push_back('\t');
    if (t.name) {
      json_string(out, *t.name);
    } else {
      out.append("null");
    }
    out.push_back('\n');
    if (out.size() > (1 << 20) - 4096) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  });
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

std::uint64_t vm_hwm() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10) * 1024;
  }
  return 0;
}

[[gnu::noinline]] int cmd_compile(const char* map_path, std::uint32_t repeats) {
  std::vector<double> samples;
  for (std::uint32_t r = 0; r < repeats; ++r) {
    const auto t0 = Clock::now();
    std::FILE* f = std::fopen(map_path, "rb");
    if (f == nullptr) die(std::string("cannot read ") + map_path);
    std::vector<std::uint8_t> bytes;
    // Exactly the file's size, as the peers' readFileSync / os.ReadFile hold it: geometric
    // growth would count up to 2x the input (and 3x while growing) in the peak RSS.
    std::error_code size_error;
    const auto size = std::filesystem::file_size(map_path, size_error);
    if (!size_error) bytes.reserve(static_cast<std::size_t>(size));
    std::uint8_t buf[1 << 16];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) {
      bytes.insert(bytes.end(), buf, buf + n);
    }
    std::fclose(f);
    std::uint8_t* out = nullptr;
    std::size_t out_len = 0;
    smcache_error err;
    if (smcache_compile(bytes.data(), bytes.size(), nullptr, &out, &out_len, &err) != 0) {
      die(std::string(map_path) + ": " + err.message);
    }
    smcache_bytes_free(out);
    samples.push_back(static_cast<double>(ns_since(t0)));
  }
  const double first = samples.front();
  std::sort(samples.begin(), samples.end());
  std::printf("compile %.0f %.0f %.0f %llu\n", samples[samples.size() / 2], samples.front(), first,
              static_cast<unsigned long long>(vm_hwm()));
  return 0;
}

void print_median(const char* what, std::vector<double> v) {
  std::sort(v.begin(), v.end());
  std::printf("%s %.2f %.2f\n", what, v[v.size() / 2], v.front());
}

[[gnu::noinline]] int cmd_lookup(const smcache::Cache& cache, const std::vector<Query>& qs,
                                 std::uint32_t repeats) {
  // The answers' hash (for the cross-checks with the C ABI and Python) in an untimed pass; the
  // timed loops consume each answer as the peers' loops do (the column added to a sum).
  std::uint64_t h = 14695981039346656037ull;
  std::uint32_t found = 0;
  for (const Query& q : qs) {
    const auto t = cache.lookup(q.line, q.column);
    found += t.has_value();
    h = answer_hash(h, t);
  }
  std::vector<double> samples;
  std::uint64_t sink = 0;
  for (std::uint32_t r = 0; r < repeats; ++r) {
    const auto t0 = Clock::now();
    for (const Query& q : qs) {
      const auto t = cache.lookup(q.line, q.column);
      if (t) sink += t->column;
    }
    samples.push_back(static_cast<double>(ns_since(t0)) / static_cast<double>(qs.size()));
  }
  print_median("lookup", samples);
  std::printf("answers %u %llu\n", found, static_cast<unsigned long long>(h));
  g_sink = sink;
  return 0;
}

[[gnu::noinline]] int cmd_cold(const std::string& path, std::uint32_t line, std::uint32_t column,
                               std::uint32_t repeats) {
  std::vector<double> samples;
  double first = 0;
  for (std::uint32_t r = 0; r < repeats; ++r) {
    const auto t0 = Clock::now();
    bool answered;
    {
      auto c = smcache::Cache::open(path);
      if (!c) die(path + ": " + c.error().message);
      answered = c->lookup(line, column).has_value();
    }
    const double ns = static_cast<double>(ns_since(t0));
    if (!answered) die(path + ": the cold-start query has no answer");
    if (r == 0) first = ns;
    samples.push_back(ns);
  }
  std::sort(samples.begin(), samples.end());
  std::printf("cold %.0f %.0f %.0f\n", samples[samples.size() / 2], samples.front(), first);
  return 0;
}

[[gnu::noinline]] int cmd_hold(const smcache::Cache& cache, const std::vector<Query>& qs) {
  std::uint64_t h = 0;
  for (const Query& q : qs) h = answer_hash(h, cache.lookup(q.line, q.column));
  std::printf("ready %llu\n", static_cast<unsigned long long>(h));
  std::fflush(stdout);
  char buf[256];
  while (::read(0, buf, sizeof buf) > 0) {
  }
  return 0;
}

[[gnu::noinline]] int cmd_threads(const smcache::Cache& cache, const std::vector<Query>& qs,
                                  std::uint32_t threads, std::uint32_t lookups) {
  std::atomic<std::uint64_t> sink{0};
  std::atomic<std::uint64_t> cpu_ns{0};  // CPU time of the lookup loops, all threads
  std::atomic<std::uint32_t> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> pool;
  for (std::uint32_t k = 0; k < threads; ++k) {
    pool.emplace_back([&, k] {
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) {
      }
      std::uint64_t h = 0;
      std::size_t at = (qs.size() / threads) * k;
      timespec c0, c1;
      ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
      for (std::uint32_t i = 0; i < lookups; ++i) {
        const Query& q = qs[at];
        if (++at == qs.size()) at = 0;
        h = answer_hash(h, cache.lookup(q.line, q.column));
      }
      ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
      cpu_ns.fetch_add(static_cast<std::uint64_t>((c1.tv_sec - c0.tv_sec) * 1000000000LL +
                                                  (c1.tv_nsec - c0.tv_nsec)));
      sink.fetch_add(h);
    });
  }
  while (ready.load() != threads) {
  }
  const auto t0 = Clock::now();
  go.store(true, std::memory_order_release);
  for (auto& t : pool) t.join();
  const double ns = static_cast<double>(ns_since(t0));
  std::printf("threads %u %.0f %.0f %.0f\n", threads,
              static_cast<double>(lookups) * threads / (ns / 1e9), ns,
              static_cast<double>(lookups) * threads / (static_cast<double>(cpu_ns.load()) / 1e9));
  g_sink = sink.load();
  return 0;
}

[[gnu::noinline]] int cmd_opendir(const char* list_path, bool dontneed) {
  struct Entry {
    std::string path;
    std::uint32_t line, column;
  };
  std::vector<Entry> entries;
  {
    std::ifstream in(list_path);
    if (!in) die(std::string("cannot read ") + list_path);
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      Entry e;
      if (fields >> e.path >> e.line >> e.column) entries.push_back(std::move(e));
    }
  }
  if (entries.empty()) die(std::string(list_path) + ": no entries");
  if (dontneed) {
    for (const Entry& e : entries) {
      const int fd = ::open(e.path.c_str(), O_RDONLY);
      if (fd < 0) die("cannot open " + e.path);
      ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
      ::close(fd);
    }
  }
  std::vector<double> per_file;
  per_file.reserve(entries.size());
  std::uint32_t answered = 0;
  const auto t_all = Clock::now();
  for (const Entry& e : entries) {
    const auto t0 = Clock::now();
    auto c = smcache::Cache::open(e.path);
    if (!c) die(e.path + ": " + c.error().message);
    answered += c->lookup(e.line, e.column).has_value();
    per_file.push_back(static_cast<double>(ns_since(t0)));
  }
  const double total = static_cast<double>(ns_since(t_all));
  std::sort(per_file.begin(), per_file.end());
  std::printf("opendir %zu %u %.0f %.0f %.0f\n", entries.size(), answered, total,
              per_file[per_file.size() / 2], per_file[per_file.size() * 99 / 100]);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(
        stderr,
        "usage: smcache_native answers|tokens|compile|lookup|cold|hold|threads|opendir ...\n");
    return 2;
  }
  const std::string_view cmd = argv[1];
  const std::uint32_t repeats = std::max<std::uint32_t>(1, arg_u32(argc, argv, "--repeats", 5));
  if (cmd == "cold") {
    if (argc < 5) die("usage: cold CACHE LINE COLUMN [--repeats N]");
    return cmd_cold(argv[2], static_cast<std::uint32_t>(std::strtoul(argv[3], nullptr, 10)),
                    static_cast<std::uint32_t>(std::strtoul(argv[4], nullptr, 10)), repeats);
  }
  if (cmd == "opendir") return cmd_opendir(argv[2], has_flag(argc, argv, "--dontneed"));
  if (cmd == "tokens") return cmd_tokens(open_or_die(argv[2]));
  if (cmd == "compile") return cmd_compile(argv[2], repeats);
  if (argc < 4) die("usage: " + std::string(cmd) + " CACHE QUERIES");
  const smcache::Cache cache = open_or_die(argv[2]);
  const std::vector<Query> qs = read_queries(argv[3]);
  if (qs.empty()) die("no queries");
  if (cmd == "answers") return cmd_answers(cache, qs);
  if (cmd == "lookup") return cmd_lookup(cache, qs, repeats);
  if (cmd == "hold") return cmd_hold(cache, qs);
  if (cmd == "threads") {
    return cmd_threads(cache, qs, std::max<std::uint32_t>(1, arg_u32(argc, argv, "--threads", 1)),
                       arg_u32(argc, argv, "--lookups", 2000000));
  }
  die("unknown command " + std::string(cmd));
}
