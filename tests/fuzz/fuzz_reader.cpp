// Fuzz target: the reader on arbitrary bytes as a cache file (Cache::from_bytes), then every read
// the API offers: lookups at positions derived from the input, original_positions, token(i),
// for_each_token, sources, source_line, functions, enclosing_function, scope ranges, info, sections
// and verify(). Nothing may crash or read outside the bytes (SPEC §8: corrupt data gives "no
// answer", never UB). Most mutations of the header or directory fail the header checksum (R-HDR-9)
// and would stop at open, so each input also runs a second time with every checksum recomputed: the
// checks behind it get fuzzed too. When verify() passes, the answers must also be consistent with
// each other.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <smcache/format/checksum.hpp>
#include <smcache/format/layout.hpp>
#include <smcache/reader/cache.hpp>

#include "fuzz_support.hpp"

namespace {

using smcache::Bias;
using smcache::Cache;
using smcache::Token;
using smcache::fuzz::keep;
using smcache::fuzz::touch;

// Work per input stays bounded whatever counts the header claims.
constexpr std::uint32_t kMaxIteratedTokens = 1u << 14;
constexpr std::uint32_t kMaxSources = 256;
constexpr std::uint32_t kMaxSourceLines = 256;
constexpr std::uint32_t kMaxFunctions = 1024;
constexpr int kRandomQueries = 64;

std::uint64_t touch_token(const Token& t) {
  std::uint64_t sum = t.generated_line ^ t.generated_column ^ t.source_index ^ t.line ^ t.column;
  sum += touch(t.source);
  if (t.name) sum += touch(*t.name);
  return sum;
}

// Recomputes every section checksum whose range lies inside the bytes, then the header checksum
// (which covers the directory, so it comes last). False when the header cannot be fixed.
bool fix_checksums(std::vector<std::uint8_t>& b) {
  namespace f = smcache::format;
  if (b.size() < sizeof(f::FileHeader)) return false;
  const f::FileHeader h = f::load_header(b.data());
  if (h.header_size < sizeof(f::FileHeader) || h.header_size > b.size()) return false;
  if (h.section_count > (b.size() - h.header_size) / 32) return false;
  for (std::uint32_t k = 0; k < h.section_count; ++k) {
    std::uint8_t* entry = b.data() + h.header_size + 32ull * k;
    f::SectionEntry e = f::load_section_entry(entry);
    if (e.size <= b.size() && e.offset <= b.size() - e.size) {
      e.checksum = f::checksum64(b.data() + e.offset, static_cast<std::size_t>(e.size));
      f::store_section_entry(entry, e);
    }
  }
  const std::size_t end = h.header_size + 32ull * h.section_count;
  f::store_le<std::uint64_t>(b.data() + 40, f::header_checksum(b.data(), end));
  return true;
}

void exercise(std::span<const std::uint8_t> bytes, std::uint64_t seed) {
  auto opened = Cache::from_bytes(bytes);
  if (!opened.ok()) {
    const smcache::Error& err = opened.error();
    SMCACHE_FUZZ_CHECK(!err.message.empty() && err.code != smcache::Errc::internal &&
                           err.code != smcache::Errc::ok,
                       "open error %s: '%s'", smcache::errc_name(err.code), err.message.c_str());
    return;
  }
  const Cache& cache = *opened;
  smcache::fuzz::Rng rng(seed);
  std::uint64_t sum = 0;

  // Header, directory.
  const smcache::CacheInfo info = cache.info();
  if (info.file) sum += touch(*info.file);
  if (info.debug_id) sum += touch(*info.debug_id);
  for (const smcache::SectionView& s : cache.sections()) {
    SMCACHE_FUZZ_CHECK(s.size <= bytes.size() && s.offset <= bytes.size() - s.size,
                       "section %u [%llu, +%llu) outside %zu bytes", s.id,
                       static_cast<unsigned long long>(s.offset),
                       static_cast<unsigned long long>(s.size), bytes.size());
    sum += touch(s.name);
  }
  SMCACHE_FUZZ_CHECK(cache.bytes().data() == bytes.data() || bytes.empty(), "bytes() moved");

  // verify() first: when it passes, the answers below must also agree with each other.
  const auto verified = cache.verify();
  if (!verified.ok()) {
    const smcache::Error& err = verified.error();
    SMCACHE_FUZZ_CHECK(
        err.code == smcache::Errc::corrupt || err.code == smcache::Errc::checksum_mismatch,
        "verify error %s: '%s'", smcache::errc_name(err.code), err.message.c_str());
  }
  const bool valid = verified.ok();

  // Iteration (bounded), compared with random access when the file is valid.
  const std::uint32_t token_count = cache.token_count();
  std::vector<Token> seen;
  std::uint32_t iterated = 0;
  cache.for_each_token([&](const Token& t) {
    sum += touch_token(t);
    seen.push_back(t);
    return ++iterated < kMaxIteratedTokens;
  });
  if (valid) {
    SMCACHE_FUZZ_CHECK(seen.size() == std::min(token_count, kMaxIteratedTokens),
                       "valid cache: for_each_token gave %zu of %u tokens", seen.size(),
                       token_count);
    for (std::uint32_t i = 0; i < seen.size(); ++i) {
      const auto t = cache.token(i);
      SMCACHE_FUZZ_CHECK(t && t->generated_line == seen[i].generated_line &&
                             t->generated_column == seen[i].generated_column &&
                             t->source_index == seen[i].source_index && t->line == seen[i].line &&
                             t->column == seen[i].column && t->name == seen[i].name &&
                             t->source == seen[i].source,
                         "valid cache: token(%u) differs from for_each_token", i);
      if (i > 0) {
        const Token& p = seen[i - 1];
        SMCACHE_FUZZ_CHECK(
            p.generated_line < t->generated_line || (p.generated_line == t->generated_line &&
                                                     p.generated_column <= t->generated_column),
            "valid cache: token %u out of order", i);
      }
    }
  }

  // Random access: tokens at derived indices, including just past the end.
  for (int k = 0; k < 16; ++k) {
    const std::uint32_t i = k == 0 ? token_count : rng.below(std::uint64_t{token_count} + 2);
    const auto t = cache.token(i);
    SMCACHE_FUZZ_CHECK(i < token_count || !t, "token(%u) past %u has a value", i, token_count);
    if (t) sum += touch_token(*t);
  }

  // Lookups: at iterated tokens (exact hits on a valid file), near them, and anywhere.
  const std::uint32_t lines = info.generated_line_count;
  const auto query = [&](std::uint32_t l, std::uint32_t c) {
    for (const Bias bias : {Bias::greatest_lower_bound, Bias::least_upper_bound}) {
      if (const auto t = cache.lookup(l, c, bias)) {
        sum += touch_token(*t);
        SMCACHE_FUZZ_CHECK(t->has_source(), "lookup answered with a token without source");
        if (valid) {
          SMCACHE_FUZZ_CHECK(t->generated_line == l &&
                                 (bias == Bias::greatest_lower_bound ? t->generated_column <= c
                                                                     : t->generated_column >= c),
                             "valid cache: lookup(%u, %u, %d) gave %u:%u", l, c,
                             static_cast<int>(bias), t->generated_line, t->generated_column);
        }
      }
    }
    const Cache::TokenRange r = cache.original_positions(l, c);
    SMCACHE_FUZZ_CHECK(r.empty() || r.last <= token_count, "original_positions past the end");
    for (std::uint32_t i = r.first; i < r.last && i < r.first + 8; ++i) {
      if (const auto t = cache.token(i)) {
        sum += touch_token(*t);
        if (valid) {
          SMCACHE_FUZZ_CHECK(
              t->generated_line < l || (t->generated_line == l && t->generated_column <= c),
              "valid cache: original_positions(%u, %u) gave %u:%u", l, c, t->generated_line,
              t->generated_column);
        }
      }
    }
  };
  for (std::size_t k = 0; k < seen.size(); k += 1 + seen.size() / 64) {
    const Token& t = seen[k];
    query(t.generated_line, t.generated_column);
    query(t.generated_line, t.generated_column + 1);
    if (valid) {
      // An exact hit: the answer is at that very column (the last of the ties).
      const auto hit = cache.lookup(t.generated_line, t.generated_column);
      SMCACHE_FUZZ_CHECK(!hit || hit->generated_column == t.generated_column,
                         "valid cache: lookup at a token's position answered another column");
      const auto r = cache.original_positions(t.generated_line, t.generated_column);
      SMCACHE_FUZZ_CHECK(!r.empty() && r.first <= k && k < r.last,
                         "valid cache: original_positions at token %zu misses it", k);
    }
  }
  for (int k = 0; k < kRandomQueries; ++k) {
    const std::uint32_t l =
        k % 4 == 0 ? static_cast<std::uint32_t>(rng.next()) : rng.below(std::uint64_t{lines} + 2);
    const std::uint32_t c = k % 2 == 0 ? static_cast<std::uint32_t>(rng.next()) : rng.below(256);
    query(l, c);
  }

  // Sources and their lines.
  const std::uint32_t sources = cache.source_count();
  for (std::uint32_t s = 0; s < std::min(sources, kMaxSources) + 1; ++s) {
    const auto info_s = cache.source(s);
    SMCACHE_FUZZ_CHECK(s < sources || !info_s, "source(%u) past %u has a value", s, sources);
    if (valid && s < sources) SMCACHE_FUZZ_CHECK(info_s, "valid cache: source(%u) missing", s);
    std::uint32_t line_count = 2;
    if (info_s) {
      if (info_s->name) sum += touch(*info_s->name);
      if (info_s->content) sum += touch(*info_s->content);
      line_count = info_s->line_count;
    }
    for (std::uint32_t k = 0; k < std::min(line_count, kMaxSourceLines) + 1; ++k) {
      const auto line = cache.source_line(s, k);
      if (line) {
        sum += touch(*line);
        if (info_s && info_s->content) {
          // A line is a view into the content, not a copy.
          const std::string_view c = *info_s->content;
          SMCACHE_FUZZ_CHECK(
              line->data() >= c.data() && line->data() + line->size() <= c.data() + c.size(),
              "source_line(%u, %u) outside its content", s, k);
        }
      } else if (valid && info_s && info_s->content && k < line_count) {
        SMCACHE_FUZZ_CHECK(false, "valid cache: source_line(%u, %u) missing of %u", s, k,
                           line_count);
      }
    }
  }
  // Functions (the optional `functions` section of format 1.1): records, and the innermost
  // function at original positions taken from tokens and at random.
  const std::uint32_t functions = cache.function_count();
  for (std::uint32_t i = 0; i < std::min(functions, kMaxFunctions) + 1; ++i) {
    const auto f = cache.function(i);
    SMCACHE_FUZZ_CHECK(i < functions || !f, "function(%u) past %u has a value", i, functions);
    if (valid && i < functions) SMCACHE_FUZZ_CHECK(f, "valid cache: function(%u) missing", i);
    if (!f) continue;
    if (f->name) sum += touch(*f->name);
    if (valid) {
      SMCACHE_FUZZ_CHECK(f->index == i && f->source_index < sources &&
                             (f->parent == smcache::format::kNone || f->parent < i),
                         "valid cache: function(%u) record inconsistent", i);
    }
  }
  const auto enclosing = [&](std::uint32_t s, std::uint32_t l, std::uint32_t c) {
    const auto f = cache.enclosing_function(s, l, c);
    if (!f) return;
    if (f->name) sum += touch(*f->name);
    if (valid) {
      const bool after_start = f->start_line < l || (f->start_line == l && f->start_column <= c);
      const bool before_end = l < f->end_line || (l == f->end_line && c < f->end_column);
      SMCACHE_FUZZ_CHECK(f->source_index == s && after_start && before_end,
                         "valid cache: enclosing_function(%u, %u, %u) gave a function of source "
                         "%u [%u:%u, %u:%u)",
                         s, l, c, f->source_index, f->start_line, f->start_column, f->end_line,
                         f->end_column);
    }
  };
  for (std::size_t k = 0; k < seen.size(); k += 1 + seen.size() / 64) {
    if (seen[k].has_source()) enclosing(seen[k].source_index, seen[k].line, seen[k].column);
  }
  for (int k = 0; k < 16; ++k) {
    enclosing(rng.below(std::uint64_t{sources} + 1), rng.below(64), rng.below(128));
  }

  // Scope ranges (the optional `scope_ranges` section of format 1.2): records, and the chain of
  // ranges at generated positions taken from tokens and at random. Chains always end.
  const std::uint32_t scope_ranges = cache.scope_range_count();
  for (std::uint32_t i = 0; i < std::min(scope_ranges, kMaxFunctions) + 1; ++i) {
    const auto r = cache.scope_range(i);
    SMCACHE_FUZZ_CHECK(i < scope_ranges || !r, "scope_range(%u) past %u has a value", i,
                       scope_ranges);
    if (valid && i < scope_ranges) SMCACHE_FUZZ_CHECK(r, "valid cache: scope_range(%u) missing", i);
    if (r && r->name) sum += touch(*r->name);
  }
  const auto chain = [&](std::uint32_t l, std::uint32_t c) {
    auto r = cache.enclosing_scope_range(l, c);
    if (r && valid) {
      const bool after_start = r->start_line < l || (r->start_line == l && r->start_column <= c);
      const bool before_end = l < r->end_line || (l == r->end_line && c < r->end_column);
      SMCACHE_FUZZ_CHECK(after_start && before_end,
                         "valid cache: enclosing_scope_range(%u, %u) gave [%u:%u, %u:%u)", l, c,
                         r->start_line, r->start_column, r->end_line, r->end_column);
    }
    for (std::uint32_t steps = 0; r; ++steps) {
      SMCACHE_FUZZ_CHECK(steps <= scope_ranges, "scope range chain at %u:%u does not end", l, c);
      if (r->name) sum += touch(*r->name);
      r = cache.parent_scope_range(*r);
    }
  };
  for (std::size_t k = 0; k < seen.size(); k += 1 + seen.size() / 64) {
    chain(seen[k].generated_line, seen[k].generated_column);
  }
  for (int k = 0; k < 16; ++k) {
    chain(static_cast<std::uint32_t>(rng.below(64)), static_cast<std::uint32_t>(rng.below(128)));
  }

  // Generated functions (the optional `generated_functions` section of format 1.3): records, and
  // the innermost function at generated positions from tokens and at random.
  const std::uint32_t generated = cache.generated_function_count();
  for (std::uint32_t i = 0; i < std::min(generated, kMaxFunctions) + 1; ++i) {
    const auto g = cache.generated_function(i);
    SMCACHE_FUZZ_CHECK(i < generated || !g, "generated_function(%u) past %u has a value", i,
                       generated);
    if (valid && i < generated) {
      SMCACHE_FUZZ_CHECK(g, "valid cache: generated_function(%u) missing", i);
    }
    if (g && g->name) sum += touch(*g->name);
  }
  const auto generated_at = [&](std::uint32_t l, std::uint32_t c) {
    const auto g = cache.generated_function_at(l, c);
    if (g && valid) {
      const bool after_start = g->start_line < l || (g->start_line == l && g->start_column <= c);
      const bool before_end = l < g->end_line || (l == g->end_line && c < g->end_column);
      SMCACHE_FUZZ_CHECK(after_start && before_end,
                         "valid cache: generated_function_at(%u, %u) gave [%u:%u, %u:%u)", l, c,
                         g->start_line, g->start_column, g->end_line, g->end_column);
    }
    if (g && g->name) sum += touch(*g->name);
  };
  for (std::size_t k = 0; k < seen.size(); k += 1 + seen.size() / 64) {
    generated_at(seen[k].generated_line, seen[k].generated_column);
  }
  for (int k = 0; k < 16; ++k) {
    generated_at(static_cast<std::uint32_t>(rng.below(64)),
                 static_cast<std::uint32_t>(rng.below(128)));
  }

  const std::uint32_t far = static_cast<std::uint32_t>(rng.next());
  if (const auto line = cache.source_line(far, static_cast<std::uint32_t>(rng.next()))) {
    sum += touch(*line);
  }
  keep(sum);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::uint64_t seed = smcache::fuzz::seed_of(data, size);
  exercise(std::span<const std::uint8_t>(data, size), seed);
  std::vector<std::uint8_t> fixed(data, data + size);
  if (fix_checksums(fixed) && !std::equal(fixed.begin(), fixed.end(), data)) {
    exercise(fixed, seed);
  }
  return 0;
}
