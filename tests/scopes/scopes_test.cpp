// The `scopes` proposal decoder (converter/src/scopes.cpp) and its place in parse_source_map().
//
// - Conformance.DecodingFixtures: every decoding/scopes/*.map of the official suite
//   (tc39/source-map-tests) goes through parse_source_map(); the decoded original scopes and
//   generated ranges, written in the shape of the suite's scopes.d.ts, must equal the
//   <map>.golden. Each fixture is then re-encoded in the split form (per-source `scopes` array +
//   `ranges`) by a small encoder here and decoded again: same model. Counts are printed; without
//   the suite the test skips loudly (SMCACHE_CONFORMANCE_DIR overrides its path).
// - Hand-encoded strings of both forms, every error the decoder reports (a table, one comment per
//   row), and the "drop with a warning" contract of parse_source_map() and compile().
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <smcache/converter/compile.hpp>
#include <smcache/converter/model.hpp>

#include "scopes.hpp"
#include "vlq.hpp"

namespace {

namespace fs = std::filesystem;
using rapidjson::Value;
using smcache::GeneratedRange;
using smcache::kNoScopeIndex;
using smcache::OriginalScope;
using smcache::ScopePosition;
using smcache::ScopesModel;
using smcache::SourceMapModel;
using smcache::StackFrameType;

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

std::span<const std::uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string to_json(const Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return sb.GetString();
}

// ---------------------------------------------------------------------------------------------
// The decoded model in the shape of decoding/scopes/scopes.d.ts
// ---------------------------------------------------------------------------------------------
class GoldenWriter {
 public:
  GoldenWriter(const SourceMapModel& m, rapidjson::Document::AllocatorType& a) : m_(m), a_(a) {}

  Value position(ScopePosition p) {
    Value v(rapidjson::kObjectType);
    v.AddMember("line", p.line, a_);
    v.AddMember("column", p.column, a_);
    return v;
  }
  Value name(std::uint32_t index) {
    if (index == kNoScopeIndex) return Value(rapidjson::kNullType);
    return Value(m_.names.at(index).c_str(), a_);
  }
  Value scope(std::uint32_t k) {
    const OriginalScope& s = m_.scopes.scopes[k];
    Value v(rapidjson::kObjectType);
    v.AddMember("start", position(s.start), a_);
    v.AddMember("end", position(s.end), a_);
    v.AddMember("name", name(s.name_index), a_);
    v.AddMember("kind", name(s.kind_index), a_);
    v.AddMember("isStackFrame", s.is_stack_frame, a_);
    Value vars(rapidjson::kArrayType);
    for (std::uint32_t i = 0; i < s.variable_count; ++i) {
      vars.PushBack(name(m_.scopes.variables[s.variables_offset + i]), a_);
    }
    v.AddMember("variables", vars, a_);
    Value children(rapidjson::kArrayType);
    for (std::uint32_t c = k + 1; c < m_.scopes.scopes.size(); ++c) {
      if (m_.scopes.scopes[c].parent == k) children.PushBack(scope(c), a_);
    }
    v.AddMember("children", children, a_);
    return v;
  }
  Value range(std::uint32_t k) {
    const GeneratedRange& r = m_.scopes.ranges[k];
    Value v(rapidjson::kObjectType);
    v.AddMember("start", position(r.start), a_);
    v.AddMember("end", position(r.end), a_);
    if (r.definition == kNoScopeIndex) {
      v.AddMember("definitionIndex", Value(rapidjson::kNullType), a_);
    } else {
      v.AddMember("definitionIndex", r.definition, a_);
    }
    const char* type = r.stack_frame_type == StackFrameType::none       ? "none"
                       : r.stack_frame_type == StackFrameType::original ? "original"
                                                                        : "hidden";
    v.AddMember("stackFrameType", Value(type, a_), a_);
    if (r.has_call_site) {
      Value cs(rapidjson::kObjectType);
      cs.AddMember("sourceIndex", r.call_site_source, a_);
      cs.AddMember("line", r.call_site_line, a_);
      cs.AddMember("column", r.call_site_column, a_);
      v.AddMember("callSite", cs, a_);
    } else {
      v.AddMember("callSite", Value(rapidjson::kNullType), a_);
    }
    Value bindings(rapidjson::kArrayType);
    for (std::uint32_t var = 0; var < r.variable_count; ++var) {
      Value list(rapidjson::kArrayType);
      for (std::uint32_t b = 0; b < r.binding_count; ++b) {
        const auto& rec = m_.scopes.bindings[r.bindings_offset + b];
        if (rec.variable != var) continue;
        Value one(rapidjson::kObjectType);
        one.AddMember("from", position(rec.from), a_);
        one.AddMember("binding", name(rec.expression_index), a_);
        list.PushBack(one, a_);
      }
      bindings.PushBack(list, a_);
    }
    v.AddMember("bindings", bindings, a_);
    Value children(rapidjson::kArrayType);
    for (std::uint32_t c = k + 1; c < m_.scopes.ranges.size(); ++c) {
      if (m_.scopes.ranges[c].parent == k) children.PushBack(range(c), a_);
    }
    v.AddMember("children", children, a_);
    return v;
  }
  // sources[i].scope: the single root of source i (the combined form has one tree per source).
  Value source_scope(std::uint32_t i, std::string& problem) {
    std::vector<std::uint32_t> roots;
    for (std::uint32_t k = 0; k < m_.scopes.scopes.size(); ++k) {
      const OriginalScope& s = m_.scopes.scopes[k];
      if (s.source_index == i && s.parent == kNoScopeIndex) roots.push_back(k);
    }
    if (roots.size() > 1) problem = "source " + std::to_string(i) + " has several root scopes";
    if (roots.empty()) return Value(rapidjson::kNullType);
    return scope(roots[0]);
  }
  Value ranges() {
    Value list(rapidjson::kArrayType);
    for (std::uint32_t k = 0; k < m_.scopes.ranges.size(); ++k) {
      if (m_.scopes.ranges[k].parent == kNoScopeIndex) list.PushBack(range(k), a_);
    }
    return list;
  }

 private:
  const SourceMapModel& m_;
  rapidjson::Document::AllocatorType& a_;
};

// ---------------------------------------------------------------------------------------------
// Split-form encoder (per-source `scopes` strings + `ranges`), written from the ECMA-426
// proposal-scopes draft after tc39/ecma426#266, to re-encode the fixtures.
// ---------------------------------------------------------------------------------------------
void put_unsigned(std::string& out, std::uint64_t v) {
  static constexpr char kDigits[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  do {
    std::uint64_t d = v & 31;
    v >>= 5;
    if (v != 0) d |= 32;
    out += kDigits[d];
  } while (v != 0);
}
void put_signed(std::string& out, std::int64_t v) {
  smcache::detail::append_vlq(out, v);
}

struct Encoded {
  std::vector<std::optional<std::string>> scopes;  // one per source
  std::string ranges;
};

// Items joined by ',' with position deltas (a line delta > 0 makes the column absolute).
class ItemWriter {
 public:
  std::string text;
  ScopePosition at;
  void begin(std::uint32_t tag) {
    if (!text.empty()) text += ',';
    put_unsigned(text, tag);
  }
  void delta(ScopePosition p, bool line_optional_first = false, bool* line_present = nullptr) {
    const std::uint32_t dl = p.line - at.line;
    const std::uint32_t dc = dl == 0 ? p.column - at.column : p.column;
    if (line_present != nullptr) *line_present = dl != 0;
    if (!line_optional_first || dl != 0) put_unsigned(text, dl);
    put_unsigned(text, dc);
    at = p;
  }
};

Encoded encode_split(const SourceMapModel& m) {
  const ScopesModel& sm = m.scopes;
  Encoded e;
  e.scopes.resize(m.sources.size());
  std::vector<std::uint32_t> local(sm.scopes.size());  // index within its source
  std::vector<std::uint32_t> count(m.sources.size(), 0);
  for (std::uint32_t k = 0; k < sm.scopes.size(); ++k) {
    local[k] = count[sm.scopes[k].source_index]++;
  }
  for (std::uint32_t src = 0; src < m.sources.size(); ++src) {
    if (count[src] == 0) continue;
    ItemWriter w;
    std::int64_t name = 0, kind = 0, variable = 0;
    std::vector<std::uint32_t> open;
    auto close_until = [&](std::uint32_t parent) {
      while (!open.empty() && open.back() != parent) {
        w.begin(2);
        w.delta(sm.scopes[open.back()].end);
        open.pop_back();
      }
    };
    for (std::uint32_t k = 0; k < sm.scopes.size(); ++k) {
      const OriginalScope& s = sm.scopes[k];
      if (s.source_index != src) continue;
      close_until(s.parent);
      const std::uint32_t flags = (s.name_index != kNoScopeIndex ? 1 : 0) |
                                  (s.kind_index != kNoScopeIndex ? 2 : 0) |
                                  (s.is_stack_frame ? 4 : 0);
      w.begin(1);
      put_unsigned(w.text, flags);
      w.delta(s.start);
      if (s.name_index != kNoScopeIndex) {
        put_signed(w.text, s.name_index - name);
        name = s.name_index;
      }
      if (s.kind_index != kNoScopeIndex) {
        put_signed(w.text, s.kind_index - kind);
        kind = s.kind_index;
      }
      if (s.variable_count > 0) {
        w.begin(3);
        for (std::uint32_t i = 0; i < s.variable_count; ++i) {
          const std::uint32_t v = sm.variables[s.variables_offset + i];
          put_signed(w.text, v - variable);
          variable = v;
        }
      }
      open.push_back(k);
    }
    close_until(kNoScopeIndex);
    e.scopes[src] = w.text;
  }
  ItemWriter w;
  std::int64_t def_source = 0, def_scope = 0;
  std::vector<std::uint32_t> open;
  auto close_until = [&](std::uint32_t parent) {
    while (!open.empty() && open.back() != parent) {
      w.begin(5);
      w.delta(sm.ranges[open.back()].end);
      open.pop_back();
    }
  };
  for (std::uint32_t k = 0; k < sm.ranges.size(); ++k) {
    const GeneratedRange& r = sm.ranges[k];
    close_until(r.parent);
    std::string values;
    ItemWriter pos;
    pos.at = w.at;
    bool line_present = false;
    pos.delta(r.start, true, &line_present);
    w.at = pos.at;
    std::uint32_t flags = (line_present ? 1 : 0) | (r.definition != kNoScopeIndex ? 2 : 0);
    if (r.stack_frame_type == StackFrameType::original) flags |= 4;
    if (r.stack_frame_type == StackFrameType::hidden) flags |= 12;
    w.begin(4);
    put_unsigned(w.text, flags);
    w.text += pos.text;
    if (r.definition != kNoScopeIndex) {
      const std::int64_t src = sm.scopes[r.definition].source_index;
      const std::int64_t scope = local[r.definition];
      put_signed(w.text, src - def_source);
      if (src == def_source) {
        put_signed(w.text, scope - def_scope);
      } else {
        put_unsigned(w.text, static_cast<std::uint64_t>(scope));
      }
      def_source = src;
      def_scope = scope;
    }
    std::vector<std::vector<const smcache::ScopeBinding*>> per_var(r.variable_count);
    for (std::uint32_t b = 0; b < r.binding_count; ++b) {
      const auto& rec = sm.bindings[r.bindings_offset + b];
      per_var[rec.variable].push_back(&rec);
    }
    if (r.variable_count > 0) {
      w.begin(6);
      for (const auto& list : per_var) {
        const std::uint32_t x = list.front()->expression_index;
        put_unsigned(w.text, x == kNoScopeIndex ? 0 : std::uint64_t{x} + 1);
      }
    }
    if (r.has_call_site) {
      w.begin(8);
      put_unsigned(w.text, r.call_site_source);
      put_unsigned(w.text, r.call_site_line);
      put_unsigned(w.text, r.call_site_column);
    }
    for (std::uint32_t var = 0; var < r.variable_count; ++var) {
      if (per_var[var].size() < 2) continue;
      w.begin(7);
      put_unsigned(w.text, var);
      ScopePosition from = r.start;
      for (std::size_t i = 1; i < per_var[var].size(); ++i) {
        const auto* rec = per_var[var][i];
        const std::uint32_t dl = rec->from.line - from.line;
        put_unsigned(w.text, dl);
        put_unsigned(w.text, dl == 0 ? rec->from.column - from.column : rec->from.column);
        from = rec->from;
        const std::uint32_t x = rec->expression_index;
        put_unsigned(w.text, x == kNoScopeIndex ? 0 : std::uint64_t{x} + 1);
      }
    }
    open.push_back(k);
  }
  close_until(kNoScopeIndex);
  e.ranges = w.text;
  return e;
}

ScopesModel decode_split(const Encoded& e, const SourceMapModel& m, std::string& error) {
  std::vector<std::optional<std::string_view>> views;
  for (const auto& s : e.scopes) {
    views.push_back(s ? std::optional<std::string_view>(*s) : std::nullopt);
  }
  ScopesModel out;
  auto r = smcache::detail::decode_scopes_split(views, e.ranges,
                                                static_cast<std::uint32_t>(m.sources.size()),
                                                static_cast<std::uint32_t>(m.names.size()), out);
  if (!r) error = r.error().message;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Conformance fixtures
// ---------------------------------------------------------------------------------------------
TEST(Conformance, DecodingFixtures) {
  const fs::path dir = suite_dir() / "decoding" / "scopes";
  if (!fs::is_directory(dir)) {
    GTEST_SKIP() << "SKIPPED: source-map-tests not found at " << dir
                 << " (set SMCACHE_CONFORMANCE_DIR)";
  }
  std::vector<fs::path> maps;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".map") maps.push_back(e.path());
  }
  std::sort(maps.begin(), maps.end());
  ASSERT_FALSE(maps.empty()) << "no .map in " << dir;
  std::size_t matched = 0, split_matched = 0, scope_count = 0, range_count = 0;
  for (const fs::path& path : maps) {
    SCOPED_TRACE(path.filename().string());
    const auto text = slurp(path);
    const auto golden_text = slurp(path.string() + ".golden");
    ASSERT_TRUE(text && golden_text) << "cannot read " << path << " or its .golden";
    fs::path marker = path;
    marker.replace_extension(".error");
    EXPECT_FALSE(fs::exists(marker)) << "fixtures with an .error marker are not handled here";

    auto model = smcache::parse_source_map(bytes_of(*text));
    ASSERT_TRUE(model.ok()) << model.error().message;
    EXPECT_TRUE(model->warnings.empty())
        << path.filename() << ": " << (model->warnings.empty() ? "" : model->warnings[0]);

    rapidjson::Document golden;
    golden.Parse(golden_text->c_str(), golden_text->size());
    ASSERT_FALSE(golden.HasParseError());
    rapidjson::Document got(rapidjson::kObjectType);
    auto& a = got.GetAllocator();
    GoldenWriter writer(*model, a);
    bool ok = true;
    const Value& gs = golden["sources"];
    ASSERT_EQ(gs.Size(), model->sources.size());
    for (rapidjson::SizeType i = 0; i < gs.Size(); ++i) {
      std::string problem;
      Value scope = writer.source_scope(i, problem);
      EXPECT_TRUE(problem.empty()) << problem;
      if (!(scope == gs[i]["scope"])) {
        ok = false;
        ADD_FAILURE() << "sources[" << i << "].scope: expected\n"
                      << to_json(gs[i]["scope"]) << "\ngot\n"
                      << to_json(scope);
      }
    }
    Value ranges = writer.ranges();
    if (!(ranges == golden["ranges"])) {
      ok = false;
      ADD_FAILURE() << "ranges: expected\n"
                    << to_json(golden["ranges"]) << "\ngot\n"
                    << to_json(ranges);
    }
    if (ok) ++matched;
    scope_count += model->scopes.scopes.size();
    range_count += model->scopes.ranges.size();

    // The same data in the split form decodes to the same model.
    const Encoded split = encode_split(*model);
    std::string error;
    const ScopesModel again = decode_split(split, *model, error);
    EXPECT_TRUE(error.empty()) << error;
    EXPECT_TRUE(again == model->scopes)
        << "split form re-encoding differs; ranges '" << split.ranges << "'";
    if (error.empty() && again == model->scopes) ++split_matched;
  }
  std::cout << "scopes conformance: " << maps.size() << " fixtures in " << dir.string() << ", "
            << matched << " match their golden (" << scope_count << " original scopes, "
            << range_count << " generated ranges), " << split_matched
            << " decode the same re-encoded in the split form\n";
  EXPECT_EQ(matched, maps.size());
  EXPECT_EQ(split_matched, maps.size());
}

// ---------------------------------------------------------------------------------------------
// Hand-encoded maps
// ---------------------------------------------------------------------------------------------
SourceMapModel parse(const std::string& json) {
  auto m = smcache::parse_source_map(bytes_of(json));
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
  return m.ok() ? std::move(m).value() : SourceMapModel{};
}

// Source 0: a root [0:0, 10:0) with a function "foo" [1:2, 3:1); source 1: a root [0:0, 5:0)
// with a function "bar" [2:0, 4:1). Generated: one line; a root range for source 0's root, a
// function range for foo, and inside it bar inlined, called from source 0 line 2 column 4.
TEST(ScopesSplit, DecodesDefinitionsAcrossSourcesAndCallSites) {
  const SourceMapModel m = parse(R"({"version":3,"sources":["a.js","b.js"],"names":["foo","bar"],
    "mappings":"","scopes":["BAAA,BFBCA,CCB,CHA","BAAA,BFCAC,CCB,CBA"],
    "ranges":"ECAAA,EGFAC,ECKCB,IACE,FK,FK,FBA"})");
  ASSERT_TRUE(m.warnings.empty()) << m.warnings[0];
  const ScopesModel& s = m.scopes;
  ASSERT_EQ(s.scopes.size(), 4u);
  EXPECT_EQ(s.scopes[1].name_index, 0u);
  EXPECT_EQ(s.scopes[1].start, (ScopePosition{1, 2}));
  EXPECT_EQ(s.scopes[1].end, (ScopePosition{3, 1}));
  EXPECT_EQ(s.scopes[2].source_index, 1u);
  EXPECT_EQ(s.scopes[3].name_index, 1u);  // the name accumulator restarts per string
  EXPECT_EQ(s.scopes[3].start, (ScopePosition{2, 0}));
  EXPECT_EQ(s.scopes[3].parent, 2u);
  ASSERT_EQ(s.ranges.size(), 3u);
  EXPECT_EQ(s.ranges[0].definition, 0u);
  EXPECT_EQ(s.ranges[0].end, (ScopePosition{1, 0}));
  EXPECT_EQ(s.ranges[1].definition, 1u);
  EXPECT_EQ(s.ranges[1].stack_frame_type, StackFrameType::original);
  EXPECT_EQ(s.ranges[1].start, (ScopePosition{0, 5}));
  // "ECKCB": source +1 (b.js), scope 1 absolute (bar), start column 5 + 10.
  EXPECT_EQ(s.ranges[2].definition, 3u);
  EXPECT_EQ(s.ranges[2].start, (ScopePosition{0, 15}));
  EXPECT_EQ(s.ranges[2].end, (ScopePosition{0, 25}));
  EXPECT_EQ(s.ranges[2].parent, 1u);
  EXPECT_TRUE(s.ranges[2].has_call_site);
  EXPECT_EQ(s.ranges[2].call_site_source, 0u);
  EXPECT_EQ(s.ranges[2].call_site_line, 2u);
  EXPECT_EQ(s.ranges[2].call_site_column, 4u);
  EXPECT_EQ(s.ranges[1].end, (ScopePosition{0, 35}));
}

TEST(ScopesSplit, NullAndEmptyEntriesAndRangesAlone) {
  const SourceMapModel m = parse(R"({"version":3,"sources":["a.js","b.js","c.js"],"names":[],
    "mappings":"","scopes":[null,"","BAAA,CBA"],"ranges":"EAA,FK"})");
  ASSERT_TRUE(m.warnings.empty()) << m.warnings[0];
  ASSERT_EQ(m.scopes.scopes.size(), 1u);
  EXPECT_EQ(m.scopes.scopes[0].source_index, 2u);
  ASSERT_EQ(m.scopes.ranges.size(), 1u);
  EXPECT_EQ(m.scopes.ranges[0].definition, kNoScopeIndex);
  EXPECT_EQ(m.scopes.ranges[0].end, (ScopePosition{0, 10}));

  const SourceMapModel r = parse(R"({"version":3,"sources":[],"mappings":"","ranges":"EAA,FK"})");
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_EQ(r.scopes.ranges.size(), 1u);
}

// Several roots per source in the split form, positions carried on from root to root.
TEST(ScopesSplit, SeveralRootsShareThePositionState) {
  const SourceMapModel m = parse(R"({"version":3,"sources":["a.js"],"names":[],"mappings":"",
    "scopes":["BACA,CAC,BAAB,CBA"]})");
  ASSERT_TRUE(m.warnings.empty()) << m.warnings[0];
  ASSERT_EQ(m.scopes.scopes.size(), 2u);
  EXPECT_EQ(m.scopes.scopes[0].start, (ScopePosition{2, 0}));
  EXPECT_EQ(m.scopes.scopes[0].end, (ScopePosition{2, 2}));
  EXPECT_EQ(m.scopes.scopes[1].start, (ScopePosition{2, 3}));
  EXPECT_EQ(m.scopes.scopes[1].parent, kNoScopeIndex);
}

// Bindings: 'G' gives one expression per variable, 'H' later ones, merged per variable.
TEST(ScopesCombined, DecodesBindingsAndSubRanges) {
  // names: 0 x, 1 y, 2 a, 3 b. Scope with variables x, y; a range binding x = a, y
  // unavailable, then from column 4 on x = b (H 0: line 0, column +4, expression 4).
  const SourceMapModel m = parse(R"({"version":3,"sources":["a.js"],"names":["x","y","a","b"],
    "mappings":"","scopes":"BAAA,DAC,CCA,ECAA,GDA,HAAEE,FK"})");
  ASSERT_TRUE(m.warnings.empty()) << m.warnings[0];
  ASSERT_EQ(m.scopes.scopes.size(), 1u);
  EXPECT_EQ(m.scopes.scopes[0].variable_count, 2u);
  ASSERT_EQ(m.scopes.ranges.size(), 1u);
  const GeneratedRange& r = m.scopes.ranges[0];
  EXPECT_EQ(r.variable_count, 2u);
  ASSERT_EQ(r.binding_count, 3u);
  const auto* b = &m.scopes.bindings[r.bindings_offset];
  EXPECT_EQ(b[0].variable, 0u);
  EXPECT_EQ(b[0].expression_index, 2u);
  EXPECT_EQ(b[1].variable, 0u);
  EXPECT_EQ(b[1].from, (ScopePosition{0, 4}));
  EXPECT_EQ(b[1].expression_index, 3u);
  EXPECT_EQ(b[2].variable, 1u);
  EXPECT_EQ(b[2].expression_index, kNoScopeIndex);
}

TEST(ScopesCombined, SkipsVendorAndUnknownItems) {
  // '/' vendor items and tag 'J' (9) inside a scope, inside a range and at the top level.
  const SourceMapModel m = parse(R"({"version":3,"sources":["a.js"],"names":["v"],"mappings":"",
    "scopes":"BAAA,/AB,JAA,CBA,JA,/A,EAA,/AC,JB,FK"})");
  ASSERT_TRUE(m.warnings.empty()) << m.warnings[0];
  EXPECT_EQ(m.scopes.scopes.size(), 1u);
  EXPECT_EQ(m.scopes.ranges.size(), 1u);
}

// ---------------------------------------------------------------------------------------------
// Errors: each drops the scope data with a warning naming the field, item and byte
// ---------------------------------------------------------------------------------------------
struct BadCase {
  const char* scopes_json;  // the value of "scopes" (and "ranges" when given)
  const char* want;         // substring of the warning
};

TEST(ScopesErrors, DropTheScopesWithAWarningNeverTheMap) {
  const BadCase cases[] = {
      // combined form
      {R"("B")", "scopes: item 0 (byte 0): original scope start: expected 3 values"},
      {R"("BAAA,CA")", "item 1 (byte 5): original scope end: expected 2 values"},
      {R"("BAAA")", "scopes: 1 original scope(s) never closed"},
      {R"("BAAA,,CAA")", "item 1 (byte 5): empty item"},
      {R"("BAAA,CAA,")", "item 2 (byte 9): empty item"},
      {R"("BAAA,CA!")", "item 1 (byte 7): invalid base64 character '!'"},
      {R"("BAAA,CAg")", "vlq value truncated"},
      {R"("BAAA,CAgggggggB")", "vlq value does not fit in 32 bits"},
      {R"("BBAAC,CAA")", "name index 1 out of range (1 names)"},
      {R"("BBAAD,CAA")", "name index -1 < 0"},
      {R"("BAAA,DE,CAA")", "variable index 2 out of range"},
      {R"("BAAA,BAAA,CAA,DA,CAA")", "variables item ('D') not right after a scope start"},
      {R"("BAAA,EAA,FA,CAA")", "tag 4 inside an original scope"},
      {R"("A,A")", "item 1 (byte 2): more original scope trees than the 1 sources"},
      {R"("CAA")", "tag 2 in the generated ranges"},
      {R"("FA")", "generated range end ('F') without a start"},
      {R"("EIA,FA")", "range flag 0x8 (hidden) without 0x4 (stack frame)"},
      {R"("BAAA,CAA,ECAC,FA")", "definition 1 out of range (1 original scopes)"},
      {R"("BAAA,CAA,ECAD,FA")", "definition -1 out of range"},
      {R"("EAA,FA,GB")", "bindings item ('G') not right after a range start"},
      {R"("EAA,IAAA,GB,FA")", "bindings item ('G') not right after a range start"},
      {R"("EAA,GC,FA")", "binding expression 2 (1-based) out of range (1 names)"},
      {R"("EAA,IBAA,FA")", "call site source 1 out of range (1 sources)"},
      {R"("EAA,IAA,FA")", "call site: expected 3 values"},
      {R"("EAA,GB,HBAAA,FA")", "sub-range binding for variable 1, the range binds 1"},
      {R"("EAA,GB,HAAA,FA")", "sub-range binding: expected a variable index"},
      {R"("EAA")", "1 generated range(s) never closed"},
      {R"("EAA,FAAA")", "generated range end: expected 1 or 2 values"},
      {R"("/")", "vendor item ('/') without a name index"},
      // split form
      {R"(["BAAA"])", "scopes[0]: 1 original scope(s) never closed"},
      {R"(["CAA"])", "scopes[0]: item 0 (byte 0): expected an original scope start ('B')"},
      {R"([5])", "scopes[0]: expected a string or null, got number"},
      {R"([], "ranges": 5)", "ranges: expected a string, got number"},
      {R"([], "ranges": "ECAAA,FA")",
       "ranges: item 0 (byte 0): definition scope 0 out of range "
       "(source 0 has 0 original scopes)"},
      {R"(["BAAA,CAA"], "ranges": "ECACA,FA")", "definition source 1 out of range (1 sources)"},
      {R"(["BAAA,CAA"], "ranges": "ECAAC,FA")", "definition scope 1 out of range"},
      {R"(["BAAA,CAA"], "ranges": "GB")", "ranges: item 0 (byte 0): bindings item ('G') not right"},
      {R"("BAAA,CAA", "ranges": "")", "ranges: present beside a scopes string"},
      {R"(true)", "scopes: expected a string or an array, got boolean"},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.scopes_json);
    const std::string json = std::string(R"({"version":3,"sources":["a.js"],"names":["v"],)") +
                             R"("mappings":"AAAA","scopes":)" + c.scopes_json + "}";
    auto m = smcache::parse_source_map(bytes_of(json));
    ASSERT_TRUE(m.ok()) << m.error().message;
    EXPECT_EQ(m->tokens.size(), 1u);  // the rest of the map is there
    EXPECT_TRUE(m->scopes.empty());
    ASSERT_EQ(m->warnings.size(), 1u);
    EXPECT_NE(m->warnings[0].find(c.want), std::string::npos) << m->warnings[0];
    EXPECT_TRUE(m->warnings[0].ends_with("; scopes ignored")) << m->warnings[0];
  }
}

// The decoder's own Error: code, item and byte in Error::where.
TEST(ScopesErrors, ErrorCarriesItemAndByte) {
  ScopesModel out;
  out.ranges.emplace_back();  // cleared on entry
  auto r = smcache::detail::decode_scopes_combined("BAAA,CA!", 1, 0, out);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, smcache::Errc::invalid_field);
  EXPECT_EQ(r.error().where.byte_offset, 7u);
  EXPECT_EQ(r.error().where.segment, 1u);
  EXPECT_TRUE(out.empty());
}

TEST(ScopesErrors, CompileReportsWarningsThroughTheCallback) {
  const std::string json =
      R"({"version":3,"sources":["a.js"],"names":[],"mappings":"AAAA","scopes":"BAAA"})";
  std::vector<std::string> seen;
  smcache::CompileOptions o;
  o.on_warning = [&](std::string_view w) { seen.emplace_back(w); };
  auto bytes = smcache::compile(bytes_of(json), o);
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0],
            "scopes: 1 original scope(s) never closed at the end of the string; "
            "scopes ignored");
}

// Index-map sections keep their scopes (index_map_scopes_test.cpp has the details); a problem in
// one section names it and drops its scopes only.
TEST(ScopesErrors, IndexMapSectionScopesAreKeptOrDroppedPerSection) {
  const std::string json = R"({"version":3,"sections":[{"offset":{"line":0,"column":0},
    "map":{"version":3,"sources":["a.js"],"mappings":"AAAA","scopes":"BAAA,CAA"}},
    {"offset":{"line":1,"column":0},
    "map":{"version":3,"sources":["b.js"],"mappings":"AAAA","scopes":"BAAA"}}]})";
  auto m = smcache::parse_source_map(bytes_of(json));
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_EQ(m->scopes.scopes.size(), 1u);
  EXPECT_EQ(m->scopes.scopes[0].source_index, 0u);
  ASSERT_EQ(m->warnings.size(), 1u);
  EXPECT_EQ(m->warnings[0],
            "sections[1].map.scopes: 1 original scope(s) never closed at the end of the string; "
            "scopes of sections[1] ignored");
}

}  // namespace
