// The `functions` section (format 1.1, SPEC.md §6.10): the converter writes it from the sources'
// content, the reader answers enclosing_function() from it, verify() checks it (R-FN-1..5), and
// a corrupt one gives no answer rather than a loop or an out-of-bounds read.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <smcache/converter/compile.hpp>
#include <smcache/converter/model.hpp>
#include <smcache/format/checksum.hpp>
#include <smcache/format/layout.hpp>
#include <smcache/reader/cache.hpp>

#include "js_scanner.hpp"

namespace smcache::test {
namespace {

const std::filesystem::path kCheckout = SMCACHE_CHECKOUT_DIR;
constexpr std::uint32_t kNo = RawToken::kNoIndex;

template <class... Parts>
std::string str(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  return out.str();
}

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A model with one generated line mapping to line 0 of each source.
SourceMapModel model_of(
    const std::vector<std::pair<std::string, std::optional<std::string>>>& sources) {
  SourceMapModel m;
  for (std::uint32_t s = 0; s < sources.size(); ++s) {
    m.sources.push_back(sources[s].first);
    m.sources_content.push_back(sources[s].second);
    m.ignored.push_back(false);
    m.tokens.push_back(RawToken{s * 10, s, 0, 0, kNo});
  }
  m.line_offsets.push_back(static_cast<std::uint32_t>(m.tokens.size()));
  return m;
}

std::vector<std::uint8_t> build(const SourceMapModel& m, CompileOptions options = {}) {
  auto r = build_cache(m, format::Hash128{1, 2}, options);
  EXPECT_TRUE(r) << r.error().message;
  return r ? std::move(r).value() : std::vector<std::uint8_t>{};
}

Cache open(const std::vector<std::uint8_t>& bytes) {
  auto r = Cache::from_bytes(bytes);
  if (!r) ADD_FAILURE() << r.error().message;
  return std::move(r).value();
}

std::string display(const std::optional<FunctionInfo>& f) {
  if (!f) return "";
  return f->name ? std::string(*f->name) : std::string("<anonymous>");
}

const SectionView* find_section(const Cache& c, std::uint32_t id) {
  for (const SectionView& s : c.sections()) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

// --- the checkout example: every frame of its trace gets the function the README names ---------

TEST(FunctionsCheckout, EveryFrameOfTheTraceIsNamedByItsOriginalFunction) {
  auto cache_bytes = compile(*read_file(kCheckout / "dist/app.min.js.map"));
  ASSERT_TRUE(cache_bytes) << cache_bytes.error().message;
  const Cache cache = open(*cache_bytes);
  ASSERT_TRUE(cache.verify()) << cache.verify().error().message;
  EXPECT_EQ(cache.info().format_minor, 1);

  // The frames of trace.txt with a position, in order (Array.map is native and has none), and
  // README.md's table: original position (1-based) and enclosing original function.
  struct Frame {
    const char* source;
    std::uint32_t line, column;  // 1-based, as the README and V8 print them
    const char* function;
  };
  const Frame kExpected[] = {
      {"validation.js", 24, 11, "assertCents"},
      {"pricing.js", 15, 10, "applyPercentOff"},
      {"pricing.js", 30, 14, "apply"},
      {"pricing.js", 57, 30, "priceLine"},
      {"cart.js", 32, 32, "<anonymous>"},
      {"cart.js", 32, 18, "Cart.pricedLines"},
      {"cart.js", 38, 29, "get total"},
      {"checkout.js", 11, 28, "new Invoice"},
      {"checkout.js", 36, 10, "placeOrder"},
      {"main.js", 46, 21, "processOrders"},
      {"main.js", 52, 3, "main"},
  };
  const std::string trace = read_text(kCheckout / "trace.txt");
  // Every "app.min.js:LINE:COLUMN" of the trace, in order.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> positions;
  const std::string_view marker = "app.min.js:";
  for (std::size_t at = trace.find(marker); at != std::string::npos;
       at = trace.find(marker, at + 1)) {
    std::istringstream in(trace.substr(at + marker.size(), 32));
    std::uint32_t line = 0, column = 0;
    char colon = 0;
    if (in >> line >> colon >> column && colon == ':') positions.emplace_back(line, column);
  }
  ASSERT_EQ(positions.size(), std::size(kExpected));
  std::size_t k = 0;
  for (auto it = positions.begin(); it != positions.end(); ++it, ++k) {
    const Frame& want = kExpected[k];
    const std::uint32_t line = it->first - 1, column = it->second - 1;
    const auto token = cache.lookup(line, column);
    ASSERT_TRUE(token) << "frame " << k;
    EXPECT_TRUE(token->source.ends_with(want.source)) << "frame " << k << ": " << token->source;
    EXPECT_EQ(token->line + 1, want.line) << "frame " << k;
    EXPECT_EQ(token->column + 1, want.column) << "frame " << k;
    const auto f = cache.enclosing_function(token->source_index, token->line, token->column);
    EXPECT_EQ(display(f), want.function)
        << "frame " << k << " at " << want.source << ":" << want.line << ":" << want.column;
  }
  EXPECT_EQ(k, std::size(kExpected));
}

TEST(FunctionsCheckout, EveryFunctionOfTheSources) {
  auto cache_bytes = compile(*read_file(kCheckout / "dist/app.min.js.map"));
  ASSERT_TRUE(cache_bytes);
  const Cache cache = open(*cache_bytes);
  std::vector<std::string> got;
  for (std::uint32_t i = 0; i < cache.function_count(); ++i) {
    const auto f = cache.function(i);
    ASSERT_TRUE(f);
    const std::string_view source = *cache.source(f->source_index)->name;
    got.push_back(str(source.substr(source.rfind('/') + 1), " ", f->start_line + 1, ":",
                      f->start_column + 1, "-", f->end_line + 1, ":", f->end_column + 1, " ",
                      display(f)));
  }
  // Sources in the map's order; within each, by start; end exclusive.
  const std::vector<std::string> expected = {
      "validation.js 10:3-15:4 new ValidationError",
      "validation.js 22:8-30:2 assertCents",
      "validation.js 33:8-48:2 validateOrder",
      "pricing.js 13:25-16:2 applyPercentOff",
      "pricing.js 26:5-28:6 appliesTo",
      "pricing.js 29:5-31:6 apply",
      "pricing.js 37:5-39:6 appliesTo",
      "pricing.js 40:5-43:6 apply",
      "pricing.js 51:8-67:2 priceLine",
      "cart.js 10:3-14:4 new Cart",
      "cart.js 17:3-23:4 Cart.add",
      "cart.js 26:3-33:4 Cart.pricedLines",
      "cart.js 27:39-31:7 <anonymous>",
      "cart.js 32:22-32:62 <anonymous>",
      "cart.js 36:3-42:4 get total",
      "checkout.js 8:3-13:4 new Invoice",
      "checkout.js 20:1-27:2 reserveStock",
      "checkout.js 22:32-22:80 <anonymous>",
      "checkout.js 24:50-24:68 <anonymous>",
      "checkout.js 26:20-26:38 <anonymous>",
      "checkout.js 30:8-37:2 placeOrder",
      "checkout.js 35:23-35:66 <anonymous>",
      "format.js 4:8-8:2 formatCents",
      "format.js 11:16-12:88 dotted",
      "format.js 15:8-25:2 formatReceipt",
      "main.js 44:1-49:2 processOrders",
      "main.js 51:1-53:2 main",
      "main.js 55:14-59:2 <anonymous>",
  };
  EXPECT_EQ(got, expected);
}

// --- compile and read back -----------------------------------------------------------------------

const char* const kSource = R"JS(function outer(a) {
  const inner = (b) => {
    return b + 1;
  };
  return [1].map(function () { return inner(a); });
}
top();
class K { m() { return 1; } }
)JS";

TEST(FunctionsRoundTrip, RecordsMatchTheScanner) {
  const auto bytes = build(model_of({{"a.js", kSource}, {"b.mjs", "export const f = () => 1;"}}));
  const Cache cache = open(bytes);
  ASSERT_TRUE(cache.verify()) << cache.verify().error().message;
  const js::ScanResult a = js::scan_functions(kSource);
  ASSERT_EQ(cache.function_count(), a.functions.size() + 1);
  for (std::uint32_t i = 0; i < a.functions.size(); ++i) {
    const auto f = cache.function(i);
    ASSERT_TRUE(f);
    const js::Function& want = a.functions[i];
    EXPECT_EQ(f->index, i);
    EXPECT_EQ(f->source_index, 0u);
    EXPECT_EQ(f->start_line, want.start.line);
    EXPECT_EQ(f->start_column, want.start.column);
    EXPECT_EQ(f->end_line, want.end.line);
    EXPECT_EQ(f->end_column, want.end.column);
    EXPECT_EQ(f->parent, want.parent == js::kNoParent ? format::kNone : want.parent);
    EXPECT_EQ(f->name ? std::optional<std::string>(std::string(*f->name)) : std::nullopt,
              want.name);
  }
  const auto last = cache.function(cache.function_count() - 1);
  EXPECT_EQ(last->source_index, 1u);
  EXPECT_EQ(last->name, "f");
  EXPECT_EQ(last->parent, format::kNone);
  EXPECT_FALSE(cache.function(cache.function_count()));

  // The header says 1.1 and sets the feature bit; the section is the last one.
  const format::FileHeader h = format::load_header(bytes.data());
  EXPECT_EQ(h.format_minor, 1);
  EXPECT_EQ(h.optional_features, format::kFeatureFunctions);
  EXPECT_EQ(h.semantics_version, format::kSemanticsVersion);
  EXPECT_EQ(h.section_count, 9u);
  ASSERT_NE(find_section(cache, 9), nullptr);
  EXPECT_EQ(find_section(cache, 9)->name, "functions");
  EXPECT_EQ(find_section(cache, 9)->size, 32u * cache.function_count());
}

TEST(FunctionsRoundTrip, EnclosingFunctionAtBoundaries) {
  const Cache cache = [] {
    static const auto bytes = build(model_of({{"a.js", kSource}, {"b.js", "g(() => 1);"}}));
    return open(bytes);
  }();
  const auto at = [&](std::uint32_t s, std::uint32_t l, std::uint32_t c) {
    return display(cache.enclosing_function(s, l, c));
  };
  EXPECT_EQ(at(0, 0, 0), "outer");   // the first character of `function`
  EXPECT_EQ(at(0, 0, 9), "outer");   // its name
  EXPECT_EQ(at(0, 1, 2), "outer");   // `const`, before the arrow's parameters
  EXPECT_EQ(at(0, 1, 16), "inner");  // the arrow's `(`
  EXPECT_EQ(at(0, 2, 4), "inner");
  EXPECT_EQ(at(0, 3, 2), "inner");  // its `}`
  EXPECT_EQ(at(0, 3, 3), "outer");  // just past it: end is exclusive
  EXPECT_EQ(at(0, 4, 40), "<anonymous>");
  EXPECT_EQ(at(0, 4, 9), "outer");  // between the inner functions
  EXPECT_EQ(at(0, 5, 0), "outer");  // the closing brace
  EXPECT_EQ(at(0, 5, 1), "");       // past it
  EXPECT_EQ(at(0, 6, 0), "");       // top-level code
  EXPECT_EQ(at(0, 7, 16), "K.m");
  EXPECT_EQ(at(0, 7, 8), "");    // class body, outside its method
  EXPECT_EQ(at(0, 100, 0), "");  // past the end of the source
  EXPECT_EQ(at(1, 0, 0), "");    // before b.js's function
  EXPECT_EQ(at(1, 0, 2), "<anonymous>");
  EXPECT_EQ(at(2, 0, 0), "");  // no such source
  EXPECT_EQ(at(0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu), "");
  const auto f = cache.enclosing_function(0, 2, 4);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->parent, 0u);
  EXPECT_EQ(cache.function(f->parent)->name, "outer");
}

TEST(FunctionsRoundTrip, AgreesWithBruteForceEverywhere) {
  // Every position of a source with many nested and sibling functions, against a linear scan
  // of the scanner's records for the innermost one that contains it.
  std::string text;
  std::mt19937 rng(99);
  for (int i = 0; i < 60; ++i) {
    switch (rng() % 4) {
      case 0:
        text += str("function f", i, "() {\n  g(() => { h(", i, "); });\n");
        text += str("  const k = x => x\n}\n");
        break;
      case 1:
        text += str("const o", i, " = { a() { return b => c => 1; }, d: function () {} };\n");
        break;
      case 2:
        text +=
            str("class C", i, " { constructor() { this.x = () => 2; } get y() { return 1; } }\n");
        break;
      default:
        text += "top(); // plain code\n";
        break;
    }
  }
  const auto bytes = build(model_of({{"x.js", std::string("// x\n")}, {"y.js", text}}));
  const Cache cache = open(bytes);
  ASSERT_TRUE(cache.verify()) << cache.verify().error().message;
  const js::ScanResult r = js::scan_functions(text);
  ASSERT_EQ(r.status, js::ScanStatus::ok);
  ASSERT_GT(r.functions.size(), 50u);
  std::uint32_t line = 0, column = 0, checked = 0;
  for (std::size_t k = 0; k <= text.size(); ++k) {
    const js::Position p{line, column};
    std::optional<std::uint32_t> best;
    for (std::uint32_t i = 0; i < r.functions.size(); ++i) {
      if (r.functions[i].start <= p && p < r.functions[i].end) best = i;  // later = inner
    }
    const auto f = cache.enclosing_function(1, line, column);
    ASSERT_EQ(f.has_value(), best.has_value()) << line << ":" << column;
    if (f) {
      ASSERT_EQ(f->index, *best + cache.function_count() - r.functions.size());
    }
    ++checked;
    if (k < text.size() && text[k] == '\n') {
      ++line;
      column = 0;
    } else {
      ++column;
    }
  }
  EXPECT_EQ(checked, text.size() + 1);
}

TEST(FunctionsRoundTrip, EveryTableTheWriterMakesVerifies) {
  // Mutated real sources, as JavaScript and TypeScript: whatever the scanner reports, the file
  // is well formed (R-FN-1..5) and answers like the scanner's records.
  std::vector<std::string> texts;
  for (const auto& e : std::filesystem::directory_iterator(kCheckout / "src")) {
    if (e.path().extension() == ".js") texts.push_back(read_text(e.path()));
  }
  ASSERT_EQ(texts.size(), 6u);
  std::mt19937 rng(4242);
  static constexpr char kInsert[] = "{}()`'/<>:?=\n";
  std::size_t with_functions = 0;
  for (int round = 0; round < 300; ++round) {
    std::vector<std::pair<std::string, std::optional<std::string>>> sources;
    for (int s = 0; s < 3; ++s) {
      std::string text = texts[rng() % texts.size()];
      for (int e = 0; e < 2; ++e) text[rng() % text.size()] = kInsert[rng() % (sizeof kInsert - 1)];
      sources.emplace_back(str("s", s, s == 1 ? ".ts" : ".js"), std::move(text));
    }
    const auto bytes = build(model_of(sources));
    const Cache cache = open(bytes);
    ASSERT_TRUE(cache.verify()) << "round " << round << ": " << cache.verify().error().message;
    with_functions += cache.function_count() > 0;
    for (std::uint32_t i = 0; i < cache.function_count(); ++i) {
      const auto f = cache.function(i);
      ASSERT_TRUE(f);
      const auto inner = cache.enclosing_function(f->source_index, f->start_line, f->start_column);
      ASSERT_TRUE(inner);
      EXPECT_EQ(inner->index, i);  // no other function starts at the same place
    }
  }
  EXPECT_GT(with_functions, 100u);
}

// --- what gets a table and what does not ---------------------------------------------------------

TEST(FunctionsWhenWritten, NoContentNoFunctionsOrOffGiveA10File) {
  const auto has_table = [](const std::vector<std::uint8_t>& bytes) {
    const format::FileHeader h = format::load_header(bytes.data());
    EXPECT_EQ(h.format_minor, h.section_count == 9 ? 1 : 0);
    EXPECT_EQ(h.optional_features, h.section_count == 9 ? format::kFeatureFunctions : 0u);
    return h.section_count == 9;
  };
  EXPECT_FALSE(has_table(build(model_of({{"a.js", std::nullopt}}))));
  EXPECT_FALSE(has_table(build(model_of({{"a.js", "const x = { a: [1, 2] };"}}))));
  EXPECT_TRUE(has_table(build(model_of({{"a.ts", "function f(a: number): void {}"}}))));
  EXPECT_FALSE(has_table(build(model_of({{"a.vue", "<script>function f() {}</script>"}}))));
  EXPECT_FALSE(has_table(build(model_of({{"a.css", "a { color: red }"}}))));
  EXPECT_FALSE(has_table(build(model_of({{"a.js", "function broken( {"}}))));
  EXPECT_TRUE(has_table(build(model_of({{"a.js", "function f() {}"}}))));
  EXPECT_TRUE(has_table(build(model_of({{std::string(), "function f() {}"}}))));
  CompileOptions off;
  off.function_table = false;
  const auto without = build(model_of({{"a.js", "function f() {}"}}), off);
  EXPECT_FALSE(has_table(without));
  EXPECT_EQ(open(without).function_count(), 0u);
  EXPECT_FALSE(open(without).enclosing_function(0, 0, 1));
  // The table does not depend on storing the content.
  CompileOptions no_content;
  no_content.include_sources_content = false;
  const auto names_only = build(model_of({{"a.js", "function f() {}"}}), no_content);
  EXPECT_TRUE(has_table(names_only));
  EXPECT_EQ(display(open(names_only).enclosing_function(0, 0, 3)), "f");
  EXPECT_FALSE(open(names_only).source(0)->content);
}

TEST(FunctionsWhenWritten, AMapWithoutFunctionsIsByteIdenticalWithTheTableOff) {
  const auto model = model_of({{"a.js", "x = 1;"}, {"b.coffee", "f = -> 1"}});
  CompileOptions off;
  off.function_table = false;
  EXPECT_EQ(build(model), build(model, off));
}

TEST(FunctionsWhenWritten, Deterministic) {
  const auto model = model_of({{"a.js", kSource}, {"b.js", "class A { m() {} }"}});
  EXPECT_EQ(build(model), build(model));
}

TEST(FunctionsWhenWritten, NamesShareTheStringTable) {
  // A function name equal to a source name or a token name is stored once.
  SourceMapModel m = model_of({{"f", "function f() {}"}});
  m.names.push_back("f");
  m.tokens[0].name_index = 0;
  const auto bytes = build(m);
  const Cache cache = open(bytes);
  EXPECT_EQ(cache.info().string_count, 1u);
  EXPECT_EQ(cache.function(0)->name, "f");
}

// --- corrupt sections: verify() says so, lookups stay safe and bounded ---------------------------

class CorruptFunctions : public ::testing::Test {
 protected:
  void SetUp() override {
    bytes_ = build(model_of({{"a.js", kSource}, {"b.js", "g(() => 1);"}}));
    const Cache cache = open(bytes_);
    ASSERT_TRUE(cache.verify());
    const SectionView* s = find_section(cache, 9);
    ASSERT_NE(s, nullptr);
    offset_ = s->offset;
    count_ = cache.function_count();
    ASSERT_GE(count_, 5u);
  }
  format::FunctionRecord record(std::uint32_t i) const {
    return format::load_function_record(bytes_.data() + offset_ + 32ull * i);
  }
  void set(std::uint32_t i, const format::FunctionRecord& r) {
    format::store_function_record(bytes_.data() + offset_ + 32ull * i, r);
  }
  // Recomputes section 9's checksum (directory entry 8) and the header checksum, so that only
  // the rule under test fails.
  void fix_checksums() {
    const std::size_t entry = 128 + 32 * 8;
    const std::uint64_t size = format::load_le<std::uint64_t>(bytes_.data() + entry + 16);
    format::store_le(bytes_.data() + entry + 24, format::checksum64(bytes_.data() + offset_, size));
    const std::uint32_t sections = format::load_le<std::uint32_t>(bytes_.data() + 20);
    format::store_le(bytes_.data() + 40,
                     format::header_checksum(bytes_.data(), 128 + 32 * std::size_t{sections}));
  }
  // verify()'s message, "" if it passes; every lookup is exercised first (ASan, and a hang would
  // time the test out).
  std::string verdict() {
    fix_checksums();
    const Cache cache = open(bytes_);
    for (std::uint32_t s = 0; s < 3; ++s) {
      for (std::uint32_t line = 0; line < 10; ++line) {
        for (std::uint32_t col = 0; col < 60; ++col) (void)cache.enclosing_function(s, line, col);
      }
    }
    for (std::uint32_t i = 0; i <= cache.function_count(); ++i) (void)cache.function(i);
    auto v = cache.verify();
    if (v) return "";
    EXPECT_EQ(v.error().code, Errc::corrupt);
    return v.error().message;
  }
  std::vector<std::uint8_t> bytes_;
  std::uint64_t offset_ = 0;
  std::uint32_t count_ = 0;
};

TEST_F(CorruptFunctions, ParentThatIsTheRecordItselfIsALoopRefused) {
  // R-FN-4: parent < own index, checked at use, so the walk up cannot loop.
  auto r = record(2);
  r.parent = 2;
  set(2, r);
  EXPECT_NE(verdict().find("functions[2]: parent 2, the innermost enclosing record is 0"),
            std::string::npos);
  const Cache cache = open(bytes_);
  // A position in record 2's parent (0, outer) but past record 2: the walk stops at the bad
  // link instead of looping.
  EXPECT_FALSE(cache.enclosing_function(0, 5, 0));
}

TEST_F(CorruptFunctions, ParentCycleAndForwardParent) {
  auto a = record(1), b = record(2);
  a.parent = 2;  // 1 -> 2 -> 1
  b.parent = 1;
  set(1, a);
  set(2, b);
  EXPECT_NE(verdict().find("functions[1]: parent 2"), std::string::npos);
}

TEST_F(CorruptFunctions, ParentOutOfRange) {
  auto r = record(3);
  r.parent = 0xFFFFFFF0u;
  set(3, r);
  EXPECT_NE(verdict().find("functions[3]: parent 4294967280"), std::string::npos);
}

TEST_F(CorruptFunctions, WrongButBackwardParent) {
  // Record 2 (inside 0) claims 1, its elder sibling, as its parent: safe at use (1 < 2), wrong,
  // and verify() finds it.
  auto r = record(2);
  ASSERT_EQ(r.parent, 0u);
  r.parent = 1;
  set(2, r);
  EXPECT_NE(verdict().find("functions[2]: parent 1, the innermost enclosing record is 0"),
            std::string::npos);
  // The walk passes through the wrong parent and still finds outer.
  EXPECT_EQ(display(open(bytes_).enclosing_function(0, 5, 0)), "outer");
}

TEST_F(CorruptFunctions, SourceAndNameOutOfRange) {
  auto r = record(0);
  r.source_index = 7;
  set(0, r);
  EXPECT_NE(verdict().find("functions[0]: source index 7 out of range (2 sources)"),
            std::string::npos);
  r.source_index = 0;
  r.name_string_index = 999;
  set(0, r);
  EXPECT_NE(verdict().find("functions[0]: name_string_index 999 out of range"), std::string::npos);
  // R-STR-1 at use: an unreadable name makes the answer unavailable, not garbage.
  EXPECT_FALSE(open(bytes_).enclosing_function(0, 0, 1));
  EXPECT_FALSE(open(bytes_).function(0));
}

TEST_F(CorruptFunctions, EmptyRangeReservedAndOrder) {
  auto r = record(1);
  r.end_line = r.start_line;
  r.end_column = r.start_column;
  set(1, r);
  EXPECT_NE(verdict().find("functions[1]: end"), std::string::npos);
  SetUp();
  r = record(1);
  r.reserved = 1;
  set(1, r);
  EXPECT_NE(verdict().find("functions[1]: reserved is 1, must be 0"), std::string::npos);
  SetUp();
  const auto a = record(0), b = record(count_ - 1);
  set(0, b);
  set(count_ - 1, a);
  EXPECT_NE(verdict().find("sorts before the previous record"), std::string::npos);
}

TEST_F(CorruptFunctions, ChildEndingAfterItsParent) {
  auto r = record(2);
  r.end_line = 1000;
  set(2, r);
  EXPECT_NE(verdict().find("functions[2]: ends at 1000:"), std::string::npos);
}

TEST_F(CorruptFunctions, SizeNotAMultipleOf32IsRefusedOnOpen) {
  // R-FN-1: shrink the section by 8 bytes (it stays inside the file, the padding grows).
  const std::size_t entry = 128 + 32 * 8;
  const std::uint64_t size = format::load_le<std::uint64_t>(bytes_.data() + entry + 16);
  format::store_le<std::uint64_t>(bytes_.data() + entry + 16, size - 8);
  fix_checksums();
  auto r = Cache::from_bytes(bytes_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::corrupt);
  EXPECT_NE(r.error().message.find("section 'functions'"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("size is not a multiple of 32"), std::string::npos);
}

TEST_F(CorruptFunctions, ChecksumMismatch) {
  bytes_[offset_ + 4] ^= 1;  // no fix_checksums()
  const Cache cache = open(bytes_);
  auto v = cache.verify();
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, Errc::checksum_mismatch);
  EXPECT_NE(v.error().message.find("section 'functions'"), std::string::npos);
}

TEST(FunctionsCorrupt, DeepChainIsRefusedAndTheWalkIsBounded) {
  // 100 nested functions exceed the depth the writer records (64); craft the records by hand:
  // a chain of 100, each inside the previous, valid except for R-FN-5.
  const auto base = build(model_of({{"a.js", "function f() {}"}}));
  const Cache probe = open(base);
  const SectionView* s = find_section(probe, 9);
  ASSERT_NE(s, nullptr);
  const std::size_t entry = 128 + 32 * 8;
  std::vector<std::uint8_t> bytes(base.begin(),
                                  base.begin() + static_cast<std::ptrdiff_t>(s->offset));
  const std::uint32_t n = 100;
  for (std::uint32_t i = 0; i < n; ++i) {
    std::uint8_t rec[32];
    format::store_function_record(rec, format::FunctionRecord{0, 0, i, 0, 1000 - i, format::kNone,
                                                              i == 0 ? format::kNone : i - 1, 0});
    bytes.insert(bytes.end(), rec, rec + 32);
  }
  format::store_le<std::uint64_t>(bytes.data() + entry + 16, 32ull * n);
  format::store_le(bytes.data() + entry + 24, format::checksum64(bytes.data() + s->offset, 32 * n));
  format::store_le<std::uint64_t>(bytes.data() + 32, bytes.size());
  format::store_le(bytes.data() + 40, format::header_checksum(bytes.data(), 128 + 32 * 9));
  const Cache cache = open(bytes);
  EXPECT_EQ(cache.function_count(), n);
  // Innermost at column 99 is record 99 itself (no walk needed).
  EXPECT_EQ(cache.enclosing_function(0, 0, 99)->index, 99u);
  // At column 999 only record 0 contains it: reaching it from record 99 takes 99 steps, more
  // than the bound (64), so there is no answer rather than an unbounded walk.
  EXPECT_FALSE(cache.enclosing_function(0, 0, 999));
  // At column 960 record 39 is innermost (record 40 ends there, exclusive), 60 steps up from
  // record 99: within the bound.
  EXPECT_EQ(cache.enclosing_function(0, 0, 960)->index, 39u);
  auto v = cache.verify();
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().message.find("functions[64]: nested 65 deep, more than 64"),
            std::string::npos)
      << v.error().message;
}

}  // namespace
}  // namespace smcache::test
