// Test helpers for the reader suites: models built in code, a naive lookup oracle, and a way to
// take a valid cache apart and put it back together (to craft files that break one rule).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <smcache/converter/model.hpp>
#include <smcache/format/checksum.hpp>
#include <smcache/format/layout.hpp>
#include <smcache/reader/cache.hpp>

namespace smcache::test {

inline constexpr std::uint32_t kNo = RawToken::kNoIndex;

// Concatenates anything streamable ("f", 12 -> "f12"). Tests build strings with this rather than
// `"lit" + std::to_string(n)`, on which GCC 12 warns -Wrestrict falsely.
template <class... Parts>
std::string str(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  return out.str();
}

// A 1-field segment (no source).
inline RawToken seg(std::uint32_t generated_column) {
  return RawToken{generated_column, kNo, 0, 0, kNo};
}
inline RawToken seg(std::uint32_t generated_column, std::uint32_t source, std::uint32_t line,
                    std::uint32_t column, std::uint32_t name = kNo) {
  return RawToken{generated_column, source, line, column, name};
}

// Builds a SourceMapModel line by line.
class ModelBuilder {
 public:
  ModelBuilder& source(std::optional<std::string> name,
                       std::optional<std::string> content = std::nullopt, bool ignored = false) {
    model_.sources.push_back(std::move(name));
    model_.sources_content.push_back(std::move(content));
    model_.ignored.push_back(ignored);
    return *this;
  }
  ModelBuilder& name(std::string n) {
    model_.names.push_back(std::move(n));
    return *this;
  }
  // Appends one generated line holding `tokens` (sorted by column by the caller).
  ModelBuilder& line(std::vector<RawToken> tokens) {
    model_.tokens.insert(model_.tokens.end(), tokens.begin(), tokens.end());
    model_.line_offsets.push_back(static_cast<std::uint32_t>(model_.tokens.size()));
    return *this;
  }
  ModelBuilder& empty_lines(std::uint32_t n) {
    for (std::uint32_t i = 0; i < n; ++i) line({});
    return *this;
  }
  ModelBuilder& file(std::string f) {
    model_.file = std::move(f);
    return *this;
  }
  ModelBuilder& debug_id(std::string d) {
    model_.debug_id = std::move(d);
    return *this;
  }
  const SourceMapModel& model() const { return model_; }
  SourceMapModel& model() { return model_; }

 private:
  SourceMapModel model_;
};

inline std::vector<std::uint8_t> build(const SourceMapModel& model,
                                       std::uint32_t block_token_count = 64,
                                       bool include_sources_content = true) {
  CompileOptions options;
  options.block_token_count = block_token_count;
  options.include_sources_content = include_sources_content;
  auto r = build_cache(model, format::Hash128{0x1111, 0x2222}, options);
  if (!r) throw std::runtime_error("build_cache: " + r.error().message);
  return std::move(r).value();
}

// from_bytes does not copy: the bytes must outlive the Cache, so temporaries are refused.
Cache open_bytes(std::vector<std::uint8_t>&&) = delete;
inline Cache open_bytes(const std::vector<std::uint8_t>& bytes) {
  auto r = Cache::from_bytes(bytes);
  if (!r) {
    throw std::runtime_error(std::string("from_bytes: ") + errc_name(r.error().code) + ": " +
                             r.error().message);
  }
  return std::move(r).value();
}

// Error code of from_bytes, Errc::ok when it opens.
inline Errc open_code(const std::vector<std::uint8_t>& bytes) {
  auto r = Cache::from_bytes(bytes);
  return r ? Errc::ok : r.error().code;
}

// --- the naive oracle: a linear scan over the model, straight from the lookup rules ---

inline std::uint32_t model_line_count(const SourceMapModel& m) {
  return static_cast<std::uint32_t>(m.line_offsets.size() - 1);
}

// Token index answering (line, column, bias), before the "has source" filter; nullopt if none.
inline std::optional<std::uint32_t> oracle_answer(const SourceMapModel& m, std::uint32_t line,
                                                  std::uint32_t column, Bias bias) {
  if (line >= model_line_count(m)) return std::nullopt;
  const std::uint32_t lo = m.line_offsets[line], hi = m.line_offsets[line + 1];
  std::optional<std::uint32_t> best;
  for (std::uint32_t i = lo; i < hi; ++i) {
    const std::uint32_t c = m.tokens[i].generated_column;
    if (bias == Bias::greatest_lower_bound) {
      // The last token with the greatest column <= query: later ties replace earlier ones.
      if (c <= column && (!best || c >= m.tokens[*best].generated_column)) best = i;
    } else {
      if (c >= column && (!best || c < m.tokens[*best].generated_column ||
                          c == m.tokens[*best].generated_column)) {
        best = i;
      }
    }
  }
  return best;
}

inline std::optional<std::uint32_t> oracle_lookup(const SourceMapModel& m, std::uint32_t line,
                                                  std::uint32_t column, Bias bias) {
  auto a = oracle_answer(m, line, column, bias);
  if (a && m.tokens[*a].source_index == kNo) return std::nullopt;
  return a;
}

// GetOriginalPositions: all tokens at the greatest generated position <= (line, column). Scans
// back from the query's line to the first line with a token at or before the position.
inline std::pair<std::uint32_t, std::uint32_t> oracle_positions(const SourceMapModel& m,
                                                                std::uint32_t line,
                                                                std::uint32_t column) {
  const std::uint32_t lines = model_line_count(m);
  for (std::uint32_t l = line < lines ? line + 1 : lines; l-- > 0;) {
    const bool same_line = l == line;
    std::optional<std::uint32_t> best_column;
    for (std::uint32_t i = m.line_offsets[l]; i < m.line_offsets[l + 1]; ++i) {
      const std::uint32_t c = m.tokens[i].generated_column;
      if ((!same_line || c <= column) && (!best_column || c > *best_column)) best_column = c;
    }
    if (!best_column) continue;
    std::uint32_t first = 0xFFFFFFFFu, last = 0;
    for (std::uint32_t i = m.line_offsets[l]; i < m.line_offsets[l + 1]; ++i) {
      if (m.tokens[i].generated_column == *best_column) {
        first = std::min(first, i);
        last = i + 1;
      }
    }
    return {first, last};
  }
  return {0, 0};
}

// Checks a reader token against model token i on generated line `line`.
inline void expect_token(const SourceMapModel& m, std::uint32_t i, std::uint32_t line,
                         const Token& t) {
  const RawToken& r = m.tokens[i];
  EXPECT_EQ(t.generated_line, line) << "token " << i;
  EXPECT_EQ(t.generated_column, r.generated_column) << "token " << i;
  if (r.source_index == kNo) {
    EXPECT_FALSE(t.has_source()) << "token " << i;
  } else {
    ASSERT_TRUE(t.has_source()) << "token " << i;
    EXPECT_EQ(t.source_index, r.source_index) << "token " << i;
    EXPECT_EQ(t.line, r.line) << "token " << i;
    EXPECT_EQ(t.column, r.column) << "token " << i;
    const auto& name = m.sources[r.source_index];
    EXPECT_EQ(t.source, name ? std::string_view(*name) : std::string_view()) << "token " << i;
    EXPECT_EQ(t.ignored, static_cast<bool>(m.ignored[r.source_index])) << "token " << i;
  }
  if (r.name_index == kNo) {
    EXPECT_FALSE(t.name.has_value()) << "token " << i;
  } else {
    ASSERT_TRUE(t.name.has_value()) << "token " << i;
    EXPECT_EQ(*t.name, m.names[r.name_index]) << "token " << i;
  }
}

// Calls every read of the public API on `cache` (bounded), touching every byte of every string
// it returns, so that a sanitizer sees any out-of-bounds view. Returns a checksum of what it
// read so the work cannot be optimized away. Must never crash, whatever the cache holds.
inline std::uint64_t exercise(const Cache& cache) {
  std::uint64_t sum = 0;
  const auto touch = [&sum](std::string_view s) {
    for (char c : s) sum += static_cast<unsigned char>(c);
  };
  const auto touch_token = [&](const Token& t) {
    sum += t.generated_line + t.generated_column + t.line + t.column + t.source_index;
    touch(t.source);
    if (t.name) touch(*t.name);
  };
  const CacheInfo info = cache.info();
  if (info.file) touch(*info.file);
  if (info.debug_id) touch(*info.debug_id);
  std::vector<std::uint32_t> lines;
  for (std::uint32_t l = 0; l < 40 && l <= info.generated_line_count; ++l) lines.push_back(l);
  lines.push_back(0xFFFFFFFFu);
  for (std::uint32_t line : lines) {
    for (std::uint32_t col : {0u, 1u, 2u, 3u, 4u, 5u, 7u, 8u, 13u, 100u, 0xFFFFFFFFu}) {
      for (Bias bias : {Bias::greatest_lower_bound, Bias::least_upper_bound}) {
        if (auto t = cache.lookup(line, col, bias)) touch_token(*t);
      }
      const auto r = cache.original_positions(line, col);
      sum += r.size();
      for (std::uint32_t i = r.first; i < r.last && i < r.first + 8; ++i) {
        if (auto t = cache.token(i)) touch_token(*t);
      }
    }
  }
  for (std::uint32_t i = 0; i <= cache.token_count() && i < 5000; ++i) {
    if (auto t = cache.token(i)) touch_token(*t);
  }
  std::uint64_t calls = 0;
  cache.for_each_token([&](const Token& t) {
    touch_token(t);
    return ++calls < 100000;
  });
  for (std::uint32_t s = 0; s <= cache.source_count() && s < 100; ++s) {
    if (auto info_s = cache.source(s)) {
      if (info_s->name) touch(*info_s->name);
      if (info_s->content) touch(*info_s->content);
      sum += info_s->line_count;
    }
    for (std::uint32_t l = 0; l < 100; ++l) {
      if (auto line = cache.source_line(s, l)) touch(*line);
    }
    if (auto line = cache.source_line(s, 0xFFFFFFFFu)) touch(*line);
  }
  // The optional tables (functions, scope ranges, generated functions): records past the end,
  // and lookups at positions in and out of range, with the chains they give.
  for (std::uint32_t i = 0; i <= cache.function_count() && i < 200; ++i) {
    if (auto f = cache.function(i); f && f->name) touch(*f->name);
  }
  for (std::uint32_t i = 0; i <= cache.scope_range_count() && i < 200; ++i) {
    if (auto r = cache.scope_range(i); r && r->name) touch(*r->name);
  }
  for (std::uint32_t i = 0; i <= cache.generated_function_count() && i < 200; ++i) {
    if (auto g = cache.generated_function(i); g && g->name) touch(*g->name);
  }
  for (std::uint32_t line : lines) {
    for (std::uint32_t col : {0u, 1u, 5u, 13u, 100u, 1000u, 0xFFFFFFFFu}) {
      if (auto f = cache.enclosing_function(line % 4, line, col); f && f->name) touch(*f->name);
      auto r = cache.enclosing_scope_range(line, col);
      for (int steps = 0; r && steps < 100; ++steps) r = cache.parent_scope_range(*r);
      if (auto g = cache.generated_function_at(line, col)) sum += g->index + g->parent;
    }
  }
  for (const SectionView& s : cache.sections()) sum += s.size;
  sum += cache.bytes().size();
  const auto v = cache.verify();
  sum += v.ok() ? 1 : v.error().message.size();
  return sum;
}

// --- taking a cache apart: patch fields in place, or re-lay the sections out ---

inline void put_u32(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v) {
  format::store_le(b.data() + at, v);
}
inline void put_u64(std::vector<std::uint8_t>& b, std::size_t at, std::uint64_t v) {
  format::store_le(b.data() + at, v);
}
inline std::uint32_t get_u32(const std::vector<std::uint8_t>& b, std::size_t at) {
  return format::load_le<std::uint32_t>(b.data() + at);
}
inline std::uint64_t get_u64(const std::vector<std::uint8_t>& b, std::size_t at) {
  return format::load_le<std::uint64_t>(b.data() + at);
}

// Header field offsets (FileHeader).
inline constexpr std::size_t kHeaderSizeAt = 16, kSectionCountAt = 20, kRequiredAt = 24,
                             kOptionalAt = 28, kFileSizeAt = 32, kChecksumAt = 40,
                             kLineCountAt = 68, kTokenCountAt = 72, kSourceCountAt = 76,
                             kStringCountAt = 80, kNameCountAt = 84, kBlockAt = 88,
                             kFileStringAt = 92, kDebugIdAt = 96, kWidthAt = 100, kReservedAt = 104;

inline void fix_header_checksum(std::vector<std::uint8_t>& b) {
  const std::uint64_t end = std::uint64_t{get_u32(b, kHeaderSizeAt)} + 32ull * get_u32(b, 20);
  put_u64(b, kChecksumAt, format::header_checksum(b.data(), end));
}

// File offset of directory entry k.
inline std::size_t entry_at(const std::vector<std::uint8_t>& b, std::uint32_t k) {
  return get_u32(b, kHeaderSizeAt) + 32ull * k;
}
// Directory entry of section `id` (the cache has ids 1..8 in entries 0..7).
inline format::SectionEntry entry(const std::vector<std::uint8_t>& b, std::uint32_t id) {
  for (std::uint32_t k = 0; k < get_u32(b, kSectionCountAt); ++k) {
    const format::SectionEntry e = format::load_section_entry(b.data() + entry_at(b, k));
    if (e.id == id) return e;
  }
  throw std::runtime_error(str("no section ", id));
}

// A cache as a header plus sections, re-serialized with fresh offsets and checksums, so a test
// can change one section's bytes and still get a file whose checksums are right.
struct Layout {
  struct Section {
    std::uint32_t id = 0;
    std::vector<std::uint8_t> bytes;
  };
  std::vector<std::uint8_t> header;  // 128 bytes (more if header_size grows)
  std::vector<Section> sections;

  static Layout parse(const std::vector<std::uint8_t>& b) {
    Layout l;
    const std::uint32_t header_size = get_u32(b, kHeaderSizeAt);
    l.header.assign(b.begin(), b.begin() + header_size);
    for (std::uint32_t k = 0; k < get_u32(b, kSectionCountAt); ++k) {
      const format::SectionEntry e = format::load_section_entry(b.data() + entry_at(b, k));
      l.sections.push_back({e.id, std::vector<std::uint8_t>(
                                      b.begin() + static_cast<std::ptrdiff_t>(e.offset),
                                      b.begin() + static_cast<std::ptrdiff_t>(e.offset + e.size))});
    }
    return l;
  }
  Section& section(std::uint32_t id) {
    for (auto& s : sections) {
      if (s.id == id) return s;
    }
    throw std::runtime_error(str("no section ", id));
  }
  std::vector<std::uint8_t> serialize() const {
    const auto align = [](std::uint64_t x) { return (x + 7) & ~std::uint64_t{7}; };
    std::uint64_t cursor = align(header.size() + 32 * sections.size());
    std::vector<std::uint64_t> offsets;
    for (const auto& s : sections) {
      offsets.push_back(cursor);
      cursor = align(cursor + s.bytes.size());
    }
    std::vector<std::uint8_t> out(cursor, 0);
    std::copy(header.begin(), header.end(), out.begin());
    put_u32(out, kSectionCountAt, static_cast<std::uint32_t>(sections.size()));
    put_u64(out, kFileSizeAt, cursor);
    for (std::size_t k = 0; k < sections.size(); ++k) {
      const auto& s = sections[k];
      format::store_section_entry(
          out.data() + header.size() + 32 * k,
          format::SectionEntry{s.id, 0, offsets[k], s.bytes.size(),
                               format::checksum64(s.bytes.data(), s.bytes.size())});
      std::copy(s.bytes.begin(), s.bytes.end(),
                out.begin() + static_cast<std::ptrdiff_t>(offsets[k]));
    }
    fix_header_checksum(out);
    return out;
  }
};

}  // namespace smcache::test
