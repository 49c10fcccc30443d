// The decoded source map that the JSON parser produces and the cache builder consumes.
//
// Not part of the stable API: tests and tools use it to build caches from data made in code.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <smcache/converter/compile.hpp>
#include <smcache/format/checksum.hpp>
#include <smcache/format/error.hpp>

namespace smcache {

// One decoded segment. Generated line is implied by SourceMapModel::line_offsets.
struct RawToken {
  std::uint32_t generated_column = 0;     // UTF-16 code units, 0-based
  std::uint32_t source_index = kNoIndex;  // into SourceMapModel::sources; kNoIndex: 1-field segment
  std::uint32_t line = 0;                 // original line, 0-based (0 without source)
  std::uint32_t column = 0;               // original column, 0-based (0 without source)
  std::uint32_t name_index = kNoIndex;    // into SourceMapModel::names; kNoIndex: no name
  static constexpr std::uint32_t kNoIndex = 0xFFFFFFFFu;
  friend bool operator==(const RawToken&, const RawToken&) = default;
};

// ---------------------------------------------------------------------------------------------
// ECMA-426 `scopes` proposal (Stage 3), decoded by converter/src/scopes.cpp from either encoding
// (the single `scopes` string, or per-source `scopes` strings plus `ranges`). Both trees are
// stored flat in pre-order, each record naming its parent, so a record's index is fixed when its
// start item is read and children follow their parent. Lines and columns are 0-based; columns of
// generated ranges count UTF-16 code units like the mappings. Name fields index
// SourceMapModel::names, kNoScopeIndex meaning none.
// ---------------------------------------------------------------------------------------------
inline constexpr std::uint32_t kNoScopeIndex = 0xFFFFFFFFu;

struct ScopePosition {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  friend bool operator==(const ScopePosition&, const ScopePosition&) = default;
  friend auto operator<=>(const ScopePosition&, const ScopePosition&) = default;
};

// An Original Scope Record: a lexical scope of one original source.
struct OriginalScope {
  std::uint32_t source_index = 0;            // into SourceMapModel::sources
  ScopePosition start;                       // inclusive
  ScopePosition end;                         // exclusive
  std::uint32_t name_index = kNoScopeIndex;  // [[Name]]
  std::uint32_t kind_index = kNoScopeIndex;  // [[Kind]] ("function", "block", ...: informative)
  bool is_stack_frame = false;               // [[IsStackFrame]]: a function, method, ...
  std::uint32_t parent = kNoScopeIndex;      // index in ScopesModel::scopes, < own index
  std::uint32_t variables_offset = 0;        // [[Variables]]: ScopesModel::variables[offset ..
  std::uint32_t variable_count = 0;          //   offset + count), name indices
  friend bool operator==(const OriginalScope&, const OriginalScope&) = default;
};

enum class StackFrameType : std::uint8_t { none = 0, original = 1, hidden = 2 };

// A Binding Record of a generated range: from `from` on (until the next record of the same
// variable or the range's end) the variable's value is the expression `expression_index`
// (kNoScopeIndex: unavailable).
struct ScopeBinding {
  std::uint32_t variable = 0;  // index into the definition's variables
  ScopePosition from;
  std::uint32_t expression_index = kNoScopeIndex;
  friend bool operator==(const ScopeBinding&, const ScopeBinding&) = default;
};

// A Generated Range Record: a range of the generated code, maybe tied to an original scope.
struct GeneratedRange {
  ScopePosition start;                       // inclusive
  ScopePosition end;                         // exclusive
  std::uint32_t definition = kNoScopeIndex;  // [[Definition]]: index in ScopesModel::scopes
  StackFrameType stack_frame_type = StackFrameType::none;
  bool has_call_site = false;          // [[CallSite]] present: an inlined function body
  std::uint32_t call_site_source = 0;  //   its original position (source index, line,
  std::uint32_t call_site_line = 0;    //   column), valid when has_call_site
  std::uint32_t call_site_column = 0;
  std::uint32_t parent = kNoScopeIndex;  // index in ScopesModel::ranges, < own index
  std::uint32_t variable_count = 0;      // length of [[Bindings]] (the `G` item's count)
  std::uint32_t bindings_offset = 0;     // ScopesModel::bindings[offset .. offset + count),
  std::uint32_t binding_count = 0;       //   sorted by variable, then in encoded order
  friend bool operator==(const GeneratedRange&, const GeneratedRange&) = default;
};

struct ScopesModel {
  std::vector<OriginalScope> scopes;     // grouped by source (an index map: by section, then
                                         // by source), pre-order in each
  std::vector<std::uint32_t> variables;  // name indices; kNoScopeIndex never occurs
  std::vector<GeneratedRange> ranges;    // pre-order; roots and siblings in generated order
                                         // (an index map: section by section, none overlapping)
  std::vector<ScopeBinding> bindings;
  bool empty() const noexcept { return scopes.empty() && ranges.empty(); }
  friend bool operator==(const ScopesModel&, const ScopesModel&) = default;
};

struct SourceMapModel {
  std::optional<std::string> file;
  std::optional<std::string> debug_id;
  // sourceRoot already joined; std::nullopt for a null entry.
  std::vector<std::optional<std::string>> sources;
  // Same length as sources; std::nullopt where sourcesContent is absent or null.
  std::vector<std::optional<std::string>> sources_content;
  // Same length as sources.
  std::vector<bool> ignored;
  std::vector<std::string> names;
  // Tokens of generated line L are tokens[line_offsets[L] .. line_offsets[L+1]), sorted by
  // generated column (stable: segments at one position keep their order in `mappings`).
  // line_offsets.size() == generated line count + 1; line_offsets.back() == tokens.size().
  std::vector<RawToken> tokens;
  std::vector<std::uint32_t> line_offsets{0};
  // The `scopes` proposal data, empty when the map has none or when it was dropped (warnings).
  ScopesModel scopes;
  // Problems that did not stop the compile, one message each ("scopes: item 4 (byte 17): ...,
  // scopes ignored"). Deterministic: same input, same warnings.
  std::vector<std::string> warnings;
};

// Parses JSON source map bytes (regular or index map) into a model. Errors as compile().
Result<SourceMapModel> parse_source_map(std::span<const std::uint8_t> map_json,
                                        const CompileOptions& options = {});

// Lays out the cache file bytes for a model (SPEC.md §4-§7). Errors: invalid_argument when the
// model is inconsistent (an index out of range), limit_exceeded past the format's u32 limits.
Result<std::vector<std::uint8_t>> build_cache(const SourceMapModel& model,
                                              format::Hash128 input_hash,
                                              const CompileOptions& options = {});

}  // namespace smcache
