// Fuzz target: the converter on arbitrary bytes as a JSON source map. When compile() succeeds,
// the cache must open and pass verify() (writer output is always well formed, SPEC B.3), and it
// must say what the parsed model says: every token, source, name and line, and the answers of
// lookup() and original_positions() computed naively from the model, and its scope ranges. A second
// compile with another block size (derived from the input) and without sourcesContent must agree,
// and compile() must be deterministic. When it fails, the error must be one compile() documents.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <smcache/converter/compile.hpp>
#include <smcache/converter/model.hpp>
#include <smcache/format/checksum.hpp>
#include <smcache/reader/cache.hpp>

#include "fuzz_support.hpp"

namespace {

using smcache::Bias;
using smcache::Cache;
using smcache::RawToken;
using smcache::SourceMapModel;
using smcache::Token;

// Inputs are small (libFuzzer's -max_len), but a small index map can still claim a huge line
// offset: keep every compile within a budget that cannot exhaust the fuzzer's memory limit.
constexpr std::uint64_t kMaxTokens = std::uint64_t{1} << 20;
// Lookups and token comparisons per cache: enough for every token of a typical fuzz input.
constexpr std::size_t kMaxCheckedTokens = 4096;

struct Pos {
  std::uint32_t line, column;
  friend bool operator<(const Pos& a, const Pos& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  }
};

// The model, flattened: generated position of each token, and the line count a cache keeps
// (trailing lines without tokens are dropped, SPEC §6.6).
struct Expected {
  const SourceMapModel* model;
  std::vector<Pos> pos;
  std::uint32_t line_count = 0;
};

Expected flatten(const SourceMapModel& m) {
  Expected e{&m, {}, 0};
  const auto& lo = m.line_offsets;
  SMCACHE_FUZZ_CHECK(!lo.empty() && lo.front() == 0 && lo.back() == m.tokens.size(),
                     "model line_offsets do not span the tokens");
  e.pos.reserve(m.tokens.size());
  for (std::size_t line = 0; line + 1 < lo.size(); ++line) {
    SMCACHE_FUZZ_CHECK(lo[line] <= lo[line + 1], "model line_offsets decrease at %zu", line);
    for (std::uint32_t i = lo[line]; i < lo[line + 1]; ++i) {
      e.pos.push_back(Pos{static_cast<std::uint32_t>(line), m.tokens[i].generated_column});
      if (i > lo[line]) {
        SMCACHE_FUZZ_CHECK(m.tokens[i - 1].generated_column <= m.tokens[i].generated_column,
                           "model line %zu not sorted", line);
      }
    }
    if (lo[line + 1] > lo[line]) e.line_count = static_cast<std::uint32_t>(line + 1);
  }
  return e;
}

std::string_view source_name(const SourceMapModel& m, std::uint32_t s) {
  return m.sources[s] ? std::string_view(*m.sources[s]) : std::string_view();
}

// Token i of the model as the reader must return it.
void check_token(const Expected& e, std::size_t i, const Token& t, const char* what) {
  const SourceMapModel& m = *e.model;
  const RawToken& r = m.tokens[i];
  SMCACHE_FUZZ_CHECK(t.generated_line == e.pos[i].line && t.generated_column == r.generated_column,
                     "%s: token %zu at %u:%u, model %u:%u", what, i, t.generated_line,
                     t.generated_column, e.pos[i].line, r.generated_column);
  if (r.source_index == RawToken::kNoIndex) {
    SMCACHE_FUZZ_CHECK(!t.has_source() && t.line == 0 && t.column == 0 && !t.name,
                       "%s: token %zu must have no source", what, i);
    return;
  }
  SMCACHE_FUZZ_CHECK(t.source_index == r.source_index && t.line == r.line && t.column == r.column,
                     "%s: token %zu original %u %u:%u, model %u %u:%u", what, i, t.source_index,
                     t.line, t.column, r.source_index, r.line, r.column);
  SMCACHE_FUZZ_CHECK(t.source == source_name(m, r.source_index), "%s: token %zu source name", what,
                     i);
  SMCACHE_FUZZ_CHECK(t.ignored == static_cast<bool>(m.ignored[r.source_index]),
                     "%s: token %zu ignored flag", what, i);
  if (r.name_index == RawToken::kNoIndex) {
    SMCACHE_FUZZ_CHECK(!t.name, "%s: token %zu has a name, model none", what, i);
  } else {
    SMCACHE_FUZZ_CHECK(t.name && *t.name == m.names[r.name_index], "%s: token %zu name", what, i);
  }
}

// GLB/LUB over the model's flat positions (SPEC §9): the last token at the greatest column <= c
// (GLB) or at the smallest column >= c (LUB), on line l only. Returns the model index, or nothing.
std::optional<std::size_t> model_lookup(const Expected& e, std::uint32_t l, std::uint32_t c,
                                        Bias bias) {
  const auto& lo = e.model->line_offsets;
  if (l + std::size_t{1} >= lo.size()) return std::nullopt;
  const auto begin = e.pos.begin() + lo[l], end = e.pos.begin() + lo[l + 1];
  if (bias == Bias::greatest_lower_bound) {
    const auto it = std::upper_bound(begin, end, Pos{l, c});
    if (it == begin) return std::nullopt;
    return static_cast<std::size_t>(it - e.pos.begin()) - 1;
  }
  const auto first = std::lower_bound(begin, end, Pos{l, c});
  if (first == end) return std::nullopt;
  return static_cast<std::size_t>(std::upper_bound(first, end, *first) - e.pos.begin()) - 1;
}

void check_lookup(const Cache& cache, const Expected& e, std::uint32_t l, std::uint32_t c) {
  for (const Bias bias : {Bias::greatest_lower_bound, Bias::least_upper_bound}) {
    const std::optional<Token> got = cache.lookup(l, c, bias);
    std::optional<std::size_t> want = model_lookup(e, l, c, bias);
    // The answering segment without a source gives no answer, not an earlier one (SPEC §9).
    if (want && e.model->tokens[*want].source_index == RawToken::kNoIndex) want.reset();
    SMCACHE_FUZZ_CHECK(got.has_value() == want.has_value(), "lookup(%u, %u, %d): %s, model %s", l,
                       c, static_cast<int>(bias), got ? "answer" : "none",
                       want ? "answer" : "none");
    if (got) check_token(e, *want, *got, "lookup");
  }
  // ECMA-426 GetOriginalPositions: every token at the greatest position <= (l, c).
  const Cache::TokenRange range = cache.original_positions(l, c);
  const auto end = std::upper_bound(e.pos.begin(), e.pos.end(), Pos{l, c});
  std::size_t want_first = 0, want_last = 0;
  if (end != e.pos.begin()) {
    want_last = static_cast<std::size_t>(end - e.pos.begin());
    want_first =
        static_cast<std::size_t>(std::lower_bound(e.pos.begin(), end, *(end - 1)) - e.pos.begin());
  }
  SMCACHE_FUZZ_CHECK(range.size() == want_last - want_first &&
                         (range.empty() || (range.first == want_first && range.last == want_last)),
                     "original_positions(%u, %u) = [%u, %u), model [%zu, %zu)", l, c, range.first,
                     range.last, want_first, want_last);
}

// The function table (format 1.1, scanned from sourcesContent): enclosing_function() at token
// positions is the innermost record containing the position, found here by a linear scan (records
// are sorted by source and start, an enclosing record before the records it contains).
void check_functions(const Cache& cache, const Expected& e, std::size_t step) {
  const std::uint32_t count = cache.function_count();
  std::vector<smcache::FunctionInfo> records;
  records.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    const auto f = cache.function(i);
    SMCACHE_FUZZ_CHECK(f && f->index == i, "function(%u) of %u missing", i, count);
    SMCACHE_FUZZ_CHECK(f->source_index < e.model->sources.size() &&
                           e.model->sources_content[f->source_index].has_value(),
                       "function(%u): source %u has no content", i, f->source_index);
    records.push_back(*f);
  }
  const auto contains = [](const smcache::FunctionInfo& f, std::uint32_t s, std::uint32_t l,
                           std::uint32_t c) {
    return f.source_index == s &&
           (f.start_line < l || (f.start_line == l && f.start_column <= c)) &&
           (l < f.end_line || (l == f.end_line && c < f.end_column));
  };
  int queries = 0;
  for (std::size_t k = 0; k < e.model->tokens.size() && queries < 64; k += step) {
    const RawToken& t = e.model->tokens[k];
    if (t.source_index == RawToken::kNoIndex) continue;
    ++queries;
    std::optional<std::uint32_t> want;
    for (const auto& f : records) {
      if (contains(f, t.source_index, t.line, t.column)) want = f.index;
    }
    const auto got = cache.enclosing_function(t.source_index, t.line, t.column);
    SMCACHE_FUZZ_CHECK(got.has_value() == want.has_value() && (!got || got->index == *want),
                       "enclosing_function(%u, %u, %u) = %d, linear scan %d", t.source_index,
                       t.line, t.column, got ? static_cast<int>(got->index) : -1,
                       want ? static_cast<int>(*want) : -1);
  }
}

// The scope ranges (format 1.2, from the map's `scopes`, index-map sections included): one record
// per non-empty model range, in model order, at the same generated positions; or none at all
// (a range nests deeper than 64, SPEC §6.11.1). verify() has checked their order and nesting.
void check_scope_ranges(const Cache& cache, const SourceMapModel& m) {
  std::vector<const smcache::GeneratedRange*> nonempty;
  for (const auto& r : m.scopes.ranges) {
    if (r.start < r.end) nonempty.push_back(&r);
  }
  const std::uint32_t count = cache.scope_range_count();
  SMCACHE_FUZZ_CHECK(count == 0 || count == nonempty.size(), "%u scope ranges, model %zu", count,
                     nonempty.size());
  for (std::uint32_t i = 0; i < count && i < kMaxCheckedTokens; ++i) {
    const auto got = cache.scope_range(i);
    SMCACHE_FUZZ_CHECK(got && got->index == i, "scope_range(%u) of %u missing", i, count);
    const smcache::GeneratedRange& want = *nonempty[i];
    SMCACHE_FUZZ_CHECK(got->start_line == want.start.line &&
                           got->start_column == want.start.column &&
                           got->end_line == want.end.line && got->end_column == want.end.column,
                       "scope_range(%u) at (%u, %u)-(%u, %u), model (%u, %u)-(%u, %u)", i,
                       got->start_line, got->start_column, got->end_line, got->end_column,
                       want.start.line, want.start.column, want.end.line, want.end.column);
  }
}

void check_cache(const std::vector<std::uint8_t>& bytes, const Expected& e,
                 const smcache::CompileOptions& options, std::span<const std::uint8_t> input) {
  const SourceMapModel& m = *e.model;
  auto opened = Cache::from_bytes(bytes);
  SMCACHE_FUZZ_CHECK(opened.ok(), "compiled cache does not open: %s",
                     opened.ok() ? "" : opened.error().message.c_str());
  const Cache& cache = *opened;
  const auto verified = cache.verify();
  SMCACHE_FUZZ_CHECK(verified.ok(), "compiled cache fails verify(): %s",
                     verified.ok() ? "" : verified.error().message.c_str());

  const smcache::CacheInfo info = cache.info();
  SMCACHE_FUZZ_CHECK(info.token_count == m.tokens.size() && cache.token_count() == m.tokens.size(),
                     "token_count %u, model %zu", info.token_count, m.tokens.size());
  SMCACHE_FUZZ_CHECK(info.generated_line_count == e.line_count, "generated_line_count %u, model %u",
                     info.generated_line_count, e.line_count);
  SMCACHE_FUZZ_CHECK(
      info.source_count == m.sources.size() && cache.source_count() == m.sources.size(),
      "source_count %u, model %zu", info.source_count, m.sources.size());
  SMCACHE_FUZZ_CHECK(info.name_count == m.names.size(), "name_count %u, model %zu", info.name_count,
                     m.names.size());
  SMCACHE_FUZZ_CHECK(info.block_token_count == options.block_token_count, "block_token_count %u",
                     info.block_token_count);
  SMCACHE_FUZZ_CHECK(
      info.file.has_value() == m.file.has_value() && (!m.file || *info.file == *m.file),
      "file differs");
  SMCACHE_FUZZ_CHECK(info.debug_id.has_value() == m.debug_id.has_value() &&
                         (!m.debug_id || *info.debug_id == *m.debug_id),
                     "debug_id differs");
  SMCACHE_FUZZ_CHECK(info.input_hash == smcache::format::input_hash(input.data(), input.size()),
                     "input_hash is not the hash of the input bytes");

  // Sources: names, flags, content, and every line of the content.
  for (std::uint32_t s = 0; s < m.sources.size(); ++s) {
    const auto src = cache.source(s);
    SMCACHE_FUZZ_CHECK(src.has_value(), "source(%u) has no value", s);
    SMCACHE_FUZZ_CHECK(src->name.has_value() == m.sources[s].has_value() &&
                           (!m.sources[s] || *src->name == *m.sources[s]),
                       "source(%u) name differs", s);
    SMCACHE_FUZZ_CHECK(src->ignored == static_cast<bool>(m.ignored[s]), "source(%u) ignored", s);
    const auto& content = m.sources_content[s];
    const bool want_content = options.include_sources_content && content.has_value();
    SMCACHE_FUZZ_CHECK(
        src->content.has_value() == want_content && (!want_content || *src->content == *content),
        "source(%u) content differs", s);
    if (!want_content) {
      SMCACHE_FUZZ_CHECK(src->line_count == 0 && !cache.source_line(s, 0), "source(%u) lines", s);
      continue;
    }
    // The lines, each followed by its terminator, rebuild the content exactly.
    std::string_view rest = *content;
    for (std::uint32_t k = 0; k < src->line_count; ++k) {
      const auto line = cache.source_line(s, k);
      SMCACHE_FUZZ_CHECK(line.has_value(), "source_line(%u, %u) missing of %u", s, k,
                         src->line_count);
      SMCACHE_FUZZ_CHECK(rest.substr(0, line->size()) == *line, "source_line(%u, %u) text", s, k);
      rest.remove_prefix(line->size());
      if (k + 1 == src->line_count) break;
      std::size_t t = 0;
      if (rest.starts_with("\r\n")) {
        t = 2;
      } else if (rest.starts_with("\n") || rest.starts_with("\r")) {
        t = 1;
      } else if (rest.starts_with("\xE2\x80\xA8") || rest.starts_with("\xE2\x80\xA9")) {
        t = 3;
      }
      SMCACHE_FUZZ_CHECK(t > 0, "source_line(%u, %u) not followed by a line terminator", s, k);
      rest.remove_prefix(t);
    }
    SMCACHE_FUZZ_CHECK(rest.empty(), "source %u: %zu bytes after the last line", s, rest.size());
    SMCACHE_FUZZ_CHECK(!cache.source_line(s, src->line_count), "source_line past the end");
  }
  SMCACHE_FUZZ_CHECK(!cache.source(static_cast<std::uint32_t>(m.sources.size())),
                     "source past the end has a value");

  // Tokens: iteration and random access agree with the model.
  std::size_t i = 0;
  cache.for_each_token([&](const Token& t) {
    SMCACHE_FUZZ_CHECK(i < m.tokens.size(), "for_each_token gives more than %zu tokens",
                       m.tokens.size());
    check_token(e, i, t, "for_each_token");
    ++i;
  });
  SMCACHE_FUZZ_CHECK(i == m.tokens.size(), "for_each_token gave %zu of %zu tokens", i,
                     m.tokens.size());
  const std::size_t step = std::max<std::size_t>(1, m.tokens.size() / kMaxCheckedTokens);
  for (std::size_t k = 0; k < m.tokens.size(); k += step) {
    const auto t = cache.token(static_cast<std::uint32_t>(k));
    SMCACHE_FUZZ_CHECK(t.has_value(), "token(%zu) missing", k);
    check_token(e, k, *t, "token");
  }
  SMCACHE_FUZZ_CHECK(!cache.token(static_cast<std::uint32_t>(m.tokens.size())),
                     "token past the end has a value");

  // Lookups at, just before and just after every (sampled) token, and at both ends of lines.
  for (std::size_t k = 0; k < m.tokens.size(); k += step) {
    const Pos p = e.pos[k];
    check_lookup(cache, e, p.line, p.column);
    check_lookup(cache, e, p.line, p.column + 1);
    if (p.column > 0) check_lookup(cache, e, p.line, p.column - 1);
  }
  check_functions(cache, e, step);
  check_scope_ranges(cache, m);
  for (std::uint32_t l = 0; l <= e.line_count + 1 && l < kMaxCheckedTokens; ++l) {
    check_lookup(cache, e, l, 0);
    check_lookup(cache, e, l, 0xFFFFFFFFu);
  }
}

bool documented_compile_error(smcache::Errc c) {
  using smcache::Errc;
  return c == Errc::invalid_json || c == Errc::invalid_field || c == Errc::invalid_mappings ||
         c == Errc::invalid_index_map || c == Errc::limit_exceeded;
}

// Messages are lower case, say what and where, end without a period, and carry no raw control
// byte (they reach terminals and logs; bytes from the map must be escaped).
void check_message(const smcache::Error& err) {
  const std::string& msg = err.message;
  SMCACHE_FUZZ_CHECK(!msg.empty() && msg.back() != '.' && msg.back() != '\n',
                     "badly formed message '%s'", msg.c_str());
  for (const char ch : msg) {
    const auto u = static_cast<unsigned char>(ch);
    SMCACHE_FUZZ_CHECK(u >= 0x20 && u != 0x7F, "message holds raw byte 0x%02x: '%s'", u,
                       msg.c_str());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  smcache::CompileOptions options;
  options.max_tokens = kMaxTokens;

  auto compiled = smcache::compile(input, options);
  auto model = smcache::parse_source_map(input, options);
  SMCACHE_FUZZ_CHECK(
      compiled.ok() == model.ok(), "compile() %s but parse_source_map() %s: %s",
      compiled.ok() ? "succeeds" : "fails", model.ok() ? "succeeds" : "fails",
      compiled.ok() ? model.error().message.c_str() : compiled.error().message.c_str());
  if (!compiled.ok()) {
    const smcache::Error& err = compiled.error();
    SMCACHE_FUZZ_CHECK(documented_compile_error(err.code), "undocumented error %s: %s",
                       smcache::errc_name(err.code), err.message.c_str());
    SMCACHE_FUZZ_CHECK(err.code == model.error().code && err.message == model.error().message,
                       "compile() and parse_source_map() disagree: '%s' vs '%s'",
                       err.message.c_str(), model.error().message.c_str());
    check_message(err);
    return 0;
  }

  // Deterministic: the same input and options give the same bytes.
  auto again = smcache::compile(input, options);
  SMCACHE_FUZZ_CHECK(again.ok() && *again == *compiled, "compile() is not deterministic");

  const Expected expected = flatten(*model);
  check_cache(*compiled, expected, options, input);

  // Another block size, 1..4096, chosen by the input, and no sourcesContent. The model is parsed
  // again with these options: without content, sources of an index map that differed only in
  // their content merge.
  smcache::CompileOptions other = options;
  other.block_token_count = 1u << (smcache::fuzz::seed_of(data, size) % 13);
  other.include_sources_content = false;
  auto small = smcache::compile(input, other);
  auto small_model = smcache::parse_source_map(input, other);
  SMCACHE_FUZZ_CHECK(
      small.ok() && small_model.ok(),
      "compile() with block_token_count %u and no content fails: %s", other.block_token_count,
      small.ok() ? small_model.error().message.c_str() : small.error().message.c_str());
  check_cache(*small, flatten(*small_model), other, input);
  return 0;
}
