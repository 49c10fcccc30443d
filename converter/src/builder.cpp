// Lays out a decoded source map (SourceMapModel) as smcache file bytes, SPEC.md §4-§7.
//
// The writer side of format/: everything that decides a byte of the file is here. Deterministic:
// no hash-map iteration order, no pointers or timestamps reach the output.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <smcache/converter/model.hpp>
#include <smcache/format/checksum.hpp>
#include <smcache/format/layout.hpp>

#include "js_scanner.hpp"

namespace smcache {
namespace {

using format::kNone;
constexpr std::uint64_t kU32Max = std::numeric_limits<std::uint32_t>::max();

// Deduplicated string table. Indices are assigned in order of first insertion.
class StringTable {
 public:
  std::uint32_t add(std::string_view s) {
    auto [it, inserted] = index_.try_emplace(s, static_cast<std::uint32_t>(offsets_.size()));
    if (inserted) {
      offsets_.push_back(data_.size());
      data_.append(s);
    }
    return it->second;
  }
  std::uint32_t count() const { return static_cast<std::uint32_t>(offsets_.size()); }
  const std::string& data() const { return data_; }
  const std::vector<std::uint64_t>& offsets() const { return offsets_; }
  // Frees the lookup index once every string is in (offsets and data stay).
  void drop_index() { std::unordered_map<std::string_view, std::uint32_t>().swap(index_); }

 private:
  // Keys view the model's strings, which outlive the table.
  std::unordered_map<std::string_view, std::uint32_t> index_;
  std::vector<std::uint64_t> offsets_;
  std::string data_;
};

// Byte offsets of each line start of `content`, splitting at every JavaScript line terminator:
// \n, \r\n, \r, U+2028 and U+2029 (R-SRC-2). Empty content has one empty line.
void append_line_starts(std::string_view content, std::vector<std::uint32_t>& out) {
  out.push_back(0);
  const auto* p = reinterpret_cast<const unsigned char*>(content.data());
  const std::size_t n = content.size();
  // Eight bytes at a time to the next \n, \r or 0xE2 (the lead byte of U+2028/U+2029): most
  // bytes of a source are none of them. zero_bytes() marks the first zero byte of a word exactly
  // (bits past it may be false positives), so the lowest mark of the three is the next candidate.
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  const auto zero_bytes = [](std::uint64_t v) { return (v - kOnes) & ~v & (kOnes << 7); };
  std::size_t i = 0;
  while (i < n) {
    if (std::endian::native == std::endian::little && i + 8 <= n) {
      std::uint64_t w;
      std::memcpy(&w, p + i, 8);
      const std::uint64_t marks = zero_bytes(w ^ (kOnes * '\n')) | zero_bytes(w ^ (kOnes * '\r')) |
                                  zero_bytes(w ^ (kOnes * 0xE2));
      if (marks == 0) {
        i += 8;
        continue;
      }
      i += static_cast<std::size_t>(std::countr_zero(marks)) / 8;
    }
    const unsigned char c = p[i];
    if (c == '\n') {
      out.push_back(static_cast<std::uint32_t>(i + 1));
    } else if (c == '\r') {
      if (i + 1 < n && p[i + 1] == '\n') ++i;
      out.push_back(static_cast<std::uint32_t>(i + 1));
    } else if (c == 0xE2 && i + 2 < n && p[i + 1] == 0x80 &&
               (p[i + 2] == 0xA8 || p[i + 2] == 0xA9)) {
      i += 2;
      out.push_back(static_cast<std::uint32_t>(i + 1));
    }
    ++i;
  }
}

// Writes bits LSB-first into zeroed bytes (the token_data bit order of SPEC §6.8).
class BitWriter {
 public:
  explicit BitWriter(std::uint8_t* out) : out_(out) {}
  void put(std::uint32_t value, std::uint32_t width) {
    if (width == 0) return;
    acc_ |= static_cast<std::uint64_t>(value) << used_;
    used_ += width;
    while (used_ >= 8) {
      *out_++ = static_cast<std::uint8_t>(acc_);
      acc_ >>= 8;
      used_ -= 8;
    }
  }
  // Pads the last partial byte with zeros: each block's data starts byte-aligned.
  void flush() {
    if (used_ > 0) *out_++ = static_cast<std::uint8_t>(acc_);
    acc_ = 0;
    used_ = 0;
  }

 private:
  std::uint8_t* out_;
  std::uint64_t acc_ = 0;
  std::uint32_t used_ = 0;
};

std::uint8_t bits_for(std::uint32_t range) {
  return static_cast<std::uint8_t>(std::bit_width(range));
}

Error model_error(std::string message) {
  return make_error(Errc::invalid_argument, "model: " + std::move(message));
}

Error limit_error(std::string message) {
  return make_error(Errc::limit_exceeded, std::move(message));
}

// The per-token field values as stored (SPEC §6.7): source and name are biased by one so that
// zero means "none".
struct PackedToken {
  std::uint32_t field[format::kFieldCount];
};

// The name of the innermost original function (a scope with [[IsStackFrame]]) that contains
// original scope `definition`, found by walking up the original scope tree. Sets `function` when
// there is one (its name may still be nullopt: an anonymous function).
std::optional<std::string_view> function_name_of(const SourceMapModel& model,
                                                 std::uint32_t definition, bool& function) {
  const std::vector<OriginalScope>& scopes = model.scopes.scopes;
  function = false;
  // Parents have smaller indices (model.hpp), so the walk ends.
  for (std::uint32_t s = definition; s < scopes.size(); s = scopes[s].parent) {
    if (scopes[s].is_stack_frame) {
      function = true;
      const std::uint32_t n = scopes[s].name_index;
      if (n < model.names.size()) return std::string_view(model.names[n]);
      return std::nullopt;
    }
    if (scopes[s].parent >= s) break;
  }
  return std::nullopt;
}

// Records of SPEC §6.11 from the decoded generated ranges. Empty ranges are left out (their
// descendants are empty too, so the tree stays whole). The file holds no ranges at all when any
// nests deeper than kMaxScopeRangeDepth (R-SCP-5): deterministic, and such maps are not real.
std::vector<format::ScopeRangeRecord> scope_range_records(const SourceMapModel& model,
                                                          StringTable& strings) {
  const std::vector<GeneratedRange>& ranges = model.scopes.ranges;
  std::vector<format::ScopeRangeRecord> out;
  std::vector<std::uint32_t> record_of(ranges.size(), kNone);  // range index -> record index
  std::vector<std::uint32_t> depth_of(ranges.size(), 0);
  std::vector<std::optional<std::string_view>> names;
  for (std::size_t k = 0; k < ranges.size(); ++k) {
    const GeneratedRange& g = ranges[k];
    if (!(g.start < g.end)) continue;
    const bool has_parent = g.parent < k;
    depth_of[k] = has_parent ? depth_of[g.parent] + 1 : 1;
    if (depth_of[k] > format::kMaxScopeRangeDepth) return {};
    format::ScopeRangeRecord r{g.start.line,
                               g.start.column,
                               g.end.line,
                               g.end.column,
                               kNone,
                               has_parent ? record_of[g.parent] : kNone,
                               kNone,
                               0,
                               0,
                               0};
    std::optional<std::string_view> name;
    if (g.definition < model.scopes.scopes.size()) {
      r.flags |= format::kScopeRangeDefined;
      bool function = false;
      name = function_name_of(model, g.definition, function);
      if (function) r.flags |= format::kScopeRangeFunction;
    }
    if (g.stack_frame_type == StackFrameType::hidden) r.flags |= format::kScopeRangeHidden;
    if (g.has_call_site && g.call_site_source < model.sources.size()) {
      r.call_site_source_index = g.call_site_source;
      r.call_site_line = g.call_site_line;
      r.call_site_column = g.call_site_column;
    }
    record_of[k] = static_cast<std::uint32_t>(out.size());
    out.push_back(r);
    names.push_back(name);
  }
  for (std::size_t k = 0; k < out.size(); ++k) {
    if (names[k]) out[k].name_string_index = strings.add(*names[k]);
  }
  return out;
}

// Names the functions of the generated file through the map (SPEC §6.12.1). Each identifier a
// scanned name is made of (js::Function::name_at, class_name_at) is resolved at its generated
// position: the `names` entry of a mapping that starts exactly there; else the identifier the
// original source (sourcesContent) reads at that mapping's original position. A function whose
// identifiers do not resolve falls back to its head (the original reads `function NAME` or
// `NAME(` where the function starts); else it gets no name, never the minified one.
class GeneratedNamer {
 public:
  GeneratedNamer(const SourceMapModel& model, std::string_view code) : model_(model), code_(code) {}

  std::optional<std::string> name_of(const js::Function& f) {
    std::optional<std::string> key = f.name_at ? resolve(*f.name_at) : std::optional<std::string>();
    // A method's key often has no mapping of its own (terser maps `get x() {` from `get`): the
    // original head says it.
    if (!key && (f.form != js::NameForm::plain || f.name_is_key)) key = from_head(f.start);
    // A property key (not a binding) is kept as written by minifiers: the generated text is the
    // original name, when the map covers it (the code is from a source, not the bundler's).
    if (!key && f.name_is_key && f.name_at && covered(*f.name_at)) {
      const std::string_view word = identifier(generated_at(*f.name_at));
      if (!word.empty()) key = std::string(word);
    }
    switch (f.form) {
      case js::NameForm::getter:
        return key ? std::optional<std::string>("get " + *key) : std::nullopt;
      case js::NameForm::setter:
        return key ? std::optional<std::string>("set " + *key) : std::nullopt;
      case js::NameForm::constructor: {
        const auto cls = f.class_name_at ? resolve(*f.class_name_at) : std::nullopt;
        return cls ? std::optional<std::string>("new " + *cls) : std::nullopt;
      }
      case js::NameForm::class_member: {
        if (!key) return std::nullopt;
        const auto cls = f.class_name_at ? resolve(*f.class_name_at) : std::nullopt;
        return cls ? *cls + "." + *key : *key;
      }
      case js::NameForm::plain:
        break;
    }
    if (key) return key;
    return from_head(f.start);
  }

 private:
  // The tokens that start exactly at generated `at` (a range of model_.tokens).
  std::pair<std::uint32_t, std::uint32_t> exact(js::Position at) const {
    const auto& lo = model_.line_offsets;
    if (static_cast<std::size_t>(at.line) + 1 >= lo.size()) return {0, 0};
    const auto first = model_.tokens.begin() + lo[at.line];
    const auto last = model_.tokens.begin() + lo[at.line + 1];
    const auto b = std::lower_bound(
        first, last, at.column,
        [](const RawToken& t, std::uint32_t column) { return t.generated_column < column; });
    const auto e = std::upper_bound(
        b, last, at.column,
        [](std::uint32_t column, const RawToken& t) { return column < t.generated_column; });
    return {static_cast<std::uint32_t>(b - model_.tokens.begin()),
            static_cast<std::uint32_t>(e - model_.tokens.begin())};
  }

  // Whether the mapping that covers generated `at` (the last one at or before it on its line)
  // has a source.
  bool covered(js::Position at) const {
    const auto& lo = model_.line_offsets;
    if (static_cast<std::size_t>(at.line) + 1 >= lo.size()) return false;
    const auto first = model_.tokens.begin() + lo[at.line];
    const auto last = model_.tokens.begin() + lo[at.line + 1];
    const auto e = std::upper_bound(
        first, last, at.column,
        [](std::uint32_t column, const RawToken& t) { return column < t.generated_column; });
    return e != first && (e - 1)->source_index != RawToken::kNoIndex;
  }

  // The rest of generated line `at.line` from UTF-16 column `at.column`.
  std::string_view generated_at(js::Position at) {
    if (generated_starts_.empty()) append_line_starts(code_, generated_starts_);
    return rest_of_line(code_, generated_starts_, at.line, at.column);
  }

  std::optional<std::string> resolve(js::Position at) {
    const auto [b, e] = exact(at);
    for (std::uint32_t i = b; i < e; ++i) {
      const RawToken& t = model_.tokens[i];
      if (t.name_index != RawToken::kNoIndex && !model_.names[t.name_index].empty()) {
        return model_.names[t.name_index];
      }
    }
    for (std::uint32_t i = b; i < e; ++i) {
      const RawToken& t = model_.tokens[i];
      if (t.source_index == RawToken::kNoIndex) continue;
      const std::string_view rest = original_at(t.source_index, t.line, t.column);
      const std::string_view word = identifier(rest);
      if (!word.empty() && !is_reserved(word)) return std::string(word);
      return std::nullopt;
    }
    return std::nullopt;
  }

  // The original source at the function's head: `function NAME`, `function* NAME`, `async
  // function NAME`, or a method's `NAME(` after its modifiers (static, async, get, set, *).
  std::optional<std::string> from_head(js::Position start) {
    const auto [b, e] = exact(start);
    for (std::uint32_t i = b; i < e; ++i) {
      const RawToken& t = model_.tokens[i];
      if (t.source_index == RawToken::kNoIndex) continue;
      std::string_view rest = original_at(t.source_index, t.line, t.column);
      std::string_view word = identifier(rest);
      for (int modifiers = 0; modifiers < 4; ++modifiers) {
        if (rest.starts_with('*')) {
          rest = skip_blanks(rest.substr(1));
          word = identifier(rest);
          continue;
        }
        if (word != "async" && word != "static" && word != "get" && word != "set") break;
        const std::string_view after = skip_blanks(rest.substr(word.size()));
        if (after.starts_with('(') || after.size() == rest.size() - word.size()) break;  // a key
        rest = after;
        word = identifier(rest);
      }
      if (word == "function") {
        rest = skip_blanks(rest.substr(word.size()));
        if (rest.starts_with('*')) rest = skip_blanks(rest.substr(1));
        word = identifier(rest);
        if (!word.empty() && !is_reserved(word)) return std::string(word);
        return std::nullopt;
      }
      if (word.empty() || is_reserved(word)) return std::nullopt;
      if (skip_blanks(rest.substr(word.size())).starts_with('(')) return std::string(word);
      return std::nullopt;
    }
    return std::nullopt;
  }

  static std::string_view skip_blanks(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    return s;
  }

  // The JavaScript identifier `s` starts with (ASCII letters, digits, _ and $, and any non-ASCII
  // byte); empty when it starts with something else or a digit.
  static std::string_view identifier(std::string_view s) {
    std::size_t n = 0;
    while (n < s.size()) {
      const auto c = static_cast<unsigned char>(s[n]);
      const bool part = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' ||
                        c >= 0x80 || (n > 0 && c >= '0' && c <= '9');
      if (!part) break;
      ++n;
    }
    return s.substr(0, n);
  }

  // Keywords, and words that are not a function's name where an identifier or head maps to them
  // (`constructor`: TypeScript's ES5 class functions map their name there).
  static bool is_reserved(std::string_view w) {
    for (const std::string_view k :
         {"function", "async",     "await",   "class", "constructor", "new",    "return", "get",
          "set",      "static",    "this",    "const", "let",         "var",    "if",     "for",
          "while",    "do",        "switch",  "case",  "default",     "export", "import", "typeof",
          "void",     "delete",    "in",      "of",    "yield",       "super",  "null",   "true",
          "false",    "undefined", "extends", "throw", "try",         "catch",  "else"}) {
      if (w == k) return true;
    }
    return false;
  }

  // The rest of original line `line` of source `s` from UTF-16 column `column`; empty without
  // content or past the line's end.
  std::string_view original_at(std::uint32_t s, std::uint32_t line, std::uint32_t column) {
    if (s >= model_.sources_content.size() || !model_.sources_content[s]) return {};
    const std::string& content = *model_.sources_content[s];
    std::vector<std::uint32_t>& starts = line_starts_[s];
    if (starts.empty()) append_line_starts(content, starts);
    return rest_of_line(content, starts, line, column);
  }

  static std::string_view rest_of_line(std::string_view content,
                                       const std::vector<std::uint32_t>& starts, std::uint32_t line,
                                       std::uint32_t column) {
    if (line >= starts.size()) return {};
    std::size_t i = starts[line];
    const std::size_t end = line + 1 < starts.size() ? starts[line + 1] : content.size();
    for (std::uint32_t units = 0; units < column;) {
      if (i >= end) return {};
      const auto c = static_cast<unsigned char>(content[i]);
      const std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
      units += len == 4 ? 2 : 1;
      i += len;
    }
    if (i >= end) return {};
    return content.substr(i, end - i);
  }

  const SourceMapModel& model_;
  std::string_view code_;
  std::vector<std::uint32_t> generated_starts_;  // line starts of code_, made on first use
  std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> line_starts_;  // per source
};

// Records of SPEC §6.12 from the generated code, named through the map. Scanning problems skip
// the table with a warning (through `warn`), never fail the compile.
std::vector<format::GeneratedFunctionRecord> generated_function_records(
    const SourceMapModel& model, const CompileOptions& options,
    std::vector<std::optional<std::string>>& names) {
  std::vector<format::GeneratedFunctionRecord> out;
  if (!options.generated_function_table || !options.generated_code) return out;
  const std::string_view code = *options.generated_code;
  js::ScanOptions scan;
  scan.language = js::Language::javascript;
  scan.max_source_bytes = options.max_generated_bytes;
  // A token is at least a byte; bounded so that memory stays ~28 bytes a token.
  scan.max_tokens =
      static_cast<std::uint32_t>(std::min<std::uint64_t>(options.max_generated_bytes, 64'000'000));
  scan.max_depth = format::kMaxGeneratedFunctionDepth;
  js::ScanResult scanned = js::scan_functions(code, scan);
  if (scanned.status != js::ScanStatus::ok) {
    if (options.on_warning) {
      options.on_warning("generated code: " + scanned.reason +
                         "; the generated-function table is left out");
    }
    return out;
  }
  if (scanned.functions.size() >= kU32Max) return out;
  GeneratedNamer namer(model, code);
  out.reserve(scanned.functions.size());
  names.reserve(scanned.functions.size());
  for (const js::Function& f : scanned.functions) {
    out.push_back(
        format::GeneratedFunctionRecord{f.start.line, f.start.column, f.end.line, f.end.column,
                                        kNone, f.parent == js::kNoParent ? kNone : f.parent, 0, 0});
    names.push_back(namer.name_of(f));
  }
  return out;
}

}  // namespace

Result<std::vector<std::uint8_t>> build_cache(const SourceMapModel& model,
                                              format::Hash128 input_hash,
                                              const CompileOptions& options) {
  const std::uint32_t block_size = options.block_token_count;
  if (block_size == 0 || block_size > format::kMaxBlockTokenCount ||
      !std::has_single_bit(block_size)) {
    return make_error(Errc::invalid_argument, "block_token_count " + std::to_string(block_size) +
                                                  " is not a power of two in 1..4096");
  }

  // --- check the model: every index in range, lines consistent, columns sorted ---
  const auto& lo = model.line_offsets;
  if (lo.empty() || lo.front() != 0 || lo.back() != model.tokens.size()) {
    return model_error("line_offsets must start at 0 and end at the token count");
  }
  if (model.tokens.size() >= kU32Max) {
    return limit_error("mappings: " + std::to_string(model.tokens.size()) +
                       " segments, the format holds at most 4294967294");
  }
  if (model.sources.size() >= kU32Max || model.names.size() >= kU32Max) {
    return limit_error("too many sources or names for the format's 32-bit indices");
  }
  const auto source_count = static_cast<std::uint32_t>(model.sources.size());
  const auto name_count = static_cast<std::uint32_t>(model.names.size());
  std::uint32_t generated_line_count = 0;
  for (std::size_t line = 0; line + 1 < lo.size(); ++line) {
    if (lo[line] > lo[line + 1]) return model_error("line_offsets must not decrease");
    for (std::uint32_t i = lo[line]; i < lo[line + 1]; ++i) {
      const RawToken& t = model.tokens[i];
      if (i > lo[line] && t.generated_column < model.tokens[i - 1].generated_column) {
        return model_error("line " + std::to_string(line) + ": columns not sorted");
      }
      if (t.source_index != RawToken::kNoIndex && t.source_index >= source_count) {
        return model_error("line " + std::to_string(line) + ": source index out of range");
      }
      if (t.name_index != RawToken::kNoIndex && t.name_index >= name_count) {
        return model_error("line " + std::to_string(line) + ": name index out of range");
      }
    }
    if (lo[line + 1] > lo[line]) generated_line_count = static_cast<std::uint32_t>(line + 1);
  }

  // --- strings: file, debugId, source names, then names in order of first use ---
  std::vector<std::optional<std::string>> function_names;  // viewed by `strings`: outlives it
  StringTable strings;
  const std::uint32_t file_string = model.file ? strings.add(*model.file) : kNone;
  const std::uint32_t debug_id_string = model.debug_id ? strings.add(*model.debug_id) : kNone;
  std::vector<std::uint32_t> source_name_string(source_count, kNone);
  for (std::uint32_t s = 0; s < source_count; ++s) {
    if (model.sources[s]) source_name_string[s] = strings.add(*model.sources[s]);
  }
  // Names in order of first use by a token (one pass; the token fields are packed per block
  // below, so no per-token copy of the model's tokens is ever held).
  std::vector<std::uint32_t> name_string(name_count, kNone);
  for (const RawToken& t : model.tokens) {
    if (t.name_index != RawToken::kNoIndex) {
      std::uint32_t& s = name_string[t.name_index];
      if (s == kNone) s = strings.add(model.names[t.name_index]);
    }
  }
  // --- functions of the original sources (SPEC §6.10): scanned from sourcesContent. Their names
  // go into the string table after every other string, so that a map without functions gives
  // the same bytes as before the table existed. ---
  std::vector<format::FunctionRecord> functions;
  if (options.function_table) {
    for (std::uint32_t s = 0; s < source_count; ++s) {
      if (s >= model.sources_content.size() || !model.sources_content[s]) continue;
      js::ScanOptions scan;
      if (model.sources[s]) {
        const std::optional<js::Language> language = js::language_of(*model.sources[s]);
        if (!language) continue;  // not JavaScript or TypeScript
        scan.language = *language;
      }
      js::ScanResult scanned = js::scan_functions(*model.sources_content[s], scan);
      if (scanned.status != js::ScanStatus::ok) continue;  // not understood: no table for it
      if (scanned.functions.size() >= kU32Max - functions.size()) {
        return limit_error("functions: more than 4294967294 functions in the sources");
      }
      const auto base = static_cast<std::uint32_t>(functions.size());
      for (js::Function& f : scanned.functions) {
        functions.push_back(
            format::FunctionRecord{s, f.start.line, f.start.column, f.end.line, f.end.column, kNone,
                                   f.parent == js::kNoParent ? kNone : base + f.parent, 0});
        function_names.push_back(std::move(f.name));
      }
    }
    for (std::size_t k = 0; k < functions.size(); ++k) {
      if (function_names[k]) functions[k].name_string_index = strings.add(*function_names[k]);
    }
  }

  // --- generated ranges of the map's `scopes` (SPEC §6.11): one record per non-empty range, in
  // the decoder's pre-order (sorted by start, parents first). Names go into the string table
  // last, so a map without scopes gives the same bytes as before the section existed. ---
  std::vector<format::ScopeRangeRecord> scope_ranges = scope_range_records(model, strings);

  // --- functions of the generated file (SPEC §6.12), when the caller gave its code: named
  // through the map. Names go into the string table last, as above. ---
  std::vector<std::optional<std::string>> generated_names;  // viewed by `strings`: outlives it
  std::vector<format::GeneratedFunctionRecord> generated_functions =
      generated_function_records(model, options, generated_names);
  // Written whenever the generated code was given, even with no functions in it (or a scan that
  // failed): the section then says "compiled with the generated file", which `warm` checks.
  const bool with_generated = options.generated_function_table && options.generated_code;
  for (std::size_t k = 0; k < generated_functions.size(); ++k) {
    if (generated_names[k]) {
      generated_functions[k].name_string_index = strings.add(*generated_names[k]);
    }
  }

  if (strings.count() >= kU32Max || strings.data().size() > kU32Max) {
    return limit_error("string table: " + std::to_string(strings.data().size()) +
                       " bytes, the format holds at most 4294967295");
  }
  const std::uint64_t string_bytes = strings.data().size();
  const std::uint32_t string_offset_width = string_bytes <= 0xFF     ? 1
                                            : string_bytes <= 0xFFFF ? 2
                                                                     : 4;

  // --- sources, their content and line starts ---
  std::vector<format::SourceRecord> records(source_count);
  std::vector<std::uint32_t> line_starts;
  std::uint64_t content_bytes = 0;
  for (std::uint32_t s = 0; s < source_count; ++s) {
    format::SourceRecord& r = records[s];
    r = format::SourceRecord{source_name_string[s], 0, 0, 0, 0, 0, 0};
    if (s < model.ignored.size() && model.ignored[s]) r.flags |= format::kSourceIgnored;
    const bool has_content = options.include_sources_content && s < model.sources_content.size() &&
                             model.sources_content[s].has_value();
    if (!has_content) continue;
    const std::string& content = *model.sources_content[s];
    if (content.size() >= kU32Max) {
      return limit_error("sourcesContent[" + std::to_string(s) + "]: " +
                         std::to_string(content.size()) + " bytes, at most 4294967294 per source");
    }
    r.flags |= format::kSourceHasContent;
    r.content_offset = content_bytes;
    r.content_size = static_cast<std::uint32_t>(content.size());
    const std::size_t first = line_starts.size();
    if (first >= kU32Max) return limit_error("source_line_starts: too many original lines");
    r.line_start_index = static_cast<std::uint32_t>(first);
    append_line_starts(content, line_starts);
    r.line_count = static_cast<std::uint32_t>(line_starts.size() - first);
    content_bytes += content.size();
  }
  if (line_starts.size() >= kU32Max)
    return limit_error("source_line_starts: too many original lines");

  // --- tokens: frame-of-reference bit packing per block (SPEC §6.7) ---
  // Two passes over the blocks: the first sets each block's bases and widths, hence its exact
  // size; the second (below, once the output exists) writes the bits in place.
  const auto token_count = static_cast<std::uint32_t>(model.tokens.size());
  const std::uint32_t block_count = (token_count + block_size - 1) / block_size;
  std::vector<format::TokenBlock> blocks(block_count);
  std::vector<PackedToken> packed(std::min(block_size, token_count));  // one block's fields
  const auto fill_block = [&](std::uint32_t b) {
    const std::uint32_t first = b * block_size;
    const std::uint32_t n = std::min(block_size, token_count - first);
    for (std::uint32_t j = 0; j < n; ++j) {
      const RawToken& t = model.tokens[first + j];
      PackedToken& p = packed[j];
      p.field[format::kFieldGeneratedColumn] = t.generated_column;
      const bool has_source = t.source_index != RawToken::kNoIndex;
      p.field[format::kFieldSource] = has_source ? t.source_index + 1 : 0;
      p.field[format::kFieldLine] = has_source ? t.line : 0;      // R-TOK-4
      p.field[format::kFieldColumn] = has_source ? t.column : 0;  // R-TOK-4
      p.field[format::kFieldName] =
          t.name_index != RawToken::kNoIndex ? name_string[t.name_index] + 1 : 0;
    }
    return n;
  };
  std::uint64_t token_data_size = 0;
  for (std::uint32_t b = 0; b < block_count; ++b) {
    const std::uint32_t n = fill_block(b);
    format::TokenBlock& block = blocks[b];
    block = format::TokenBlock{};
    if (token_data_size > kU32Max) return limit_error("token_data: more than 4 GiB of tokens");
    block.data_offset = static_cast<std::uint32_t>(token_data_size);
    std::uint64_t bits_per_token = 0;
    for (std::uint32_t f = 0; f < format::kFieldCount; ++f) {
      std::uint32_t lo_v = packed[0].field[f], hi_v = lo_v;
      for (std::uint32_t j = 1; j < n; ++j) {
        lo_v = std::min(lo_v, packed[j].field[f]);
        hi_v = std::max(hi_v, packed[j].field[f]);
      }
      block.base[f] = lo_v;
      block.width[f] = bits_for(hi_v - lo_v);
      bits_per_token += block.width[f];
    }
    token_data_size += (bits_per_token * n + 7) / 8;  // each block's data is byte-aligned
  }
  token_data_size += format::kTokenDataPadding;  // zero bytes (R-TOK-5)

  // --- lay out the file: header, directory, sections 8-aligned in id order ---
  const std::uint32_t section_count = format::kRequiredSectionCount +
                                      (functions.empty() ? 0u : 1u) +
                                      (scope_ranges.empty() ? 0u : 1u) + (with_generated ? 1u : 0u);
  // Sizes first, then every section is written in place into the output (no per-section
  // buffer: the output is the only copy of the sources' content and the strings).
  struct Section {
    format::SectionId id;
    std::uint64_t size;
  };
  std::vector<Section> sections;
  sections.reserve(section_count);
  sections.push_back({format::SectionId::string_offsets,
                      (static_cast<std::uint64_t>(strings.count()) + 1) * string_offset_width});
  sections.push_back({format::SectionId::string_data, string_bytes});
  sections.push_back(
      {format::SectionId::sources, std::uint64_t{source_count} * sizeof(format::SourceRecord)});
  sections.push_back({format::SectionId::source_line_starts, line_starts.size() * 4ull});
  sections.push_back({format::SectionId::source_content, content_bytes});
  sections.push_back(
      {format::SectionId::line_index, (static_cast<std::uint64_t>(generated_line_count) + 1) * 4});
  sections.push_back(
      {format::SectionId::token_blocks, std::uint64_t{block_count} * sizeof(format::TokenBlock)});
  sections.push_back({format::SectionId::token_data, token_data_size});
  if (!functions.empty()) {
    sections.push_back(
        {format::SectionId::functions, functions.size() * sizeof(format::FunctionRecord)});
  }
  if (!scope_ranges.empty()) {
    sections.push_back(
        {format::SectionId::scope_ranges, scope_ranges.size() * sizeof(format::ScopeRangeRecord)});
  }
  if (with_generated) {
    sections.push_back({format::SectionId::generated_functions,
                        generated_functions.size() * sizeof(format::GeneratedFunctionRecord)});
  }

  const auto align = [](std::uint64_t x) {
    return (x + format::kSectionAlignment - 1) & ~(format::kSectionAlignment - 1);
  };
  const std::uint64_t directory_end = sizeof(format::FileHeader) + 32ull * section_count;
  std::vector<format::SectionEntry> entries(section_count);
  std::uint64_t cursor = align(directory_end);
  for (std::uint32_t i = 0; i < section_count; ++i) {
    entries[i] = format::SectionEntry{static_cast<std::uint32_t>(sections[i].id), 0, cursor,
                                      sections[i].size, 0};
    cursor = align(cursor + sections[i].size);
  }
  const std::uint64_t file_size = cursor;

  strings.drop_index();
  std::vector<std::uint8_t> out(file_size, 0);
  std::uint32_t next = 0;
  const auto at = [&](format::SectionId id) {
    if (sections[next].id != id) throw std::logic_error("build_cache: section order");
    return out.data() + entries[next++].offset;
  };
  {
    std::uint8_t* p = at(format::SectionId::string_offsets);
    for (std::uint32_t i = 0; i < strings.count(); ++i) {
      format::store_le_width(p + i * string_offset_width, string_offset_width,
                             static_cast<std::uint32_t>(strings.offsets()[i]));
    }
    format::store_le_width(p + static_cast<std::size_t>(strings.count()) * string_offset_width,
                           string_offset_width, static_cast<std::uint32_t>(string_bytes));
  }
  {
    std::uint8_t* p = at(format::SectionId::string_data);
    if (string_bytes != 0) std::memcpy(p, strings.data().data(), string_bytes);
  }
  {
    std::uint8_t* p = at(format::SectionId::sources);
    for (std::uint32_t s = 0; s < source_count; ++s) {
      format::store_source_record(p + s * sizeof(format::SourceRecord), records[s]);
    }
  }
  {
    std::uint8_t* p = at(format::SectionId::source_line_starts);
    for (std::size_t i = 0; i < line_starts.size(); ++i)
      format::store_le(p + 4 * i, line_starts[i]);
  }
  {
    std::uint8_t* p = at(format::SectionId::source_content);
    for (std::uint32_t s = 0; s < source_count; ++s) {
      if (records[s].flags & format::kSourceHasContent) {
        const std::string& c = *model.sources_content[s];
        if (!c.empty()) std::memcpy(p + records[s].content_offset, c.data(), c.size());
      }
    }
  }
  {
    std::uint8_t* p = at(format::SectionId::line_index);
    for (std::uint32_t l = 0; l <= generated_line_count; ++l) format::store_le(p + 4 * l, lo[l]);
  }
  {
    std::uint8_t* p = at(format::SectionId::token_blocks);
    for (std::uint32_t b = 0; b < block_count; ++b) {
      format::store_token_block(p + b * sizeof(format::TokenBlock), blocks[b]);
    }
  }
  {
    std::uint8_t* p = at(format::SectionId::token_data);
    for (std::uint32_t b = 0; b < block_count; ++b) {
      const std::uint32_t n = fill_block(b);
      const format::TokenBlock& block = blocks[b];
      BitWriter bits(p + block.data_offset);
      for (std::uint32_t f = 0; f < format::kFieldCount; ++f) {
        for (std::uint32_t j = 0; j < n; ++j) {
          bits.put(packed[j].field[f] - block.base[f], block.width[f]);
        }
      }
      bits.flush();
    }
  }
  if (!functions.empty()) {
    std::uint8_t* p = at(format::SectionId::functions);
    for (std::size_t k = 0; k < functions.size(); ++k) {
      format::store_function_record(p + k * sizeof(format::FunctionRecord), functions[k]);
    }
  }
  if (!scope_ranges.empty()) {
    std::uint8_t* p = at(format::SectionId::scope_ranges);
    for (std::size_t k = 0; k < scope_ranges.size(); ++k) {
      format::store_scope_range_record(p + k * sizeof(format::ScopeRangeRecord), scope_ranges[k]);
    }
  }
  if (with_generated) {
    std::uint8_t* p = at(format::SectionId::generated_functions);
    for (std::size_t k = 0; k < generated_functions.size(); ++k) {
      format::store_generated_function_record(p + k * sizeof(format::GeneratedFunctionRecord),
                                              generated_functions[k]);
    }
  }
  for (std::uint32_t i = 0; i < section_count; ++i) {
    entries[i].checksum = format::checksum64(out.data() + entries[i].offset, entries[i].size);
    format::store_section_entry(out.data() + sizeof(format::FileHeader) + 32ull * i, entries[i]);
  }

  format::FileHeader h{};
  std::memcpy(h.magic, format::kMagic.data(), 8);
  h.format_major = format::kFormatMajor;
  // The lowest minor version that defines everything in the file (SPEC §4.2): 1.1 added
  // `functions`, 1.2 `scope_ranges`, 1.3 `generated_functions`; with none the file is a 1.0 file.
  h.format_minor = with_generated ? 3 : !scope_ranges.empty() ? 2 : !functions.empty() ? 1 : 0;
  h.byte_order_mark = format::kByteOrderMark;
  h.header_size = sizeof(format::FileHeader);
  h.section_count = section_count;
  h.required_features = 0;
  h.optional_features = (functions.empty() ? 0 : format::kFeatureFunctions) |
                        (scope_ranges.empty() ? 0 : format::kFeatureScopeRanges) |
                        (with_generated ? format::kFeatureGeneratedFunctions : 0);
  h.file_size = file_size;
  h.header_checksum = 0;
  h.input_hash_low = input_hash.low;
  h.input_hash_high = input_hash.high;
  h.semantics_version = format::kSemanticsVersion;
  h.generated_line_count = generated_line_count;
  h.token_count = token_count;
  h.source_count = source_count;
  h.string_count = strings.count();
  h.name_count = name_count;
  h.block_token_count = block_size;
  h.file_string_index = file_string;
  h.debug_id_string_index = debug_id_string;
  h.string_offset_width = string_offset_width;
  format::store_header(out.data(), h);
  format::store_le(out.data() + offsetof(format::FileHeader, header_checksum),
                   format::header_checksum(out.data(), directory_end));
  return out;
}

}  // namespace smcache
