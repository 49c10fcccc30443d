#include "bench_common.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#ifndef SMCACHE_BENCH_SOURCE_DIR
#error "SMCACHE_BENCH_SOURCE_DIR must name the bench/ source directory"
#endif

namespace smcache::bench {

std::filesystem::path default_pins_path() {
  if (const char* p = std::getenv("SMCACHE_MAPS_PINS"); p && *p) return p;
  return std::filesystem::path(SMCACHE_BENCH_SOURCE_DIR) / "maps.tsv";
}

std::filesystem::path default_data_dir() {
  if (const char* p = std::getenv("SMCACHE_BENCH_DATA"); p && *p) return p;
  return std::filesystem::path(SMCACHE_BENCH_SOURCE_DIR) / ".data";
}

std::filesystem::path map_path(const std::filesystem::path& data_dir, const MapPin& pin) {
  return data_dir / "maps" / (pin.id + ".map");
}

std::vector<MapPin> read_pins(const std::filesystem::path& pins, std::string& error) {
  std::ifstream in(pins);
  if (!in) {
    error = "cannot read pin list " + pins.string();
    return {};
  }
  std::vector<MapPin> out;
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f;
    std::size_t start = 0;
    while (true) {
      const std::size_t tab = line.find('\t', start);
      f.push_back(line.substr(start, tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    if (f.size() != 9) {
      error = pins.string() + ": line " + std::to_string(lineno) + ": " + std::to_string(f.size()) +
              " fields, expected 9";
      return {};
    }
    MapPin p{f[0], f[1], f[2], f[3], f[4], std::strtoull(f[5].c_str(), nullptr, 10),
             f[6], f[7], f[8]};
    out.push_back(std::move(p));
  }
  return out;
}

std::optional<std::vector<std::uint8_t>> read_bytes(const std::filesystem::path& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return std::nullopt;
  std::vector<std::uint8_t> bytes;
  std::uint8_t buf[1 << 16];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) bytes.insert(bytes.end(), buf, buf + n);
  const bool ok = !std::ferror(f);
  std::fclose(f);
  if (!ok) return std::nullopt;
  return bytes;
}

bool write_bytes(const std::filesystem::path& path, std::span<const std::uint8_t> bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return false;
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  return std::fclose(f) == 0 && ok;
}

// ---------------------------------------------------------------------------------------------
// Reference decoder
// ---------------------------------------------------------------------------------------------
namespace {

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Decodes one VLQ value at s[i], advancing i. False on bad input.
bool decode_vlq(std::string_view s, std::size_t& i, std::int64_t& out) {
  std::uint64_t value = 0;
  int shift = 0;
  while (true) {
    if (i >= s.size() || shift > 35) return false;
    const int d = base64_value(s[i++]);
    if (d < 0) return false;
    value |= static_cast<std::uint64_t>(d & 31) << shift;
    shift += 5;
    if (!(d & 32)) break;
  }
  const std::int64_t magnitude = static_cast<std::int64_t>(value >> 1);
  out = (value & 1) ? -magnitude : magnitude;
  return true;
}

}  // namespace

std::optional<ReferenceMap> decode_reference(std::span<const std::uint8_t> json,
                                             std::string& error) {
  rapidjson::Document doc;
  doc.Parse(reinterpret_cast<const char*>(json.data()), json.size());
  if (doc.HasParseError()) {
    error = std::string("reference: invalid json at byte ") + std::to_string(doc.GetErrorOffset()) +
            ": " + rapidjson::GetParseError_En(doc.GetParseError());
    return std::nullopt;
  }
  if (!doc.IsObject()) {
    error = "reference: not an object";
    return std::nullopt;
  }
  if (doc.HasMember("sections")) {
    error = "reference: index maps are not decoded by the reference";
    return std::nullopt;
  }
  ReferenceMap ref;
  if (auto it = doc.FindMember("sources"); it != doc.MemberEnd() && it->value.IsArray()) {
    ref.source_count = it->value.Size();
  }
  if (auto it = doc.FindMember("names"); it != doc.MemberEnd() && it->value.IsArray()) {
    for (const auto& n : it->value.GetArray()) {
      ref.names.emplace_back(n.IsString() ? std::string(n.GetString(), n.GetStringLength()) : "");
    }
  }
  auto mit = doc.FindMember("mappings");
  if (mit == doc.MemberEnd() || !mit->value.IsString()) {
    error = "reference: mappings missing or not a string";
    return std::nullopt;
  }
  const std::string_view m(mit->value.GetString(), mit->value.GetStringLength());
  ref.tokens.reserve(m.size() / 5);
  std::int64_t source = 0, oline = 0, ocol = 0, name = 0;
  std::uint32_t gline = 0;
  std::size_t line_begin = 0;
  auto finish_line = [&] {
    auto first = ref.tokens.begin() + static_cast<std::ptrdiff_t>(line_begin);
    if (!std::is_sorted(first, ref.tokens.end(), [](const RefToken& a, const RefToken& b) {
          return a.generated_column < b.generated_column;
        })) {
      std::stable_sort(first, ref.tokens.end(), [](const RefToken& a, const RefToken& b) {
        return a.generated_column < b.generated_column;
      });
    }
    ref.line_offsets.push_back(static_cast<std::uint32_t>(ref.tokens.size()));
    line_begin = ref.tokens.size();
  };
  std::size_t i = 0;
  std::int64_t gcol = 0;
  while (i < m.size()) {
    if (m[i] == ';') {
      finish_line();
      ++gline;
      gcol = 0;
      ++i;
      continue;
    }
    if (m[i] == ',') {
      ++i;
      continue;
    }
    std::int64_t v[5];
    int n = 0;
    while (i < m.size() && m[i] != ',' && m[i] != ';') {
      if (n == 5 || !decode_vlq(m, i, v[n])) {
        error = "reference: mappings: line " + std::to_string(gline) + ": bad segment";
        return std::nullopt;
      }
      ++n;
    }
    if (n != 1 && n != 4 && n != 5) {
      error = "reference: mappings: line " + std::to_string(gline) + ": segment of " +
              std::to_string(n) + " fields";
      return std::nullopt;
    }
    RefToken t;
    t.generated_line = gline;
    gcol += v[0];
    if (gcol < 0 || gcol > 0xFFFFFFFELL) {
      error = "reference: mappings: line " + std::to_string(gline) + ": column out of range";
      return std::nullopt;
    }
    t.generated_column = static_cast<std::uint32_t>(gcol);
    if (n >= 4) {
      source += v[1];
      oline += v[2];
      ocol += v[3];
      if (source < 0 || source >= ref.source_count || oline < 0 || ocol < 0 ||
          oline > 0xFFFFFFFELL || ocol > 0xFFFFFFFELL) {
        error = "reference: mappings: line " + std::to_string(gline) + ": value out of range";
        return std::nullopt;
      }
      t.source = static_cast<std::uint32_t>(source);
      t.line = static_cast<std::uint32_t>(oline);
      t.column = static_cast<std::uint32_t>(ocol);
      if (n == 5) {
        name += v[4];
        if (name < 0 || static_cast<std::size_t>(name) >= ref.names.size()) {
          error = "reference: mappings: line " + std::to_string(gline) + ": name out of range";
          return std::nullopt;
        }
        t.name = static_cast<std::uint32_t>(name);
      }
    }
    ref.tokens.push_back(t);
  }
  finish_line();
  // Trailing lines without tokens are not lines of the cache (SPEC: generated_line_count is the
  // last line with a segment + 1).
  while (ref.line_offsets.size() > 1 &&
         ref.line_offsets[ref.line_offsets.size() - 2] == ref.line_offsets.back()) {
    ref.line_offsets.pop_back();
  }
  return ref;
}

std::optional<RefToken> reference_lookup(const ReferenceMap& ref, std::uint32_t line,
                                         std::uint32_t column) {
  if (line + 1 >= ref.line_offsets.size()) return std::nullopt;
  auto first = ref.tokens.begin() + ref.line_offsets[line];
  auto last = ref.tokens.begin() + ref.line_offsets[line + 1];
  auto it = std::upper_bound(first, last, column, [](std::uint32_t c, const RefToken& t) {
    return c < t.generated_column;
  });
  if (it == first) return std::nullopt;
  --it;
  if (it->source == kNone) return std::nullopt;
  return *it;
}

namespace {

std::string describe(const ReferenceMap& ref, const std::optional<RefToken>& t) {
  if (!t) return "none";
  std::ostringstream s;
  s << "source " << t->source << " " << t->line << ":" << t->column;
  if (t->name != kNone) s << " name '" << ref.names[t->name] << "'";
  return s.str();
}

std::string describe(const std::optional<Token>& t) {
  if (!t) return "none";
  std::ostringstream s;
  if (t->has_source()) {
    s << "source " << t->source_index << " " << t->line << ":" << t->column;
  } else {
    s << "no source";
  }
  if (t->name) s << " name '" << *t->name << "'";
  return s.str();
}

bool same(const ReferenceMap& ref, const RefToken& want, const Token& got) {
  if (want.source == kNone) {
    if (got.has_source()) return false;
  } else if (got.source_index != want.source || got.line != want.line ||
             got.column != want.column) {
    return false;
  }
  if (want.name == kNone) return !got.name.has_value();
  return got.name.has_value() && *got.name == ref.names[want.name];
}

}  // namespace

std::string compare(const ReferenceMap& ref, const std::optional<RefToken>& want,
                    const std::optional<Token>& got) {
  if (!want && !got) return "";
  if (want && got && same(ref, *want, *got)) return "";
  return "expected " + describe(ref, want) + ", got " + describe(got);
}

std::string compare_all_tokens(const ReferenceMap& ref, const Cache& cache) {
  if (cache.token_count() != ref.tokens.size()) {
    return "token count " + std::to_string(cache.token_count()) + ", reference has " +
           std::to_string(ref.tokens.size());
  }
  std::string err;
  std::size_t i = 0;
  cache.for_each_token([&](const Token& t) {
    const RefToken& r = ref.tokens[i];
    if (t.generated_line != r.generated_line || t.generated_column != r.generated_column ||
        !same(ref, r, t)) {
      err = "token " + std::to_string(i) + " at " + std::to_string(t.generated_line) + ":" +
            std::to_string(t.generated_column) + ": expected " + std::to_string(r.generated_line) +
            ":" + std::to_string(r.generated_column) + " " + describe(ref, r) + ", got " +
            describe(std::optional<Token>(t));
      return false;
    }
    ++i;
    return true;
  });
  if (err.empty() && i != ref.tokens.size()) {
    err = "iteration gave " + std::to_string(i) + " tokens, reference has " +
          std::to_string(ref.tokens.size());
  }
  return err;
}

QuerySet make_queries(const ReferenceMap& ref, std::size_t count_pow2, std::uint64_t seed) {
  QuerySet qs;
  Rng rng(seed);
  qs.queries.reserve(count_pow2);
  const auto n = static_cast<std::uint32_t>(ref.tokens.size());
  for (std::size_t k = 0; k < count_pow2; ++k) {
    Query q;
    if (n > 0) {
      const RefToken& t = ref.tokens[rng.below(n)];
      q.line = t.generated_line;
      if (k % 2 == 0) {
        q.column = t.generated_column;
      } else {
        const std::uint32_t last_col =
            ref.tokens[ref.line_offsets[q.line + 1] - 1].generated_column;
        q.column = rng.below(last_col + 17);
      }
    }
    qs.queries.push_back(q);
  }
  qs.expected.reserve(count_pow2);
  qs.prefix.assign(1, 0);
  for (const Query& q : qs.queries) {
    qs.expected.push_back(reference_lookup(ref, q.line, q.column));
    qs.prefix.push_back(qs.prefix.back() + fold(qs.expected.back()));
  }
  return qs;
}

std::string check_queries(const ReferenceMap& ref, const QuerySet& qs, const Cache& cache) {
  for (std::size_t k = 0; k < qs.queries.size(); ++k) {
    const Query& q = qs.queries[k];
    std::string diff = compare(ref, qs.expected[k], cache.lookup(q.line, q.column));
    if (!diff.empty()) {
      return "lookup(" + std::to_string(q.line) + ", " + std::to_string(q.column) + "): " + diff;
    }
  }
  return "";
}

// ---------------------------------------------------------------------------------------------
// Synthetic maps
// ---------------------------------------------------------------------------------------------
namespace {

const char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void encode_vlq(std::string& out, std::int64_t v) {
  std::uint64_t u =
      v < 0 ? (static_cast<std::uint64_t>(-v) << 1) | 1 : static_cast<std::uint64_t>(v) << 1;
  do {
    std::uint32_t digit = u & 31;
    u >>= 5;
    if (u) digit |= 32;
    out.push_back(kBase64[digit]);
  } while (u);
}

std::string base36(std::uint32_t v) {
  std::string s;
  do {
    s.push_back("0123456789abcdefghijklmnopqrstuvwxyz"[v % 36]);
    v /= 36;
  } while (v);
  return s;
}

}  // namespace

SyntheticMap make_synthetic(std::size_t target_bytes, std::uint64_t seed) {
  Rng rng(seed);
  SyntheticMap out;
  ReferenceMap& ref = out.ref;
  const std::uint32_t n_sources =
      static_cast<std::uint32_t>(std::clamp<std::size_t>(target_bytes / 40000, 1, 1500));
  const std::uint32_t n_names =
      static_cast<std::uint32_t>(std::clamp<std::size_t>(target_bytes / 150, 2, 40000));
  ref.source_count = n_sources;
  std::string sources = "[";
  for (std::uint32_t s = 0; s < n_sources; ++s) {
    if (s) sources += ',';
    sources += "\"webpack://app/./src/module" + std::to_string(s % 97) + "/file_" +
               std::to_string(s) + ".ts\"";
  }
  sources += ']';
  std::string names = "[";
  for (std::uint32_t k = 0; k < n_names; ++k) {
    ref.names.push_back((k % 3 == 0 ? "handle" : k % 3 == 1 ? "_" : "get") + base36(k * 7919u));
    if (k) names += ',';
    names += '"' + ref.names.back() + '"';
  }
  names += ']';
  const std::string head = "{\"version\":3,\"file\":\"synthetic.min.js\",\"sources\":" + sources +
                           ",\"names\":" + names + ",\"mappings\":\"";
  const std::string tail = "\"}";
  const std::size_t overhead = head.size() + tail.size();
  const std::size_t budget = target_bytes > overhead + 16 ? target_bytes - overhead : 16;
  const std::size_t line_budget = std::clamp<std::size_t>(target_bytes / 4, 48, 1 << 20);

  std::string m;
  m.reserve(budget + 64);
  std::uint32_t gline = 0;
  std::int64_t gcol = 0, psrc = 0, pline = 0, pcol = 0, pname = 0;  // previous encoded values
  std::int64_t src = 0, oline = 0, ocol = 0;
  std::size_t line_start = 0;
  bool first_in_line = true;
  while (m.size() < budget) {
    if (m.size() - line_start >= line_budget) {
      m.push_back(';');
      ref.line_offsets.push_back(static_cast<std::uint32_t>(ref.tokens.size()));
      ++gline;
      gcol = 0;
      line_start = m.size();
      first_in_line = true;
    }
    if (!first_in_line) m.push_back(',');
    const std::uint32_t r = rng.below(100);
    const std::int64_t col = first_in_line ? rng.below(4) : gcol + (r == 0 ? 0 : 1 + rng.below(30));
    RefToken t;
    t.generated_line = gline;
    t.generated_column = static_cast<std::uint32_t>(col);
    encode_vlq(m, col - gcol);
    gcol = col;
    if (rng.below(100) >= 2) {  // 2% 1-field segments
      if (rng.below(100) < 8) {
        src = rng.below(n_sources);
        oline = rng.below(3000);
        ocol = rng.below(80);
      } else if (rng.below(10) >= 7) {
        oline += 1 + rng.below(3);
        ocol = rng.below(60);
      } else {
        ocol = std::max<std::int64_t>(0, ocol + static_cast<std::int64_t>(rng.below(40)) - 10);
      }
      encode_vlq(m, src - psrc);
      encode_vlq(m, oline - pline);
      encode_vlq(m, ocol - pcol);
      psrc = src;
      pline = oline;
      pcol = ocol;
      t.source = static_cast<std::uint32_t>(src);
      t.line = static_cast<std::uint32_t>(oline);
      t.column = static_cast<std::uint32_t>(ocol);
      if (rng.below(100) < 40) {  // skewed: some names are far more common
        const std::uint64_t a = rng.below(n_names), b = rng.below(n_names);
        const auto name = static_cast<std::int64_t>(a * b / n_names);
        encode_vlq(m, name - pname);
        pname = name;
        t.name = static_cast<std::uint32_t>(name);
      }
    }
    ref.tokens.push_back(t);
    first_in_line = false;
  }
  ref.line_offsets.push_back(static_cast<std::uint32_t>(ref.tokens.size()));
  out.json = head + m + tail;
  return out;
}

std::string format_size(std::uint64_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + "MB";
  if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes >> 10) + "KB";
  return std::to_string(bytes) + "B";
}

}  // namespace smcache::bench
