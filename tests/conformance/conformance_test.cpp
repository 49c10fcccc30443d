// The official ECMA-426 test suite (tc39/source-map-tests) against compile() and Cache.
//
// - source-map-spec-tests.json: one test per case (Spec/Conformance.Case/<name>). A map with
//   sourceMapIsValid false must be rejected by compile(); a valid one must compile, open and
//   verify, and pass every test action: checkMapping (GLB lookup of the 0-based generated
//   position), checkMappingTransitive (the same, chained through intermediateMaps) and
//   checkIgnoreList. Other action kinds are counted and printed as UNSUPPORTED.
// - decoding/**.map: the Decoded Source Map Record in <map>.golden (file, sources, mappings,
//   debugId) against what the cache holds. Two fixtures have trailing commas (not strict JSON).
// - range-mappings-proposal-tests.json: a Stage-2 proposal smcache does not implement; skipped
//   with a note.
// ConformanceSummary.AllCases runs every case again and prints the counts.
//
// The suite's lines and columns are 0-based, as ours are. Expected `originalSource` values are
// URLs relative to the map (or absolute): a source matches when equal, or when both resolve to
// the same URL against the map's URL (counted apart as "matched after resolution").
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <smcache/converter/compile.hpp>
#include <smcache/reader/cache.hpp>

namespace {

namespace fs = std::filesystem;
using rapidjson::Value;

constexpr const char* kSkipMessage =
    "SKIPPED: source-map-tests not found (set SMCACHE_CONFORMANCE_DIR)";

fs::path suite_dir() {
  if (const char* env = std::getenv("SMCACHE_CONFORMANCE_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  return SMCACHE_CONFORMANCE_DIR;
}

std::optional<std::string> slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool suite_present() {
  return fs::is_regular_file(suite_dir() / "source-map-spec-tests.json");
}

// The parsed spec-tests JSON, loaded once.
const rapidjson::Document& spec_document() {
  static const rapidjson::Document doc = [] {
    rapidjson::Document d;
    const auto text = slurp(suite_dir() / "source-map-spec-tests.json");
    if (!text) {
      d.SetNull();
      return d;
    }
    d.Parse(text->c_str(), text->size());
    if (d.HasParseError()) {
      std::cerr << "conformance: source-map-spec-tests.json: "
                << rapidjson::GetParseError_En(d.GetParseError()) << " at byte "
                << d.GetErrorOffset() << "\n";
      d.SetNull();
    }
    return d;
  }();
  return doc;
}

const Value* spec_cases() {
  const auto& doc = spec_document();
  if (!doc.IsObject() || !doc.HasMember("tests") || !doc["tests"].IsArray()) return nullptr;
  return &doc["tests"];
}

std::string sanitize(std::string_view s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out.empty() ? std::string("empty") : out;
}

// ---------------------------------------------------------------------------------------------
// URL resolution (WHATWG-ish, enough for the suite): a relative reference against the map URL.
// ---------------------------------------------------------------------------------------------
bool has_scheme(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (std::size_t i = 1; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ':') return true;
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return false;
    }
  }
  return false;
}

std::string remove_dot_segments(std::string_view path) {
  std::vector<std::string_view> out;
  bool trailing_slash = false;
  std::size_t pos = path.empty() || path[0] != '/' ? 0 : 1;
  while (pos <= path.size()) {
    std::size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view seg = path.substr(pos, end - pos);
    const bool last = end == path.size();
    if (seg == ".") {
      trailing_slash = last;
    } else if (seg == "..") {
      if (!out.empty()) out.pop_back();
      trailing_slash = last;
    } else {
      out.push_back(seg);
      trailing_slash = false;
    }
    pos = end + 1;
  }
  std::string result = "/";
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i > 0) result += '/';
    result += out[i];
  }
  if (trailing_slash && !out.empty()) result += '/';
  return result;
}

// `base` is an absolute "scheme://host/path" URL.
std::string resolve_url(std::string_view base, std::string_view ref) {
  if (has_scheme(ref)) return std::string(ref);
  const std::size_t scheme_end = base.find("://");
  const std::size_t auth_end = base.find('/', scheme_end + 3);
  const std::string origin(base.substr(0, auth_end));
  if (ref.substr(0, 2) == "//")
    return std::string(base.substr(0, scheme_end + 1)) + std::string(ref);
  std::string path;
  if (!ref.empty() && ref[0] == '/') {
    path = std::string(ref);
  } else {
    const std::string_view base_path = base.substr(auth_end);
    path = std::string(base_path.substr(0, base_path.rfind('/') + 1)) + std::string(ref);
  }
  return origin + remove_dot_segments(path);
}

std::string map_url(std::string_view relative_map_path) {
  return "https://conformance.invalid/resources/" + std::string(relative_map_path);
}

enum class SourceMatch { exact, resolved, mismatch };

// `got`: the cache's source name (nullopt: null source); `want`: the suite's (nullopt: null).
SourceMatch match_source(std::optional<std::string_view> got, std::optional<std::string_view> want,
                         std::string_view base) {
  if (!got || !want) return !got && !want ? SourceMatch::exact : SourceMatch::mismatch;
  if (*got == *want) return SourceMatch::exact;
  return resolve_url(base, *got) == resolve_url(base, *want) ? SourceMatch::resolved
                                                             : SourceMatch::mismatch;
}

std::string show(std::optional<std::string_view> s) {
  return s ? "\"" + std::string(*s) + "\"" : std::string("null");
}

// ---------------------------------------------------------------------------------------------
// Compiling a map and keeping the cache with its bytes
// ---------------------------------------------------------------------------------------------
struct Loaded {
  std::unique_ptr<std::vector<std::uint8_t>> bytes;  // Cache::from_bytes does not copy
  std::optional<smcache::Cache> cache;
  std::optional<smcache::Error> rejected;  // compile() failed
  std::string problem;                     // could not read, or compiled but unusable
};

Loaded load_bytes(const std::string& text) {
  Loaded out;
  const std::span<const std::uint8_t> input(reinterpret_cast<const std::uint8_t*>(text.data()),
                                            text.size());
  auto compiled = smcache::compile(input);
  if (!compiled) {
    out.rejected = compiled.error();
    return out;
  }
  out.bytes = std::make_unique<std::vector<std::uint8_t>>(std::move(compiled).value());
  auto cache = smcache::Cache::from_bytes(*out.bytes);
  if (!cache) {
    out.problem = std::string("from_bytes failed: ") + smcache::errc_name(cache.error().code) +
                  ": " + cache.error().message;
    return out;
  }
  if (auto verified = cache->verify(); !verified) {
    out.problem = std::string("verify failed: ") + smcache::errc_name(verified.error().code) +
                  ": " + verified.error().message;
    return out;
  }
  out.cache.emplace(std::move(cache).value());
  return out;
}

Loaded load_map(const fs::path& path) {
  const auto text = slurp(path);
  if (!text) {
    Loaded out;
    out.problem = "cannot read " + path.string();
    return out;
  }
  return load_bytes(*text);
}

// Style of Error::message (common brief): non-empty, lower-case start, no trailing period.
std::string message_style_problem(const std::string& m) {
  if (m.empty()) return "empty message";
  if (std::isupper(static_cast<unsigned char>(m[0]))) return "starts upper case: " + m;
  if (m.back() == '.') return "trailing period: " + m;
  return {};
}

// ---------------------------------------------------------------------------------------------
// One case of source-map-spec-tests.json
// ---------------------------------------------------------------------------------------------
struct Failure {
  std::string kind;
  std::string detail;
};

struct Outcome {
  bool valid = false;
  bool compiled = false;
  bool rejected = false;
  std::string rejected_code;
  int mapping_checks = 0, mapping_passed = 0, resolved_matches = 0;
  int ignore_checks = 0, ignore_passed = 0;
  std::vector<std::string> unsupported;  // action kinds we cannot express
  std::vector<std::string> notes;
  std::vector<Failure> failures;
  void fail(std::string kind, std::string detail) {
    failures.push_back({std::move(kind), std::move(detail)});
  }
};

std::optional<std::string_view> opt_string(const Value& v, const char* key) {
  if (!v.HasMember(key) || !v[key].IsString()) return std::nullopt;
  return std::string_view(v[key].GetString(), v[key].GetStringLength());
}
std::optional<std::uint32_t> opt_uint(const Value& v, const char* key) {
  if (!v.HasMember(key) || !v[key].IsUint()) return std::nullopt;
  return v[key].GetUint();
}

std::optional<std::string_view> source_name(const smcache::Cache& cache, std::uint32_t index) {
  const auto info = cache.source(index);
  if (!info) return std::nullopt;
  return info->name;
}

// Compares a looked-up mapping with an action's expected original position.
void compare_mapping(const smcache::Cache& cache, const std::optional<smcache::Token>& tok,
                     const Value& action, std::string_view base, const std::string& where,
                     Outcome& out) {
  const auto want_source = opt_string(action, "originalSource");
  const auto want_line = opt_uint(action, "originalLine");
  const auto want_column = opt_uint(action, "originalColumn");
  const auto want_name = opt_string(action, "mappedName");
  ++out.mapping_checks;
  if (!want_line && !want_column && !want_source) {
    // The position maps to nothing (e.g. a 1-field segment answers).
    if (tok && tok->has_source()) {
      out.fail("unexpected_mapping", where + ": expected no original position, got " +
                                         show(source_name(cache, tok->source_index)) + " " +
                                         std::to_string(tok->line) + ":" +
                                         std::to_string(tok->column));
      return;
    }
    ++out.mapping_passed;
    return;
  }
  if (!tok || !tok->has_source()) {
    out.fail("no_mapping", where + ": expected " + show(want_source) + " " +
                               std::to_string(want_line.value_or(0)) + ":" +
                               std::to_string(want_column.value_or(0)) + ", got no mapping");
    return;
  }
  bool ok = true;
  const auto got_source = source_name(cache, tok->source_index);
  switch (match_source(got_source, want_source, base)) {
    case SourceMatch::exact:
      break;
    case SourceMatch::resolved:
      ++out.resolved_matches;
      out.notes.push_back(where + ": source " + show(got_source) + " matches " + show(want_source) +
                          " only after resolution against the map URL");
      break;
    case SourceMatch::mismatch:
      ok = false;
      out.fail("source",
               where + ": expected source " + show(want_source) + ", got " + show(got_source));
      break;
  }
  if (want_line != tok->line) {
    ok = false;
    out.fail("original_line", where + ": expected original line " +
                                  (want_line ? std::to_string(*want_line) : "null") + ", got " +
                                  std::to_string(tok->line));
  }
  if (want_column != tok->column) {
    ok = false;
    out.fail("original_column", where + ": expected original column " +
                                    (want_column ? std::to_string(*want_column) : "null") +
                                    ", got " + std::to_string(tok->column));
  }
  if (want_name != tok->name) {
    ok = false;
    out.fail("name", where + ": expected name " + show(want_name) + ", got " + show(tok->name));
  }
  if (ok) ++out.mapping_passed;
}

std::string action_where(std::size_t i, const Value& a) {
  std::string where =
      "action " + std::to_string(i) + " (" + std::string(a["actionType"].GetString());
  if (a.HasMember("generatedLine") && a.HasMember("generatedColumn") &&
      a["generatedLine"].IsUint() && a["generatedColumn"].IsUint()) {
    where += " at " + std::to_string(a["generatedLine"].GetUint()) + ":" +
             std::to_string(a["generatedColumn"].GetUint());
  }
  return where + ")";
}

void run_actions(const Value& c, const smcache::Cache& cache, const std::string& map_file,
                 Outcome& out) {
  if (!c.HasMember("testActions")) return;
  const Value& actions = c["testActions"];
  const fs::path resources = suite_dir() / "resources";
  const std::string base = map_url(map_file);
  // Intermediate maps of checkMappingTransitive, compiled once per case.
  std::map<std::string, Loaded> intermediates;
  for (rapidjson::SizeType i = 0; i < actions.Size(); ++i) {
    const Value& a = actions[i];
    const std::string kind = a.HasMember("actionType") && a["actionType"].IsString()
                                 ? a["actionType"].GetString()
                                 : std::string("<missing actionType>");
    const std::string where =
        kind == "<missing actionType>" ? "action " + std::to_string(i) : action_where(i, a);
    if (kind == "checkMapping") {
      const auto line = opt_uint(a, "generatedLine");
      const auto column = opt_uint(a, "generatedColumn");
      if (!line || !column) {
        out.fail("bad_action", where + ": no generatedLine/generatedColumn");
        continue;
      }
      compare_mapping(cache, cache.lookup(*line, *column), a, base, where, out);
    } else if (kind == "checkMappingTransitive") {
      const auto line = opt_uint(a, "generatedLine");
      const auto column = opt_uint(a, "generatedColumn");
      if (!line || !column || !a.HasMember("intermediateMaps") ||
          !a["intermediateMaps"].IsArray()) {
        out.fail("bad_action", where + ": no generatedLine/generatedColumn/intermediateMaps");
        continue;
      }
      const smcache::Cache* current = &cache;
      std::optional<smcache::Token> tok = cache.lookup(*line, *column);
      std::string current_map = map_file;
      bool broken = false;
      for (const auto& m : a["intermediateMaps"].GetArray()) {
        const std::string name = m.GetString();
        auto it = intermediates.find(name);
        if (it == intermediates.end())
          it = intermediates.emplace(name, load_map(resources / name)).first;
        if (!it->second.cache) {
          out.fail("intermediate_map",
                   where + ": intermediate map " + name + " did not load: " +
                       (it->second.rejected ? it->second.rejected->message : it->second.problem));
          broken = true;
          break;
        }
        if (!tok || !tok->has_source()) break;  // compare_mapping reports it
        current = &*it->second.cache;
        current_map = name;
        tok = current->lookup(tok->line, tok->column);
      }
      if (!broken) compare_mapping(*current, tok, a, map_url(current_map), where, out);
    } else if (kind == "checkIgnoreList") {
      ++out.ignore_checks;
      if (!a.HasMember("present") || !a["present"].IsArray()) {
        out.fail("bad_action", where + ": no 'present' array");
        continue;
      }
      bool ok = true;
      std::vector<bool> listed(cache.source_count(), false);
      for (const auto& p : a["present"].GetArray()) {
        const std::string_view want(p.GetString(), p.GetStringLength());
        bool found = false;
        for (std::uint32_t s = 0; s < cache.source_count(); ++s) {
          const auto info = cache.source(s);
          if (!info || match_source(info->name, want, base) == SourceMatch::mismatch) continue;
          found = true;
          listed[s] = true;
          if (!info->ignored) {
            ok = false;
            out.fail("ignore_list", where + ": source " + show(want) + " is not ignored");
          }
        }
        if (!found) {
          ok = false;
          out.fail("ignore_list", where + ": no source named " + show(want));
        }
      }
      for (std::uint32_t s = 0; s < cache.source_count(); ++s) {
        const auto info = cache.source(s);
        if (info && info->ignored && !listed[s]) {
          ok = false;
          out.fail("ignore_list", where + ": source " + std::to_string(s) + " " + show(info->name) +
                                      " is ignored but not listed");
        }
      }
      if (ok) ++out.ignore_passed;
    } else {
      out.unsupported.push_back(kind);
    }
  }
}

Outcome run_case(const Value& c) {
  Outcome out;
  const std::string map_file = c["sourceMapFile"].GetString();
  out.valid = c["sourceMapIsValid"].GetBool();
  Loaded loaded = load_map(suite_dir() / "resources" / map_file);
  if (loaded.rejected) {
    out.rejected = true;
    out.rejected_code = smcache::errc_name(loaded.rejected->code);
    if (out.valid) {
      out.fail("rejected_valid",
               "valid map rejected: " + out.rejected_code + ": " + loaded.rejected->message);
    } else {
      out.notes.push_back("rejected as expected: " + out.rejected_code + ": " +
                          loaded.rejected->message);
      if (auto p = message_style_problem(loaded.rejected->message); !p.empty()) {
        out.fail("message_style", p);
      }
    }
    return out;
  }
  if (!loaded.cache) {
    out.fail("unusable_cache", map_file + ": " + loaded.problem);
    return out;
  }
  out.compiled = true;
  if (!out.valid) {
    out.fail("accepted_invalid", "invalid map compiled without error (" +
                                     std::to_string(loaded.cache->token_count()) + " tokens)");
    return out;
  }
  run_actions(c, *loaded.cache, map_file, out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Spec cases as parameterized tests
// ---------------------------------------------------------------------------------------------
struct CaseParam {
  std::string name;
  int index = -1;  // into "tests"; -1: the suite was not found
};

std::vector<CaseParam> spec_params() {
  std::vector<CaseParam> params;
  const Value* cases = suite_present() ? spec_cases() : nullptr;
  if (cases == nullptr) return {{"SuiteNotFound", -1}};
  for (rapidjson::SizeType i = 0; i < cases->Size(); ++i) {
    const Value& c = (*cases)[i];
    std::string name = c.HasMember("name") && c["name"].IsString() ? sanitize(c["name"].GetString())
                                                                   : "case" + std::to_string(i);
    for (const auto& p : params) {
      if (p.name == name) {
        name += '_';  // (appended in steps: GCC 12 -Wrestrict false positive on "_" + s)
        name += std::to_string(i);
      }
    }
    params.push_back({name, static_cast<int>(i)});
  }
  return params;
}

void PrintTo(const CaseParam& p, std::ostream* os) {
  *os << p.name;
}

class Conformance : public ::testing::TestWithParam<CaseParam> {};

TEST_P(Conformance, Case) {
  const CaseParam& p = GetParam();
  if (p.index < 0) GTEST_SKIP() << kSkipMessage;
  const Value& c = (*spec_cases())[static_cast<rapidjson::SizeType>(p.index)];
  ASSERT_TRUE(c.HasMember("sourceMapFile") && c["sourceMapFile"].IsString());
  ASSERT_TRUE(c.HasMember("sourceMapIsValid") && c["sourceMapIsValid"].IsBool());
  const Outcome out = run_case(c);
  std::cout << "[" << p.name << "] " << c["sourceMapFile"].GetString()
            << (out.valid ? " (valid)" : " (invalid)") << ": "
            << (out.rejected ? "rejected " + out.rejected_code : std::string("compiled"))
            << ", mapping checks " << out.mapping_passed << "/" << out.mapping_checks << "\n";
  for (const auto& n : out.notes) std::cout << "  note: " << n << "\n";
  for (const auto& u : out.unsupported) {
    std::cout << "  UNSUPPORTED action '" << u << "' (cannot be expressed with the smcache API)\n";
  }
  for (const auto& f : out.failures) ADD_FAILURE() << f.kind << ": " << f.detail;
  if (out.valid) {
    EXPECT_TRUE(out.compiled);
    EXPECT_EQ(out.mapping_passed, out.mapping_checks);
    EXPECT_EQ(out.ignore_passed, out.ignore_checks);
  } else {
    EXPECT_TRUE(out.rejected) << "an invalid map must be rejected";
  }
}

INSTANTIATE_TEST_SUITE_P(Spec, Conformance, ::testing::ValuesIn(spec_params()),
                         [](const ::testing::TestParamInfo<CaseParam>& info) {
                           return info.param.name;
                         });

// Every case again, for the counts.
TEST(ConformanceSummary, AllCases) {
  if (!suite_present()) GTEST_SKIP() << kSkipMessage;
  const Value* cases = spec_cases();
  ASSERT_NE(cases, nullptr) << "source-map-spec-tests.json has no 'tests' array";
  ASSERT_GT(cases->Size(), 0u);
  int total = 0, valid = 0, valid_compiled = 0, invalid = 0, invalid_rejected = 0;
  int mapping_checks = 0, mapping_passed = 0, resolved = 0, ignore_checks = 0, ignore_passed = 0;
  int failed_cases = 0;
  std::map<std::string, int> failures_by_kind, unsupported_by_kind, action_kinds, rejection_codes;
  std::vector<std::string> failed;
  for (rapidjson::SizeType i = 0; i < cases->Size(); ++i) {
    const Value& c = (*cases)[i];
    ASSERT_TRUE(c.HasMember("name") && c["name"].IsString()) << "case " << i;
    ASSERT_TRUE(c.HasMember("sourceMapFile") && c["sourceMapFile"].IsString()) << "case " << i;
    ASSERT_TRUE(c.HasMember("sourceMapIsValid") && c["sourceMapIsValid"].IsBool()) << "case " << i;
    EXPECT_TRUE(fs::is_regular_file(suite_dir() / "resources" / c["sourceMapFile"].GetString()))
        << "missing resource " << c["sourceMapFile"].GetString();
    if (c.HasMember("testActions")) {
      for (const auto& a : c["testActions"].GetArray()) ++action_kinds[a["actionType"].GetString()];
    }
    const Outcome out = run_case(c);
    ++total;
    if (out.valid) {
      ++valid;
      valid_compiled += out.compiled ? 1 : 0;
    } else {
      ++invalid;
      invalid_rejected += out.rejected ? 1 : 0;
      if (out.rejected) ++rejection_codes[out.rejected_code];
    }
    mapping_checks += out.mapping_checks;
    mapping_passed += out.mapping_passed;
    resolved += out.resolved_matches;
    ignore_checks += out.ignore_checks;
    ignore_passed += out.ignore_passed;
    for (const auto& u : out.unsupported) ++unsupported_by_kind[u];
    if (!out.failures.empty()) {
      ++failed_cases;
      std::string line = c["name"].GetString();
      for (const auto& f : out.failures) {
        ++failures_by_kind[f.kind];
        line += "\n      " + f.kind + ": " + f.detail;
      }
      failed.push_back(line);
    }
  }
  std::ostringstream s;
  s << "==== conformance summary (" << suite_dir().string() << ")\n"
    << "  cases:                 " << total << "\n"
    << "  valid compiled:        " << valid_compiled << "/" << valid << "\n"
    << "  invalid rejected:      " << invalid_rejected << "/" << invalid << "\n"
    << "  mapping checks passed: " << mapping_passed << "/" << mapping_checks
    << " (source matched only after URL resolution: " << resolved << ")\n"
    << "  ignore-list checks:    " << ignore_passed << "/" << ignore_checks << "\n"
    << "  cases with failures:   " << failed_cases << "\n";
  s << "  action kinds:";
  for (const auto& [k, n] : action_kinds) s << " " << k << "=" << n;
  s << "\n  rejection codes (invalid cases):";
  for (const auto& [k, n] : rejection_codes) s << " " << k << "=" << n;
  s << "\n  failures by kind:";
  if (failures_by_kind.empty()) s << " none";
  for (const auto& [k, n] : failures_by_kind) s << " " << k << "=" << n;
  s << "\n";
  if (!unsupported_by_kind.empty()) {
    s << "  !!! UNSUPPORTED action kinds (not checked):";
    for (const auto& [k, n] : unsupported_by_kind) s << " " << k << "=" << n;
    s << "\n";
  }
  for (const auto& f : failed) s << "  FAILED " << f << "\n";
  std::cout << s.str();
  EXPECT_EQ(total, static_cast<int>(cases->Size()));
  EXPECT_EQ(valid + invalid, total);
}

// The range-mappings proposal: not implemented by smcache (Stage 2, changes lookup semantics).
TEST(ConformanceProposal, RangeMappings) {
  if (!suite_present()) GTEST_SKIP() << kSkipMessage;
  const auto text = slurp(suite_dir() / "range-mappings-proposal-tests.json");
  if (!text) GTEST_SKIP() << "SKIPPED: range-mappings-proposal-tests.json not found";
  rapidjson::Document d;
  d.Parse(text->c_str(), text->size());
  ASSERT_FALSE(d.HasParseError());
  ASSERT_TRUE(d.HasMember("tests") && d["tests"].IsArray());
  GTEST_SKIP() << "SKIPPED: range-mappings-proposal-tests.json (" << d["tests"].Size()
               << " cases): the Stage-2 range mappings proposal is not implemented by smcache "
                  "(rangeMappings is ignored as an unknown field)";
}

// ---------------------------------------------------------------------------------------------
// decoding/ fixtures: <name>.map against <name>.map.golden
// ---------------------------------------------------------------------------------------------
struct DecodingParam {
  std::string name;
  std::string relative;  // under decoding/; empty: the suite was not found
};

std::vector<DecodingParam> decoding_params() {
  const fs::path dir = suite_dir() / "decoding";
  if (!suite_present() || !fs::is_directory(dir)) return {{"SuiteNotFound", ""}};
  std::vector<DecodingParam> params;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().extension() != ".map") continue;
    const std::string rel = fs::relative(e.path(), dir).generic_string();
    params.push_back({sanitize(rel), rel});
  }
  std::sort(params.begin(), params.end(),
            [](const DecodingParam& a, const DecodingParam& b) { return a.name < b.name; });
  return params;
}

bool strict_json(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  return !d.HasParseError();
}

// Removes commas that are followed (after whitespace) by '}' or ']', outside strings.
std::string strip_trailing_commas(const std::string& text) {
  std::string out;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) {
        out += text[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') in_string = true;
    if (c == ',') {
      std::size_t j = i + 1;
      while (j < text.size() && std::isspace(static_cast<unsigned char>(text[j]))) ++j;
      if (j < text.size() && (text[j] == '}' || text[j] == ']')) continue;
    }
    out += c;
  }
  return out;
}

std::optional<std::string_view> json_opt_string(const Value& v) {
  if (!v.IsString()) return std::nullopt;
  return std::string_view(v.GetString(), v.GetStringLength());
}

// Compares a compiled cache with a golden Decoded Source Map Record; failures as strings.
std::vector<std::string> compare_golden(const smcache::Cache& cache, const Value& golden,
                                        std::string_view base, std::vector<std::string>& notes) {
  std::vector<std::string> fails;
  const auto info = cache.info();
  // file
  if (golden.HasMember("file")) {
    const auto want = json_opt_string(golden["file"]);
    if (want != info.file)
      fails.push_back("file: expected " + show(want) + ", got " + show(info.file));
  }
  // debugId: a golden without the key (or null) means the record has no debug id.
  const std::optional<std::string_view> want_debug_id =
      golden.HasMember("debugId") ? json_opt_string(golden["debugId"]) : std::nullopt;
  if (want_debug_id != info.debug_id) {
    fails.push_back("debugId: expected " + show(want_debug_id) + ", got " + show(info.debug_id));
  }
  // sources
  if (golden.HasMember("sources") && golden["sources"].IsArray()) {
    const auto& sources = golden["sources"];
    if (sources.Size() != cache.source_count()) {
      fails.push_back("sources: expected " + std::to_string(sources.Size()) + ", got " +
                      std::to_string(cache.source_count()));
    } else {
      for (rapidjson::SizeType i = 0; i < sources.Size(); ++i) {
        const Value& s = sources[i];
        const auto got = cache.source(i);
        if (!got) {
          fails.push_back("sources[" + std::to_string(i) + "]: missing");
          continue;
        }
        if (s.HasMember("url") &&
            match_source(got->name, json_opt_string(s["url"]), base) == SourceMatch::mismatch) {
          fails.push_back("sources[" + std::to_string(i) + "].url: expected " +
                          show(json_opt_string(s["url"])) + ", got " + show(got->name));
        }
        if (s.HasMember("content") && json_opt_string(s["content"]) != got->content) {
          fails.push_back("sources[" + std::to_string(i) + "].content: expected " +
                          show(json_opt_string(s["content"])) + ", got " + show(got->content));
        }
        if (s.HasMember("ignored") && s["ignored"].IsBool() &&
            s["ignored"].GetBool() != got->ignored) {
          fails.push_back("sources[" + std::to_string(i) + "].ignored: mismatch");
        }
        for (auto m = s.MemberBegin(); m != s.MemberEnd(); ++m) {
          const std::string key = m->name.GetString();
          if (key == "scope") {
            notes.push_back("sources[" + std::to_string(i) +
                            "].scope checked by scopes_test (tests/scopes), not stored in the "
                            "cache");
          } else if (key != "url" && key != "content" && key != "ignored") {
            notes.push_back("sources[" + std::to_string(i) + "]." + key +
                            " not checked (proposal field, not supported)");
          }
        }
      }
    }
  }
  // mappings, in order
  if (golden.HasMember("mappings") && golden["mappings"].IsArray()) {
    const auto& mappings = golden["mappings"];
    std::vector<smcache::Token> tokens;
    cache.for_each_token([&](const smcache::Token& t) { tokens.push_back(t); });
    if (tokens.size() != mappings.Size()) {
      fails.push_back("mappings: expected " + std::to_string(mappings.Size()) + ", got " +
                      std::to_string(tokens.size()));
    } else {
      for (rapidjson::SizeType i = 0; i < mappings.Size(); ++i) {
        const Value& m = mappings[i];
        const auto& t = tokens[i];
        const Value& gp = m["generatedPosition"];
        bool ok = gp["line"].GetUint() == t.generated_line &&
                  gp["column"].GetUint() == t.generated_column;
        const Value& op = m["originalPosition"];
        if (op.IsNull()) {
          ok = ok && !t.has_source();
        } else {
          ok = ok && t.has_source() && op["sourceIndex"].GetUint() == t.source_index &&
               op["line"].GetUint() == t.line && op["column"].GetUint() == t.column;
        }
        ok = ok && (m.HasMember("name") ? json_opt_string(m["name"]) : std::nullopt) == t.name;
        if (!ok) fails.push_back("mappings[" + std::to_string(i) + "]: mismatch");
      }
    }
  }
  for (auto m = golden.MemberBegin(); m != golden.MemberEnd(); ++m) {
    const std::string key = m->name.GetString();
    if (key == "ranges") {
      notes.push_back(
          "golden field 'ranges' checked by scopes_test (tests/scopes), not stored in "
          "the cache");
    } else if (key != "file" && key != "debugId" && key != "sources" && key != "mappings") {
      notes.push_back("golden field '" + key + "' not checked (not supported)");
    }
  }
  return fails;
}

void PrintTo(const DecodingParam& p, std::ostream* os) {
  *os << p.relative;
}

class Decoding : public ::testing::TestWithParam<DecodingParam> {};

TEST_P(Decoding, MatchesGolden) {
  const DecodingParam& p = GetParam();
  if (p.relative.empty()) GTEST_SKIP() << kSkipMessage;
  const fs::path map_path = suite_dir() / "decoding" / p.relative;
  const auto text = slurp(map_path);
  ASSERT_TRUE(text.has_value()) << "cannot read " << map_path;
  const auto golden_text = slurp(map_path.string() + ".golden");
  ASSERT_TRUE(golden_text.has_value()) << "no golden beside " << map_path;
  // Goldens may carry the same trailing commas: read them leniently.
  rapidjson::Document golden;
  golden.Parse<rapidjson::kParseTrailingCommasFlag>(golden_text->c_str(), golden_text->size());
  ASSERT_FALSE(golden.HasParseError()) << "golden is not JSON even with trailing commas";
  fs::path error_marker = map_path;
  error_marker.replace_extension(".error");
  const bool optional_error = fs::exists(error_marker);
  const std::string base = "https://conformance.invalid/decoding/" + p.relative;

  auto check = [&](const std::string& input, const std::string& label) {
    Loaded loaded = load_bytes(input);
    if (loaded.rejected) {
      if (optional_error) {
        std::cout << "  [" << label << "] rejected (the spec allows an optional error here): "
                  << smcache::errc_name(loaded.rejected->code) << ": " << loaded.rejected->message
                  << "\n";
        return;
      }
      ADD_FAILURE() << label << ": rejected: " << smcache::errc_name(loaded.rejected->code) << ": "
                    << loaded.rejected->message;
      return;
    }
    ASSERT_TRUE(loaded.cache.has_value()) << label << ": " << loaded.problem;
    std::vector<std::string> notes;
    const auto fails = compare_golden(*loaded.cache, golden, base, notes);
    for (const auto& n : notes) std::cout << "  [" << label << "] note: " << n << "\n";
    for (const auto& f : fails) ADD_FAILURE() << label << ": " << f;
    if (fails.empty()) {
      const auto d = loaded.cache->info().debug_id;
      std::cout << "  [" << label << "] matches golden (debugId " << show(d) << ")\n";
    }
  };

  if (strict_json(*text)) {
    check(*text, p.relative);
    return;
  }
  // Not strict JSON (trailing commas, an upstream quirk): a strict parser rejects it.
  const Loaded loaded = load_bytes(*text);
  if (loaded.rejected) {
    std::cout << "  [" << p.relative << "] not strict JSON; rejected as "
              << smcache::errc_name(loaded.rejected->code) << ": " << loaded.rejected->message
              << "\n";
    EXPECT_EQ(loaded.rejected->code, smcache::Errc::invalid_json) << loaded.rejected->message;
    EXPECT_TRUE(message_style_problem(loaded.rejected->message).empty())
        << message_style_problem(loaded.rejected->message);
  } else {
    std::cout << "  [" << p.relative << "] not strict JSON but ACCEPTED (lenient parser)\n";
    check(*text, p.relative + " (as is)");
  }
  // The same map with the trailing commas removed must match the golden.
  const std::string fixed = strip_trailing_commas(*text);
  ASSERT_TRUE(strict_json(fixed)) << "stripping trailing commas did not give strict JSON";
  check(fixed, p.relative + " (trailing commas removed)");
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Decoding, ::testing::ValuesIn(decoding_params()),
                         [](const ::testing::TestParamInfo<DecodingParam>& info) {
                           return info.param.name;
                         });

// The URL resolution the source comparison relies on.
TEST(ConformanceHarness, ResolvesSourceUrls) {
  const std::string base = "https://h.invalid/resources/a.js.map";
  EXPECT_EQ(resolve_url(base, "x.js"), "https://h.invalid/resources/x.js");
  EXPECT_EQ(resolve_url(base, "theroot/x.js"), "https://h.invalid/resources/theroot/x.js");
  EXPECT_EQ(resolve_url(base, "theroot//x.js"), "https://h.invalid/resources/theroot//x.js");
  EXPECT_EQ(resolve_url(base, "/baz/x.js"), "https://h.invalid/baz/x.js");
  EXPECT_EQ(resolve_url(base, "../x.js"), "https://h.invalid/x.js");
  EXPECT_EQ(resolve_url(base, "./a/./b/../x.js"), "https://h.invalid/resources/a/x.js");
  EXPECT_EQ(resolve_url(base, "//cdn.invalid/x.js"), "https://cdn.invalid/x.js");
  EXPECT_EQ(resolve_url(base, "webpack:///src/x.js"), "webpack:///src/x.js");
  EXPECT_EQ(match_source("theroot/x.js", "theroot/./x.js", base), SourceMatch::resolved);
  EXPECT_EQ(match_source(std::nullopt, std::nullopt, base), SourceMatch::exact);
  EXPECT_EQ(match_source("x.js", std::nullopt, base), SourceMatch::mismatch);
  EXPECT_EQ(strip_trailing_commas("{\"a\": [1, 2, ], \"b,\": {\"c\": 1,\n}, }"),
            "{\"a\": [1, 2 ], \"b,\": {\"c\": 1\n} }");
}

}  // namespace
