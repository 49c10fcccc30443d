// Lookups of generated positions (cache_impl.hpp): GLB/LUB at every boundary, 1-field segments,
// huge columns, block boundaries, original_positions, token(i) and for_each_token.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "support.hpp"

namespace smcache::test {
namespace {

constexpr std::uint32_t kMax = std::numeric_limits<std::uint32_t>::max();
constexpr Bias kGlb = Bias::greatest_lower_bound;
constexpr Bias kLub = Bias::least_upper_bound;

// One source, two mappings on line 0 at columns 5 and 10, then an empty line, then line 2.
SourceMapModel simple_model() {
  ModelBuilder b;
  b.source("a.js").name("foo");
  b.line({seg(5, 0, 1, 2), seg(10, 0, 3, 4, 0)});
  b.empty_lines(1);
  b.line({seg(0, 0, 7, 8)});
  return b.model();
}

struct Expect {
  std::uint32_t line, column;
  Bias bias;
  std::optional<std::uint32_t> original_line;  // nullopt: no answer
  const char* why;
};

TEST(Lookup, BoundariesOnOneLine) {
  const auto bytes = build(simple_model());
  const Cache cache = open_bytes(bytes);
  const Expect table[] = {
      {0, 0, kGlb, std::nullopt, "before the first segment: nothing at or before"},
      {0, 4, kGlb, std::nullopt, "one before the first segment"},
      {0, 5, kGlb, 1, "exactly on the first segment"},
      {0, 7, kGlb, 1, "between: the segment before"},
      {0, 9, kGlb, 1, "one before the second segment"},
      {0, 10, kGlb, 3, "exactly on the second segment"},
      {0, 11, kGlb, 3, "after the last segment: the last one"},
      {0, kMax, kGlb, 3, "largest column: the last one"},
      {0, 0, kLub, 1, "LUB before the first segment: the first one"},
      {0, 5, kLub, 1, "LUB exactly on the first segment"},
      {0, 6, kLub, 3, "LUB between: the segment after"},
      {0, 10, kLub, 3, "LUB exactly on the last segment"},
      {0, 11, kLub, std::nullopt, "LUB after the last segment: nothing at or after"},
      {1, 0, kGlb, std::nullopt, "empty line"},
      {1, 0, kLub, std::nullopt, "empty line, LUB: no spill into the next line"},
      {1, kMax, kGlb, std::nullopt, "empty line, GLB: no spill from the previous line"},
      {2, 0, kGlb, 7, "line after an empty line"},
      {2, 99, kGlb, 7, "line after an empty line, after its only segment"},
      {3, 0, kGlb, std::nullopt, "line past the end"},
      {3, 0, kLub, std::nullopt, "line past the end, LUB"},
      {kMax, 0, kGlb, std::nullopt, "largest line"},
  };
  for (const Expect& e : table) {
    const auto t = cache.lookup(e.line, e.column, e.bias);
    ASSERT_EQ(t.has_value(), e.original_line.has_value()) << e.why;
    if (t) {
      EXPECT_EQ(t->line, *e.original_line) << e.why;
      EXPECT_EQ(t->generated_line, e.line) << e.why;
      EXPECT_EQ(t->source, "a.js") << e.why;
    }
  }
}

TEST(Lookup, DefaultBiasIsGreatestLowerBound) {
  const auto bytes = build(simple_model());
  const Cache cache = open_bytes(bytes);
  const auto t = cache.lookup(0, 7);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->generated_column, 5u);
}

TEST(Lookup, ReturnsAllFieldsOfTheAnsweringToken) {
  const auto bytes = build(simple_model());
  const Cache cache = open_bytes(bytes);
  const auto t = cache.lookup(0, 12);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->generated_line, 0u);
  EXPECT_EQ(t->generated_column, 10u);
  EXPECT_EQ(t->source_index, 0u);
  EXPECT_EQ(t->line, 3u);
  EXPECT_EQ(t->column, 4u);
  EXPECT_EQ(t->source, "a.js");
  ASSERT_TRUE(t->name);
  EXPECT_EQ(*t->name, "foo");
  EXPECT_FALSE(t->ignored);
  const auto u = cache.lookup(0, 5);
  ASSERT_TRUE(u);
  EXPECT_FALSE(u->name) << "a 4-field segment has no name";
}

TEST(Lookup, OneFieldSegmentAnswersNothing) {
  ModelBuilder b;
  b.source("a.js");
  b.line({seg(0, 0, 1, 1), seg(5), seg(10, 0, 2, 2)});
  const auto bytes = build(b.model());
  const Cache cache = open_bytes(bytes);
  // The 1-field segment at 5 covers [5, 10): no answer, not the segment at 0.
  EXPECT_FALSE(cache.lookup(0, 5));
  EXPECT_FALSE(cache.lookup(0, 7));
  EXPECT_FALSE(cache.lookup(0, 9));
  // LUB from 1..5 lands on the 1-field segment: no answer, not the one at 10.
  EXPECT_FALSE(cache.lookup(0, 1, kLub));
  EXPECT_FALSE(cache.lookup(0, 5, kLub));
  ASSERT_TRUE(cache.lookup(0, 4));
  EXPECT_EQ(cache.lookup(0, 4)->line, 1u);
  ASSERT_TRUE(cache.lookup(0, 6, kLub));
  EXPECT_EQ(cache.lookup(0, 6, kLub)->line, 2u);
  // token() and iteration still report it.
  const auto t = cache.token(1);
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->has_source());
  EXPECT_EQ(t->generated_column, 5u);
  EXPECT_EQ(t->source, "");
}

TEST(Lookup, OnlyOneFieldSegments) {
  ModelBuilder b;
  b.line({seg(0), seg(3)});
  const auto bytes = build(b.model());
  const Cache cache = open_bytes(bytes);
  for (std::uint32_t c = 0; c < 6; ++c) {
    EXPECT_FALSE(cache.lookup(0, c)) << c;
    EXPECT_FALSE(cache.lookup(0, c, kLub)) << c;
  }
  EXPECT_EQ(cache.token_count(), 2u);
  EXPECT_EQ(cache.original_positions(0, 4).size(), 1u);
}

TEST(Lookup, HugeColumnsAndValues) {
  ModelBuilder b;
  b.source("a.js").name("n");
  b.line({seg(0, 0, 0, 0), seg(1u << 31, 0, kMax, kMax, 0), seg(kMax - 1, 0, 5, 6),
          seg(kMax, 0, kMax - 1, 1)});
  for (std::uint32_t block : {1u, 2u, 64u}) {
    const auto bytes = build(b.model(), block);
    const Cache cache = open_bytes(bytes);
    auto t = cache.lookup(0, kMax);
    ASSERT_TRUE(t) << block;
    EXPECT_EQ(t->generated_column, kMax);
    EXPECT_EQ(t->line, kMax - 1);
    t = cache.lookup(0, kMax - 1);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->generated_column, kMax - 1);
    t = cache.lookup(0, kMax - 2);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->generated_column, 1u << 31);
    EXPECT_EQ(t->line, kMax);
    EXPECT_EQ(t->column, kMax);
    EXPECT_EQ(t->name, "n");
    t = cache.lookup(0, (1u << 31) + 1, kLub);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->generated_column, kMax - 1);
    EXPECT_TRUE(cache.lookup(0, kMax, kLub));
    EXPECT_TRUE(cache.verify().ok());
  }
}

TEST(Lookup, RepeatedSegmentsOnConsecutiveLinesEachAnswer) {
  // "AAAA;AAAA": the same segment on lines 0 and 1.
  ModelBuilder b;
  b.source("a.js");
  b.line({seg(0, 0, 0, 0)}).line({seg(0, 0, 0, 0)});
  const auto bytes = build(b.model());
  const Cache cache = open_bytes(bytes);
  for (std::uint32_t line : {0u, 1u}) {
    for (std::uint32_t col : {0u, 1u, 1000u}) {
      const auto t = cache.lookup(line, col);
      ASSERT_TRUE(t) << line << ":" << col;
      EXPECT_EQ(t->generated_line, line);
      EXPECT_EQ(t->line, 0u);
      EXPECT_EQ(t->column, 0u);
    }
    EXPECT_TRUE(cache.lookup(line, 0, kLub));
  }
  EXPECT_FALSE(cache.lookup(2, 0));
  EXPECT_EQ(cache.info().generated_line_count, 2u);
}

TEST(Lookup, SeveralSegmentsAtOnePositionTheLastAnswers) {
  ModelBuilder b;
  b.source("a.js");
  b.line({seg(0, 0, 9, 9), seg(3, 0, 1, 1), seg(3, 0, 2, 2), seg(3, 0, 3, 3), seg(8, 0, 4, 4)});
  for (std::uint32_t block : {1u, 2u, 64u}) {
    const auto bytes = build(b.model(), block);
    const Cache cache = open_bytes(bytes);
    for (auto [col, bias] : {std::pair{3u, kGlb}, {5u, kGlb}, {1u, kLub}, {3u, kLub}}) {
      const auto t = cache.lookup(0, col, bias);
      ASSERT_TRUE(t) << col;
      EXPECT_EQ(t->line, 3u) << "block " << block << " col " << col;
    }
    const auto r = cache.original_positions(0, 5);
    EXPECT_EQ(r.first, 1u);
    EXPECT_EQ(r.last, 4u);
    for (std::uint32_t i = r.first; i < r.last; ++i) {
      EXPECT_EQ(cache.token(i)->line, i) << "in mappings order";
    }
  }
}

TEST(Lookup, LastOfTiesWithoutSourceAnswersNothing) {
  ModelBuilder b;
  b.source("a.js");
  b.line({seg(3, 0, 1, 1), seg(3)});
  const auto bytes = build(b.model());
  const Cache cache = open_bytes(bytes);
  EXPECT_FALSE(cache.lookup(0, 3));
  EXPECT_FALSE(cache.lookup(0, 0, kLub));
  EXPECT_EQ(cache.original_positions(0, 3).size(), 2u);
}

TEST(Lookup, EmptyMap) {
  ModelBuilder b;
  b.source("a.js", "content");
  for (const auto& model : {SourceMapModel{}, b.model()}) {
    const auto bytes = build(model);
    const Cache cache = open_bytes(bytes);
    EXPECT_EQ(cache.token_count(), 0u);
    EXPECT_EQ(cache.info().generated_line_count, 0u);
    EXPECT_FALSE(cache.lookup(0, 0));
    EXPECT_FALSE(cache.lookup(0, 0, kLub));
    EXPECT_FALSE(cache.lookup(kMax, kMax));
    EXPECT_FALSE(cache.token(0));
    EXPECT_TRUE(cache.original_positions(0, 0).empty());
    EXPECT_TRUE(cache.original_positions(kMax, kMax).empty());
    int calls = 0;
    cache.for_each_token([&](const Token&) { ++calls; });
    EXPECT_EQ(calls, 0);
    EXPECT_TRUE(cache.verify().ok()) << cache.verify().error().message;
  }
}

TEST(Lookup, EmptyLinesOnlyMakeAnEmptyMap) {
  ModelBuilder b;
  b.empty_lines(5);
  const auto bytes = build(b.model());
  const Cache cache = open_bytes(bytes);
  EXPECT_EQ(cache.info().generated_line_count, 0u) << "trailing empty lines are dropped";
  EXPECT_FALSE(cache.lookup(2, 0));
}

TEST(Lookup, TrailingEmptyLinesAreDropped) {
  ModelBuilder b;
  b.source("a.js");
  b.empty_lines(2).line({seg(4, 0, 1, 1)}).empty_lines(3);
  const auto bytes = build(b.model());
  const Cache cache = open_bytes(bytes);
  EXPECT_EQ(cache.info().generated_line_count, 3u);
  EXPECT_TRUE(cache.lookup(2, 4));
  EXPECT_FALSE(cache.lookup(3, 4));
  EXPECT_FALSE(cache.lookup(0, 4));
  EXPECT_EQ(cache.token(0)->generated_line, 2u);
}

TEST(OriginalPositions, SearchesBackAcrossLines) {
  ModelBuilder b;
  b.source("a.js");
  b.line({seg(2, 0, 0, 0), seg(6, 0, 1, 0), seg(6, 0, 2, 0)});
  b.empty_lines(1);
  b.line({seg(5, 0, 3, 0)});
  const auto bytes = build(b.model());
  const Cache cache = open_bytes(bytes);
  const struct {
    std::uint32_t line, column, first, last;
    const char* why;
  } table[] = {
      {0, 0, 0, 0, "before the first mapping: nothing"},
      {0, 2, 0, 1, "exactly on the first"},
      {0, 5, 0, 1, "between"},
      {0, 6, 1, 3, "two mappings at (0, 6)"},
      {0, kMax, 1, 3, "end of line 0"},
      {1, 0, 1, 3, "empty line: back to line 0's last position"},
      {2, 4, 1, 3, "before line 2's first: back across the empty line"},
      {2, 5, 3, 4, "exactly on line 2's only mapping"},
      {3, 0, 3, 4, "past the last line: the last position"},
      {kMax, kMax, 3, 4, "largest position"},
  };
  for (const auto& e : table) {
    const auto r = cache.original_positions(e.line, e.column);
    if (e.first == e.last) {
      EXPECT_TRUE(r.empty()) << e.why;
      EXPECT_EQ(r.size(), 0u) << e.why;
    } else {
      EXPECT_EQ(r.first, e.first) << e.why;
      EXPECT_EQ(r.last, e.last) << e.why;
    }
  }
}

TEST(Tokens, TokenAndIterationReportGeneratedLines) {
  ModelBuilder b;
  b.source("a.js").source(std::nullopt).name("x");
  b.empty_lines(1).line({seg(0, 0, 1, 1, 0), seg(2)}).empty_lines(2).line({seg(1, 1, 4, 5)});
  const SourceMapModel& m = b.model();
  for (std::uint32_t block : {1u, 2u, 64u}) {
    const auto bytes = build(m, block);
    const Cache cache = open_bytes(bytes);
    const std::uint32_t lines[] = {1, 1, 4};
    for (std::uint32_t i = 0; i < 3; ++i) {
      const auto t = cache.token(i);
      ASSERT_TRUE(t);
      expect_token(m, i, lines[i], *t);
    }
    EXPECT_FALSE(cache.token(3));
    EXPECT_FALSE(cache.token(kMax));
    std::uint32_t i = 0;
    cache.for_each_token([&](const Token& t) {
      expect_token(m, i, lines[i], t);
      ++i;
    });
    EXPECT_EQ(i, 3u);
    EXPECT_EQ(cache.token(2)->source, "") << "a null source name";
    EXPECT_EQ(cache.lookup(4, 1)->source, "");
  }
}

TEST(Tokens, ForEachStopsWhenTheCallbackReturnsFalse) {
  ModelBuilder b;
  b.source("a.js");
  for (std::uint32_t l = 0; l < 50; ++l) b.line({seg(l, 0, l, 0)});
  const auto bytes = build(b.model(), 4);
  const Cache cache = open_bytes(bytes);
  std::uint32_t calls = 0;
  cache.for_each_token([&](const Token& t) {
    ++calls;
    return t.generated_line < 9;
  });
  EXPECT_EQ(calls, 10u);
}

TEST(Tokens, IgnoredSourcesAreFlagged) {
  ModelBuilder b;
  b.source("lib.js", std::nullopt, true).source("app.js");
  b.line({seg(0, 0, 0, 0), seg(4, 1, 0, 0)});
  const auto bytes = build(b.model());
  const Cache cache = open_bytes(bytes);
  EXPECT_TRUE(cache.lookup(0, 0)->ignored);
  EXPECT_FALSE(cache.lookup(0, 4)->ignored);
}

TEST(Tokens, ManySources) {
  ModelBuilder b;
  constexpr std::uint32_t kSources = 3000;
  for (std::uint32_t s = 0; s < kSources; ++s) {
    b.source(str("src/file", s, ".ts"), std::nullopt, s % 7 == 0);
  }
  for (std::uint32_t s = 0; s < kSources; ++s) b.name(str("name", s));
  std::vector<RawToken> line;
  for (std::uint32_t s = 0; s < kSources; ++s) {
    line.push_back(seg(s * 3, kSources - 1 - s, s, s + 1, s % 2 ? s : kNo));
  }
  b.line(line);
  const auto bytes = build(b.model());
  const Cache cache = open_bytes(bytes);
  EXPECT_EQ(cache.source_count(), kSources);
  for (std::uint32_t s = 0; s < kSources; ++s) {
    const auto t = cache.lookup(0, s * 3 + 2);
    ASSERT_TRUE(t);
    expect_token(b.model(), s, 0, *t);
  }
  EXPECT_TRUE(cache.verify().ok());
}

// A pseudo-random model: lines of 0..3*block tokens with runs of equal columns, 1-field
// segments, names, and a few very long lines, checked exhaustively against the naive oracle.
SourceMapModel random_model(std::uint32_t seed, std::uint32_t lines, std::uint32_t max_per_line) {
  std::mt19937 rng(seed);
  ModelBuilder b;
  for (std::uint32_t s = 0; s < 5; ++s) b.source(str("s", s), std::nullopt, s == 3);
  for (std::uint32_t n = 0; n < 4; ++n) b.name(str("n", n));
  for (std::uint32_t l = 0; l < lines; ++l) {
    std::vector<RawToken> line;
    const std::uint32_t count = rng() % 4 == 0 ? 0 : rng() % (max_per_line + 1);
    std::uint32_t col = rng() % 3;
    for (std::uint32_t i = 0; i < count; ++i) {
      if (rng() % 3 != 0) col += rng() % 5;  // a third of the time: same column as before
      if (rng() % 6 == 0) {
        line.push_back(seg(col));
      } else {
        line.push_back(
            seg(col, rng() % 5, rng() % 1000, rng() % 100, rng() % 3 == 0 ? rng() % 4 : kNo));
      }
    }
    b.line(line);
  }
  return b.model();
}

class BlockSizes : public ::testing::TestWithParam<std::uint32_t> {};

TEST_P(BlockSizes, AgreesWithTheOracleEverywhere) {
  const std::uint32_t block = GetParam();
  for (std::uint32_t seed = 1; seed <= 4; ++seed) {
    // Lines up to 3 blocks long (at most 300 tokens), seed 4: up to 400 tokens.
    const SourceMapModel m =
        random_model(seed, 40, seed == 4 ? 400 : std::min(3 * block + 2, 300u));
    const auto bytes = build(m, block);
    const Cache cache = open_bytes(bytes);
    ASSERT_EQ(cache.token_count(), m.tokens.size());
    ASSERT_TRUE(cache.verify().ok()) << cache.verify().error().message;
    const std::uint32_t lines = model_line_count(m);
    for (std::uint32_t line = 0; line <= lines + 1; ++line) {
      std::vector<std::uint32_t> cols = {0, 1, kMax};
      if (line < lines) {
        for (std::uint32_t i = m.line_offsets[line]; i < m.line_offsets[line + 1]; ++i) {
          const std::uint32_t c = m.tokens[i].generated_column;
          cols.insert(cols.end(), {c, c + 1});
          if (c > 0) cols.push_back(c - 1);
        }
      }
      for (std::uint32_t col : cols) {
        for (Bias bias : {kGlb, kLub}) {
          const auto want = oracle_lookup(m, line, col, bias);
          const auto got = cache.lookup(line, col, bias);
          ASSERT_EQ(got.has_value(), want.has_value())
              << "seed " << seed << " block " << block << " at " << line << ":" << col << " bias "
              << static_cast<int>(bias);
          if (got) expect_token(m, *want, line, *got);
        }
        const auto [first, last] = oracle_positions(m, line, col);
        const auto r = cache.original_positions(line, col);
        ASSERT_EQ(r.size(), last - first) << line << ":" << col;
        if (!r.empty()) {
          EXPECT_EQ(r.first, first) << line << ":" << col;
          EXPECT_EQ(r.last, last) << line << ":" << col;
        }
      }
    }
    // Every token by index and by iteration.
    std::uint32_t i = 0;
    std::uint32_t line = 0;
    cache.for_each_token([&](const Token& t) {
      while (m.line_offsets[line + 1] <= i) ++line;
      expect_token(m, i, line, t);
      const auto u = cache.token(i);
      EXPECT_TRUE(u);
      if (u) expect_token(m, i, line, *u);
      ++i;
    });
    EXPECT_EQ(i, m.tokens.size());
  }
}

INSTANTIATE_TEST_SUITE_P(Reader, BlockSizes, ::testing::Values(1u, 2u, 4u, 64u, 4096u));

TEST(Lookup, LineSpanningManyBlocks) {
  // One line of 10000 tokens, column 2*i: every block boundary inside one binary search.
  ModelBuilder b;
  b.source("a.js");
  std::vector<RawToken> line;
  for (std::uint32_t i = 0; i < 10000; ++i) line.push_back(seg(2 * i, 0, i, 0));
  b.line({seg(0, 0, 0, 0)}).line(line).line({seg(7, 0, 0, 0)});
  for (std::uint32_t block : {1u, 2u, 64u}) {
    const auto bytes = build(b.model(), block);
    const Cache cache = open_bytes(bytes);
    for (std::uint32_t i = 0; i < 10000; ++i) {
      auto t = cache.lookup(1, 2 * i);
      ASSERT_TRUE(t);
      ASSERT_EQ(t->line, i);
      t = cache.lookup(1, 2 * i + 1);
      ASSERT_TRUE(t);
      ASSERT_EQ(t->line, i);
      t = cache.lookup(1, 2 * i + 1, kLub);
      if (i + 1 < 10000) {
        ASSERT_TRUE(t);
        ASSERT_EQ(t->line, i + 1);
      } else {
        ASSERT_FALSE(t);
      }
    }
  }
}

}  // namespace
}  // namespace smcache::test
