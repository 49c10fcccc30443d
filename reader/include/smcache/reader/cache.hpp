// Public reader API: open an smcache file (mmap or caller-owned bytes) and answer lookups.
//
// Header-only. A Cache is immutable after open: any number of threads may call its const
// methods at once, with no locking. Lookups never allocate and never read outside the mapping,
// whatever the file holds (SPEC.md §8: checks at open, at use, and in verify()).
//
// Lines and columns are 0-based everywhere. Generated and original columns count UTF-16 code
// units, as JavaScript engines and source maps do.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include <smcache/format/checksum.hpp>
#include <smcache/format/error.hpp>
#include <smcache/format/layout.hpp>

namespace smcache {

// Which mapping answers a query (SPEC.md §9).
enum class Bias : std::uint8_t {
  // The last mapping with the greatest generated column <= the query column, on the query's
  // line only (Mozilla source-map's default GREATEST_LOWER_BOUND, trace-mapping's default).
  greatest_lower_bound = 0,
  // The last mapping with the smallest generated column >= the query column, same line only.
  least_upper_bound = 1,
};

// One mapping, as lookups and iteration return it. Strings point into the cache's bytes and stay
// valid while the Cache (or the buffer given to from_bytes) lives.
struct Token {
  std::uint32_t generated_line = 0;    // 0-based
  std::uint32_t generated_column = 0;  // 0-based, UTF-16 code units
  // The rest is meaningful only when has_source() (a 1-field segment has no source).
  std::uint32_t source_index = format::kNone;  // into sources(); kNone without source
  std::uint32_t line = 0;                      // original line, 0-based
  std::uint32_t column = 0;                    // original column, 0-based
  std::string_view source;                     // the source's name ("" for a null name)
  std::optional<std::string_view> name;        // from `names`, if the segment has one
  bool ignored = false;                        // the source is in the ignore list
  bool has_source() const noexcept { return source_index != format::kNone; }
};

struct SourceInfo {
  std::uint32_t index = 0;
  std::optional<std::string_view> name;     // sourceRoot-joined; nullopt for a null source
  std::optional<std::string_view> content;  // sourcesContent; nullopt when absent
  std::uint32_t line_count = 0;             // lines of content (0 without content)
  bool ignored = false;
};

// A function of an original source (the `functions` section, format 1.1): where it is and the
// name people read for it (SPEC.md §6.10). Positions are 0-based, columns in UTF-16 code units;
// the range is [start, end), end exclusive. The name points into the cache's bytes.
struct FunctionInfo {
  std::uint32_t index = 0;         // record index, for function(index)
  std::uint32_t source_index = 0;  // into sources()
  std::uint32_t start_line = 0, start_column = 0;
  std::uint32_t end_line = 0, end_column = 0;
  std::optional<std::string_view> name;  // nullopt: an anonymous function ("<anonymous>")
  std::uint32_t parent = format::kNone;  // record index of the enclosing function, or kNone
};

// One generated range of the map's ECMA-426 `scopes` (SPEC §6.11): a range of generated
// positions [start, end), 0-based, columns in UTF-16 code units.
struct ScopeRange {
  std::uint32_t index = 0;  // record index, for scope_range(index)
  std::uint32_t start_line = 0, start_column = 0;
  std::uint32_t end_line = 0, end_column = 0;
  // The innermost original function around the range's definition; nullopt when there is none
  // or it is anonymous (is_function() tells which).
  std::optional<std::string_view> name;
  std::uint32_t parent = format::kNone;  // record index of the enclosing range, or kNone
  // Inlined code: the original position of the call that was inlined (source_index kNone: the
  // range is not an inlined function body).
  std::uint32_t call_site_source_index = format::kNone;
  std::uint32_t call_site_line = 0, call_site_column = 0;
  std::uint32_t flags = 0;  // format::kScopeRange* bits
  bool has_definition() const noexcept { return (flags & format::kScopeRangeDefined) != 0; }
  bool is_function() const noexcept { return (flags & format::kScopeRangeFunction) != 0; }
  bool is_hidden() const noexcept { return (flags & format::kScopeRangeHidden) != 0; }
  bool is_inlined() const noexcept { return call_site_source_index != format::kNone; }
};

// A function of the generated (minified) file (the `generated_functions` section, format 1.3,
// SPEC §6.12): a range of generated positions [start, end), 0-based, columns in UTF-16 code
// units, and the original name the converter resolved for it through the map.
struct GeneratedFunction {
  std::uint32_t index = 0;  // record index, for generated_function(index)
  std::uint32_t start_line = 0, start_column = 0;
  std::uint32_t end_line = 0, end_column = 0;
  std::optional<std::string_view> name;  // nullopt: anonymous, or no name resolved through the map
  std::uint32_t parent = format::kNone;  // record index of the enclosing function, or kNone
};

struct CacheInfo {
  std::uint16_t format_major = 0, format_minor = 0;
  std::uint32_t semantics_version = 0;
  std::uint64_t file_size = 0;
  std::uint32_t generated_line_count = 0;
  std::uint32_t token_count = 0;
  std::uint32_t source_count = 0;
  std::uint32_t string_count = 0;
  std::uint32_t name_count = 0;
  std::uint32_t block_token_count = 0;
  std::optional<std::string_view> file;
  std::optional<std::string_view> debug_id;
  format::Hash128 input_hash;
};

struct SectionView {
  std::uint32_t id = 0;
  std::string_view name;  // "token_data"; "unknown" for ids this reader does not know
  std::uint64_t offset = 0, size = 0, checksum = 0;
};

class Cache {
 public:
  // Maps `path` read-only (Boost.Interprocess file_mapping + mapped_region) and validates the
  // header and directory: O(number of sections), no section page touched. Errors: io (with the
  // path and errno), not_a_cache, truncated, unsupported_version, unsupported_feature, corrupt.
  // The file must not be truncated by another process while mapped (SIGBUS): replace cache
  // files by rename, never in place.
  static Result<Cache> open(const std::filesystem::path& path);

  // Same checks over caller-owned bytes, which must outlive the Cache and stay unchanged.
  // No copy is made.
  static Result<Cache> from_bytes(std::span<const std::uint8_t> bytes);

  Cache(Cache&&) noexcept;
  Cache& operator=(Cache&&) noexcept;
  ~Cache();

  // The mapping that covers generated (line, column), per `bias`; nullopt when none does (no
  // mapping on that line on the bias's side, or the answering segment has no source).
  // O(log n), no allocation.
  std::optional<Token> lookup(std::uint32_t line, std::uint32_t column,
                              Bias bias = Bias::greatest_lower_bound) const noexcept;

  // ECMA-426 GetOriginalPositions: the mappings at the greatest generated position <= (line,
  // column), searching back across earlier lines when the query's line has none before the
  // column. Returns the token index range [first, last) of every mapping at that position (all
  // share it); empty when there is no such position. Use token(i) to read them.
  struct TokenRange {
    std::uint32_t first = 0, last = 0;
    bool empty() const noexcept { return first >= last; }
    std::uint32_t size() const noexcept { return empty() ? 0 : last - first; }
  };
  TokenRange original_positions(std::uint32_t line, std::uint32_t column) const noexcept;

  // Token i in generated order (line, then column), i < token_count(). Tokens without a source
  // are included (has_source() false). Out of range or corrupt: nullopt.
  std::optional<Token> token(std::uint32_t i) const noexcept;
  std::uint32_t token_count() const noexcept;

  // Calls f(const Token&) for every token in order; stops early if f returns false (f may also
  // return void). What eachMapping gives, 1-field segments included.
  template <class F>
  void for_each_token(F&& f) const;

  std::uint32_t source_count() const noexcept;
  std::optional<SourceInfo> source(std::uint32_t index) const noexcept;
  // Line `line` (0-based) of source `index`'s content without its terminator; lines split at
  // \n, \r\n, \r, U+2028 and U+2029. nullopt when the source has no content or the line is past
  // its end. O(1).
  std::optional<std::string_view> source_line(std::uint32_t index,
                                              std::uint32_t line) const noexcept;

  // Functions of the original sources (format 1.1 `functions` section; 0 when the file has
  // none: an older file, a map without sourcesContent, or sources the converter does not scan).
  std::uint32_t function_count() const noexcept;
  // Record `index` < function_count(); nullopt out of range or if its name is unreadable.
  std::optional<FunctionInfo> function(std::uint32_t index) const noexcept;
  // The innermost function of source `source_index` whose range contains original (line,
  // column), both 0-based, column in UTF-16 code units: what names a stack frame whose position
  // maps there. nullopt when no function contains it (top-level code), the file has no function
  // table, or the records it reads are corrupt. O(log function_count + 64), no allocation.
  std::optional<FunctionInfo> enclosing_function(std::uint32_t source_index, std::uint32_t line,
                                                 std::uint32_t column) const noexcept;

  // Generated ranges of the map's `scopes` (SPEC §6.11); 0 when the file has none.
  std::uint32_t scope_range_count() const noexcept;
  // Record `index`; nullopt when index >= scope_range_count() or its name is unreadable.
  std::optional<ScopeRange> scope_range(std::uint32_t index) const noexcept;
  // The innermost range containing generated (line, column), both 0-based, column in UTF-16 code
  // units; nullopt when none does, the file has no ranges, or the records read are corrupt.
  // Its enclosing ranges, innermost outward: parent_scope_range() until nullopt.
  // O(log scope_range_count + 64), no allocation.
  std::optional<ScopeRange> enclosing_scope_range(std::uint32_t line,
                                                  std::uint32_t column) const noexcept;
  // The range enclosing `range` (its parent); nullopt at top level, or when the parent index is
  // not less than range.index (R-SCP-4 at use: a chain always ends). No allocation.
  std::optional<ScopeRange> parent_scope_range(const ScopeRange& range) const noexcept;

  // Functions of the generated file (SPEC §6.12); 0 when the file has none (compiled without
  // the generated code, an older file, or a generated file the converter could not scan).
  std::uint32_t generated_function_count() const noexcept;
  // Record `index`; nullopt when index >= generated_function_count() or its name is unreadable.
  std::optional<GeneratedFunction> generated_function(std::uint32_t index) const noexcept;
  // The innermost generated function whose range contains generated (line, column), both 0-based,
  // column in UTF-16 code units; nullopt when none does, the file has no table, or the records
  // read are corrupt. Its enclosing functions: generated_function(parent) while parent < index.
  // O(log generated_function_count + 64), no allocation.
  std::optional<GeneratedFunction> generated_function_at(std::uint32_t line,
                                                         std::uint32_t column) const noexcept;

  CacheInfo info() const noexcept;
  std::span<const SectionView> sections() const noexcept;
  std::span<const std::uint8_t> bytes() const noexcept;

  // Every checksum and every cross-reference (line index monotone, columns sorted, indices in
  // range, string offsets monotone, function, scope range and generated function records sorted
  // and nested). O(file size). Errors:
  // checksum_mismatch, corrupt.
  Result<Ok> verify() const;

  // Brings every page of the cache into memory now (madvise(MADV_WILLNEED) on the mapping, then
  // one read per page), so the first lookups of a latency-critical reader do not wait on the
  // disk. O(file size / page size); returns the number of pages touched. Safe to call from any
  // thread at any time; it changes nothing the lookups see.
  std::uint64_t prefault() const noexcept;

 private:
  struct Impl;
  explicit Cache(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

}  // namespace smcache

#include <smcache/reader/detail/cache_impl.hpp>
