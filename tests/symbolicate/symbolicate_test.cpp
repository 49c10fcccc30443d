// Tests of reader/include/smcache/reader/symbolicate.hpp: function naming (the caller's call
// site, the `new`/`await` next-token rule and its checks, the minified fallback), unresolved frames
// kept in place, source context, and the bundled example end to end against the unbundled run.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <smcache/converter/compile.hpp>
#include <smcache/converter/model.hpp>
#include <smcache/format/checksum.hpp>
#include <smcache/reader/cache.hpp>
#include <smcache/reader/symbolicate.hpp>

namespace smcache {
namespace {

constexpr std::uint32_t kNo = RawToken::kNoIndex;

std::string read_text(const std::string& relative) {
  const std::string path = std::string(SMCACHE_SOURCE_DIR) + "/" + relative;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A cache built in memory; the bytes live as long as the Cache.
struct Built {
  std::vector<std::uint8_t> bytes;
  std::optional<Cache> cache;
  const Cache* get() const { return &*cache; }
};

// One mapping on generated line 0 of a one-source map.
struct Tok {
  std::uint32_t generated_column;
  std::uint32_t line, column;  // original, 0-based
  const char* name = nullptr;
};

// A bundle of one generated line whose mappings all point into `src/app.js`, with `content` as
// its sourcesContent (nullopt: none).
std::unique_ptr<Built> bundle(const std::vector<Tok>& toks,
                              std::optional<std::string> content = std::nullopt) {
  SourceMapModel m;
  m.sources.push_back("src/app.js");
  m.sources_content.push_back(std::move(content));
  m.ignored.push_back(false);
  for (const Tok& t : toks) {
    std::uint32_t name = kNo;
    if (t.name != nullptr) {
      name = static_cast<std::uint32_t>(m.names.size());
      m.names.emplace_back(t.name);
    }
    m.tokens.push_back(RawToken{t.generated_column, 0, t.line, t.column, name});
  }
  m.line_offsets.push_back(static_cast<std::uint32_t>(m.tokens.size()));
  auto b = std::make_unique<Built>();
  // No function table: these caches test the caller rules (1-3) alone; the example test below
  // covers rule 0 (original-function) on a real bundle.
  CompileOptions no_table;
  no_table.function_table = false;
  auto r = build_cache(m, format::Hash128{1, 2}, no_table);
  if (!r) throw std::runtime_error("build_cache: " + r.error().message);
  b->bytes = std::move(r).value();
  auto c = Cache::from_bytes(b->bytes);
  if (!c) throw std::runtime_error("from_bytes: " + c.error().message);
  b->cache.emplace(std::move(c).value());
  return b;
}

// Symbolicated lines with the trace text they point into (kept alive, never moved).
struct Run {
  std::shared_ptr<const std::string> text;
  std::vector<SymbolicatedFrame> frames;
  const SymbolicatedFrame& operator[](std::size_t i) const { return frames.at(i); }
  std::size_t size() const { return frames.size(); }
};

Run run(std::string trace, const Cache* cache, SymbolicateOptions options = {}) {
  Run r;
  r.text = std::make_shared<const std::string>(std::move(trace));
  r.frames = symbolicate(
      std::string_view(*r.text), [cache](const StackFrame&) { return cache; }, options);
  return r;
}

// --- rule s: the map's own `scopes` -------------------------------------------------------------

// Generated line 0, all of it mapped to a.js 0:0 (no sourcesContent: no function table). Ranges
// (split form): a.js's root [0:0, 1:0), foo's body [0:5, 0:35), and bar inlined in it
// [0:15, 0:25), called from a.js 2:4; bar's original scope is in b.js.
// With `a_content`, a.js has that sourcesContent (so a function table: rule 0 can check rule s).
std::unique_ptr<Built> scoped_bundle(std::string_view a_content = {}) {
  const std::string content =
      a_content.empty() ? std::string()
                        : R"("sourcesContent":[")" + std::string(a_content) + R"(",null],)";
  const std::string map = R"({"version":3,"sources":["a.js","b.js"],)" + content + R"(
    "names":["foo","bar"],"mappings":"AAAA",
    "scopes":["BAAA,BFBCA,CCB,CHA","BAAA,BFCAC,CCB,CBA"],
    "ranges":"ECAAA,EGFAC,ECKCB,IACE,FK,FK,FBA"})";
  auto r = compile(std::span(reinterpret_cast<const std::uint8_t*>(map.data()), map.size()));
  if (!r) throw std::runtime_error("compile: " + r.error().message);
  auto b = std::make_unique<Built>();
  b->bytes = std::move(r).value();
  auto c = Cache::from_bytes(b->bytes);
  if (!c) throw std::runtime_error("from_bytes: " + c.error().message);
  b->cache.emplace(std::move(c).value());
  return b;
}

TEST(SymbolicateNames, ScopesNameTheFrameFirst) {
  const auto b = scoped_bundle();
  const std::string trace =
      "Error: x\n"
      "    at f (bundle.js:1:21)\n"  // inside bar's inlined body
      "    at g (bundle.js:1:31)\n"  // foo's body, after bar
      "    at h (bundle.js:1:3)\n";  // a.js's root range: top-level code
  const auto out = run(trace, b->get());
  ASSERT_EQ(out.size(), 4u);
  ASSERT_TRUE(out[1].resolved);
  EXPECT_EQ(out[1].function, "bar");
  EXPECT_EQ(out[1].function_rule, FunctionRule::scopes);
  EXPECT_EQ(function_rule_name(out[1].function_rule), "scopes");
  EXPECT_EQ(out[2].function, "foo");
  EXPECT_EQ(out[2].function_rule, FunctionRule::scopes);
  // Top-level code by the scopes: the next rules decide (no caller, no table: the trace's name).
  EXPECT_EQ(out[3].function, "h");
  EXPECT_EQ(out[3].function_rule, FunctionRule::minified);
}

// Rule s must not contradict the source: every generated position maps to a.js 0:0, inside the
// function the table found there. A scopes name that is that function's name, or its last part,
// stands; any other name (swc writes mangled names, and `constructor` for `new C`) gives way to
// rule 0. The inlined callers stay either way.
TEST(SymbolicateNames, ScopesNameGivesWayWhenTheSourceSaysOtherwise) {
  const std::string trace =
      "Error: x\n"
      "    at f (bundle.js:1:21)\n"   // bar's inlined body; the scopes say bar
      "    at g (bundle.js:1:31)\n";  // foo's body; the scopes say foo
  {
    const auto b = scoped_bundle("function realName() {}");
    const auto out = run(trace, b->get());
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[1].function, "realName");
    EXPECT_EQ(out[1].function_rule, FunctionRule::original_function);
    ASSERT_EQ(out[1].inlined_callers.size(), 1u);
    EXPECT_EQ(out[1].inlined_callers[0].function, "foo");
    EXPECT_EQ(out[2].function, "realName");
    EXPECT_EQ(out[2].function_rule, FunctionRule::original_function);
  }
  {
    const auto b = scoped_bundle("class C { foo() {} }");  // the table says C.foo
    const auto out = run(trace, b->get());
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[2].function, "foo");  // agrees with C.foo: the scopes' own spelling
    EXPECT_EQ(out[2].function_rule, FunctionRule::scopes);
  }
  {
    const auto b = scoped_bundle("x = function () {}");  // anonymous in the table: no check
    const auto out = run(trace, b->get());
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[2].function, "foo");
    EXPECT_EQ(out[2].function_rule, FunctionRule::scopes);
  }
}

TEST(SymbolicateNames, ScopeNameAgreement) {
  using smcache::detail::symbolicate::scope_name_agrees;
  EXPECT_TRUE(scope_name_agrees("foo", "foo"));
  EXPECT_TRUE(scope_name_agrees("fromEvents", "Inventory.fromEvents"));
  EXPECT_TRUE(scope_name_agrees("total", "get total"));
  EXPECT_TRUE(scope_name_agrees("total", "set Cart.total"));
  EXPECT_TRUE(scope_name_agrees("m", "C.#m"));
  EXPECT_TRUE(scope_name_agrees("Inventory", "new Inventory"));
  EXPECT_FALSE(scope_name_agrees("constructor", "new Inventory"));
  EXPECT_FALSE(scope_name_agrees("s", "memoized"));
  EXPECT_FALSE(scope_name_agrees("Inventory", "Inventory.fromEvents"));
  EXPECT_FALSE(scope_name_agrees("", "f"));
}

// --- rule s: inlined frames -------------------------------------------------------------------

// Two sources, main.js (0) and math.js (1), one generated line. Original scopes:
//   0 main.js root; 1 main [1:0, 10:0) in it;
//   2 math.js root; 3 compute [2:0, 9:0); 4 a block of compute [3:2, 6:0); 5 square [10:0, 12:0).
// Generated ranges on line 0 (columns):
//   R0 [0, 200) main.js root (top-level code)
//   R1 [10, 100) main
//   R2 [20, 80) compute, inlined: called from main.js 4:9
//   R3 [30, 60) compute's block
//   R4 [40, 50) square, inlined: called from math.js 4:11 (in the block)
//   R5 [110, 120) square, inlined from top-level code: called from main.js 15:0
//   R6 [130, 140) an anonymous function of math.js [14:0, 16:0) (scope 6, no name)
//   R7 [132, 138) square, inlined into it: called from math.js 14:2
// So square was inlined into compute, which was inlined into main (two levels).
std::unique_ptr<Built> inlined_bundle() {
  SourceMapModel m;
  m.sources = {"src/main.js", "src/math.js"};
  m.sources_content = {std::nullopt, std::nullopt};
  m.ignored = {false, false};
  m.names = {"main", "compute", "square"};
  // Generated column -> original (source, line, column).
  const std::uint32_t toks[][4] = {
      {0, 0, 0, 0},    {10, 0, 2, 2},   {20, 1, 3, 4},  {30, 1, 4, 4},   {40, 1, 11, 9},
      {50, 1, 5, 2},   {60, 1, 7, 2},   {80, 0, 5, 2},  {100, 0, 12, 0}, {110, 1, 10, 4},
      {120, 0, 16, 0}, {130, 1, 14, 2}, {132, 1, 11, 2}};
  for (const auto& t : toks) m.tokens.push_back(RawToken{t[0], t[1], t[2], t[3], kNo});
  m.line_offsets = {0, static_cast<std::uint32_t>(m.tokens.size())};
  auto scope = [&m](std::uint32_t source, ScopePosition start, ScopePosition end,
                    std::uint32_t name, bool frame, std::uint32_t parent) {
    OriginalScope o;
    o.source_index = source;
    o.start = start;
    o.end = end;
    o.name_index = name;
    o.is_stack_frame = frame;
    o.parent = parent;
    m.scopes.scopes.push_back(o);
  };
  scope(0, {0, 0}, {20, 0}, kNoScopeIndex, false, kNoScopeIndex);  // 0
  scope(0, {1, 0}, {10, 0}, 0, true, 0);                           // 1 main
  scope(1, {0, 0}, {30, 0}, kNoScopeIndex, false, kNoScopeIndex);  // 2
  scope(1, {2, 0}, {9, 0}, 1, true, 2);                            // 3 compute
  scope(1, {3, 2}, {6, 0}, kNoScopeIndex, false, 3);               // 4 block
  scope(1, {10, 0}, {12, 0}, 2, true, 2);                          // 5 square
  scope(1, {14, 0}, {16, 0}, kNoScopeIndex, true, 2);              // 6 an anonymous function
  struct CallSite {
    std::uint32_t source, line, column;
  };
  auto range = [&m](std::uint32_t start, std::uint32_t end, std::uint32_t definition,
                    std::uint32_t parent, std::optional<CallSite> call) {
    GeneratedRange g;
    g.start = {0, start};
    g.end = {0, end};
    g.definition = definition;
    g.parent = parent;
    if (call) {
      g.has_call_site = true;
      g.call_site_source = call->source;
      g.call_site_line = call->line;
      g.call_site_column = call->column;
    }
    m.scopes.ranges.push_back(g);
  };
  range(0, 200, 0, kNoScopeIndex, std::nullopt);  // R0
  range(10, 100, 1, 0, std::nullopt);             // R1 main
  range(20, 80, 3, 1, CallSite{0, 4, 9});         // R2 compute, inlined into main
  range(30, 60, 4, 2, std::nullopt);              // R3 compute's block
  range(40, 50, 5, 3, CallSite{1, 4, 11});        // R4 square, inlined into compute
  range(110, 120, 5, 0, CallSite{0, 15, 0});      // R5 square, inlined into top-level code
  range(130, 140, 6, 0, std::nullopt);            // R6 the anonymous function
  range(132, 138, 5, 6, CallSite{1, 14, 2});      // R7 square, inlined into it
  auto b = std::make_unique<Built>();
  CompileOptions no_table;
  no_table.function_table = false;
  auto r = build_cache(m, format::Hash128{1, 2}, no_table);
  if (!r) throw std::runtime_error("build_cache: " + r.error().message);
  b->bytes = std::move(r).value();
  auto c = Cache::from_bytes(b->bytes);
  if (!c) throw std::runtime_error("from_bytes: " + c.error().message);
  b->cache.emplace(std::move(c).value());
  return b;
}

constexpr std::string_view kInlinedTrace =
    "Error: x\n"
    "    at s (bundle.js:1:46)\n"    // R4: square in compute in main
    "    at c (bundle.js:1:36)\n"    // R3: compute's block, compute in main
    "    at m (bundle.js:1:16)\n"    // R1: main itself, nothing inlined
    "    at t (bundle.js:1:116)\n";  // R5: square inlined into top-level code

void expect_caller(const InlinedFrame& c, std::string_view source, std::uint32_t line,
                   std::uint32_t column, std::string_view function, FunctionRule rule) {
  EXPECT_EQ(c.source, source);
  EXPECT_EQ(c.source_index, source == "src/main.js" ? 0u : 1u);
  EXPECT_EQ(c.line, line);
  EXPECT_EQ(c.column, column);
  EXPECT_EQ(c.function, function);
  EXPECT_EQ(c.function_rule, rule);
}

TEST(SymbolicateInlined, TwoLevelsOfInlinedCallsAreGivenBack) {
  const auto b = inlined_bundle();
  ASSERT_TRUE(b->cache->verify()) << "a well-formed file";
  ASSERT_EQ(b->cache->scope_range_count(), 8u);
  const auto out = run(std::string(kInlinedTrace), b->get());
  ASSERT_EQ(out.size(), 5u);

  // square, at its mapped position (math.js 11:9), inlined into compute at math.js 4:11, which
  // was inlined into main at main.js 4:9; main is what the engine ran.
  const SymbolicatedFrame& sq = out[1];
  ASSERT_TRUE(sq.resolved);
  EXPECT_EQ(sq.source, "src/math.js");
  EXPECT_EQ(sq.line, 11u);
  EXPECT_EQ(sq.column, 9u);
  EXPECT_EQ(sq.function, "square");
  EXPECT_EQ(sq.function_rule, FunctionRule::scopes);
  EXPECT_TRUE(sq.is_inlined());
  ASSERT_EQ(sq.inlined_callers.size(), 2u);
  expect_caller(sq.inlined_callers[0], "src/math.js", 4, 11, "compute", FunctionRule::scopes);
  expect_caller(sq.inlined_callers[1], "src/main.js", 4, 9, "main", FunctionRule::scopes);
  EXPECT_TRUE(sq.is_inlined_caller(0));
  EXPECT_FALSE(sq.is_inlined_caller(1));

  // Inside compute's block (no call site of its own): compute, inlined into main.
  const SymbolicatedFrame& co = out[2];
  EXPECT_EQ(co.source, "src/math.js");
  EXPECT_EQ(co.line, 4u);
  EXPECT_EQ(co.column, 4u);
  EXPECT_EQ(co.function, "compute");
  EXPECT_EQ(co.function_rule, FunctionRule::scopes);
  ASSERT_EQ(co.inlined_callers.size(), 1u);
  expect_caller(co.inlined_callers[0], "src/main.js", 4, 9, "main", FunctionRule::scopes);

  // main's own code: nothing inlined.
  EXPECT_EQ(out[3].function, "main");
  EXPECT_FALSE(out[3].is_inlined());
  EXPECT_TRUE(out[3].inlined_callers.empty());

  // square inlined into top-level code: the caller has no function.
  const SymbolicatedFrame& top = out[4];
  EXPECT_EQ(top.function, "square");
  ASSERT_EQ(top.inlined_callers.size(), 1u);
  expect_caller(top.inlined_callers[0], "src/main.js", 15, 0, "", FunctionRule::none);
}

// A function the scopes leave unnamed (swc 1.16 names none) does not name the frame: the next
// rules do (here, without a table or a caller, the trace's name). An inlined call into it keeps
// its caller, "<anonymous>".
TEST(SymbolicateInlined, UnnamedFunctionScopeFallsThrough) {
  const auto b = inlined_bundle();
  const auto out =
      run("    at s (bundle.js:1:134)\n"
          "    at x (bundle.js:1:131)\n",
          b->get());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].function, "square");
  EXPECT_EQ(out[0].function_rule, FunctionRule::scopes);
  ASSERT_EQ(out[0].inlined_callers.size(), 1u);
  expect_caller(out[0].inlined_callers[0], "src/math.js", 14, 2, "<anonymous>",
                FunctionRule::scopes);
  EXPECT_EQ(out[1].function, "x");
  EXPECT_EQ(out[1].function_rule, FunctionRule::minified);
  EXPECT_FALSE(out[1].is_inlined());
}

TEST(SymbolicateInlined, AsyncAndNewBelongToTheEnginesFrame) {
  const auto b = inlined_bundle();
  const auto out = run("    at async new s (bundle.js:1:46)\n", b->get());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(display_function(out[0]), "square");
  EXPECT_EQ(display_inlined_function(out[0], 0), "compute");
  EXPECT_EQ(display_inlined_function(out[0], 1), "async new main");
}

// Only rule s gives inlined frames: a cache without scope ranges gives none.
TEST(SymbolicateInlined, OtherRulesGiveNone) {
  const auto b = bundle({{40, 7, 2, "onSubmit"}, {45, 1, 2, "saveDraft"}});
  const auto out = run("    at b (bundle.js:1:46)\n", b->get());
  EXPECT_EQ(out[0].function_rule, FunctionRule::minified);
  EXPECT_FALSE(out[0].is_inlined());
}

// A corrupt scope_ranges section (parent cycles, parents pointing forward): verify() refuses it,
// and symbolicate ends, the chain cut where a parent is not before its record (R-SCP-4 at use).
TEST(SymbolicateInlined, CorruptParentChainsEnd) {
  const std::function<void(std::uint8_t*)> edits[] = {
      // every record its own parent
      [](std::uint8_t* r) {
        for (std::uint32_t k = 0; k < 8; ++k) format::store_le(r + 40 * k + 20, k);
      },
      // every record's parent the last record
      [](std::uint8_t* r) {
        for (std::uint32_t k = 0; k < 8; ++k) format::store_le(r + 40 * k + 20, 7u);
      },
      // square's parent the first record after it... and back (4 -> 5, 5 -> 4)
      [](std::uint8_t* r) {
        format::store_le(r + 40 * 4 + 20, 5u);
        format::store_le(r + 40 * 5 + 20, 4u);
      },
  };
  for (const auto& edit : edits) {
    auto b = inlined_bundle();
    std::vector<std::uint8_t> bytes = b->bytes;
    const std::uint32_t sections = format::load_le<std::uint32_t>(bytes.data() + 20);
    bool found = false;
    for (std::uint32_t k = 0; k < sections; ++k) {
      std::uint8_t* e = bytes.data() + 128 + 32 * std::size_t{k};
      if (format::load_le<std::uint32_t>(e) != 10) continue;
      const auto offset = format::load_le<std::uint64_t>(e + 8);
      const auto size = format::load_le<std::uint64_t>(e + 16);
      edit(bytes.data() + offset);
      format::store_le(e + 24, format::checksum64(bytes.data() + offset, size));
      found = true;
    }
    ASSERT_TRUE(found);
    format::store_le(bytes.data() + 40,
                     format::header_checksum(bytes.data(), 128 + 32 * std::size_t{sections}));
    auto cache = Cache::from_bytes(bytes);
    ASSERT_TRUE(cache) << cache.error().message;
    EXPECT_FALSE(cache->verify());
    const auto out = run(std::string(kInlinedTrace), &*cache);
    ASSERT_EQ(out.size(), 5u);
    for (std::size_t i = 1; i < out.size(); ++i) {
      EXPECT_TRUE(out[i].resolved);
      EXPECT_LT(out[i].inlined_callers.size(), format::kMaxScopeRangeDepth);
    }
  }
}

// The walk is bounded by kMaxScopeRangeDepth: 64 nested ranges, each inlined into the one
// around it (the deepest a well-formed file holds), give at most 63 callers.
TEST(SymbolicateInlined, DeepestChainIsBounded) {
  SourceMapModel m;
  m.sources = {"src/a.js"};
  m.sources_content = {std::nullopt};
  m.ignored = {false};
  m.names = {"f"};
  m.tokens.push_back(RawToken{0, 0, 0, 0, kNo});
  m.line_offsets = {0, 1};
  OriginalScope f;
  f.end = {1, 0};
  f.name_index = 0;
  f.is_stack_frame = true;
  m.scopes.scopes.push_back(f);
  for (std::uint32_t k = 0; k < format::kMaxScopeRangeDepth; ++k) {
    GeneratedRange g;
    g.start = {0, k};
    g.end = {0, 1000 - k};
    g.definition = 0;
    g.parent = k == 0 ? kNoScopeIndex : k - 1;
    g.has_call_site = k != 0;
    g.call_site_line = k;
    m.scopes.ranges.push_back(g);
  }
  auto r = build_cache(m, format::Hash128{1, 2});
  ASSERT_TRUE(r) << r.error().message;
  const std::vector<std::uint8_t> bytes = std::move(r).value();
  auto cache = Cache::from_bytes(bytes);
  ASSERT_TRUE(cache);
  ASSERT_EQ(cache->scope_range_count(), format::kMaxScopeRangeDepth);
  const auto out = run("    at x (bundle.js:1:100)\n", &*cache);
  EXPECT_EQ(out[0].function, "f");
  ASSERT_EQ(out[0].inlined_callers.size(), format::kMaxScopeRangeDepth - 1);
  EXPECT_EQ(out[0].inlined_callers.front().line, format::kMaxScopeRangeDepth - 1);
  EXPECT_EQ(out[0].inlined_callers.back().line, 1u);
}

// --- rule 1: the caller's call site ------------------------------------------------------------

// The issue's example: at b's own position the mapping names the callee `saveDraft`; the caller's
// call site (a mapping starting exactly at c's position) names b's function, `onSubmit`.
TEST(SymbolicateNames, CallerCallSiteNamesTheFrame) {
  const auto b = bundle({{10, 1, 2, "saveDraft"}, {40, 7, 2, "onSubmit"}});
  const std::string trace =
      "Error: x\n"
      "    at b (bundle.js:1:11)\n"
      "    at c (bundle.js:1:41)\n";
  const auto out = run(trace, b->get());
  ASSERT_EQ(out.size(), 3u);
  EXPECT_TRUE(out[1].resolved);
  EXPECT_EQ(out[1].function, "onSubmit");
  EXPECT_EQ(out[1].function_rule, FunctionRule::caller_call_site);
  EXPECT_EQ(out[1].line, 1u);
  EXPECT_EQ(out[1].column, 2u);
  // The outermost frame has no caller: the trace's own name, marked minified.
  EXPECT_EQ(out[2].function, "c");
  EXPECT_EQ(out[2].function_rule, FunctionRule::minified);
}

TEST(SymbolicateNames, OwnPositionNameIsNeverTheFrameFunction) {
  const auto b = bundle({{10, 1, 2, "saveDraft"}});
  const auto out = run("    at b (bundle.js:1:11)\n", b->get());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].resolved);
  EXPECT_EQ(out[0].function, "b");
  EXPECT_EQ(out[0].function_rule, FunctionRule::minified);
  EXPECT_EQ(display_function(out[0]), "b");
}

// A mapping that merely covers the caller's position (computed calls such as obj[k]() point
// between mappings) says nothing about the callee.
TEST(SymbolicateNames, NearbyMappingIsNotEnough) {
  const auto b = bundle({{10, 1, 2}, {40, 7, 2, "onSubmit"}});
  const auto out = run("    at b (bundle.js:1:11)\n    at c (bundle.js:1:43)\n", b->get());
  EXPECT_TRUE(out[1].resolved);  // c itself maps (to the covering mapping)
  EXPECT_EQ(out[0].function, "b");
  EXPECT_EQ(out[0].function_rule, FunctionRule::minified);
}

TEST(SymbolicateNames, CallerMappingWithoutNameFallsBackToMinified) {
  // esbuild's property calls (`.apply(`, `.pricedLines(`) have mappings without names.
  const auto b = bundle({{10, 1, 2}, {40, 7, 2}});
  const auto out =
      run("    at Object.apply (bundle.js:1:11)\n    at f (bundle.js:1:41)\n", b->get());
  EXPECT_EQ(out[0].function, "Object.apply");
  EXPECT_EQ(out[0].function_rule, FunctionRule::minified);
}

TEST(SymbolicateNames, AnonymousWithoutCallerNameHasNone) {
  const auto b = bundle({{10, 1, 2, "priceLine"}});
  const auto out = run("    at bundle.js:1:11\n    at Array.map (<anonymous>)\n", b->get());
  EXPECT_TRUE(out[0].resolved);
  EXPECT_EQ(out[0].function, "");
  EXPECT_EQ(out[0].function_rule, FunctionRule::none);
  EXPECT_EQ(display_function(out[0]), "");
}

TEST(SymbolicateNames, CallerMustBeTheNextLineAndAFrame) {
  const auto b = bundle({{10, 1, 2}, {40, 7, 2, "onSubmit"}});
  const auto out =
      run("    at b (bundle.js:1:11)\n    ... 2 lines matching cause stack trace ...\n"
          "    at c (bundle.js:1:41)\n",
          b->get());
  EXPECT_EQ(out[0].function_rule, FunctionRule::minified);
}

TEST(SymbolicateNames, CallerMustResolveThroughTheSameCache) {
  const auto a = bundle({{10, 1, 2}});
  const auto other = bundle({{40, 7, 2, "onSubmit"}});
  const std::string trace = "    at b (a.js:1:11)\n    at c (other.js:1:41)\n";
  const auto out = symbolicate(std::string_view(trace), [&](const StackFrame& f) {
    return f.url == "a.js" ? a->get() : other->get();
  });
  EXPECT_TRUE(out[0].resolved);
  EXPECT_TRUE(out[1].resolved);
  EXPECT_EQ(out[0].function, "b");
  EXPECT_EQ(out[0].function_rule, FunctionRule::minified);
}

// An eval frame's printed position is the eval call, not where its own code called frame i.
TEST(SymbolicateNames, EvalCallerGivesNoName) {
  const auto b = bundle({{10, 1, 2}, {40, 7, 2, "onSubmit"}});
  const auto out =
      run("    at b (bundle.js:1:11)\n"
          "    at eval (eval at f (bundle.js:1:41), <anonymous>:1:1)\n",
          b->get());
  EXPECT_TRUE(out[1].resolved);
  EXPECT_TRUE(out[1].frame.is_eval);
  EXPECT_EQ(out[0].function_rule, FunctionRule::minified);
}

// --- rule 2: `new` and `await` call sites ------------------------------------------------------

// Original line 2 of src/app.js; `new` at column 9, `Invoice` at 13.
const char* const kNewSource =
    "class Invoice {}\n"
    "function placeOrder(order) {\n"
    "  return new Invoice(order);\n"
    "}\n";

TEST(SymbolicateNames, NewCallSiteTakesTheNextTokenChecked) {
  const auto b = bundle({{10, 0, 0}, {50, 2, 9}, {54, 2, 13, "Invoice"}}, kNewSource);
  const auto out = run("    at new c (bundle.js:1:11)\n    at d (bundle.js:1:51)\n", b->get());
  EXPECT_EQ(out[0].function, "Invoice");
  EXPECT_EQ(out[0].function_rule, FunctionRule::caller_call_site_next_token);
  EXPECT_EQ(display_function(out[0]), "new Invoice");
}

TEST(SymbolicateNames, NewRuleNeedsAConstructorFrame) {
  const auto b = bundle({{10, 0, 0}, {50, 2, 9}, {54, 2, 13, "Invoice"}}, kNewSource);
  const auto out = run("    at c (bundle.js:1:11)\n    at d (bundle.js:1:51)\n", b->get());
  EXPECT_EQ(out[0].function, "c");
  EXPECT_EQ(out[0].function_rule, FunctionRule::minified);
}

TEST(SymbolicateNames, NewRuleNeedsSourcesContent) {
  const auto b = bundle({{10, 0, 0}, {50, 2, 9}, {54, 2, 13, "Invoice"}});
  const auto out = run("    at new c (bundle.js:1:11)\n    at d (bundle.js:1:51)\n", b->get());
  EXPECT_EQ(out[0].function, "c");
  EXPECT_EQ(out[0].function_rule, FunctionRule::minified);
}

TEST(SymbolicateNames, NewRuleRejectsWhatIsNotADirectCall) {
  struct Row {
    const char* line2;  // original line 2: `new` at column 9, the next mapping at column 13
    const char* name;
  };
  const Row rows[] = {
      {"  return new a.B(order);", "a"},             // a member expression: the callee is a.B
      {"  return new Invoice2(order);", "Invoice"},  // not the whole identifier
      {"  return new Invoice;", "Invoice"},          // no parentheses: not checked, not guessed
      {"  return neW Invoice(order);", "Invoice"},   // not the keyword
      {"  return new(Invoice)(order);", "Invoice"},  // no blank after `new`
  };
  for (const Row& r : rows) {
    const std::string src = std::string("class Invoice {}\nfunction f() {\n") + r.line2 + "\n}\n";
    const auto b = bundle({{10, 0, 0}, {50, 2, 9}, {54, 2, 13, r.name}}, src);
    const auto out = run("    at new c (bundle.js:1:11)\n    at d (bundle.js:1:51)\n", b->get());
    EXPECT_EQ(out[0].function_rule, FunctionRule::minified) << r.line2;
    EXPECT_EQ(out[0].function, "c") << r.line2;
  }
}

// `await` at column 18 of original line 1, `placeOrder` at 24.
const char* const kAwaitSource =
    "async function processOrders(batch) {\n"
    "  const invoice = await placeOrder(batch);\n"
    "}\n";

TEST(SymbolicateNames, AwaitCallSiteTakesTheNextTokenChecked) {
  const auto b = bundle({{10, 0, 0}, {50, 1, 18}, {56, 1, 24, "placeOrder"}}, kAwaitSource);
  const auto out = run("    at d (bundle.js:1:11)\n    at async $ (bundle.js:1:51)\n", b->get());
  EXPECT_EQ(out[0].function, "placeOrder");
  EXPECT_EQ(out[0].function_rule, FunctionRule::caller_call_site_next_token);
  EXPECT_EQ(out[1].function_rule, FunctionRule::minified);
  EXPECT_EQ(display_function(out[1]), "async $");
}

TEST(SymbolicateNames, AwaitRuleNeedsAnAsyncCaller) {
  const auto b = bundle({{10, 0, 0}, {50, 1, 18}, {56, 1, 24, "placeOrder"}}, kAwaitSource);
  const auto out = run("    at d (bundle.js:1:11)\n    at $ (bundle.js:1:51)\n", b->get());
  EXPECT_EQ(out[0].function_rule, FunctionRule::minified);
}

TEST(SymbolicateNames, AwaitOfAVariableIsNotACall) {
  // `await pending;`: the next mapping names a variable, not the awaited function.
  const std::string src = "async function f() {\n  const invoice = await pending;\n}\n";
  const auto b = bundle({{10, 0, 0}, {50, 1, 18}, {56, 1, 24, "pending"}}, src);
  const auto out = run("    at d (bundle.js:1:11)\n    at async $ (bundle.js:1:51)\n", b->get());
  EXPECT_EQ(out[0].function, "d");
  EXPECT_EQ(out[0].function_rule, FunctionRule::minified);
}

// Columns are UTF-16 code units; sourcesContent is UTF-8. "é" is 1 unit (2 bytes), U+1F600 is 2
// units (4 bytes): `new` is at column 14 and `Invoice` at 18.
TEST(SymbolicateNames, NextTokenCheckCountsUtf16Columns) {
  const std::string src =
      "class Invoice {}\nfunction f() {\n  const \xC3\xA9\xF0\x9F\x98\x80 = new Invoice(1);\n}\n";
  const auto b = bundle({{10, 0, 0}, {50, 2, 14}, {54, 2, 18, "Invoice"}}, src);
  const auto out = run("    at new c (bundle.js:1:11)\n    at d (bundle.js:1:51)\n", b->get());
  EXPECT_EQ(out[0].function, "Invoice");
  EXPECT_EQ(out[0].function_rule, FunctionRule::caller_call_site_next_token);
}

TEST(SymbolicateNames, CallerNameAtTheKeywordWinsOverTheNextToken) {
  const auto b = bundle({{10, 0, 0}, {50, 2, 9, "Named"}, {54, 2, 13, "Invoice"}}, kNewSource);
  const auto out = run("    at new c (bundle.js:1:11)\n    at d (bundle.js:1:51)\n", b->get());
  EXPECT_EQ(out[0].function, "Named");
  EXPECT_EQ(out[0].function_rule, FunctionRule::caller_call_site);
}

// --- unresolved frames --------------------------------------------------------------------------

TEST(SymbolicateUnresolved, FramesAreKeptInPlaceWithTheirReason) {
  const auto b = bundle({{10, 1, 2}});
  const std::string trace =
      "TypeError: boom\n"
      "    at b (bundle.js:1:11)\n"
      "    at Array.map (<anonymous>)\n"
      "    at Module._compile (node:internal/modules/cjs/loader:1521:14)\n"
      "    at c (bundle.js:7:1)\n"
      "@https://x.example/bundle.js line 2 > eval:1:5\n"
      "    at broken (broken.js:1:1)\n"
      "eval code\n"
      "    at old (bundle.js:3)\n";
  int calls = 0;
  const auto out =
      symbolicate(std::string_view(trace), [&](const StackFrame& f) -> CacheResolution {
        ++calls;
        if (f.url == "bundle.js") return {b->get(), {}};
        if (f.url == "broken.js") return {nullptr, "broken.smc: checksum mismatch"};
        return {};
      });
  ASSERT_EQ(out.size(), 9u);
  EXPECT_EQ(calls, 4);  // only frames with a line and a column reach the resolver
  EXPECT_FALSE(out[0].is_frame);
  EXPECT_EQ(out[0].raw, "TypeError: boom");
  EXPECT_TRUE(out[1].resolved);
  struct Want {
    std::size_t index;
    UnresolvedReason reason;
    const char* function;
  };
  const Want wants[] = {
      {2, UnresolvedReason::native, "Array.map"},
      {3, UnresolvedReason::no_cache, "Module._compile"},
      {4, UnresolvedReason::no_mapping, "c"},  // line 7 of a one-line bundle
      {5, UnresolvedReason::no_column, ""},
      {6, UnresolvedReason::cache_error, "broken"},
      {7, UnresolvedReason::no_position, "eval code"},
      {8, UnresolvedReason::no_column, "old"},
  };
  for (const Want& w : wants) {
    const SymbolicatedFrame& f = out[w.index];
    SCOPED_TRACE(std::string(f.raw));
    EXPECT_TRUE(f.is_frame);
    EXPECT_FALSE(f.resolved);
    EXPECT_EQ(f.unresolved_reason, w.reason);
    EXPECT_EQ(f.function, w.function);
    EXPECT_EQ(f.function_rule,
              std::string_view(w.function).empty() ? FunctionRule::none : FunctionRule::as_printed);
  }
  EXPECT_EQ(out[6].unresolved_detail, "broken.smc: checksum mismatch");
  EXPECT_EQ(out[4].cache, b->get());  // looked up, nothing there
  EXPECT_EQ(unresolved_reason_name(out[4].unresolved_reason), "no-mapping");
}

TEST(SymbolicateUnresolved, FrameWhoseMappingHasNoSource) {
  SourceMapModel m;
  m.sources.push_back("a.js");
  m.sources_content.push_back(std::nullopt);
  m.ignored.push_back(false);
  m.tokens = {RawToken{0, 0, 0, 0, kNo}, RawToken{5, kNo, 0, 0, kNo}};  // (0,5): 1-field segment
  m.line_offsets.push_back(2);
  auto bytes = build_cache(m, format::Hash128{});
  ASSERT_TRUE(bytes);
  auto cache = Cache::from_bytes(*bytes);
  ASSERT_TRUE(cache);
  const Cache* c = &*cache;
  const auto out = run("    at f (a.js:1:7)\n", c);
  EXPECT_FALSE(out[0].resolved);
  EXPECT_EQ(out[0].unresolved_reason, UnresolvedReason::no_mapping);
}

// --- context ----------------------------------------------------------------------------------

TEST(SymbolicateContext, LinesAroundTheFrameClippedAtTheEnds) {
  const std::string src = "l0\nl1\nl2\nl3\nl4";
  const auto b = bundle({{0, 0, 0}, {10, 2, 1}, {20, 4, 0}}, src);
  SymbolicateOptions o;
  o.include_context = true;
  o.context_lines = 2;
  const auto out =
      run("    at a (b.js:1:1)\n    at b (b.js:1:11)\n    at c (b.js:1:21)\n", b->get(), o);
  EXPECT_EQ(out[0].context_first_line, 0u);
  EXPECT_EQ(out[0].context, (std::vector<std::string_view>{"l0", "l1", "l2"}));
  EXPECT_EQ(out[1].context_first_line, 0u);
  EXPECT_EQ(out[1].context, (std::vector<std::string_view>{"l0", "l1", "l2", "l3", "l4"}));
  EXPECT_EQ(out[2].context_first_line, 2u);
  EXPECT_EQ(out[2].context, (std::vector<std::string_view>{"l2", "l3", "l4"}));

  o.context_lines = 0;  // the frame's line alone
  const auto one = run("    at b (b.js:1:11)\n", b->get(), o);
  EXPECT_EQ(one[0].context, (std::vector<std::string_view>{"l2"}));
  EXPECT_EQ(one[0].context_first_line, 2u);

  const auto none = run("    at b (b.js:1:11)\n", b->get());  // not asked for
  EXPECT_FALSE(none[0].has_context());
}

TEST(SymbolicateContext, NoneWithoutSourcesContent) {
  const auto b = bundle({{0, 0, 0}});
  SymbolicateOptions o;
  o.include_context = true;
  o.context_lines = 3;
  const auto out = run("    at a (b.js:1:1)\n", b->get(), o);
  EXPECT_TRUE(out[0].resolved);
  EXPECT_FALSE(out[0].has_context());
}

// --- the bundled example, end to end ------------------------------------------------------------

struct Position {
  std::string source;  // without "./" or "../" in front
  std::uint32_t line1 = 0, column1 = 0;
};

// "    at fn (./src/x.js:24:11)" or "    at ./src/x.js:32:32" from trace.original.txt.
std::optional<Position> original_position(const TraceLine& l) {
  if (!l.is_frame || !l.frame.has_position()) return std::nullopt;
  std::string s(l.frame.url);
  while (s.starts_with("./") || s.starts_with("../")) s.erase(0, s.find('/') + 1);
  return Position{s, l.frame.line + 1, l.frame.column + 1};
}

TEST(SymbolicateExample, CheckoutTraceMatchesTheUnbundledRun) {
  auto map = read_file(std::string(SMCACHE_SOURCE_DIR) + "/examples/checkout/dist/app.min.js.map");
  ASSERT_TRUE(map) << map.error().message;
  auto bytes = compile(*map);
  ASSERT_TRUE(bytes) << bytes.error().message;
  auto cache = Cache::from_bytes(*bytes);
  ASSERT_TRUE(cache) << cache.error().message;
  const Cache* c = &*cache;

  const std::string minified = read_text("examples/checkout/trace.txt");
  const std::string original = read_text("examples/checkout/trace.original.txt");
  SymbolicateOptions o;
  o.include_context = true;
  o.context_lines = 2;
  const auto out = run(minified, c, o);
  const auto truth = parse_stack_trace(original);
  ASSERT_EQ(out.size(), truth.size());
  ASSERT_EQ(out.size(), 13u);
  EXPECT_EQ(out[0].raw, truth[0].raw);  // the message, unchanged

  // Positions: every frame lands exactly where the unbundled run was.
  for (std::size_t i = 1; i < out.size(); ++i) {
    SCOPED_TRACE(std::string(out[i].raw));
    const auto want = original_position(truth[i]);
    if (!want) {  // Array.map (<anonymous>): native in both
      EXPECT_FALSE(out[i].resolved);
      EXPECT_EQ(out[i].unresolved_reason, UnresolvedReason::native);
      continue;
    }
    ASSERT_TRUE(out[i].resolved);
    std::string source(out[i].source);
    while (source.starts_with("./") || source.starts_with("../")) {
      source.erase(0, source.find('/') + 1);
    }
    EXPECT_EQ(source, want->source);
    EXPECT_EQ(out[i].line + 1, want->line1);
    EXPECT_EQ(out[i].column + 1, want->column1);
    EXPECT_TRUE(out[i].has_context());
  }

  // Names (examples/checkout/README.md's table). Every frame inside a function is named by rule 0,
  // the original-function table built from sourcesContent, and all of them are right: the truth
  // column is the unbundled run's (V8 names `Cart.pricedLines` by its receiver `i.pricedLines`
  // and the anonymous arrow by nothing, which is why those two rows differ from it).
  struct Name {
    const char* display;
    FunctionRule rule;
    const char* truth;  // the frame's function in trace.original.txt
  };
  const Name names[] = {
      {"assertCents", FunctionRule::original_function, "assertCents"},
      {"applyPercentOff", FunctionRule::original_function, "applyPercentOff"},
      {"apply", FunctionRule::original_function, "Object.apply"},
      {"priceLine", FunctionRule::original_function, "priceLine"},
      {"<anonymous>", FunctionRule::original_function, ""},
      {"Array.map", FunctionRule::as_printed, "Array.map"},
      {"Cart.pricedLines", FunctionRule::original_function, "Cart.pricedLines"},
      {"get total", FunctionRule::original_function, "get total [as total]"},
      {"new Invoice", FunctionRule::original_function, "new Invoice"},
      {"placeOrder", FunctionRule::original_function, "placeOrder"},
      {"async processOrders", FunctionRule::original_function, "async processOrders"},
      {"async main", FunctionRule::original_function, "async main"},
  };
  for (std::size_t k = 0; k < std::size(names); ++k) {
    const SymbolicatedFrame& f = out[k + 1];
    SCOPED_TRACE(std::string(f.raw));
    EXPECT_EQ(display_function(f), names[k].display);
    EXPECT_EQ(f.function_rule, names[k].rule);
    // The truth column is what node printed for the unbundled run (V8's own naming).
    const StackFrame& t = truth[k + 1].frame;
    std::string printed = std::string(t.is_async ? "async " : "") +
                          (t.is_constructor ? "new " : "") + std::string(t.function) +
                          (t.alias.empty() ? "" : " [as " + std::string(t.alias) + "]");
    EXPECT_EQ(printed, names[k].truth);
    if (f.function_rule == FunctionRule::caller_call_site ||
        f.function_rule == FunctionRule::caller_call_site_next_token) {
      EXPECT_EQ(display_function(f), printed);  // every name the caller rules give is right
    }
  }
}

}  // namespace
}  // namespace smcache
