// ECMA-426 `scopes` inside index-map sections (issue 8): each section's scopes decoded against
// its own sources and names, remapped to the merged sources and concatenated names, its generated
// ranges shifted by the section offset (the column offset on the section's first line only),
// checked against the next section's offset; a problem drops that section's scopes only, with a
// warning naming the section. Asserted on the model (parse_source_map), on the cache (the reader's
// scope ranges) and through symbolicate's `scopes` rule.
#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <smcache/converter/compile.hpp>
#include <smcache/converter/model.hpp>
#include <smcache/format/layout.hpp>
#include <smcache/reader/cache.hpp>
#include <smcache/reader/symbolicate.hpp>

namespace {

namespace format = smcache::format;
using smcache::kNoScopeIndex;
using smcache::ScopePosition;

std::span<const std::uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// One section: its offset and the JSON members of its map after "version":3.
struct Section {
  std::uint64_t line, column;
  std::string map;
};

std::string index_map(const std::vector<Section>& sections) {
  std::string json = R"({"version":3,"sections":[)";
  for (std::size_t i = 0; i < sections.size(); ++i) {
    if (i != 0) json += ',';
    json += R"({"offset":{"line":)" + std::to_string(sections[i].line) + R"(,"column":)" +
            std::to_string(sections[i].column) + R"(},"map":{"version":3,)" + sections[i].map +
            "}}";
  }
  return json + "]}";
}

// sections[0] at (0, 0), split form. a.js: root [0:0, 10:0), foo [1:0, 5:1); shared.js: helper
// [0:0, 3:0). Ranges, all on line 0: a.js's root [0, 90), foo [10, 60), helper inlined in foo
// [20, 30) called from a.js 2:4.
const Section kSplit0{0, 0, R"("sources":["a.js","shared.js"],"names":["foo","helper"],
  "mappings":"AAAA","scopes":["BAAA,BFBAA,CEB,CFA","BFAAC,CDA"],
  "ranges":"ECAAA,EGKAC,ECKCA,IACE,FK,Fe,Fe")"};
// sections[1] at (0, 100), combined form; shared.js is merged with sections[0]'s (model source 1),
// b.js is model source 2. b.js: root [0:0, 20:0), bar [2:0, 8:0); shared.js: helper [0:0, 3:0).
// Ranges: bar [0:5, 1:10) (the start is on the section's first line: column + 100, the end is
// not), helper inlined in bar [1:2, 1:6) called from b.js 4:2.
const Section kCombined1{0, 100, R"("sources":["b.js","shared.js"],"names":["bar","helper"],
  "mappings":"AAAA;AAAA","scopes":"BAAA,BFCAA,CGA,CMA,BFAAC,CDA,EGFC,EDBCC,IAEC,FE,FE")"};
// sections[2] at (3, 7), split form, no scopes for shared.js (null). c.js: baz [0:0, 10:0).
// Ranges: baz [0:0, 0:20) and [2:3, 2:9) (line 2 of the section: no column offset).
const Section kSplit2{3, 7, R"("sources":["c.js","shared.js"],"names":["baz"],
  "mappings":"AAAA;;AAAA","scopes":["BFAAA,CKA",null],"ranges":"EGAAA,FU,EHCDAA,FG")"};
// A section without scopes, for sections[1] at (0, 100).
const Section kPlain1{0, 100, R"("sources":["b.js"],"names":[],"mappings":"AAAA;AAAA")"};

smcache::SourceMapModel parse(const std::string& json) {
  auto m = smcache::parse_source_map(bytes_of(json));
  EXPECT_TRUE(m) << (m ? "" : m.error().message);
  return m ? std::move(m).value() : smcache::SourceMapModel{};
}

// A compiled cache whose bytes live as long as it does.
struct Built {
  std::vector<std::uint8_t> bytes;
  std::optional<smcache::Cache> cache;
  std::vector<std::string> warnings;  // from CompileOptions::on_warning
};

std::unique_ptr<Built> build(const std::string& json) {
  auto b = std::make_unique<Built>();
  smcache::CompileOptions o;
  o.on_warning = [w = &b->warnings](std::string_view s) { w->emplace_back(s); };
  auto r = smcache::compile(bytes_of(json), o);
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  if (!r) return b;
  b->bytes = std::move(r).value();
  auto c = smcache::Cache::from_bytes(b->bytes);
  EXPECT_TRUE(c) << (c ? "" : c.error().message);
  if (c) {
    auto v = c->verify();  // R-SCP-1..5: sorted, nested, parents earlier
    EXPECT_TRUE(v) << (v ? "" : v.error().message);
    b->cache.emplace(std::move(c).value());
  }
  return b;
}

struct Want {
  std::uint32_t start_line, start_column, end_line, end_column;
  const char* name;  // nullptr: no name
  std::uint32_t parent;
  std::uint32_t call_site_source, call_site_line, call_site_column;  // kNone: not inlined
};

void expect_ranges(const smcache::Cache& cache, const std::vector<Want>& want) {
  ASSERT_EQ(cache.scope_range_count(), want.size());
  for (std::uint32_t k = 0; k < want.size(); ++k) {
    SCOPED_TRACE("record " + std::to_string(k));
    const auto r = cache.scope_range(k);
    ASSERT_TRUE(r);
    const Want& w = want[k];
    EXPECT_EQ(r->start_line, w.start_line);
    EXPECT_EQ(r->start_column, w.start_column);
    EXPECT_EQ(r->end_line, w.end_line);
    EXPECT_EQ(r->end_column, w.end_column);
    EXPECT_TRUE(r->has_definition());
    if (w.name == nullptr) {
      EXPECT_FALSE(r->name);
    } else {
      EXPECT_EQ(r->name, w.name);
    }
    EXPECT_EQ(r->parent, w.parent);
    EXPECT_EQ(r->call_site_source_index, w.call_site_source);
    EXPECT_EQ(r->call_site_line, w.call_site_line);
    EXPECT_EQ(r->call_site_column, w.call_site_column);
  }
}

constexpr std::uint32_t kNone = format::kNone;

// The records of kSplit0, kCombined1 and kSplit2 in one file: section by section, shifted.
const std::vector<Want> kAllThree = {
    {0, 0, 0, 90, nullptr, kNone, kNone, 0, 0},  // a.js's root: not a function
    {0, 10, 0, 60, "foo", 0, kNone, 0, 0},
    {0, 20, 0, 30, "helper", 1, 0, 2, 4},        // called from a.js (source 0) 2:4
    {0, 105, 1, 10, "bar", kNone, kNone, 0, 0},  // (0, 5) + column 100; (1, 10) as is
    {1, 2, 1, 6, "helper", 3, 2, 4, 2},          // called from b.js: section source 0, model 2
    {3, 7, 3, 27, "baz", kNone, kNone, 0, 0},    // (0, 0) + (3, 7)
    {5, 3, 5, 9, "baz", kNone, kNone, 0, 0},     // (2, 3) + 3 lines, no column offset
};

TEST(IndexMapScopes, ModelRemapsSourcesNamesAndShiftsRanges) {
  const auto m = parse(index_map({kSplit0, kCombined1, kSplit2}));
  ASSERT_TRUE(m.warnings.empty()) << m.warnings[0];
  // shared.js is merged: a.js, shared.js, b.js, c.js. Names are concatenated.
  ASSERT_EQ(m.sources.size(), 4u);
  EXPECT_EQ(m.sources[1], "shared.js");
  EXPECT_EQ(m.sources[2], "b.js");
  EXPECT_EQ(m.sources[3], "c.js");
  ASSERT_EQ(m.names.size(), 5u);  // foo helper | bar helper | baz

  const auto& s = m.scopes.scopes;  // pre-order per section, then per source
  ASSERT_EQ(s.size(), 7u);
  const std::uint32_t want_source[] = {0, 0, 1, 2, 2, 1, 3};
  const std::uint32_t want_name[] = {kNoScopeIndex, 0, 1, kNoScopeIndex, 2, 3, 4};
  const std::uint32_t want_parent[] = {
      kNoScopeIndex, 0, kNoScopeIndex, kNoScopeIndex, 3, kNoScopeIndex, kNoScopeIndex};
  for (std::size_t k = 0; k < s.size(); ++k) {
    SCOPED_TRACE("scope " + std::to_string(k));
    EXPECT_EQ(s[k].source_index, want_source[k]);
    EXPECT_EQ(s[k].name_index, want_name[k]);
    EXPECT_EQ(s[k].parent, want_parent[k]);
  }
  // Original positions are not shifted: bar is at b.js 2:0 whatever the section offset.
  EXPECT_EQ(s[4].start, (ScopePosition{2, 0}));
  EXPECT_EQ(s[4].end, (ScopePosition{8, 0}));

  const auto& r = m.scopes.ranges;
  ASSERT_EQ(r.size(), 7u);
  const std::uint32_t want_definition[] = {0, 1, 2, 4, 5, 6, 6};
  const std::uint32_t want_range_parent[] = {kNoScopeIndex, 0, 1, kNoScopeIndex, 3, kNoScopeIndex,
                                             kNoScopeIndex};
  for (std::size_t k = 0; k < r.size(); ++k) {
    SCOPED_TRACE("range " + std::to_string(k));
    EXPECT_EQ(r[k].definition, want_definition[k]);
    EXPECT_EQ(r[k].parent, want_range_parent[k]);
    EXPECT_EQ(r[k].start, (ScopePosition{kAllThree[k].start_line, kAllThree[k].start_column}));
    EXPECT_EQ(r[k].end, (ScopePosition{kAllThree[k].end_line, kAllThree[k].end_column}));
  }
  EXPECT_TRUE(r[2].has_call_site);
  EXPECT_EQ(r[2].call_site_source, 0u);
  EXPECT_TRUE(r[4].has_call_site);
  EXPECT_EQ(r[4].call_site_source, 2u);
  EXPECT_EQ(r[4].call_site_line, 4u);
  EXPECT_EQ(r[4].call_site_column, 2u);
}

TEST(IndexMapScopes, CacheHoldsEverySectionsRanges) {
  const auto b = build(index_map({kSplit0, kCombined1, kSplit2}));
  ASSERT_TRUE(b->cache);
  EXPECT_TRUE(b->warnings.empty()) << b->warnings[0];
  EXPECT_EQ(b->cache->info().format_minor, 2u);
  expect_ranges(*b->cache, kAllThree);
  const auto shared = b->cache->source(1);
  ASSERT_TRUE(shared);
  EXPECT_EQ(shared->name, "shared.js");

  struct Row {
    std::uint32_t line, column, index;  // index kNone: no range
  };
  const Row rows[] = {
      {0, 25, 2},       // helper inlined in sections[0]
      {0, 89, 0},       // sections[0]'s root, last position
      {0, 90, kNone},   // its end is exclusive; sections[1] starts at column 100
      {0, 104, kNone},  // sections[1] before bar
      {0, 105, 3},      // bar's first position (5 + the column offset)
      {1, 0, 3},        // bar's second line: no column offset
      {1, 2, 4},        // helper inlined in bar
      {1, 10, kNone},   // bar's end
      {3, 6, kNone},    // before sections[2]'s offset
      {3, 7, 5},        // baz from the offset on
      {5, 3, 6},        // baz's second range: (2, 3) + 3 lines
      {5, 9, kNone},
  };
  for (const Row& row : rows) {
    const auto r = b->cache->enclosing_scope_range(row.line, row.column);
    if (row.index == kNone) {
      EXPECT_FALSE(r) << row.line << ":" << row.column;
    } else {
      ASSERT_TRUE(r) << row.line << ":" << row.column;
      EXPECT_EQ(r->index, row.index) << row.line << ":" << row.column;
    }
  }
  // The inlined helper's chain: helper -> bar -> none.
  const auto helper = b->cache->enclosing_scope_range(1, 3);
  ASSERT_TRUE(helper);
  const auto bar = b->cache->parent_scope_range(*helper);
  ASSERT_TRUE(bar);
  EXPECT_EQ(bar->name, "bar");
  EXPECT_FALSE(b->cache->parent_scope_range(*bar));
}

TEST(IndexMapScopes, SymbolicateNamesAFrameInEachSection) {
  const auto b = build(index_map({kSplit0, kCombined1, kSplit2}));
  ASSERT_TRUE(b->cache);
  // Trace positions are 1-based.
  const std::string trace =
      "Error: x\n"
      "    at f (bundle.js:1:26)\n"   // sections[0]: helper, inlined in foo
      "    at g (bundle.js:1:46)\n"   // sections[0]: foo
      "    at h (bundle.js:1:111)\n"  // sections[1]: bar, first line (column offset)
      "    at i (bundle.js:2:5)\n"    // sections[1]: helper, inlined in bar
      "    at j (bundle.js:4:11)\n"   // sections[2]: baz
      "    at k (bundle.js:6:5)\n";   // sections[2]: baz, second range
  const smcache::Cache* cache = &*b->cache;
  const auto out = smcache::symbolicate(std::string_view(trace),
                                        [cache](const smcache::StackFrame&) { return cache; }, {});
  ASSERT_EQ(out.size(), 7u);
  const char* const want[] = {"helper", "foo", "bar", "helper", "baz", "baz"};
  for (std::size_t k = 0; k < 6; ++k) {
    SCOPED_TRACE("frame " + std::to_string(k));
    const auto& f = out[k + 1];
    ASSERT_TRUE(f.resolved);
    EXPECT_EQ(f.function, want[k]);
    EXPECT_EQ(f.function_rule, smcache::FunctionRule::scopes);
  }
}

TEST(IndexMapScopes, SectionWithoutScopesNextToOneWith) {
  const auto b = build(index_map({kSplit0, kPlain1, kSplit2}));
  ASSERT_TRUE(b->cache);
  EXPECT_TRUE(b->warnings.empty()) << b->warnings[0];
  // sources: a.js shared.js b.js c.js (shared.js merged with sections[2]'s).
  expect_ranges(*b->cache, {
                               kAllThree[0],
                               kAllThree[1],
                               kAllThree[2],
                               kAllThree[5],
                               kAllThree[6],
                           });
  EXPECT_FALSE(b->cache->enclosing_scope_range(0, 105));

  // Only the section in the middle has scopes.
  const Section plain0{0, 0, R"("sources":["a.js"],"names":[],"mappings":"AAAA")"};
  const Section plain2{3, 7, R"("sources":["c.js"],"names":[],"mappings":"AAAA")"};
  const auto c = build(index_map({plain0, kCombined1, plain2}));
  ASSERT_TRUE(c->cache);
  EXPECT_TRUE(c->warnings.empty()) << c->warnings[0];
  // b.js is source 1 here, so the call site names source 1.
  Want helper = kAllThree[4];
  helper.parent = 0;
  helper.call_site_source = 1;
  Want bar = kAllThree[3];
  expect_ranges(*c->cache, {bar, helper});
}

struct BadSection {
  const char* what;
  std::vector<Section> sections;
  const char* warning;     // the whole warning, naming the section whose scopes are dropped
  std::vector<Want> kept;  // the records left, all from the other sections
};

// Records of kAllThree, parents renumbered (each kept record's parent is kept too).
std::vector<Want> records(std::initializer_list<std::uint32_t> of_all_three) {
  std::vector<Want> out;
  std::vector<std::uint32_t> index(kAllThree.size(), kNone);
  for (const std::uint32_t k : of_all_three) {
    index[k] = static_cast<std::uint32_t>(out.size());
    out.push_back(kAllThree[k]);
    if (out.back().parent != kNone) out.back().parent = index[out.back().parent];
  }
  return out;
}

TEST(IndexMapScopes, BadScopesDropOnlyThatSection) {
  // kCombined1 at (0, 50): bar starts at column 55.
  std::vector<Want> at_50 = records({3, 4, 5, 6});
  at_50[0].start_column = 55;
  // kSplit2 at (1, 0): baz at (1, 0) and (3, 3).
  std::vector<Want> at_1_0 = records({0, 1, 2, 5, 6});
  at_1_0[3].start_line = at_1_0[3].end_line = 1;
  at_1_0[3].start_column = 0;
  at_1_0[3].end_column = 20;
  at_1_0[4].start_line = at_1_0[4].end_line = 3;

  const BadSection cases[] = {
      {"unclosed scope in the combined form",
       {kSplit0,
        {0, 100, R"("sources":["b.js"],"names":[],"mappings":"AAAA;AAAA","scopes":"BAAA")"},
        kSplit2},
       "sections[1].map.scopes: 1 original scope(s) never closed at the end of the string; "
       "scopes of sections[1] ignored",
       records({0, 1, 2, 5, 6})},
      {"wrong JSON type in the split form",
       {kSplit0,
        kCombined1,
        {3, 7, R"("sources":["c.js"],"names":[],"mappings":"AAAA","scopes":[5])"}},
       "sections[2].map.scopes[0]: expected a string or null, got number; scopes of sections[2] "
       "ignored",
       records({0, 1, 2, 3, 4})},
      {"definition out of range in `ranges`",
       {{0, 0, R"("sources":["a.js","shared.js"],"names":[],"mappings":"AAAA",
           "scopes":["BAAA,CBA",null],"ranges":"ECAAC,FA")"},
        kCombined1,
        kSplit2},
       "sections[0].map.ranges: item 0 (byte 0): definition scope 1 out of range (source 0 has "
       "1 original scopes); scopes of sections[0] ignored",
       records({3, 4, 5, 6})},
      {"a range past the next section's offset",
       {kSplit0, {0, 50, kCombined1.map}, kSplit2},
       "sections[0].map.ranges: generated range 0 ends at (0, 90), after the offset (0, 50) of "
       "sections[1]; scopes of sections[0] ignored",
       at_50},
      {"a range past the next section's offset, on a later line",
       {kSplit0, kCombined1, {1, 0, kSplit2.map}},
       "sections[1].map.scopes: generated range 0 ends at (1, 10), after the offset (1, 0) of "
       "sections[2]; scopes of sections[1] ignored",
       at_1_0},
      {"a section without mappings at the next one's offset",
       {{0, 0, R"("sources":["a.js"],"names":[],"mappings":"","scopes":"BAAA,CBA,ECAA,FF")"},
        kSplit0,
        kCombined1,
        kSplit2},
       "sections[0].map.scopes: generated range 0 ends at (0, 5), after the offset (0, 0) of "
       "sections[1]; scopes of sections[0] ignored",
       kAllThree},
      {"a shifted column past 2^32-1",
       {kSplit0,
        kCombined1,
        {3, 4294967295u, R"("sources":[],"names":[],"mappings":"","scopes":"EAC,FC")"}},
       "sections[2].map.scopes: generated range 0 is past 2^32-1 at the offset (3, 4294967295); "
       "scopes of sections[2] ignored",
       records({0, 1, 2, 3, 4})},
  };
  for (const BadSection& c : cases) {
    SCOPED_TRACE(c.what);
    const auto b = build(index_map(c.sections));
    ASSERT_TRUE(b->cache);
    ASSERT_EQ(b->warnings.size(), 1u);
    EXPECT_EQ(b->warnings[0], c.warning);
    expect_ranges(*b->cache, c.kept);
  }
}

// A section nesting deeper than the format allows loses its scopes with a warning; in a regular
// map the builder writes no scope ranges at all (SPEC §6.11.1), here the other sections keep
// theirs.
TEST(IndexMapScopes, TooDeepSectionIsDroppedAlone) {
  // 65 nested ranges without definitions: range k is [0:2k, 0:258-2k).
  std::string deep = "EAA";
  for (std::uint32_t k = 1; k <= format::kMaxScopeRangeDepth; ++k) deep += ",EAC";
  for (std::uint32_t k = 0; k <= format::kMaxScopeRangeDepth; ++k) deep += ",FC";
  const Section deep1{0, 100, R"("sources":[],"names":[],"mappings":"","scopes":")" + deep + "\""};
  const auto b = build(index_map({kSplit0, deep1, kSplit2}));
  ASSERT_TRUE(b->cache);
  ASSERT_EQ(b->warnings.size(), 1u);
  EXPECT_EQ(b->warnings[0],
            "sections[1].map.scopes: generated range 64 nests deeper than 64; scopes of "
            "sections[1] ignored");
  expect_ranges(*b->cache, {kAllThree[0], kAllThree[1], kAllThree[2], kAllThree[5], kAllThree[6]});
}

// ECMA-426 index maps hold regular maps: the converter rejects a section whose map is an index
// map (parse.cpp), scopes or not, so a nested section's scopes never need a second shift.
TEST(IndexMapScopes, NestedIndexMapsAreStillRejected) {
  const std::string inner = index_map({kSplit0});
  const std::string json =
      R"({"version":3,"sections":[{"offset":{"line":0,"column":0},"map":)" + inner + "}]}";
  auto m = smcache::parse_source_map(bytes_of(json));
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, smcache::Errc::invalid_index_map);
  EXPECT_EQ(m.error().message, "sections[0].map: nested index maps are not supported");
}

}  // namespace
