// JSON source map (ECMA-426 regular or index map) -> SourceMapModel: RapidJSON DOM, field
// validation with the offending field in every message, sourceRoot joining, index-map flattening.
//
// Decisions where ECMA-426 leaves room ("optionally report an error") or is silent:
// - Every "optionally report an error" is an error, as the conformance suite expects. A `null`
//   optional field (file, sourceRoot, sourcesContent, names, ignoreList, debugId) counts as
//   absent: generators serialize "no value" as null.
// - version must be the number 3 (3.0 too: JSON does not tell them apart).
// - sourceRoot: no URL resolution (a file compile has no base URL). An empty sourceRoot adds
//   nothing; a non-empty one is prepended, with a '/' between them unless the root ends with '/'
//   or the source starts with '/' (Mozilla source-map and Chrome; the spec's algorithm would turn
//   an empty root into "/" and always insert the '/').
// - sourcesContent: extra entries are type-checked and ignored, missing ones are null (spec).
// - ignoreList wins over x_google_ignoreList, which is read only when ignoreList is absent.
//   Entries must be integral, >= 0 and < the number of sources.
// - debugId, or debug_id when debugId is absent. A non-string is an error; a string that is not a
//   UUID (8-4-4-4-12 hex digits) is ignored, as the conformance decoding suite expects
//   (debug-id/invalid-debug-id.map decodes with debugId null). A section's debugId is ignored.
// - Empty segments ("A,,A", ",", trailing ',') are errors (conformance
//   invalidMappingSegmentWithZeroFields); empty lines are fine.
// - Index maps: nested index maps and `url` sections are rejected. A section's offset must not be
//   before the previous section's offset nor before the last mapping of the sections before it
//   (ECMA-426 DecodeIndexSourceMap), and must differ from the previous offset when that section
//   has mappings (conformance indexMapInvalidOverlap: two sections at (0, 0)). So a section's
//   mappings never extend past the next section's offset. Identical sources (same name, content
//   and ignore flag) are merged, as the spec's "does not contain" step does; names are
//   concatenated. An index map may describe at most max(16 x its size in bytes, 2^20) generated
//   lines (limit_exceeded): offsets are not bounded by the input as a regular map's ';' are.
// - Duplicate object keys: the last one wins, as with JSON.parse.
// - `scopes`/`ranges` (the Stage-3 scopes proposal, both encodings, scopes.hpp): a problem drops
//   the scope data with a warning in SourceMapModel::warnings, never the map. In an index map
//   each section's scopes are decoded against that section's sources and names, then remapped
//   to the merged sources and concatenated names, and their generated positions shifted by the
//   section offset as its mappings are. A problem drops that section's scopes only, with a
//   warning naming it; so does a generated range that ends after the next section's offset
//   (ranges of different sections never overlap; a mapping there is an error, but scopes never
//   reject the map) and ranges nesting deeper than the format's 64.
// - Input: a leading UTF-8 BOM is skipped, and so is a first line starting with ")]}'" (the XSSI
//   guard ECMA-426 strips when fetching). Strings must be valid UTF-8 (RapidJSON validation;
//   unpaired \u surrogate escapes are rejected, unlike JSON.parse).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

// SSE2 (x86-64's baseline) lets RapidJSON copy and skip unescaped string runs 16 bytes at a time;
// it does so only when it does not validate UTF-8 itself (see is_valid_utf8 below).
#if defined(__SSE2__) && !defined(RAPIDJSON_SSE2) && !defined(RAPIDJSON_SSE42) && \
    !defined(RAPIDJSON_NEON)
#define RAPIDJSON_SSE2
#endif
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <smcache/converter/model.hpp>
#include <smcache/format/layout.hpp>

#include "scopes.hpp"
#include "vlq.hpp"

namespace smcache {
namespace {

using Value = rapidjson::Value;

constexpr std::uint64_t kU32Max = 0xFFFFFFFFu;
constexpr std::uint64_t kMaxCount = 0xFFFFFFFEu;
// Index-map offsets can point anywhere, so unlike a regular map (one ';' per line) the generated
// line count is not bounded by the input: it is capped at max(16 x input bytes, this), so a tiny
// map cannot demand gigabytes of line index (4 bytes per line in the model and the cache).
constexpr std::uint64_t kIndexMapMinLineLimit = std::uint64_t{1} << 20;

const char* type_name(const Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "boolean";
    case rapidjson::kNumberType:
      return "number";
    case rapidjson::kStringType:
      return "string";
    case rapidjson::kArrayType:
      return "array";
    case rapidjson::kObjectType:
      return "object";
  }
  return "unknown";
}

// Type name, or the value itself for numbers: "got 4", "got -1", "got 0.5".
std::string describe(const Value& v) {
  if (!v.IsNumber()) return type_name(v);
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsUint64()) return std::to_string(v.GetUint64());
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v.GetDouble());
  return buf;
}

Error field_error(Errc code, std::string_view path, std::string_view what) {
  std::string message(path);
  message += ": ";
  message += what;
  return make_error(code, std::move(message));
}

Error invalid_field(std::string_view path, std::string_view what) {
  return field_error(Errc::invalid_field, path, what);
}

Error invalid_index_map(std::string_view path, std::string_view what) {
  return field_error(Errc::invalid_index_map, path, what);
}

// JSONObjectGet: the last member with that key (JSON.parse keeps the last duplicate).
const Value* get(const Value& object, std::string_view key) {
  const Value* found = nullptr;
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    const Value& name = it->name;
    if (name.GetStringLength() == key.size() &&
        std::memcmp(name.GetString(), key.data(), key.size()) == 0) {
      found = &it->value;
    }
  }
  return found;
}

// Present and not null.
const Value* get_optional(const Value& object, std::string_view key) {
  const Value* v = get(object, key);
  return v != nullptr && !v->IsNull() ? v : nullptr;
}

std::string_view view(const Value& s) {
  return {s.GetString(), s.GetStringLength()};
}

// A non-negative integral Number (3 and 3.0 alike), or nullopt.
std::optional<std::uint64_t> as_index(const Value& v) {
  if (v.IsUint64()) return v.GetUint64();
  if (v.IsDouble()) {
    const double d = v.GetDouble();
    if (d >= 0 && d < 18446744073709551616.0 && std::floor(d) == d) {
      return static_cast<std::uint64_t>(d);
    }
  }
  return std::nullopt;
}

// The canonical UUID form of a Debug ID: 8-4-4-4-12 hex digits (either case).
bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

std::string position_text(std::uint64_t line, std::uint64_t column) {
  // Appends, not "(" + std::string&&: GCC 12 warns falsely on that form (-Wrestrict, PR 105329).
  std::string s = "(";
  s += std::to_string(line);
  s += ", ";
  s += std::to_string(column);
  s += ')';
  return s;
}

// The fields of one regular map other than `mappings`, decoded and checked.
struct MapFields {
  std::vector<std::optional<std::string>> sources;
  std::vector<std::optional<std::string>> sources_content;  // same length as sources
  std::vector<bool> ignored;                                // same length as sources
  std::vector<std::string> names;
  std::string_view mappings;
  std::size_t mappings_offset = 0;  // byte offset of `mappings` in the parsed buffer
  const Value* scopes = nullptr;    // the `scopes` proposal fields, when present and not null
  const Value* ranges = nullptr;
};

class Parser {
 public:
  Parser(const CompileOptions& options, const char* buffer) : options_(options), buffer_(buffer) {}

  Result<SourceMapModel> parse_root(const Value& root) {
    if (!root.IsObject()) {
      return invalid_field("source map", std::string("expected an object, got ") + type_name(root));
    }
    SourceMapModel model;
    if (auto r = check_version(root, ""); !r) return std::move(r).error();
    if (auto r = read_file_and_debug_id(root, "", model); !r) return std::move(r).error();
    // ECMA-426 ParseSourceMap: a "sections" member, whatever its value, makes an index map.
    if (get(root, "sections") != nullptr) {
      if (auto r = parse_index_map(root, model); !r) return std::move(r).error();
    } else {
      MapFields fields;
      if (auto r = read_map_fields(root, "", fields); !r) return std::move(r).error();
      model.sources = std::move(fields.sources);
      model.sources_content = std::move(fields.sources_content);
      model.ignored = std::move(fields.ignored);
      model.names = std::move(fields.names);
      detail::MappingsParams params;
      params.field = "mappings";
      params.source_count = static_cast<std::uint32_t>(model.sources.size());
      params.name_count = static_cast<std::uint32_t>(model.names.size());
      params.max_tokens = options_.max_tokens;
      if (auto r = decode(fields, params, model); !r) return std::move(r).error();
      read_scopes(fields, model);
    }
    trim_trailing_lines(model);
    return model;
  }

 private:
  static void trim_trailing_lines(SourceMapModel& model) {
    auto& lo = model.line_offsets;
    while (lo.size() >= 2 && lo[lo.size() - 2] == lo.back()) lo.pop_back();
  }

  Result<Ok> check_version(const Value& map, std::string_view prefix) {
    const std::string path = std::string(prefix) + "version";
    const Value* v = get(map, "version");
    if (v == nullptr) return invalid_field(path, "missing (must be 3)");
    if (!v->IsNumber()) {
      return invalid_field(path, std::string("expected the number 3, got ") + type_name(*v));
    }
    if (!(v->IsInt() && v->GetInt() == 3) && !(v->IsDouble() && v->GetDouble() == 3.0)) {
      return invalid_field(path, "expected 3, got " + describe(*v));
    }
    return Ok{};
  }

  static Result<std::optional<std::string>> optional_string(const Value& map,
                                                            std::string_view prefix,
                                                            std::string_view key) {
    const Value* v = get_optional(map, key);
    if (v == nullptr) return std::optional<std::string>{};
    if (!v->IsString()) {
      return invalid_field(std::string(prefix) + std::string(key),
                           std::string("expected a string, got ") + type_name(*v));
    }
    return std::optional<std::string>(std::string(view(*v)));
  }

  Result<Ok> read_file_and_debug_id(const Value& map, std::string_view prefix,
                                    SourceMapModel& model) {
    auto file = optional_string(map, prefix, "file");
    if (!file) return std::move(file).error();
    model.file = std::move(*file);
    const bool has_debug_id = get_optional(map, "debugId") != nullptr;
    auto debug_id = optional_string(map, prefix, has_debug_id ? "debugId" : "debug_id");
    if (!debug_id) return std::move(debug_id).error();
    if (*debug_id && !is_uuid(**debug_id)) debug_id->reset();
    model.debug_id = std::move(*debug_id);
    return Ok{};
  }

  // sources, sourcesContent, names, ignoreList, sourceRoot, mappings (type only) of a regular map.
  Result<Ok> read_map_fields(const Value& map, std::string_view prefix, MapFields& out) {
    const std::string p(prefix);

    const Value* mappings = get(map, "mappings");
    if (mappings == nullptr) return invalid_field(p + "mappings", "missing");
    if (!mappings->IsString()) {
      return invalid_field(p + "mappings",
                           std::string("expected a string, got ") + type_name(*mappings));
    }
    out.mappings = view(*mappings);
    out.mappings_offset = static_cast<std::size_t>(mappings->GetString() - buffer_);

    auto root = optional_string(map, prefix, "sourceRoot");
    if (!root) return std::move(root).error();
    const std::string source_root = root->value_or(std::string());

    const Value* sources = get(map, "sources");
    if (sources == nullptr) return invalid_field(p + "sources", "missing");
    if (!sources->IsArray()) {
      return invalid_field(p + "sources",
                           std::string("expected an array, got ") + type_name(*sources));
    }
    const rapidjson::SizeType source_count = sources->Size();
    if (source_count >= kMaxCount) {
      return make_error(Errc::limit_exceeded, p + "sources: too many entries");
    }
    out.sources.reserve(source_count);
    for (rapidjson::SizeType i = 0; i < source_count; ++i) {
      const Value& s = (*sources)[i];
      if (s.IsNull()) {
        out.sources.emplace_back();
      } else if (s.IsString()) {
        std::string name;
        const std::string_view sv = view(s);
        if (!source_root.empty()) {
          name.reserve(source_root.size() + 1 + sv.size());
          name = source_root;
          if (source_root.back() != '/' && (sv.empty() || sv.front() != '/')) name += '/';
        }
        name.append(sv);
        out.sources.emplace_back(std::move(name));
      } else {
        return invalid_field(p + "sources[" + std::to_string(i) + "]",
                             std::string("expected a string or null, got ") + type_name(s));
      }
    }

    out.sources_content.resize(source_count);
    if (const Value* contents = get_optional(map, "sourcesContent")) {
      if (!contents->IsArray()) {
        return invalid_field(p + "sourcesContent",
                             std::string("expected an array, got ") + type_name(*contents));
      }
      for (rapidjson::SizeType i = 0; i < contents->Size(); ++i) {
        const Value& c = (*contents)[i];
        if (c.IsNull()) continue;
        if (!c.IsString()) {
          return invalid_field(p + "sourcesContent[" + std::to_string(i) + "]",
                               std::string("expected a string or null, got ") + type_name(c));
        }
        // Entries past the sources are ignored (ECMA-426 DecodeSourceMapSources); with
        // include_sources_content off the bytes would be dropped by the builder: skip the copy.
        if (i < source_count && options_.include_sources_content) {
          out.sources_content[i].emplace(view(c));
        }
      }
    }

    if (const Value* names = get_optional(map, "names")) {
      if (!names->IsArray()) {
        return invalid_field(p + "names",
                             std::string("expected an array, got ") + type_name(*names));
      }
      if (names->Size() >= kMaxCount) {
        return make_error(Errc::limit_exceeded, p + "names: too many entries");
      }
      out.names.reserve(names->Size());
      for (rapidjson::SizeType i = 0; i < names->Size(); ++i) {
        const Value& n = (*names)[i];
        if (!n.IsString()) {
          return invalid_field(p + "names[" + std::to_string(i) + "]",
                               std::string("expected a string, got ") + type_name(n));
        }
        out.names.emplace_back(view(n));
      }
    }

    out.scopes = get_optional(map, "scopes");
    out.ranges = get_optional(map, "ranges");

    out.ignored.assign(source_count, false);
    const char* ignore_key = "ignoreList";
    const Value* ignore = get_optional(map, "ignoreList");
    if (ignore == nullptr) {
      ignore_key = "x_google_ignoreList";
      ignore = get_optional(map, "x_google_ignoreList");
    }
    if (ignore != nullptr) {
      if (!ignore->IsArray()) {
        return invalid_field(p + ignore_key,
                             std::string("expected an array, got ") + type_name(*ignore));
      }
      for (rapidjson::SizeType i = 0; i < ignore->Size(); ++i) {
        const Value& e = (*ignore)[i];
        const std::string path = p + ignore_key + "[" + std::to_string(i) + "]";
        const auto index = as_index(e);
        if (!index) {
          return invalid_field(path, "expected a non-negative integer, got " + describe(e));
        }
        if (*index >= source_count) {
          return invalid_field(path, "source index " + std::to_string(*index) + " out of range (" +
                                         std::to_string(source_count) + " sources)");
        }
        out.ignored[static_cast<std::size_t>(*index)] = true;
      }
    }
    return Ok{};
  }

  // The `scopes` proposal (scopes.hpp): a string is the combined form, an array the split form
  // with `ranges`. Any problem, wrong JSON types included, drops all scope data of the map (or of
  // the index-map section) with a warning and the map still compiles: the proposal is not part
  // of ECMA-426 yet, and its conformance fixtures expect a map to decode whatever its `scopes`
  // holds (empty-scopes-field has no .error marker). Decodes into `out` with the map's own
  // source and name counts; on a problem returns its message (field first) and leaves `out`
  // empty.
  static std::optional<std::string> decode_scopes(const MapFields& fields,
                                                  std::uint32_t source_count,
                                                  std::uint32_t name_count, ScopesModel& out) {
    out = ScopesModel{};
    if (fields.scopes == nullptr && fields.ranges == nullptr) return std::nullopt;
    Result<Ok> r = Ok{};
    if (fields.scopes != nullptr && fields.scopes->IsString()) {
      if (fields.ranges != nullptr) {
        return "ranges: present beside a scopes string (the combined form holds the ranges)";
      }
      r = detail::decode_scopes_combined(view(*fields.scopes), source_count, name_count, out);
    } else if (fields.scopes == nullptr || fields.scopes->IsArray()) {
      std::vector<std::optional<std::string_view>> per_source;
      if (fields.scopes != nullptr) {
        per_source.reserve(fields.scopes->Size());
        for (rapidjson::SizeType i = 0; i < fields.scopes->Size(); ++i) {
          const Value& e = (*fields.scopes)[i];
          if (e.IsString()) {
            per_source.emplace_back(view(e));
          } else if (e.IsNull()) {
            per_source.emplace_back();
          } else {
            return "scopes[" + std::to_string(i) + "]: expected a string or null, got " +
                   type_name(e);
          }
        }
      }
      std::optional<std::string_view> ranges;
      if (fields.ranges != nullptr) {
        if (!fields.ranges->IsString()) {
          return std::string("ranges: expected a string, got ") + type_name(*fields.ranges);
        }
        ranges = view(*fields.ranges);
      }
      r = detail::decode_scopes_split(per_source, ranges, source_count, name_count, out);
    } else {
      return std::string("scopes: expected a string or an array, got ") + type_name(*fields.scopes);
    }
    if (!r) return std::move(r).error().message;
    return std::nullopt;
  }

  // A regular map's scopes. Needs model.sources and model.names.
  static void read_scopes(const MapFields& fields, SourceMapModel& model) {
    const auto source_count = static_cast<std::uint32_t>(model.sources.size());
    const auto name_count = static_cast<std::uint32_t>(model.names.size());
    if (auto problem = decode_scopes(fields, source_count, name_count, model.scopes)) {
      model.warnings.push_back(std::move(*problem) + "; scopes ignored");
    }
  }

  // Decodes fields.mappings into the model's token vectors. On an invalid_mappings error, turns
  // the byte index within the string into a byte offset of the input when it is exact (no JSON
  // escape before it in the string).
  Result<Ok> decode(const MapFields& fields, const detail::MappingsParams& params,
                    SourceMapModel& model) {
    auto r = detail::decode_mappings(fields.mappings, params, model.tokens, model.line_offsets);
    if (r) return r;
    Error e = std::move(r).error();
    if (e.code == Errc::invalid_mappings && e.where.byte_offset != Position::kUnknownOffset) {
      const std::size_t in_string = static_cast<std::size_t>(e.where.byte_offset);
      const std::size_t at = fields.mappings_offset + in_string;
      // In-situ parsing unescapes in place: the string's first byte sits where it was in the
      // input. Bytes before the error match the input only if nothing was unescaped.
      if (at <= original_.size() && std::memcmp(original_.data() + fields.mappings_offset,
                                                fields.mappings.data(), in_string) == 0) {
        e.where.byte_offset = at + input_skip_;
      } else {
        e.where.byte_offset = Position::kUnknownOffset;
      }
    }
    return e;
  }

  // The scopes of one index-map section, decoded with the section's own source, name and scope
  // indices. They join the model when the next section's offset is known (their generated
  // ranges must end by it) or after the last section.
  struct SectionScopes {
    std::size_t section = 0;
    const char* ranges_field = "ranges";  // the field holding the generated ranges
    std::uint32_t line = 0, column = 0;   // the section's offset
    std::vector<std::uint32_t> remap;     // section source index -> model source index
    std::uint32_t name_base = 0;          // section name index + name_base = model name index
    ScopesModel scopes;
  };

  // Adds a section's scopes to model.scopes (index maps, ECMA-426 DecodeIndexSourceMap applied to
  // the `scopes` proposal): generated positions shifted by the section offset as its mappings are
  // (the line offset on every line, the column offset on the section's first line only); sources
  // through `remap` (merged sources), names by name_base (concatenated), scope, variable, range
  // and binding indices by what the model holds already. `next` is the offset of the next
  // section (sections[next_index]), if any. Drops the section's scopes with a warning naming the
  // section, and nothing else, when a range would end after `next` (it would overlap the next
  // section's code: the file's ranges must not overlap, R-SCP-4), when a shifted position does
  // not fit in 32 bits, or when its ranges nest deeper than R-SCP-5 allows (the builder would
  // drop the scope ranges of every section). Each check keeps the model's invariants: ranges of
  // later sections start at or after `next`, so the ranges stay sorted and nested.
  static void add_section_scopes(SectionScopes& s, std::optional<ScopePosition> next,
                                 std::size_t next_index, SourceMapModel& model) {
    const std::string section = "sections[" + std::to_string(s.section) + "]";
    auto drop = [&](std::string what) {
      model.warnings.push_back(section + ".map." + s.ranges_field + ": " + std::move(what) +
                               "; scopes of " + section + " ignored");
    };
    auto shift = [&](ScopePosition& p) {
      const std::uint64_t line = std::uint64_t{p.line} + s.line;
      const std::uint64_t column = p.line == 0 ? std::uint64_t{p.column} + s.column : p.column;
      if (line > kU32Max || column > kU32Max) return false;
      p = {static_cast<std::uint32_t>(line), static_cast<std::uint32_t>(column)};
      return true;
    };
    ScopesModel& local = s.scopes;
    for (std::size_t k = 0; k < local.ranges.size(); ++k) {
      GeneratedRange& r = local.ranges[k];
      if (!shift(r.start) || !shift(r.end)) {
        return drop("generated range " + std::to_string(k) + " is past 2^32-1 at the offset " +
                    position_text(s.line, s.column));
      }
      if (next && *next < r.end) {
        return drop("generated range " + std::to_string(k) + " ends at " +
                    position_text(r.end.line, r.end.column) + ", after the offset " +
                    position_text(next->line, next->column) + " of sections[" +
                    std::to_string(next_index) + "]");
      }
    }
    for (ScopeBinding& b : local.bindings) {
      if (!shift(b.from)) {
        return drop("a binding position is past 2^32-1 at the offset " +
                    position_text(s.line, s.column));
      }
    }
    // Depth of the non-empty ranges, as the builder counts it (empty ranges are not written).
    std::vector<std::uint32_t> depth(local.ranges.size(), 0);
    for (std::size_t k = 0; k < local.ranges.size(); ++k) {
      const GeneratedRange& r = local.ranges[k];
      if (!(r.start < r.end)) continue;
      depth[k] = r.parent < k ? depth[r.parent] + 1 : 1;
      if (depth[k] > format::kMaxScopeRangeDepth) {
        return drop("generated range " + std::to_string(k) + " nests deeper than " +
                    std::to_string(format::kMaxScopeRangeDepth));
      }
    }
    ScopesModel& m = model.scopes;
    if (m.scopes.size() + local.scopes.size() >= kMaxCount ||
        m.variables.size() + local.variables.size() >= kMaxCount ||
        m.ranges.size() + local.ranges.size() >= kMaxCount ||
        m.bindings.size() + local.bindings.size() >= kMaxCount) {
      return drop("too many scopes, ranges, variables or bindings after concatenating sections");
    }
    const auto scope_base = static_cast<std::uint32_t>(m.scopes.size());
    const auto variable_base = static_cast<std::uint32_t>(m.variables.size());
    const auto range_base = static_cast<std::uint32_t>(m.ranges.size());
    const auto binding_base = static_cast<std::uint32_t>(m.bindings.size());
    const auto name = [&](std::uint32_t n) { return n == kNoScopeIndex ? n : n + s.name_base; };
    for (OriginalScope scope : local.scopes) {
      scope.source_index = s.remap[scope.source_index];
      scope.name_index = name(scope.name_index);
      scope.kind_index = name(scope.kind_index);
      if (scope.parent != kNoScopeIndex) scope.parent += scope_base;
      scope.variables_offset += variable_base;
      m.scopes.push_back(scope);
    }
    for (const std::uint32_t v : local.variables) m.variables.push_back(name(v));
    for (GeneratedRange r : local.ranges) {
      if (r.definition != kNoScopeIndex) r.definition += scope_base;
      if (r.has_call_site) r.call_site_source = s.remap[r.call_site_source];
      if (r.parent != kNoScopeIndex) r.parent += range_base;
      r.bindings_offset += binding_base;
      m.ranges.push_back(r);
    }
    for (ScopeBinding b : local.bindings) {
      b.expression_index = name(b.expression_index);
      m.bindings.push_back(b);
    }
  }

  Result<Ok> parse_index_map(const Value& root, SourceMapModel& model) {
    if (get(root, "mappings") != nullptr) {
      return invalid_index_map("mappings", "not allowed in an index map (it has sections)");
    }
    const Value& sections = *get(root, "sections");
    if (!sections.IsArray()) {
      return invalid_index_map("sections",
                               std::string("expected an array, got ") + type_name(sections));
    }
    // Merged sources: name -> global indices with that name (same name, other content/flag).
    std::unordered_map<std::string, std::vector<std::uint32_t>> source_index;
    const std::uint64_t max_lines = std::min<std::uint64_t>(
        std::max<std::uint64_t>(16 * original_.size(), kIndexMapMinLineLimit), kMaxCount);

    bool have_previous = false;
    std::uint64_t previous_line = 0, previous_column = 0;
    bool previous_has_mappings = false;
    std::size_t last_section_with_mappings = 0;
    std::optional<SectionScopes> pending;  // the scopes of the last section, if it has any

    for (rapidjson::SizeType i = 0; i < sections.Size(); ++i) {
      const std::string path = "sections[" + std::to_string(i) + "]";
      const Value& section = sections[i];
      if (!section.IsObject()) {
        return invalid_index_map(path,
                                 std::string("expected an object, got ") + type_name(section));
      }

      // --- offset ---
      const Value* offset = get(section, "offset");
      if (offset == nullptr) return invalid_index_map(path + ".offset", "missing");
      if (!offset->IsObject()) {
        return invalid_index_map(path + ".offset",
                                 std::string("expected an object, got ") + type_name(*offset));
      }
      std::uint64_t pos[2];
      const char* const keys[2] = {"line", "column"};
      for (int k = 0; k < 2; ++k) {
        const std::string key_path = path + ".offset." + keys[k];
        const Value* v = get(*offset, keys[k]);
        if (v == nullptr) return invalid_index_map(key_path, "missing");
        const auto index = as_index(*v);
        if (!index) {
          return invalid_index_map(key_path,
                                   "expected a non-negative integer, got " + describe(*v));
        }
        if (*index > kU32Max) {
          return invalid_index_map(key_path, std::to_string(*index) + " is past 4294967295");
        }
        pos[k] = *index;
      }
      const std::uint64_t line = pos[0], column = pos[1];
      if (line >= max_lines) {
        return make_error(Errc::limit_exceeded,
                          path + ".offset.line: " + std::to_string(line) +
                              " is past the generated line limit (" + std::to_string(max_lines) +
                              " for a " + std::to_string(original_.size()) + "-byte index map)");
      }

      // --- order and overlap (ECMA-426 DecodeIndexSourceMap) ---
      auto before = [](std::uint64_t l1, std::uint64_t c1, std::uint64_t l2, std::uint64_t c2) {
        return l1 < l2 || (l1 == l2 && c1 < c2);
      };
      if (have_previous) {
        if (before(line, column, previous_line, previous_column)) {
          return invalid_index_map(path, "offset " + position_text(line, column) +
                                             " is before the offset of sections[" +
                                             std::to_string(i - 1) + "] " +
                                             position_text(previous_line, previous_column));
        }
        if (previous_has_mappings && line == previous_line && column == previous_column) {
          return invalid_index_map(path, "offset " + position_text(line, column) +
                                             " is the offset of sections[" + std::to_string(i - 1) +
                                             "], which has mappings");
        }
      }
      if (!model.tokens.empty()) {
        const std::uint64_t last_line = model.line_offsets.size() - 2;  // trimmed: has tokens
        const std::uint64_t last_column = model.tokens.back().generated_column;
        if (before(line, column, last_line, last_column)) {
          return invalid_index_map(path, "offset " + position_text(line, column) +
                                             " is before the end of sections[" +
                                             std::to_string(last_section_with_mappings) + "] " +
                                             position_text(last_line, last_column));
        }
      }

      // The previous section with scopes ends here (this offset is where its code ends).
      if (pending) {
        add_section_scopes(
            *pending,
            ScopePosition{static_cast<std::uint32_t>(line), static_cast<std::uint32_t>(column)}, i,
            model);
        pending.reset();
      }

      // --- map ---
      const Value* map = get(section, "map");
      if (map == nullptr) {
        if (get(section, "url") != nullptr) {
          return invalid_index_map(path, "url sections are not supported (embed the map)");
        }
        return invalid_index_map(path + ".map", "missing");
      }
      if (!map->IsObject()) {
        return invalid_index_map(path + ".map",
                                 std::string("expected an object, got ") + type_name(*map));
      }
      if (get(*map, "sections") != nullptr) {
        return invalid_index_map(path + ".map", "nested index maps are not supported");
      }
      const std::string prefix = path + ".map.";
      if (auto r = check_version(*map, prefix); !r) return std::move(r).error();
      {  // debugId of a section is type-checked and otherwise unused
        SourceMapModel unused;
        if (auto r = read_file_and_debug_id(*map, prefix, unused); !r) return std::move(r).error();
      }
      MapFields fields;
      if (auto r = read_map_fields(*map, prefix, fields); !r) return std::move(r).error();

      // Merge sources; remap[k] is section source k's index in the model.
      std::vector<std::uint32_t> remap(fields.sources.size());
      for (std::size_t k = 0; k < fields.sources.size(); ++k) {
        auto& name = fields.sources[k];
        auto& content = fields.sources_content[k];
        const bool ignored = fields.ignored[k];
        std::vector<std::uint32_t>* same_name = nullptr;
        if (name) {
          same_name = &source_index[*name];
          for (std::uint32_t g : *same_name) {
            if (model.ignored[g] == ignored && model.sources_content[g] == content) {
              remap[k] = g;
              same_name = nullptr;
              break;
            }
          }
          if (same_name == nullptr) continue;  // merged
        }
        if (model.sources.size() >= kMaxCount) {
          return make_error(Errc::limit_exceeded, "sources: too many after merging sections");
        }
        const auto g = static_cast<std::uint32_t>(model.sources.size());
        remap[k] = g;
        if (same_name != nullptr) same_name->push_back(g);
        model.sources.push_back(std::move(name));
        model.sources_content.push_back(std::move(content));
        model.ignored.push_back(ignored);
      }
      const std::size_t name_base = model.names.size();
      if (name_base + fields.names.size() >= kMaxCount) {
        return make_error(Errc::limit_exceeded, "names: too many after concatenating sections");
      }
      {  // this section's scopes, in its own indices (before its names move into the model)
        SectionScopes scopes;
        scopes.section = i;
        scopes.ranges_field =
            fields.scopes != nullptr && fields.scopes->IsString() ? "scopes" : "ranges";
        scopes.line = static_cast<std::uint32_t>(line);
        scopes.column = static_cast<std::uint32_t>(column);
        if (auto problem =
                decode_scopes(fields, static_cast<std::uint32_t>(remap.size()),
                              static_cast<std::uint32_t>(fields.names.size()), scopes.scopes)) {
          model.warnings.push_back(prefix + std::move(*problem) + "; scopes of " + path +
                                   " ignored");
        } else if (!scopes.scopes.empty()) {
          scopes.remap = remap;
          scopes.name_base = static_cast<std::uint32_t>(name_base);
          pending = std::move(scopes);
        }
      }
      model.names.insert(model.names.end(), std::make_move_iterator(fields.names.begin()),
                         std::make_move_iterator(fields.names.end()));

      const std::string mappings_field = prefix + "mappings";
      detail::MappingsParams params;
      params.field = mappings_field;
      params.source_count = static_cast<std::uint32_t>(remap.size());
      params.name_count = static_cast<std::uint32_t>(fields.names.size());
      params.max_tokens = options_.max_tokens;
      params.line_offset = static_cast<std::uint32_t>(line);
      params.column_offset = static_cast<std::uint32_t>(column);
      params.max_lines = max_lines;
      const std::size_t first_new = model.tokens.size();
      if (auto r = decode(fields, params, model); !r) return std::move(r).error();
      trim_trailing_lines(model);

      const auto name_shift = static_cast<std::uint32_t>(name_base);
      for (std::size_t t = first_new; t < model.tokens.size(); ++t) {
        RawToken& token = model.tokens[t];
        if (token.source_index != RawToken::kNoIndex)
          token.source_index = remap[token.source_index];
        if (token.name_index != RawToken::kNoIndex) token.name_index += name_shift;
      }

      have_previous = true;
      previous_line = line;
      previous_column = column;
      previous_has_mappings = model.tokens.size() > first_new;
      if (previous_has_mappings) last_section_with_mappings = i;
    }
    if (pending) add_section_scopes(*pending, std::nullopt, sections.Size(), model);
    return Ok{};
  }

 public:
  std::span<const std::uint8_t> original_;  // the parsed text as given (after skipped prefix)
  std::size_t input_skip_ = 0;              // bytes skipped before it (BOM, XSSI line)

 private:
  const CompileOptions& options_;
  const char* buffer_;
};

// Well-formed UTF-8 (Unicode Table 3-7: no overlong forms, no surrogates, nothing past
// U+10FFFF), the sequences RapidJSON's kParseValidateEncodingFlag accepts. Eight ASCII bytes at a
// time: most of a source map is ASCII.
bool is_valid_utf8(const unsigned char* p, std::size_t n) {
  std::size_t i = 0;
  while (i < n) {
    if (i + 8 <= n) {
      std::uint64_t w;
      std::memcpy(&w, p + i, 8);
      if ((w & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (n - i < len || p[i + 1] < lo || p[i + 1] > hi) return false;
    for (std::size_t k = 2; k < len; ++k) {
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return false;
    }
    i += len;
  }
  return true;
}

Error json_error(rapidjson::ParseErrorCode code, std::size_t offset) {
  std::string what = rapidjson::GetParseError_En(code);
  if (!what.empty()) what[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(what[0])));
  if (!what.empty() && what.back() == '.') what.pop_back();
  Position where;
  where.byte_offset = offset;
  return make_error(Errc::invalid_json,
                    "invalid json at byte " + std::to_string(offset) + ": " + what, where);
}

}  // namespace

Result<SourceMapModel> parse_source_map(std::span<const std::uint8_t> map_json,
                                        const CompileOptions& options) {
  try {
    if (map_json.size() > options.max_input_bytes) {
      return make_error(Errc::limit_exceeded, "input: " + std::to_string(map_json.size()) +
                                                  " bytes, more than the limit of " +
                                                  std::to_string(options.max_input_bytes));
    }
    const auto* bytes = reinterpret_cast<const char*>(map_json.data());
    std::size_t skip = 0;
    if (map_json.size() >= 3 && std::memcmp(bytes, "\xEF\xBB\xBF", 3) == 0) skip = 3;
    if (map_json.size() - skip >= 4 && std::memcmp(bytes + skip, ")]}'", 4) == 0) {
      // ECMA-426 fetch: drop everything up to the first newline byte.
      while (skip < map_json.size() && bytes[skip] != '\n' && bytes[skip] != '\r') ++skip;
    }
    const std::size_t size = map_json.size() - skip;
    // JSON has no raw NUL anywhere; RapidJSON would take one for the end of the text.
    if (const void* nul = std::memchr(bytes + skip, 0, size)) {
      const auto at = static_cast<std::size_t>(static_cast<const char*>(nul) - bytes);
      return make_error(Errc::invalid_json,
                        "invalid json at byte " + std::to_string(at) + ": nul byte",
                        Position{at, Position::kUnknown, Position::kUnknown});
    }

    // A private NUL-terminated copy for in-situ parsing: strings are unescaped in place and the
    // DOM points into it, so only the model's strings are copied out.
    // RapidJSON 1.1.0 validates a UTF-8 sequence by taking all its continuation bytes without
    // looking for the terminator: a lead byte at the end of the input makes it read, and in situ
    // write back, up to 2 bytes past the NUL. 3 more zero bytes keep that inside the buffer (and
    // fail validation). Found by tests/fuzz/fuzz_converter (regressions/fuzz_converter/).
    // With SSE2, RapidJSON reads whole aligned 16-byte blocks, up to 15 bytes past the NUL: the
    // zeroed tail covers them (new[] is 16-byte aligned), so no read leaves the allocation.
    constexpr std::size_t kTerminatorBytes = 4;
    const std::size_t padded = ((size + kTerminatorBytes + 15) & ~std::size_t{15}) + 16;
    std::unique_ptr<char[]> buffer(new char[padded]);
    std::memcpy(buffer.get(), bytes + skip, size);
    std::memset(buffer.get() + size, 0, padded - size);

    rapidjson::Document doc;
    // Iterative: no recursion, so deeply nested input cannot overflow the stack. Strings must be
    // valid UTF-8: checked up front over the whole text (outside strings only ASCII is valid JSON
    // anyway), so that RapidJSON copies strings in blocks instead of validating byte by byte. A
    // text that fails the check is parsed with RapidJSON's own validation, whose error (the
    // first problem in document order, JSON syntax included) is the one reported.
    constexpr unsigned kFlags = rapidjson::kParseInsituFlag | rapidjson::kParseIterativeFlag;
    if (is_valid_utf8(reinterpret_cast<const unsigned char*>(buffer.get()), size)) {
      doc.ParseInsitu<kFlags>(buffer.get());
    } else {
      doc.ParseInsitu<kFlags | rapidjson::kParseValidateEncodingFlag>(buffer.get());
    }
    if (doc.HasParseError()) return json_error(doc.GetParseError(), doc.GetErrorOffset() + skip);

    Parser parser(options, buffer.get());
    parser.original_ = map_json.subspan(skip);
    parser.input_skip_ = skip;
    auto model = parser.parse_root(doc);
    if (model && options.on_warning) {  // the one place every compile path reports warnings
      for (const std::string& w : model->warnings) options.on_warning(w);
    }
    return model;
  } catch (const std::bad_alloc&) {
    return make_error(Errc::limit_exceeded, "out of memory while parsing the source map");
  } catch (const std::length_error& e) {
    return make_error(Errc::limit_exceeded, std::string("out of memory: ") + e.what());
  } catch (const std::exception& e) {
    return make_error(Errc::internal, std::string("internal: ") + e.what());
  } catch (...) {
    return make_error(Errc::internal, "internal: unknown exception");
  }
}

}  // namespace smcache
