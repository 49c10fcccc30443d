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
