// Differential round trip: random source maps, written as JSON with this file's own VLQ encoder,
// go through compile() (and, separately, SourceMapModel -> build_cache()) and are read back with
// Cache. Everything the cache answers is compared with a plain reference: the generator's own
// segments stable-sorted by column, and linear-scan lookups implementing the semantics of the
// common brief (GLB/LUB on one line, nullopt for a sourceless answer, original_positions searching
// back across lines). Nothing here shares code with the converter or the reader.
//
// Seeds are fixed: a failure names its map index and seed, and kSeedBase reproduces it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <smcache/converter/compile.hpp>
#include <smcache/converter/model.hpp>
#include <smcache/format/checksum.hpp>
#include <smcache/reader/cache.hpp>

namespace {

using smcache::Bias;
using smcache::Cache;
using smcache::Token;

constexpr std::uint64_t kSeedBase = 0x5eed'2026'0001ull;
constexpr std::uint32_t kMaxValue = 0x7FFF'FFFFu;  // largest absolute field value (2^31 - 1)
constexpr std::uint32_t kU32Max = std::numeric_limits<std::uint32_t>::max();

// ---------------------------------------------------------------------------------------------
// The generated map: the reference data
// ---------------------------------------------------------------------------------------------
struct Seg {
  std::uint32_t col = 0;
  bool has_src = false;
  std::uint32_t src = 0, line = 0, column = 0;
  bool has_name = false;
  std::uint32_t name = 0;
  friend bool operator==(const Seg&, const Seg&) = default;
};

struct GenMap {
  std::optional<std::string> file, debug_id;
  std::vector<std::optional<std::string>> sources;
  bool has_contents = false;                         // the "sourcesContent" key is written
  std::vector<std::optional<std::string>> contents;  // same length as sources when has_contents
  std::vector<std::uint32_t> ignore_list;
  std::vector<std::string> names;
  std::vector<std::vector<Seg>> lines;  // in `mappings` order (columns possibly unsorted)
  bool trailing_semicolons = false;
};

using Rng = std::mt19937_64;

std::uint32_t uniform(Rng& rng, std::uint32_t lo, std::uint32_t hi) {  // inclusive
  return std::uniform_int_distribution<std::uint32_t>(lo, hi)(rng);
}
bool chance(Rng& rng, double p) {
  return std::bernoulli_distribution(p)(rng);
}

std::string random_text(Rng& rng, std::uint32_t max_pieces) {
  static const char* const kPieces[] = {"a",
                                        "src/",
                                        "index",
                                        ".js",
                                        "\xC3\xA9" /* é */,
                                        "\xF0\x9F\x98\x80" /* U+1F600 */,
                                        "\"",
                                        "\\",
                                        "\n",
                                        "\t",
                                        "\x01",
                                        " ",
                                        "/",
                                        "name",
                                        "\xE2\x80\xA8" /* U+2028 */,
                                        "webpack:///",
                                        "..",
                                        "%20",
                                        "\xE4\xB8\xAD" /* 中 */};
  std::string s;
  const std::uint32_t n = uniform(rng, 0, max_pieces);
  for (std::uint32_t i = 0; i < n; ++i) s += kPieces[uniform(rng, 0, std::size(kPieces) - 1)];
  return s;
}

std::string random_content(Rng& rng) {
  static const char* const kPieces[] = {"line",         "x = 1;",       "\n",    "\r\n",   "\r",
                                        "\xE2\x80\xA8", "\xE2\x80\xA9", "",      "\r\r\n", "\n\r",
                                        "\xC3\xA9",     "\t",           "\"q\"", "\\"};
  std::string s;
  const std::uint32_t n = chance(rng, 0.15) ? 0 : uniform(rng, 1, 40);
  for (std::uint32_t i = 0; i < n; ++i) s += kPieces[uniform(rng, 0, std::size(kPieces) - 1)];
  if (chance(rng, 0.2)) s += chance(rng, 0.5) ? "\n" : "\r\n";
  return s;
}

enum class Shape {
  tiny,
  dense,
  many_lines,
  unsorted,
  duplicates,
  large_values,
  no_sources,
  empty,
  wide,  // many long sources and names: string data past 64 KiB (4-byte string offsets)
};

GenMap generate(Rng& rng, Shape shape) {
  GenMap m;
  if (chance(rng, 0.5)) m.file = random_text(rng, 4);
  if (chance(rng, 0.3)) m.debug_id = "1aad9d9e-2b50-454f-a5f2-0dd5e95c154c";

  const bool wide = shape == Shape::wide;
  const std::uint32_t source_count = shape == Shape::no_sources ? 0
                                     : wide                     ? uniform(rng, 200, 400)
                                            : uniform(rng, 1, chance(rng, 0.2) ? 40 : 5);
  for (std::uint32_t i = 0; i < source_count; ++i) {
    if (chance(rng, 0.1)) {
      m.sources.push_back(std::nullopt);
    } else if (i > 0 && chance(rng, 0.05) && m.sources[0]) {
      m.sources.push_back(m.sources[0]);  // duplicate name, distinct source
    } else {
      m.sources.push_back(random_text(rng, wide ? 120 : 5));
    }
  }
  m.has_contents = source_count > 0 && chance(rng, 0.6);
  if (m.has_contents) {
    for (std::uint32_t i = 0; i < source_count; ++i) {
      m.contents.push_back(chance(rng, 0.2) ? std::nullopt
                                            : std::optional<std::string>(random_content(rng)));
    }
  }
  for (std::uint32_t i = 0; i < source_count; ++i) {
    if (chance(rng, 0.2)) m.ignore_list.push_back(i);
  }
  std::shuffle(m.ignore_list.begin(), m.ignore_list.end(), rng);
  const std::uint32_t name_count = wide               ? uniform(rng, 300, 700)
                                   : chance(rng, 0.2) ? 0
                                                      : uniform(rng, 1, 30);
  for (std::uint32_t i = 0; i < name_count; ++i) {
    m.names.push_back(i > 0 && chance(rng, 0.05) ? m.names[0] : random_text(rng, wide ? 60 : 3));
  }

  std::uint32_t line_count = 0, max_segments = 0;
  double empty_line = 0.2;
  switch (shape) {
    case Shape::tiny:
      line_count = uniform(rng, 0, 4);
      max_segments = 4;
      break;
    case Shape::dense:
      line_count = uniform(rng, 1, 4);
      max_segments = 600;
      empty_line = 0.05;
      break;
    case Shape::many_lines:
      line_count = uniform(rng, 300, 4000);
      max_segments = 3;
      empty_line = 0.6;
      break;
    case Shape::unsorted:
    case Shape::duplicates:
    case Shape::wide:
    case Shape::large_values:
    case Shape::no_sources:
      line_count = uniform(rng, 1, 40);
      max_segments = 60;
      break;
    case Shape::empty:
      line_count = uniform(rng, 0, 5);
      max_segments = 0;
      break;
  }
  const bool large = shape == Shape::large_values;
  auto value = [&](std::uint32_t near) -> std::uint32_t {
    if (large && chance(rng, 0.3)) return chance(rng, 0.3) ? kMaxValue : uniform(rng, 0, kMaxValue);
    if (chance(rng, 0.7)) {
      return std::min(kMaxValue, near + uniform(rng, 0, 5) - std::min<std::uint32_t>(near, 2));
    }
    return uniform(rng, 0, 500);
  };
  std::uint32_t last_src = 0, last_line = 0, last_col = 0;
  m.lines.resize(line_count);
  for (std::uint32_t l = 0; l < line_count; ++l) {
    if (max_segments == 0 || chance(rng, empty_line)) continue;
    auto& segs = m.lines[l];
    const std::uint32_t n = uniform(rng, 1, max_segments);
    std::uint32_t col = chance(rng, 0.5) ? 0 : uniform(rng, 0, 20);
    for (std::uint32_t i = 0; i < n; ++i) {
      Seg s;
      if (i > 0) {
        const bool dup = chance(rng, shape == Shape::duplicates ? 0.4 : 0.05);
        if (!dup)
          col += large && chance(rng, 0.2) ? uniform(rng, 1, 1u << 24) : uniform(rng, 1, 12);
      }
      if (col > kMaxValue) col = kMaxValue;
      s.col = large && chance(rng, 0.05) ? kMaxValue : col;
      s.has_src = source_count > 0 && !chance(rng, 0.1);
      if (s.has_src) {
        s.src = chance(rng, 0.7) ? std::min(last_src, source_count - 1)
                                 : uniform(rng, 0, source_count - 1);
        s.line = value(last_line);
        s.column = value(last_col);
        s.has_name = name_count > 0 && chance(rng, 0.4);
        if (s.has_name) s.name = uniform(rng, 0, name_count - 1);
        last_src = s.src;
        last_line = s.line;
        last_col = s.column;
      }
      segs.push_back(s);
    }
    const bool shuffle = shape == Shape::unsorted ? chance(rng, 0.7) : chance(rng, 0.03);
    if (shuffle) std::shuffle(segs.begin(), segs.end(), rng);
  }
  m.trailing_semicolons = chance(rng, 0.2);
  return m;
}

// ---------------------------------------------------------------------------------------------
// JSON writer with a hand-written base64 VLQ encoder
// ---------------------------------------------------------------------------------------------
constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// `pad`: add one redundant continuation digit with a zero payload (valid per ECMA-426, see the
// suite's vlqValidContinuationBitPresent cases); only used for small values.
void vlq(std::string& out, std::int64_t v, bool pad = false) {
  std::uint64_t u =
      v < 0 ? (static_cast<std::uint64_t>(-v) << 1) | 1 : static_cast<std::uint64_t>(v) << 1;
  do {
    std::uint32_t digit = u & 31;
    u >>= 5;
    if (u != 0 || pad) digit |= 32;
    out += kBase64[digit];
  } while (u != 0);
  if (pad) out += 'A';
}

std::string encode_mappings(const GenMap& m, Rng& rng) {
  std::string out;
  std::int64_t src = 0, line = 0, column = 0, name = 0;
  for (std::size_t l = 0; l < m.lines.size(); ++l) {
    if (l > 0) out += ';';
    std::int64_t col = 0;
    for (std::size_t i = 0; i < m.lines[l].size(); ++i) {
      const Seg& s = m.lines[l][i];
      if (i > 0) out += ',';
      auto put = [&](std::int64_t delta) {
        vlq(out, delta, delta > -1000 && delta < 1000 && chance(rng, 0.02));
      };
      put(std::int64_t{s.col} - col);
      col = s.col;
      if (!s.has_src) continue;
      put(std::int64_t{s.src} - src);
      put(std::int64_t{s.line} - line);
      put(std::int64_t{s.column} - column);
      src = s.src;
      line = s.line;
      column = s.column;
      if (s.has_name) {
        put(std::int64_t{s.name} - name);
        name = s.name;
      }
    }
  }
  if (m.trailing_semicolons) out += ";;";
  return out;
}

// Decodes one UTF-8 sequence at s[i] (the generator only makes valid UTF-8).
std::uint32_t utf8_at(std::string_view s, std::size_t i, std::size_t& len) {
  const auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) {
    len = 1;
    return b;
  }
  len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
  std::uint32_t cp = b & (len == 4 ? 0x07 : len == 3 ? 0x0F : 0x1F);
  for (std::size_t k = 1; k < len; ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return cp;
}

void put_u_escape(std::string& out, std::uint32_t unit) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(unit >> shift) & 15];
}

// Writes a JSON string; escapes vary at random (\uXXXX, surrogate pairs, \/) so the parser's
// unescaping is exercised.
void json_string(std::string& out, std::string_view s, Rng& rng) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b == '"' || b == '\\') {
      out += '\\';
      out += static_cast<char>(b);
      ++i;
    } else if (b == '\n') {
      out += "\\n", ++i;
    } else if (b == '\r') {
      out += "\\r", ++i;
    } else if (b == '\t') {
      out += "\\t", ++i;
    } else if (b < 0x20) {
      put_u_escape(out, b), ++i;
    } else if (b == '/' && chance(rng, 0.3)) {
      out += "\\/", ++i;
    } else if (b < 0x80) {
      out += static_cast<char>(b), ++i;
    } else {
      // Only escape complete, valid sequences (the generator's pieces); else copy the byte.
      std::size_t len = 0;
      const bool complete = (b >= 0xC2 && b < 0xE0 && i + 1 < s.size()) ||
                            (b >= 0xE0 && b < 0xF0 && i + 2 < s.size() &&
                             (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80 &&
                             (static_cast<unsigned char>(s[i + 2]) & 0xC0) == 0x80) ||
                            (b >= 0xF0 && i + 3 < s.size());
      if (complete && chance(rng, 0.5)) {
        const std::uint32_t cp = utf8_at(s, i, len);
        if (cp >= 0x10000) {
          put_u_escape(out, 0xD800 + ((cp - 0x10000) >> 10));
          put_u_escape(out, 0xDC00 + ((cp - 0x10000) & 0x3FF));
        } else {
          put_u_escape(out, cp);
        }
        i += len;
      } else {
        out += static_cast<char>(b), ++i;
      }
    }
  }
  out += '"';
}

std::string to_json(const GenMap& m, Rng& rng) {
  std::string out = "{\"version\":3";
  const char* sep = chance(rng, 0.5) ? ",\n  " : ",";
  if (m.file) {
    out += sep, out += "\"file\":";
    json_string(out, *m.file, rng);
  }
  if (m.debug_id) {
    out += sep, out += "\"debugId\":";
    json_string(out, *m.debug_id, rng);
  }
  out += sep, out += "\"sources\":[";
  for (std::size_t i = 0; i < m.sources.size(); ++i) {
    if (i > 0) out += ',';
    if (m.sources[i]) {
      json_string(out, *m.sources[i], rng);
    } else {
      out += "null";
    }
  }
  out += ']';
  if (m.has_contents) {
    out += sep, out += "\"sourcesContent\":[";
    for (std::size_t i = 0; i < m.contents.size(); ++i) {
      if (i > 0) out += ", ";
      if (m.contents[i]) {
        json_string(out, *m.contents[i], rng);
      } else {
        out += "null";
      }
    }
    out += ']';
  }
  if (!m.ignore_list.empty() || chance(rng, 0.2)) {
    out += sep, out += "\"ignoreList\":[";
    for (std::size_t i = 0; i < m.ignore_list.size(); ++i) {
      if (i > 0) out += ',';
      out += std::to_string(m.ignore_list[i]);
    }
    out += ']';
  }
  if (!m.names.empty() || chance(rng, 0.7)) {
    out += sep, out += "\"names\":[";
    for (std::size_t i = 0; i < m.names.size(); ++i) {
      if (i > 0) out += ',';
      json_string(out, m.names[i], rng);
    }
    out += ']';
  }
  if (chance(rng, 0.2)) out += sep, out += "\"x_unknown\":{\"a\":[1,2,{\"b\":null}]}";
  out += sep, out += "\"mappings\":\"" + encode_mappings(m, rng) + "\"";
  out += chance(rng, 0.5) ? "}\n" : "}";
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reference decoder (checks the encoder) and reference lookups
// ---------------------------------------------------------------------------------------------
// Decodes `mappings` back into lines of segments; nullopt on any malformed input.
std::optional<std::vector<std::vector<Seg>>> reference_decode(std::string_view mappings) {
  std::vector<std::vector<Seg>> lines(1);
  std::int64_t src = 0, line = 0, column = 0, name = 0;
  std::int64_t col = 0;
  std::size_t i = 0;
  auto read = [&](std::int64_t& v) -> bool {
    std::uint64_t u = 0;
    int shift = 0;
    while (true) {
      if (i >= mappings.size()) return false;
      const auto p = kBase64.find(mappings[i++]);
      if (p == std::string_view::npos) return false;
      u |= static_cast<std::uint64_t>(p & 31) << shift;
      shift += 5;
      if ((p & 32) == 0) break;
      if (shift > 60) return false;
    }
    v = (u & 1) ? -static_cast<std::int64_t>(u >> 1) : static_cast<std::int64_t>(u >> 1);
    return true;
  };
  while (i < mappings.size()) {
    if (mappings[i] == ';') {
      lines.emplace_back();
      col = 0;
      ++i;
      continue;
    }
    if (mappings[i] == ',') {
      ++i;
      continue;
    }
    std::int64_t f[5] = {};
    int n = 0;
    while (n < 5 && i < mappings.size() && mappings[i] != ',' && mappings[i] != ';') {
      if (!read(f[n])) return std::nullopt;
      ++n;
    }
    if (n != 1 && n != 4 && n != 5) return std::nullopt;
    Seg s;
    col += f[0];
    s.col = static_cast<std::uint32_t>(col);
    if (n >= 4) {
      src += f[1], line += f[2], column += f[3];
      s.has_src = true;
      s.src = static_cast<std::uint32_t>(src);
      s.line = static_cast<std::uint32_t>(line);
      s.column = static_cast<std::uint32_t>(column);
    }
    if (n == 5) {
      name += f[4];
      s.has_name = true;
      s.name = static_cast<std::uint32_t>(name);
    }
    lines.back().push_back(s);
  }
  return lines;
}

// One reference mapping, resolved to strings: index maps renumber sources and names, so their
// tokens are compared by name and content rather than by index.
struct RefTok {
  std::uint32_t gline = 0, gcol = 0;
  bool has_src = false;
  std::uint32_t src = 0;  // source index (regular maps only)
  std::uint32_t line = 0, column = 0;
  std::optional<std::string> source;   // the source's name (nullopt: null source)
  std::optional<std::string> content;  // the content the cache should hold for it
  bool ignored = false;
  std::optional<std::string> name;
};

struct Reference {
  bool check_source_index = true;          // false for index maps
  std::vector<std::vector<RefTok>> lines;  // stable-sorted by column, no trailing empty lines
  std::vector<std::uint32_t> first;        // global index of each line's first token
  std::vector<RefTok> tokens;              // all, in generated order
};

// Appends `m`'s segments, in mappings order, shifted by a section offset (ECMA-426: the column
// offset applies to the section's first line only).
void add_map(Reference& r, const GenMap& m, bool with_content, std::uint32_t off_line,
             std::uint32_t off_col) {
  const std::set<std::uint32_t> ignored(m.ignore_list.begin(), m.ignore_list.end());
  for (std::uint32_t l = 0; l < m.lines.size(); ++l) {
    for (const Seg& s : m.lines[l]) {
      RefTok t;
      t.gline = off_line + l;
      t.gcol = (l == 0 ? off_col : 0) + s.col;
      if (s.has_src) {
        t.has_src = true;
        t.src = s.src;
        t.line = s.line;
        t.column = s.column;
        t.source = m.sources[s.src];
        if (with_content && m.has_contents) t.content = m.contents[s.src];
        t.ignored = ignored.count(s.src) != 0;
        if (s.has_name) t.name = m.names[s.name];
      }
      if (r.lines.size() <= t.gline) r.lines.resize(t.gline + 1);
      r.lines[t.gline].push_back(std::move(t));
    }
  }
}

void finish(Reference& r) {
  for (auto& l : r.lines) {
    std::stable_sort(l.begin(), l.end(),
                     [](const RefTok& a, const RefTok& b) { return a.gcol < b.gcol; });
  }
  while (!r.lines.empty() && r.lines.back().empty()) r.lines.pop_back();
  for (const auto& l : r.lines) {
    r.first.push_back(static_cast<std::uint32_t>(r.tokens.size()));
    r.tokens.insert(r.tokens.end(), l.begin(), l.end());
  }
}

Reference make_reference(const GenMap& m, bool with_content) {
  Reference r;
  add_map(r, m, with_content, 0, 0);
  finish(r);
  return r;
}

std::string show(std::optional<std::string_view> s) {
  return s ? "'" + std::string(*s) + "'" : std::string("null");
}

std::string describe(const Token& t) {
  std::ostringstream s;
  s << t.generated_line << ":" << t.generated_column;
  if (t.has_source()) {
    s << " -> src " << t.source_index << " '" << t.source << "' " << t.line << ":" << t.column;
    if (t.name) s << " name '" << *t.name << "'";
    if (t.ignored) s << " (ignored)";
  } else {
    s << " (no source)";
  }
  return s.str();
}

std::string describe(const RefTok& t) {
  std::ostringstream s;
  s << t.gline << ":" << t.gcol;
  if (t.has_src) {
    s << " -> src " << t.src << " " << show(t.source) << " " << t.line << ":" << t.column;
    if (t.name) s << " name '" << *t.name << "'";
    if (t.ignored) s << " (ignored)";
  } else {
    s << " (no source)";
  }
  return s.str();
}

bool same(const Reference& r, const RefTok& want, const Token& got, const Cache& cache) {
  if (got.generated_line != want.gline || got.generated_column != want.gcol) return false;
  if (!want.has_src) return !got.has_source();
  if (!got.has_source()) return false;
  if (r.check_source_index && got.source_index != want.src) return false;
  if (got.line != want.line || got.column != want.column) return false;
  if (got.source != want.source.value_or("")) return false;
  if (got.name != want.name || got.ignored != want.ignored) return false;
  const auto info = cache.source(got.source_index);
  return info && info->name == want.source && info->content == want.content &&
         info->ignored == want.ignored;
}

const RefTok* ref_lookup(const Reference& r, std::uint32_t line, std::uint32_t col, Bias bias) {
  if (line >= r.lines.size()) return nullptr;
  const auto& toks = r.lines[line];
  std::optional<std::size_t> hit;
  if (bias == Bias::greatest_lower_bound) {
    for (std::size_t j = 0; j < toks.size(); ++j) {
      if (toks[j].gcol <= col) hit = j;  // sorted: ends on the last of the greatest column
    }
  } else {
    for (std::size_t j = 0; j < toks.size(); ++j) {
      if (toks[j].gcol < col) continue;
      if (hit && toks[j].gcol != toks[*hit].gcol) break;
      hit = j;  // the last of the smallest column >= col
    }
  }
  if (!hit || !toks[*hit].has_src) return nullptr;
  return &toks[*hit];
}

Cache::TokenRange ref_original_positions(const Reference& r, std::uint32_t line,
                                         std::uint32_t col) {
  if (r.lines.empty()) return {};
  std::int64_t l = line;
  std::uint32_t c = col;
  if (l >= static_cast<std::int64_t>(r.lines.size())) {
    l = static_cast<std::int64_t>(r.lines.size()) - 1;
    c = kU32Max;
  }
  for (; l >= 0; --l, c = kU32Max) {
    const auto& toks = r.lines[static_cast<std::size_t>(l)];
    std::optional<std::size_t> hit;
    for (std::size_t j = 0; j < toks.size(); ++j) {
      if (toks[j].gcol <= c) hit = j;
    }
    if (!hit) continue;
    std::size_t lo = *hit;
    while (lo > 0 && toks[lo - 1].gcol == toks[*hit].gcol) --lo;
    const std::uint32_t base = r.first[static_cast<std::size_t>(l)];
    return {base + static_cast<std::uint32_t>(lo), base + static_cast<std::uint32_t>(*hit) + 1};
  }
  return {};
}

// Lines of a source's content, split as the format does (\n, \r\n, \r, U+2028, U+2029).
std::vector<std::string_view> split_lines(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0, i = 0;
  while (i < s.size()) {
    std::size_t term = 0;
    if (s[i] == '\n') {
      term = 1;
    } else if (s[i] == '\r') {
      term = i + 1 < s.size() && s[i + 1] == '\n' ? 2 : 1;
    } else if (static_cast<unsigned char>(s[i]) == 0xE2 && i + 2 < s.size() &&
               static_cast<unsigned char>(s[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(s[i + 2]) == 0xA8 ||
                static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
      term = 3;
    }
    if (term == 0) {
      ++i;
      continue;
    }
    out.push_back(s.substr(start, i - start));
    i += term;
    start = i;
  }
  out.push_back(s.substr(start));
  return out;
}

// ---------------------------------------------------------------------------------------------
// The comparison of one cache with the reference
// ---------------------------------------------------------------------------------------------

// Checks the sources of a regular map one by one (index maps: through their tokens only).
void check_sources(const Cache& cache, const GenMap& m, bool with_content) {
  const std::set<std::uint32_t> ignored(m.ignore_list.begin(), m.ignore_list.end());
  EXPECT_EQ(cache.info().name_count, m.names.size());
  ASSERT_EQ(cache.source_count(), m.sources.size());
  for (std::uint32_t i = 0; i < m.sources.size(); ++i) {
    const auto s = cache.source(i);
    ASSERT_TRUE(s.has_value()) << "source " << i;
    EXPECT_EQ(s->index, i);
    EXPECT_EQ(s->name, m.sources[i]) << "source " << i;
    EXPECT_EQ(s->ignored, ignored.count(i) != 0) << "source " << i;
    const std::optional<std::string> content =
        with_content && m.has_contents ? m.contents[i] : std::nullopt;
    EXPECT_EQ(s->content, content) << "source " << i;
    if (content) {
      const auto lines = split_lines(*content);
      EXPECT_EQ(s->line_count, lines.size()) << "source " << i << " content " << show(*content);
      for (std::uint32_t l = 0; l < lines.size(); ++l) {
        EXPECT_EQ(cache.source_line(i, l), std::optional<std::string_view>(lines[l]))
            << "source " << i << " line " << l << " of content " << show(*content);
      }
      EXPECT_EQ(cache.source_line(i, static_cast<std::uint32_t>(lines.size())), std::nullopt);
    } else {
      EXPECT_EQ(s->line_count, 0u) << "source " << i;
      EXPECT_EQ(cache.source_line(i, 0), std::nullopt) << "source " << i;
    }
  }
  EXPECT_FALSE(cache.source(static_cast<std::uint32_t>(m.sources.size())).has_value());
}

// Everything but the source list: header facts, the token dump, and lookups everywhere.
void check_cache(const Cache& cache, const Reference& r, std::uint32_t block_token_count,
                 const smcache::format::Hash128& hash, const std::optional<std::string>& file,
                 const std::optional<std::string>& debug_id, std::uint32_t input_line_count) {
  const auto verified = cache.verify();
  ASSERT_TRUE(verified.ok()) << verified.error().message;

  const auto info = cache.info();
  EXPECT_EQ(info.token_count, r.tokens.size());
  EXPECT_EQ(info.generated_line_count, r.lines.size());
  EXPECT_EQ(info.source_count, cache.source_count());
  EXPECT_EQ(info.block_token_count, block_token_count);
  EXPECT_EQ(info.file, file);
  EXPECT_EQ(info.debug_id, debug_id);
  EXPECT_EQ(info.input_hash, hash);
  EXPECT_EQ(cache.token_count(), r.tokens.size());

  // The dump equals the decoded input.
  std::vector<Token> dumped;
  cache.for_each_token([&](const Token& t) { dumped.push_back(t); });
  ASSERT_EQ(dumped.size(), r.tokens.size());
  int reported = 0;
  for (std::size_t i = 0; i < dumped.size() && reported < 5; ++i) {
    if (!same(r, r.tokens[i], dumped[i], cache)) {
      ++reported;
      ADD_FAILURE() << "token " << i << ": expected " << describe(r.tokens[i]) << ", got "
                    << describe(dumped[i]);
    }
    const auto t = cache.token(static_cast<std::uint32_t>(i));
    if (!t || !same(r, r.tokens[i], *t, cache)) {
      ++reported;
      ADD_FAILURE() << "token(" << i << ") differs from for_each_token";
    }
  }
  EXPECT_FALSE(cache.token(static_cast<std::uint32_t>(r.tokens.size())).has_value());
  std::size_t visited = 0;  // early stop
  cache.for_each_token([&](const Token&) { return ++visited < 2; });
  EXPECT_EQ(visited, std::min<std::size_t>(2, r.tokens.size()));

  // Lookups at, between and around every segment, on every line and past the end.
  auto check_at = [&](std::uint32_t line, std::uint32_t col) {
    for (const Bias bias : {Bias::greatest_lower_bound, Bias::least_upper_bound}) {
      const RefTok* want = ref_lookup(r, line, col, bias);
      const auto got = cache.lookup(line, col, bias);
      const bool ok = want ? got.has_value() && same(r, *want, *got, cache) : !got.has_value();
      if (!ok && reported++ < 10) {
        ADD_FAILURE() << "lookup(" << line << ", " << col << ", "
                      << (bias == Bias::greatest_lower_bound ? "GLB" : "LUB") << "): expected "
                      << (want ? describe(*want) : "nullopt") << ", got "
                      << (got ? describe(*got) : "nullopt");
      }
    }
    const auto want = ref_original_positions(r, line, col);
    const auto got = cache.original_positions(line, col);
    const bool ok = want.empty() ? got.empty() : got.first == want.first && got.last == want.last;
    if (!ok && reported++ < 10) {
      ADD_FAILURE() << "original_positions(" << line << ", " << col << "): expected [" << want.first
                    << ", " << want.last << "), got [" << got.first << ", " << got.last << ")";
    }
  };
  const std::uint32_t line_end =
      std::max<std::uint32_t>(input_line_count, static_cast<std::uint32_t>(r.lines.size()));
  const std::vector<RefTok> none;
  for (std::uint32_t l = 0; l < line_end + 2 && reported < 10; ++l) {
    const auto& toks = l < r.lines.size() ? r.lines[l] : none;
    std::vector<std::uint32_t> cols = {0, 1, kU32Max, kU32Max - 1, 0x8000'0000u, kMaxValue};
    for (const RefTok& t : toks) {
      cols.push_back(t.gcol);
      if (t.gcol > 0) cols.push_back(t.gcol - 1);
      if (t.gcol < kU32Max) cols.push_back(t.gcol + 1);
    }
    if (!toks.empty()) cols.push_back(toks.back().gcol + 1000);
    std::sort(cols.begin(), cols.end());
    cols.erase(std::unique(cols.begin(), cols.end()), cols.end());
    for (const std::uint32_t c : cols) check_at(l, c);
  }
  for (const std::uint32_t l : {line_end + 100, kU32Max - 1, kU32Max}) {
    for (const std::uint32_t c : {0u, 7u, kU32Max}) check_at(l, c);
  }
}

// The model the parser should produce for a regular map, built by hand.
smcache::SourceMapModel make_model(const GenMap& m) {
  smcache::SourceMapModel model;
  model.file = m.file;
  model.debug_id = m.debug_id;
  model.sources = m.sources;
  model.sources_content =
      m.has_contents ? m.contents : std::vector<std::optional<std::string>>(m.sources.size());
  model.ignored.assign(m.sources.size(), false);
  for (const auto i : m.ignore_list) model.ignored[i] = true;
  model.names = m.names;
  model.tokens.clear();
  model.line_offsets.assign(1, 0);
  for (const auto& line : m.lines) {
    auto sorted = line;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Seg& a, const Seg& b) { return a.col < b.col; });
    for (const Seg& s : sorted) {
      smcache::RawToken t;
      t.generated_column = s.col;
      if (s.has_src) {
        t.source_index = s.src;
        t.line = s.line;
        t.column = s.column;
      }
      if (s.has_name) t.name_index = s.name;
      model.tokens.push_back(t);
    }
    model.line_offsets.push_back(static_cast<std::uint32_t>(model.tokens.size()));
  }
  return model;
}

std::span<const std::uint8_t> as_bytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

constexpr Shape kShapes[] = {
    Shape::tiny,         Shape::dense,      Shape::many_lines, Shape::unsorted, Shape::duplicates,
    Shape::large_values, Shape::no_sources, Shape::empty,      Shape::wide,     Shape::unsorted};
constexpr const char* kShapeNames[] = {"tiny",       "dense",        "many_lines", "unsorted",
                                       "duplicates", "large_values", "no_sources", "empty",
                                       "wide",       "unsorted"};
constexpr int kMapCount = 300;

std::uint32_t block_size_for(int i) {
  return 1u << (i % 13);
}  // 1 .. 4096

// ---------------------------------------------------------------------------------------------
// Index maps: sections at strictly increasing offsets, each ending before the next one starts
// ---------------------------------------------------------------------------------------------
struct Section {
  std::uint32_t line = 0, column = 0;
  GenMap map;
};

struct IndexMap {
  std::optional<std::string> file, debug_id;
  std::vector<Section> sections;
};

IndexMap generate_index(Rng& rng) {
  static constexpr Shape kSectionShapes[] = {Shape::tiny, Shape::unsorted, Shape::duplicates,
                                             Shape::no_sources, Shape::empty};
  IndexMap im;
  if (chance(rng, 0.5)) im.file = random_text(rng, 3);
  if (chance(rng, 0.3)) im.debug_id = "8cf3d888-fc9e-457d-a999-6ffef384b736";
  const std::uint32_t n = uniform(rng, 0, 6);
  std::uint32_t line = uniform(rng, 0, 3), column = uniform(rng, 0, 30);
  for (std::uint32_t k = 0; k < n; ++k) {
    Section sec{line, column, generate(rng, kSectionShapes[uniform(rng, 0, 4)])};
    // Unique source names across sections: a converter may merge equal names.
    for (auto& src : sec.map.sources) {
      if (!src) continue;
      std::string prefixed = "s";  // (built step by step: GCC 12 -Wrestrict false positive)
      prefixed += std::to_string(k);
      prefixed += '/';
      prefixed += *src;
      *src = std::move(prefixed);
    }
    // Where this section's last mapping is; the next offset must come after it.
    std::int64_t last = -1;
    for (std::size_t l = 0; l < sec.map.lines.size(); ++l) {
      if (!sec.map.lines[l].empty()) last = static_cast<std::int64_t>(l);
    }
    std::uint32_t end_line = line, end_column = column;  // first free position
    if (last >= 0) {
      std::uint32_t max_col = 0;
      for (const Seg& s : sec.map.lines[static_cast<std::size_t>(last)]) {
        max_col = std::max(max_col, s.col);
      }
      end_line = line + static_cast<std::uint32_t>(last);
      end_column = (last == 0 ? column : 0) + max_col + 1;
    } else {
      end_column = column + 1;
    }
    im.sections.push_back(std::move(sec));
    if (chance(rng, 0.5)) {  // next section on the same line
      line = end_line;
      column = end_column + uniform(rng, 0, 10);
    } else {
      line = end_line + uniform(rng, 1, 3);
      column = uniform(rng, 0, 30);
    }
  }
  return im;
}

std::string index_to_json(const IndexMap& im, Rng& rng) {
  std::string out = "{\"version\":3";
  if (im.file) {
    out += ",\"file\":";
    json_string(out, *im.file, rng);
  }
  if (im.debug_id) {
    out += ",\"debugId\":";
    json_string(out, *im.debug_id, rng);
  }
  out += ",\n\"sections\":[";
  for (std::size_t k = 0; k < im.sections.size(); ++k) {
    const Section& sec = im.sections[k];
    if (k > 0) out += ",\n";
    out += "{\"offset\":{\"line\":" + std::to_string(sec.line) +
           ",\"column\":" + std::to_string(sec.column) + "},\"map\":" + to_json(sec.map, rng) + "}";
  }
  out += "]}";
  return out;
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------
TEST(RoundtripVlq, EncoderMatchesKnownStrings) {
  // Rows from ECMA-426 examples and the conformance suite.
  auto enc = [](std::int64_t v, bool pad = false) {
    std::string s;
    vlq(s, v, pad);
    return s;
  };
  EXPECT_EQ(enc(0), "A");
  EXPECT_EQ(enc(1), "C");
  EXPECT_EQ(enc(-1), "D");
  EXPECT_EQ(enc(15), "e");   // vlqValidSingleDigit
  EXPECT_EQ(enc(-13), "b");  // vlqValidNegativeDigit
  EXPECT_EQ(enc(16), "gB");
  EXPECT_EQ(enc(kMaxValue), "+/////D");  // validMappingFieldsWith32BitMaxValues
  EXPECT_EQ(enc(15, true), "+A");
  const auto decoded = reference_decode("+gAgAgAigA");  // vlqValidContinuationBitPresent1
  ASSERT_TRUE(decoded.has_value());
  ASSERT_EQ(decoded->size(), 1u);
  ASSERT_EQ((*decoded)[0].size(), 1u);
  EXPECT_EQ((*decoded)[0][0].col, 15u);
  EXPECT_EQ((*decoded)[0][0].column, 1u);
}

TEST(RoundtripReference, SplitsLinesLikeTheFormat) {
  using V = std::vector<std::string_view>;
  EXPECT_EQ(split_lines(""), V{""});
  EXPECT_EQ(split_lines("a\nb"), (V{"a", "b"}));
  EXPECT_EQ(split_lines("a\r\nb\r"), (V{"a", "b", ""}));
  EXPECT_EQ(split_lines("a\r\rb"), (V{"a", "", "b"}));
  EXPECT_EQ(split_lines("a\xE2\x80\xA8"
                        "b\xE2\x80\xA9"),
            (V{"a", "b", ""}));
  EXPECT_EQ(split_lines("a\xE2\x80"
                        "b"),
            (V{"a\xE2\x80"
               "b"}));
}

// Random maps through compile() and through build_cache(model), checked against the reference.
TEST(Roundtrip, RandomMapsMatchReference) {
  int tokens_total = 0;
  std::map<std::uint64_t, int> offset_widths;  // string offset width -> maps
  for (int i = 0; i < kMapCount; ++i) {
    const std::uint64_t seed = kSeedBase + static_cast<std::uint64_t>(i);
    Rng rng(seed);
    const int shape_index = i % static_cast<int>(std::size(kShapes));
    const GenMap m = generate(rng, kShapes[shape_index]);
    const std::string json = to_json(m, rng);
    const bool with_content = (i / 2) % 2 == 0;
    smcache::CompileOptions options;
    options.block_token_count = block_size_for(i);
    options.include_sources_content = with_content;
    SCOPED_TRACE("map " + std::to_string(i) + " (seed " + std::to_string(seed) + ", shape " +
                 kShapeNames[shape_index] + ", block " + std::to_string(options.block_token_count) +
                 (with_content ? ", with content" : ", without content") + ", json " +
                 std::to_string(json.size()) + " bytes)");

    // The encoder round-trips through the independent reference decoder.
    const auto json_mappings_start = json.find("\"mappings\":\"") + 12;
    const std::string mappings =
        json.substr(json_mappings_start, json.find('"', json_mappings_start) - json_mappings_start);
    const auto decoded = reference_decode(mappings);
    ASSERT_TRUE(decoded.has_value()) << "test encoder produced bad mappings";
    auto expected_lines = m.lines;
    if (expected_lines.empty()) expected_lines.resize(1);  // "" is one empty line
    if (m.trailing_semicolons) expected_lines.resize(expected_lines.size() + 2);
    ASSERT_EQ(*decoded, expected_lines) << "test encoder/decoder disagree";

    const Reference r = make_reference(m, with_content);
    tokens_total += static_cast<int>(r.tokens.size());
    const auto hash = smcache::format::input_hash(json.data(), json.size());
    const auto line_count = static_cast<std::uint32_t>(expected_lines.size());

    // compile() -> Cache
    auto compiled = smcache::compile(as_bytes(json), options);
    ASSERT_TRUE(compiled.ok()) << "compile failed: " << smcache::errc_name(compiled.error().code)
                               << ": " << compiled.error().message << "\ninput: " << json;
    {
      auto cache = Cache::from_bytes(*compiled);
      ASSERT_TRUE(cache.ok()) << cache.error().message;
      check_sources(*cache, m, with_content);
      check_cache(*cache, r, options.block_token_count, hash, m.file, m.debug_id, line_count);
      for (const auto& sec : cache->sections()) {
        if (sec.name == "string_offsets" && cache->info().string_count > 0) {
          ++offset_widths[sec.size / (cache->info().string_count + 1)];
        }
      }
      if (HasFailure()) {
        ADD_FAILURE() << "input: " << (json.size() < 4000 ? json : json.substr(0, 4000) + "...");
        return;
      }
    }
    // Determinism: the same input gives the same bytes.
    auto again = smcache::compile(as_bytes(json), options);
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(*again == *compiled) << "compile is not deterministic";

    // The parser's model equals the hand-built one (trailing empty lines aside).
    const smcache::SourceMapModel model = make_model(m);
    auto parsed = smcache::parse_source_map(as_bytes(json), options);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(parsed->file, model.file);
    EXPECT_EQ(parsed->debug_id, model.debug_id);
    EXPECT_EQ(parsed->sources, model.sources);
    EXPECT_EQ(parsed->ignored, model.ignored);
    EXPECT_EQ(parsed->names, model.names);
    EXPECT_TRUE(parsed->tokens == model.tokens) << "parsed tokens differ";
    {
      auto a = parsed->line_offsets, b = model.line_offsets;
      while (a.size() > 1 && a[a.size() - 2] == a.back()) a.pop_back();
      while (b.size() > 1 && b[b.size() - 2] == b.back()) b.pop_back();
      EXPECT_EQ(a, b) << "parsed line offsets differ";
    }
    if (with_content) {
      EXPECT_EQ(parsed->sources_content, model.sources_content);
    }

    // Model -> build_cache directly, checked the same way, and byte-equal to compile().
    auto built = smcache::build_cache(model, hash, options);
    ASSERT_TRUE(built.ok()) << "build_cache failed: " << built.error().message;
    {
      auto cache = Cache::from_bytes(*built);
      ASSERT_TRUE(cache.ok()) << cache.error().message;
      check_sources(*cache, m, with_content);
      check_cache(*cache, r, options.block_token_count, hash, m.file, m.debug_id, line_count);
      if (HasFailure()) return;
    }
    auto built_again = smcache::build_cache(model, hash, options);
    ASSERT_TRUE(built_again.ok());
    EXPECT_TRUE(*built_again == *built) << "build_cache is not deterministic";
    EXPECT_TRUE(*built == *compiled) << "build_cache(model) and compile(json) differ";
    if (HasFailure()) return;
  }
  std::cout << "roundtrip: " << kMapCount << " maps, " << tokens_total
            << " tokens; string offset widths:";
  for (const auto& [w, n] : offset_widths) std::cout << " " << w << "B=" << n;
  std::cout << "\n";
  EXPECT_GT(tokens_total, 0);
  // The shapes reach every string offset width.
  EXPECT_GT(offset_widths[1], 0);
  EXPECT_GT(offset_widths[2], 0);
  EXPECT_GT(offset_widths[4], 0);
}

// One map at every block size: the same lookups whatever the packing.
TEST(Roundtrip, EveryBlockSizeGivesTheSameAnswers) {
  Rng rng(kSeedBase ^ 0xb10c);
  const GenMap m = generate(rng, Shape::unsorted);
  const std::string json = to_json(m, rng);
  const Reference r = make_reference(m, true);
  const auto hash = smcache::format::input_hash(json.data(), json.size());
  for (std::uint32_t b = 1; b <= 4096; b *= 2) {
    SCOPED_TRACE("block " + std::to_string(b));
    smcache::CompileOptions options;
    options.block_token_count = b;
    auto compiled = smcache::compile(as_bytes(json), options);
    ASSERT_TRUE(compiled.ok()) << compiled.error().message;
    auto cache = Cache::from_bytes(*compiled);
    ASSERT_TRUE(cache.ok()) << cache.error().message;
    check_sources(*cache, m, true);
    check_cache(*cache, r, b, hash, m.file, m.debug_id, static_cast<std::uint32_t>(m.lines.size()));
    if (HasFailure()) return;
  }
}

// Random index maps: the flattened tokens, looked up like a regular map's.
TEST(Roundtrip, RandomIndexMapsMatchReference) {
  constexpr int kIndexMapCount = 100;
  int tokens_total = 0;
  for (int i = 0; i < kIndexMapCount; ++i) {
    const std::uint64_t seed = kSeedBase + 0x1000 + static_cast<std::uint64_t>(i);
    Rng rng(seed);
    const IndexMap im = generate_index(rng);
    const std::string json = index_to_json(im, rng);
    const bool with_content = i % 2 == 0;
    smcache::CompileOptions options;
    options.block_token_count = block_size_for(i);
    options.include_sources_content = with_content;
    SCOPED_TRACE("index map " + std::to_string(i) + " (seed " + std::to_string(seed) + ", " +
                 std::to_string(im.sections.size()) + " sections, block " +
                 std::to_string(options.block_token_count) + ")");
    Reference r;
    r.check_source_index = false;
    std::uint32_t line_count = 0;
    for (const Section& sec : im.sections) {
      add_map(r, sec.map, with_content, sec.line, sec.column);
      line_count =
          std::max(line_count, sec.line + static_cast<std::uint32_t>(sec.map.lines.size()));
    }
    finish(r);
    tokens_total += static_cast<int>(r.tokens.size());
    const auto hash = smcache::format::input_hash(json.data(), json.size());
    auto compiled = smcache::compile(as_bytes(json), options);
    ASSERT_TRUE(compiled.ok()) << "compile failed: " << smcache::errc_name(compiled.error().code)
                               << ": " << compiled.error().message << "\ninput: " << json;
    auto cache = Cache::from_bytes(*compiled);
    ASSERT_TRUE(cache.ok()) << cache.error().message;
    check_cache(*cache, r, options.block_token_count, hash, im.file, im.debug_id, line_count);
    auto again = smcache::compile(as_bytes(json), options);
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(*again == *compiled) << "compile is not deterministic";
    if (HasFailure()) {
      ADD_FAILURE() << "input: " << (json.size() < 4000 ? json : json.substr(0, 4000) + "...");
      return;
    }
  }
  std::cout << "roundtrip: " << kIndexMapCount << " index maps, " << tokens_total << " tokens\n";
  EXPECT_GT(tokens_total, 0);
}

}  // namespace
