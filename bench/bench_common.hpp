// Shared by smcache_bench and smcache_sizes: the pinned real maps (bench/maps.tsv), a synthetic
// map generator, and an independent reference decoder that every benchmark checks its answers
// against (a speed figure over wrong answers is worthless).
//
// The reference decodes `mappings` with its own VLQ decoder (not the converter's) and answers
// lookups by a plain binary search over decoded tokens, with the semantics of SPEC.md §9: on the
// query's generated line, the last token with the greatest column <= the query column; nothing
// when that token has no source.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <smcache/reader/cache.hpp>

namespace smcache::bench {

inline constexpr std::uint32_t kNone = 0xFFFFFFFFu;

// One row of bench/maps.tsv.
struct MapPin {
  std::string id, package, version, path, sha256;
  std::uint64_t bytes = 0;
  std::string producer, sources_content, shape;
};

// Where bench/maps.tsv and the fetched maps are: SMCACHE_BENCH_DATA (the data dir, as
// scripts/fetch-maps.sh uses it) or the compiled-in default <source>/bench/.data.
std::filesystem::path default_pins_path();
std::filesystem::path default_data_dir();
// Reads the pin list. Errors: a message in `error`, empty result.
std::vector<MapPin> read_pins(const std::filesystem::path& pins, std::string& error);
// <data_dir>/maps/<id>.map
std::filesystem::path map_path(const std::filesystem::path& data_dir, const MapPin& pin);

std::optional<std::vector<std::uint8_t>> read_bytes(const std::filesystem::path& path);
bool write_bytes(const std::filesystem::path& path, std::span<const std::uint8_t> bytes);

// A decoded segment; generated position included. source/name are kNone when absent.
struct RefToken {
  std::uint32_t generated_line = 0, generated_column = 0;
  std::uint32_t source = kNone, line = 0, column = 0, name = kNone;
};

struct ReferenceMap {
  // Sorted by generated line, then column (stable: equal positions keep mappings order).
  std::vector<RefToken> tokens;
  // Tokens of generated line L: [line_offsets[L], line_offsets[L+1]).
  std::vector<std::uint32_t> line_offsets{0};
  std::vector<std::string> names;
  std::uint32_t source_count = 0;
};

// Decodes a regular (non-index) source map. nullopt and `error` set on failure or index maps.
std::optional<ReferenceMap> decode_reference(std::span<const std::uint8_t> json,
                                             std::string& error);

// What a GLB lookup must answer: nullopt (no answer) or the answering token.
std::optional<RefToken> reference_lookup(const ReferenceMap& ref, std::uint32_t line,
                                         std::uint32_t column);

// "" when `got` is what `want` says, else a description of the difference.
std::string compare(const ReferenceMap& ref, const std::optional<RefToken>& want,
                    const std::optional<Token>& got);

// Checks every token of the cache against the reference, in order. "" when all agree.
std::string compare_all_tokens(const ReferenceMap& ref, const Cache& cache);

// A cheap fold of an answer, summed in timed loops and compared with the reference's sum.
inline std::uint64_t fold(std::uint32_t source, std::uint32_t line, std::uint32_t column) {
  return (std::uint64_t{source} + 1) * 0x9E3779B97F4A7C15ull ^ (std::uint64_t{line} << 32 | column);
}
inline std::uint64_t fold(const std::optional<Token>& t) {
  return t ? fold(t->source_index, t->line, t->column) : 0x51ED2701u;
}
inline std::uint64_t fold(const std::optional<RefToken>& t) {
  return t ? fold(t->source, t->line, t->column) : 0x51ED2701u;
}

struct Query {
  std::uint32_t line = 0, column = 0;
};

// Random queries (deterministic for a seed): half exactly on a random token's generated
// position, half at a random column (0 .. the line's last column + 16) of a random token's line.
// Count is a power of two so loops can index with a mask.
struct QuerySet {
  std::vector<Query> queries;
  std::vector<std::optional<RefToken>> expected;
  std::vector<std::uint64_t> prefix;  // prefix[i] = sum of fold(expected[0..i))
  std::uint64_t expected_sum(std::uint64_t n) const {
    const std::uint64_t q = queries.size();
    return (n / q) * prefix[q] + prefix[n % q];
  }
};
QuerySet make_queries(const ReferenceMap& ref, std::size_t count_pow2, std::uint64_t seed);

// Checks cache.lookup on every query against the reference. "" when all agree.
std::string check_queries(const ReferenceMap& ref, const QuerySet& qs, const Cache& cache);

// A synthetic map that looks like minified bundler output: a few long generated lines, many
// segments per line, most segments named, several sources, ~target_bytes of JSON. The generator
// keeps what it encodes as the reference.
struct SyntheticMap {
  std::string json;
  ReferenceMap ref;
};
SyntheticMap make_synthetic(std::size_t target_bytes, std::uint64_t seed);

// "1KB", "30MB"
std::string format_size(std::uint64_t bytes);

// Deterministic across platforms (std:: distributions are not).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed ? seed : 1) {}
  std::uint64_t next() {
    s_ ^= s_ << 13;
    s_ ^= s_ >> 7;
    s_ ^= s_ << 17;
    return s_ * 0x2545F4914F6CDD1Dull;
  }
  // Uniform in [0, n), n > 0.
  std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>((next() >> 32) * n >> 32);
  }

 private:
  std::uint64_t s_;
};

}  // namespace smcache::bench
