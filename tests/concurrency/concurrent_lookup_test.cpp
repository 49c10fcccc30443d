// Many threads reading one open Cache at once (cache.hpp: "any number of threads may call its
// const methods at once, with no locking"): lookups with both biases, original_positions,
// token(i), for_each_token, sources, source lines and enclosing functions. Every answer is
// compared with the one the same query gave on a single thread before the threads started, and
// exact hits with the model.
// Meant to run under ThreadSanitizer (scripts/test.sh builds it in build-tsan with
// -DSMCACHE_SANITIZE=thread), where any data race in the reader fails the test.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <smcache/converter/model.hpp>
#include <smcache/format/checksum.hpp>
#include <smcache/reader/cache.hpp>

namespace smcache {
namespace {

namespace fs = std::filesystem;

constexpr int kThreads = 8;
constexpr std::uint32_t kLines = 200;
constexpr std::uint32_t kTokensPerLine = 24;
constexpr std::uint32_t kSources = 6;
constexpr int kRounds = 2;  // passes over all queries per thread

// A model with several sources (with content), names, 1-field segments and strictly increasing
// columns per line, so the exact-hit answer of every token is that token.
SourceMapModel make_model() {
  SourceMapModel m;
  for (std::uint32_t s = 0; s < kSources; ++s) {
    m.sources.push_back("src/file" + std::to_string(s) + ".js");
    std::string content;
    // JavaScript, so that the cache also gets a function table (format 1.1).
    for (std::uint32_t l = 0; l < 40 + s; ++l) {
      content += "function f" + std::to_string(l) + "() { return " + std::to_string(s) + "; }";
      content += (l % 3 == 0) ? "\r\n" : "\n";
    }
    m.sources_content.push_back(content);
    m.ignored.push_back(s % 2 == 1);
  }
  for (int n = 0; n < 10; ++n) m.names.push_back("name" + std::to_string(n));
  m.line_offsets.clear();
  m.line_offsets.push_back(0);
  std::uint32_t k = 0;
  for (std::uint32_t line = 0; line < kLines; ++line) {
    for (std::uint32_t j = 0; j < kTokensPerLine; ++j, ++k) {
      RawToken t;
      t.generated_column = j * 7 + line % 5;
      if (k % 9 != 4) {  // every ninth token has no source
        t.source_index = k % kSources;
        t.line = (k * 13) % 40;
        t.column = (k * 3) % 80;
        if (k % 4 == 0) t.name_index = k % 10;
      }
      m.tokens.push_back(t);
    }
    m.line_offsets.push_back(static_cast<std::uint32_t>(m.tokens.size()));
  }
  return m;
}

// Everything a Token says, comparable.
struct Answer {
  bool present = false;
  std::uint32_t line = 0, column = 0, source_index = 0, original_line = 0, original_column = 0;
  std::string source;
  std::optional<std::string> name;
  bool ignored = false;
  friend bool operator==(const Answer&, const Answer&) = default;
};

Answer answer(const std::optional<Token>& t) {
  if (!t) return {};
  Answer a{true,      t->generated_line,      t->generated_column, t->source_index, t->line,
           t->column, std::string(t->source), std::nullopt,        t->ignored};
  if (t->name) a.name = std::string(*t->name);
  return a;
}

struct Query {
  std::uint32_t line, column;
};

// The queries: every token's position, one column after it, and a few past the ends.
std::vector<Query> make_queries(const SourceMapModel& m) {
  std::vector<Query> q;
  for (std::uint32_t line = 0; line < kLines; ++line) {
    for (std::uint32_t i = m.line_offsets[line]; i < m.line_offsets[line + 1]; ++i) {
      q.push_back({line, m.tokens[i].generated_column});
      q.push_back({line, m.tokens[i].generated_column + 1});
    }
    q.push_back({line, 0xFFFFFFFFu});
  }
  q.push_back({kLines, 0});
  q.push_back({0xFFFFFFFFu, 0});
  return q;
}

// What one pass of reads returns, in a form two threads can compare.
struct Reads {
  std::vector<Answer> glb, lub;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> positions;
  std::vector<Answer> tokens;           // token(i) for every i
  std::vector<Answer> iterated;         // for_each_token
  std::vector<std::string> lines;       // every source line of every source
  std::vector<std::int64_t> functions;  // enclosing_function at each token's original position
  friend bool operator==(const Reads&, const Reads&) = default;
};

// Reads everything, starting the query loop at `start` so threads hit different blocks at once.
Reads read_all(const Cache& cache, const std::vector<Query>& queries, std::size_t start) {
  Reads r;
  const std::size_t n = queries.size();
  r.glb.resize(n);
  r.lub.resize(n);
  r.positions.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = (start + k) % n;
    r.glb[i] = answer(cache.lookup(queries[i].line, queries[i].column));
    r.lub[i] = answer(cache.lookup(queries[i].line, queries[i].column, Bias::least_upper_bound));
    const auto range = cache.original_positions(queries[i].line, queries[i].column);
    r.positions[i] = {range.first, range.last};
  }
  for (std::uint32_t i = 0; i < cache.token_count(); ++i)
    r.tokens.push_back(answer(cache.token(i)));
  cache.for_each_token([&](const Token& t) {
    r.iterated.push_back(answer(t));
    const auto f =
        t.has_source() ? cache.enclosing_function(t.source_index, t.line, t.column) : std::nullopt;
    r.functions.push_back(f ? static_cast<std::int64_t>(f->index) : -1);
  });
  for (std::uint32_t s = 0; s < cache.source_count(); ++s) {
    const auto info = cache.source(s);
    if (!info) {
      r.lines.push_back("<no source>");
      continue;
    }
    for (std::uint32_t l = 0; l < info->line_count; ++l) {
      const auto line = cache.source_line(s, l);
      r.lines.push_back(line ? std::string(*line) : "<no line>");
    }
  }
  return r;
}

class ConcurrentReaders : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = make_model();
    auto bytes = build_cache(model_, format::Hash128{1, 2});
    ASSERT_TRUE(bytes.ok()) << bytes.error().message;
    bytes_ = std::move(*bytes);
    path_ =
        fs::temp_directory_path() / ("smcache-concurrency-" + std::to_string(::getpid()) + ".smc");
    std::ofstream(path_, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes_.data()),
               static_cast<std::streamsize>(bytes_.size()));
    queries_ = make_queries(model_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove(path_, ec);
  }

  // Runs kThreads readers over `cache` at once (released together by a barrier) and checks
  // every thread's reads against `reference`.
  void run_threads(const Cache& cache, const Reads& reference) {
    std::atomic<int> mismatches{0};
    std::barrier start(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        start.arrive_and_wait();
        for (int round = 0; round < kRounds; ++round) {
          const std::size_t offset = (queries_.size() / kThreads) * static_cast<std::size_t>(t) +
                                     static_cast<std::size_t>(round) * 997;
          if (!(read_all(cache, queries_, offset) == reference)) ++mismatches;
        }
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(mismatches.load(), 0) << "of " << kThreads * kRounds << " passes";
  }

  SourceMapModel model_;
  std::vector<std::uint8_t> bytes_;
  fs::path path_;
  std::vector<Query> queries_;
};

// The reference itself is right: exact hits give the model's token, iteration gives them all.
void check_reference(const SourceMapModel& m, const std::vector<Query>& queries, const Reads& ref) {
  ASSERT_EQ(ref.iterated.size(), m.tokens.size());
  ASSERT_EQ(ref.tokens, ref.iterated);
  std::size_t hits = 0;
  for (std::size_t q = 0; q < queries.size(); ++q) {
    const std::uint32_t line = queries[q].line;
    if (line >= kLines) {
      EXPECT_FALSE(ref.glb[q].present);
      continue;
    }
    for (std::uint32_t i = m.line_offsets[line]; i < m.line_offsets[line + 1]; ++i) {
      const RawToken& t = m.tokens[i];
      if (t.generated_column != queries[q].column) continue;
      ++hits;
      EXPECT_EQ(ref.glb[q].present, t.source_index != RawToken::kNoIndex) << "query " << q;
      if (ref.glb[q].present) {
        EXPECT_EQ(ref.glb[q].source_index, t.source_index);
        EXPECT_EQ(ref.glb[q].original_line, t.line);
        EXPECT_EQ(ref.glb[q].original_column, t.column);
        EXPECT_EQ(ref.glb[q].name.has_value(), t.name_index != RawToken::kNoIndex);
      }
      EXPECT_EQ(ref.positions[q], std::make_pair(i, i + 1)) << "query " << q;
    }
  }
  EXPECT_EQ(hits, m.tokens.size());
  std::size_t lines = 0;
  for (std::uint32_t s = 0; s < kSources; ++s) lines += 40 + s + 1;  // + the final empty line
  EXPECT_EQ(ref.lines.size(), lines);
  // The sources are JavaScript: some tokens map into a function.
  EXPECT_GT(std::count_if(ref.functions.begin(), ref.functions.end(),
                          [](std::int64_t f) { return f >= 0; }),
            0);
}

TEST_F(ConcurrentReaders, EightThreadsShareOneMappedCache) {
  auto cache = Cache::open(path_);
  ASSERT_TRUE(cache.ok()) << cache.error().message;
  ASSERT_TRUE(cache->verify().ok());
  const Reads reference = read_all(*cache, queries_, 0);
  check_reference(model_, queries_, reference);
  run_threads(*cache, reference);
}

TEST_F(ConcurrentReaders, EightThreadsShareOneCacheOverCallerBytes) {
  auto cache = Cache::from_bytes(bytes_);
  ASSERT_TRUE(cache.ok()) << cache.error().message;
  const Reads reference = read_all(*cache, queries_, 0);
  check_reference(model_, queries_, reference);
  run_threads(*cache, reference);
}

// verify() is a const method too: it may run while other threads look up.
TEST_F(ConcurrentReaders, VerifyWhileOthersLookUp) {
  auto cache = Cache::open(path_);
  ASSERT_TRUE(cache.ok()) << cache.error().message;
  const Reads reference = read_all(*cache, queries_, 0);
  std::atomic<int> failures{0};
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      if (t % 2 == 0) {
        for (int k = 0; k < 4; ++k) {
          if (!cache->verify().ok()) ++failures;
        }
      } else if (!(read_all(*cache, queries_, static_cast<std::size_t>(t) * 101) == reference)) {
        ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

// Each thread opens its own Cache of the same file at once: open() shares no state either.
TEST_F(ConcurrentReaders, ThreadsOpenTheSameFileAtOnce) {
  std::atomic<int> failures{0};
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  const Answer want = answer(Cache::open(path_)->lookup(7, 30));
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      for (int k = 0; k < 20; ++k) {
        auto cache = Cache::open(path_);
        if (!cache.ok() || !(answer(cache->lookup(7, 30)) == want)) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_TRUE(want.present);
}

}  // namespace
}  // namespace smcache
