// The `generated_functions` section (format 1.3, SPEC.md §6.12): the converter scans the generated
// code it is given and names each function through the map, the reader answers
// generated_function_at() from it, verify() checks it (R-GFN-1..5), a corrupt one gives no answer
// rather than a loop, and symbolicate() names frames from it (rule 7, "generated-function")
// after the original-function table and before the caller rules.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <smcache/converter/compile.hpp>
#include <smcache/converter/model.hpp>
#include <smcache/format/checksum.hpp>
#include <smcache/format/layout.hpp>
#include <smcache/reader/cache.hpp>
#include <smcache/reader/symbolicate.hpp>

namespace smcache::test {
namespace {

constexpr std::uint32_t kNo = RawToken::kNoIndex;

// One generated line: named functions, a method, a getter, a class with a static method, an
// anonymous arrow.
constexpr std::string_view kCode =
    "function a(b){return function(){return b}}var o={restock(t){return t}};"
    "class C{get v(){return 1}static m(){}}const f=()=>0;";

std::uint32_t col(std::string_view needle, std::size_t from = 0) {
  const std::size_t at = kCode.find(needle, from);
  EXPECT_NE(at, std::string_view::npos) << needle;
  return static_cast<std::uint32_t>(at);
}

// The map of kCode: every mapping on generated line 0 into source 0 ("src.js"), with `content`
// as its sourcesContent (nullopt: none).
SourceMapModel model_of(std::optional<std::string> content) {
  SourceMapModel m;
  m.sources.push_back("src.js");
  m.sources_content.push_back(std::move(content));
  m.ignored.push_back(false);
  m.names = {"alpha", "Cart"};
  const auto token = [&](std::uint32_t column, std::uint32_t line, std::uint32_t orig_column,
                         std::uint32_t name) {
    m.tokens.push_back(RawToken{column, 0, line, orig_column, name});
  };
  token(0, 0, 0, kNo);                // `function` of a
  token(col("a(b)"), 0, 9, 0);        // a -> names[0] "alpha"
  token(col("restock"), 1, 12, kNo);  // a key, no name
  token(col("C{"), 2, 6, 1);          // class C -> names[1] "Cart"
  token(col("get v"), 3, 2, kNo);     // the getter's head; v has no mapping of its own
  token(col("const f"), 4, 0, kNo);   // const
  token(col("f=()"), 4, 6, kNo);      // f: a binding, no name
  m.line_offsets = {0, static_cast<std::uint32_t>(m.tokens.size())};
  return m;
}

// What src.js reads at those positions (line 0 col 9 `alphaOriginal`, line 3 col 2 `get value()`).
const std::string kContent =
    "function alphaOriginal(x) { return () => x; }\n"
    "const o = { restock(t) { return t; } };\n"
    "class Cart {\n"
    "  get value() { return 1; } }\n"
    "const fn = () => 0;\n";

std::vector<std::uint8_t> build(const SourceMapModel& m, CompileOptions options = {}) {
  auto r = build_cache(m, format::Hash128{1, 2}, options);
  EXPECT_TRUE(r) << r.error().message;
  return r ? std::move(r).value() : std::vector<std::uint8_t>{};
}

CompileOptions with_code() {
  CompileOptions o;
  o.generated_code = kCode;
  return o;
}

// A Cache views its bytes: they are kept for the whole test program.
Cache open(std::vector<std::uint8_t> bytes) {
  static std::list<std::vector<std::uint8_t>> kept;
  kept.push_back(std::move(bytes));
  auto r = Cache::from_bytes(kept.back());
  if (!r) ADD_FAILURE() << r.error().message;
  return std::move(r).value();
}

// "name@l:c-l:c^parent" per record ("-" for no name, "^-" at top level).
std::vector<std::string> records(const Cache& c) {
  std::vector<std::string> out;
  for (std::uint32_t i = 0; i < c.generated_function_count(); ++i) {
    const auto f = c.generated_function(i);
    if (!f) {
      out.push_back("?");
      continue;
    }
    out.push_back((f->name ? std::string(*f->name) : "-") + "@" + std::to_string(f->start_line) +
                  ":" + std::to_string(f->start_column) + "-" + std::to_string(f->end_line) + ":" +
                  std::to_string(f->end_column) + "^" +
                  (f->parent == format::kNone ? "-" : std::to_string(f->parent)));
  }
  return out;
}

std::string name_at(const Cache& c, std::uint32_t column) {
  const auto f = c.generated_function_at(0, column);
  if (!f) return "(none)";
  return f->name ? std::string(*f->name) : std::string("-");
}

using V = std::vector<std::string>;

TEST(GeneratedFunctions, NamedThroughTheMapWithoutSourcesContent) {
  const Cache c = open(build(model_of(std::nullopt), with_code()));
  // a: the map's name at its identifier. The inner function: anonymous. restock: a key the map
  // covers without a name (kept as written). get v: the key as written. C.m: the class's name
  // through the map. f: a binding whose mapping has no name, and no sourcesContent: no name.
  const std::uint32_t m = col("static");
  const std::uint32_t arrow = col("()=>0");
  EXPECT_EQ(records(c),
            (V{"alpha@0:0-0:42^-", "-@0:21-0:41^0",
               "restock@0:" + std::to_string(col("restock")) +
                   "-0:" + std::to_string(col("};class")) + "^-",
               "get v@0:" + std::to_string(col("get v")) + "-0:" + std::to_string(m) + "^-",
               "Cart.m@0:" + std::to_string(m) + "-0:" + std::to_string(col("}}const") + 1) + "^-",
               "-@0:" + std::to_string(arrow) + "-0:" + std::to_string(arrow + 5) + "^-"}));
  const CacheInfo info = c.info();
  EXPECT_EQ(info.format_minor, 3u);
  EXPECT_EQ(info.semantics_version, format::kSemanticsVersion);
  EXPECT_TRUE(c.verify()) << c.verify().error().message;
}

TEST(GeneratedFunctions, OriginalIdentifierAndHeadFromSourcesContent) {
  SourceMapModel m = model_of(kContent);
  m.tokens[1].name_index = kNo;  // a: no name in the map; src.js reads alphaOriginal there
  const Cache c = open(build(m, with_code()));
  EXPECT_EQ(name_at(c, col("return function")), "alphaOriginal");
  // get v: the head `get value()` of the original names it, not the generated key.
  EXPECT_EQ(name_at(c, col("return 1")), "get value");
  // f: a binding whose mapping has no name; the original reads `fn` at its mapped position.
  EXPECT_EQ(name_at(c, col("()=>0") + 4), "fn");
}

TEST(GeneratedFunctions, KeywordsAndConstructorAreNoNames) {
  // TypeScript's ES5 classes: `function e(` maps its name to the original `constructor(`, which
  // names no function (the class would): no name rather than "constructor".
  SourceMapModel m = model_of("class Animation {\n  constructor(a) {}\n}\n");
  m.tokens[1] = RawToken{col("a(b)"), 0, 1, 2, kNo};  // a -> `constructor` at 1:2
  m.tokens.resize(2);
  m.line_offsets = {0, 2};
  const Cache c = open(build(m, with_code()));
  EXPECT_EQ(name_at(c, 0), "-");
}

TEST(GeneratedFunctions, LookupIsInnermostAndAnswersNothingOutside) {
  const Cache c = open(build(model_of(std::nullopt), with_code()));
  EXPECT_EQ(name_at(c, 0), "alpha");                 // its first character
  EXPECT_EQ(name_at(c, col("return b")), "-");       // the inner anonymous function
  EXPECT_EQ(name_at(c, col("}}var")), "-");          // the inner one's closing brace
  EXPECT_EQ(name_at(c, col("}}var") + 1), "alpha");  // a's closing brace
  EXPECT_EQ(name_at(c, col("var o")), "(none)");     // end exclusive: top-level code
  EXPECT_EQ(name_at(c, col("class C")), "(none)");   // a class body is not a function
  EXPECT_EQ(name_at(c, static_cast<std::uint32_t>(kCode.size())), "(none)");
  EXPECT_FALSE(c.generated_function_at(1, 0));  // no such line
  const auto inner = c.generated_function_at(0, col("return b"));
  ASSERT_TRUE(inner);
  EXPECT_EQ(inner->parent, 0u);
}

TEST(GeneratedFunctions, LeftOutWithoutCodeOrWhenTurnedOff) {
  const auto plain = build(model_of(std::nullopt));
  EXPECT_EQ(open(plain).generated_function_count(), 0u);
  EXPECT_EQ(open(plain).info().format_minor, 0u);
  CompileOptions off = with_code();
  off.generated_function_table = false;
  EXPECT_EQ(build(model_of(std::nullopt), off), plain);  // the same bytes as without the code
  const Cache plain_cache = open(plain);  // sections() views the cache: keep it alive
  for (const SectionView& s : plain_cache.sections()) EXPECT_NE(s.id, 11u);
  const Cache with = open(build(model_of(std::nullopt), with_code()));
  bool found = false;
  for (const SectionView& s : with.sections())
    found |= s.id == 11u && s.name == "generated_functions";
  EXPECT_TRUE(found);
}

// R-GFN-6 and §4.9: given the code, the section is there even when empty, so its presence says
// the input hash covers the code.
void expect_empty_section(const Cache& c) {
  EXPECT_EQ(c.generated_function_count(), 0u);
  EXPECT_EQ(c.info().format_minor, 3u);
  bool found = false;
  for (const SectionView& s : c.sections()) found |= s.id == 11u && s.size == 0;
  EXPECT_TRUE(found);
}

TEST(GeneratedFunctions, CodeTheScannerGivesUpOnWarnsAndCompiles) {
  std::vector<std::string> warnings;
  CompileOptions o;
  o.generated_code = std::string_view("function a(){ `unterminated");
  o.on_warning = [&](std::string_view w) { warnings.emplace_back(w); };
  const Cache c = open(build(model_of(std::nullopt), o));
  expect_empty_section(c);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("generated code: "), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("left out"), std::string::npos) << warnings[0];

  warnings.clear();
  o.generated_code = kCode;
  o.max_generated_bytes = 10;  // too large: skipped with a warning
  expect_empty_section(open(build(model_of(std::nullopt), o)));
  EXPECT_EQ(warnings.size(), 1u);

  warnings.clear();
  o.max_generated_bytes = CompileOptions{}.max_generated_bytes;
  o.generated_code = std::string_view("x = 1 + 2;\n");  // no function at all: no warning
  expect_empty_section(open(build(model_of(std::nullopt), o)));
  EXPECT_TRUE(warnings.empty());
}

// ---------------------------------------------------------------------------------------------
// symbolicate(): rule 7 after original-function, before the caller rules; rule selection
// ---------------------------------------------------------------------------------------------
std::vector<SymbolicatedFrame> run(const Cache& c, std::string_view trace,
                                   std::uint32_t rules = kAllFunctionRules) {
  SymbolicateOptions options;
  options.function_rules = rules;
  return symbolicate(
      trace, [&](const StackFrame&) { return &c; }, options);
}

TEST(GeneratedFunctions, SymbolicateOrderAndRuleSelection) {
  // Frame 1 in the inner anonymous function of a, frame 2 in restock (1-based columns).
  const std::string trace = "Error: x\n    at q (app.js:1:" + std::to_string(col("return b") + 1) +
                            ")\n    at r (app.js:1:" + std::to_string(col("return t") + 1) + ")\n";
  const Cache genonly = open(build(model_of(std::nullopt), with_code()));
  auto out = run(genonly, trace);
  ASSERT_EQ(out.size(), 3u);
  // The anonymous function falls through to the caller rules: no mapping starts at the caller's
  // position, so the trace's minified name is kept.
  EXPECT_EQ(out[1].function, "q");
  EXPECT_EQ(out[1].function_rule, FunctionRule::minified);
  EXPECT_EQ(out[2].function, "restock");
  EXPECT_EQ(out[2].function_rule, FunctionRule::generated_function);
  EXPECT_EQ(function_rule_name(out[2].function_rule), "generated-function");

  // With the original-function table too (sourcesContent), that table answers first.
  const Cache both = open(build(model_of(kContent), with_code()));
  out = run(both, trace);
  EXPECT_EQ(out[2].function_rule, FunctionRule::original_function);
  // ...unless it is turned off.
  out = run(both, trace, kAllFunctionRules & ~function_rule_bit(FunctionRule::original_function));
  EXPECT_EQ(out[2].function_rule, FunctionRule::generated_function);

  // One rule alone: frames it does not name get no name, not the minified one.
  out = run(genonly, trace, function_rule_bit(FunctionRule::generated_function));
  EXPECT_EQ(out[1].function, "");
  EXPECT_EQ(out[1].function_rule, FunctionRule::none);
  EXPECT_EQ(out[2].function, "restock");
  out = run(genonly, trace, function_rule_bit(FunctionRule::minified));
  EXPECT_EQ(out[2].function, "r");
  EXPECT_EQ(out[2].function_rule, FunctionRule::minified);

  FunctionRule rule = FunctionRule::none;
  ASSERT_TRUE(function_rule_from_name("generated-function", rule));
  EXPECT_EQ(rule, FunctionRule::generated_function);
  EXPECT_FALSE(function_rule_from_name("generated", rule));
}

// ---------------------------------------------------------------------------------------------
// Corrupt sections
// ---------------------------------------------------------------------------------------------

// The cache of kCode with `edit` applied to its generated_functions section (32-byte records),
// then the section and header checksums recomputed so that the structural rules are reached.
std::vector<std::uint8_t> patched(const std::function<void(std::uint8_t*)>& edit,
                                  std::uint64_t new_size = 0) {
  std::vector<std::uint8_t> bytes = build(model_of(std::nullopt), with_code());
  const std::uint32_t sections = format::load_le<std::uint32_t>(bytes.data() + 20);
  bool found = false;
  for (std::uint32_t k = 0; k < sections; ++k) {
    std::uint8_t* e = bytes.data() + 128 + 32 * std::size_t{k};
    if (format::load_le<std::uint32_t>(e) != 11) continue;
    found = true;
    const std::uint64_t offset = format::load_le<std::uint64_t>(e + 8);
    std::uint64_t size = format::load_le<std::uint64_t>(e + 16);
    edit(bytes.data() + offset);
    if (new_size != 0) {
      size = new_size;
      format::store_le(e + 16, size);
    }
    format::store_le(e + 24, format::checksum64(bytes.data() + offset, size));
  }
  EXPECT_TRUE(found);
  format::store_le(bytes.data() + 40,
                   format::header_checksum(bytes.data(), 128 + 32 * std::size_t{sections}));
  return bytes;
}

void set(std::uint8_t* records, std::uint32_t record, std::uint32_t field, std::uint32_t value) {
  format::store_le(records + 32 * std::size_t{record} + 4 * std::size_t{field}, value);
}

TEST(CorruptGeneratedFunctions, VerifyNamesTheRule) {
  struct Case {
    const char* what;
    std::function<void(std::uint8_t*)> edit;
    const char* message;  // a part of verify()'s message
  };
  const Case cases[] = {
      // R-GFN-2: a name past the string table
      {"name", [](std::uint8_t* r) { set(r, 0, 4, 999); }, "name_string_index 999"},
      // R-GFN-2: reserved fields
      {"reserved", [](std::uint8_t* r) { set(r, 2, 7, 1); }, "reserved"},
      // R-GFN-2: an empty range
      {"empty", [](std::uint8_t* r) { set(r, 1, 3, 21); }, "not after start"},
      // R-GFN-3: records out of order
      {"order", [](std::uint8_t* r) { set(r, 2, 1, 1); }, "sorts before"},
      // R-GFN-4: a parent that is not the innermost enclosing record
      {"parent", [](std::uint8_t* r) { set(r, 1, 5, format::kNone); }, "parent 4294967295"},
      // R-GFN-4: a parent cycle (the inner function's parent is itself)
      {"cycle", [](std::uint8_t* r) { set(r, 1, 5, 1); }, "parent 1"},
      // R-GFN-4: a child that ends after its parent
      {"nesting", [](std::uint8_t* r) { set(r, 1, 3, 60); }, "after its parent"},
  };
  for (const Case& c : cases) {
    const auto bytes = patched(c.edit);
    auto cache = Cache::from_bytes(bytes);
    ASSERT_TRUE(cache) << c.what << ": " << cache.error().message;
    auto v = cache->verify();
    ASSERT_FALSE(v) << c.what;
    EXPECT_EQ(v.error().code, Errc::corrupt) << c.what;
    EXPECT_NE(v.error().message.find(c.message), std::string::npos)
        << c.what << ": " << v.error().message;
    // Queries on the corrupt file answer or not, never crash or loop; a symbolication too.
    for (std::uint32_t column = 0; column <= kCode.size(); ++column) {
      auto f = cache->generated_function_at(0, column);
      for (int guard = 0; f && f->parent < f->index && guard < 100; ++guard) {
        f = cache->generated_function(f->parent);
      }
    }
    (void)run(*cache, "Error\n    at q (app.js:1:30)\n    at r (app.js:1:60)\n");
  }
}

TEST(CorruptGeneratedFunctions, ParentCyclesAndDeepChainsEndAtUse) {
  // Every record's parent is the next one (a chain that goes up in index): the walk refuses it.
  const auto bytes = patched([](std::uint8_t* r) {
    for (std::uint32_t i = 0; i + 1 < 6; ++i) set(r, i, 5, i + 1);
    for (std::uint32_t i = 0; i < 6; ++i) {  // all end at 0:1
      set(r, i, 2, 0);
      set(r, i, 3, 1);
    }
  });
  auto cache = Cache::from_bytes(bytes);
  ASSERT_TRUE(cache);
  EXPECT_FALSE(cache->verify());
  for (std::uint32_t column = 0; column <= kCode.size(); ++column) {
    (void)cache->generated_function_at(0, column);
  }
}

TEST(CorruptGeneratedFunctions, SizeNotAMultipleOf32FailsOnOpen) {
  const auto bytes = patched([](std::uint8_t*) {}, 31);
  auto cache = Cache::from_bytes(bytes);
  ASSERT_FALSE(cache);
  EXPECT_EQ(cache.error().code, Errc::corrupt);
  EXPECT_NE(cache.error().message.find("generated_functions"), std::string::npos)
      << cache.error().message;
}

TEST(CorruptGeneratedFunctions, ChecksumMismatch) {
  auto bytes = build(model_of(std::nullopt), with_code());
  const std::uint32_t sections = format::load_le<std::uint32_t>(bytes.data() + 20);
  for (std::uint32_t k = 0; k < sections; ++k) {
    const std::uint8_t* e = bytes.data() + 128 + 32 * std::size_t{k};
    if (format::load_le<std::uint32_t>(e) == 11) bytes[format::load_le<std::uint64_t>(e + 8)] ^= 1;
  }
  auto cache = Cache::from_bytes(bytes);
  ASSERT_TRUE(cache) << cache.error().message;
  auto v = cache->verify();
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, Errc::checksum_mismatch);
}

}  // namespace
}  // namespace smcache::test
