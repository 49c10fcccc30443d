// The writer and the reader of a warm directory agree: caches written by smcache::warm() are
// found through the reader's CacheDirectory (reader/include/smcache/reader/cache_directory.hpp)
// by frame URL and by debugId, and answer lookups as the map does.
#include <gtest/gtest.h>

#include <string>

#include <smcache/converter/warm.hpp>
#include <smcache/reader/cache.hpp>
#include <smcache/reader/cache_directory.hpp>

#include "support.hpp"

namespace smcache {
namespace {

using test::make_map;
using test::TempDir;
using test::write_text;

constexpr std::string_view kUuid = "85314830-023f-4cf1-a267-535f4e37bb17";

// The cache warm writes for a map, compiled with its JavaScript file `js` when it has one (the
// generated code is part of the input hash, SPEC §4.9).
std::string cache_of(std::string_view map_json, std::string_view js = {}) {
  if (js.empty()) return cache_relative_path(format::input_hash(map_json.data(), map_json.size()));
  return cache_relative_path(
      format::input_hash(map_json.data(), map_json.size(), js.data(), js.size()));
}

TEST(WarmDirectory, ReaderFindsWhatWarmWrote) {
  TempDir tmp;
  const std::string app = make_map("app.js", "src/app.ts");
  const std::string other = make_map("other.js", "src/other.ts");
  const std::string app_js =
      "f();\n//# debugId=" + std::string(kUuid) + "\n//# sourceMappingURL=app.js.map\n";
  const std::string other_js = "g();\n//# sourceMappingURL=other.js.map\n";
  write_text(tmp / "src/static/js/app.js", app_js);
  write_text(tmp / "src/static/js/app.js.map", app);
  write_text(tmp / "src/static/js/other.js", other_js);
  write_text(tmp / "src/static/js/other.js.map", other);
  WarmOptions options;
  options.sources = {tmp / "src"};
  options.out = tmp / "out";
  options.threads = 2;
  auto report = warm(options);
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_TRUE(report->failures.empty());

  auto dir = CacheDirectory::open(tmp / "out");
  ASSERT_TRUE(dir) << dir.error().message;
  struct Case {
    std::string url, debug_id, cache;
  };
  const Case cases[] = {
      {"https://cdn.example.com/static/js/app.js?v=3#x", "", cache_of(app, app_js)},
      {"https://cdn.example.com/assets/js/app.js", "", cache_of(app, app_js)},
      {"http://localhost:3000/other.js", "", cache_of(other, other_js)},
      {"webpack://shop/static/js/other.js", "", cache_of(other, other_js)},
      // The debugId wins over the URL, in either case.
      {"https://cdn.example.com/static/js/other.js", "85314830-023F-4CF1-A267-535F4E37BB17",
       cache_of(app, app_js)},
  };
  for (const Case& c : cases) {
    auto entry = dir->find_entry(c.url, c.debug_id);
    ASSERT_TRUE(entry) << c.url << ": " << entry.error().message;
    ASSERT_TRUE(entry->has_value()) << c.url;
    EXPECT_EQ((*entry)->cache_path, c.cache) << c.url;
  }
  auto missing = dir->find_entry("https://cdn.example.com/static/js/missing.js");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());

  // The cache answers as the map says: line 0, column 9 -> src/app.ts 0:9 "f".
  auto found = dir->find("https://cdn.example.com/static/js/app.js");
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_TRUE(found->has_value());
  const auto token = (*found)->cache->lookup(0, 9);
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ(token->source, "src/app.ts");
  EXPECT_EQ(token->line, 0u);
  EXPECT_EQ(token->column, 9u);
  EXPECT_EQ(token->name, std::optional<std::string_view>("f"));
  EXPECT_EQ((*found)->cache->info().debug_id, std::optional<std::string_view>(kUuid));
}

// warm builds the generated-function table from the generated file: a JavaScript input itself,
// or the X.js beside a bare X.js.map.
TEST(WarmDirectory, GeneratedFunctionsFromTheJavaScriptFile) {
  TempDir tmp;
  // `function a(){...}`: a mapping at `a` (column 9) with the name "alpha".
  const auto map_of = [](std::string_view file) {
    return "{\"version\": 3, \"file\": \"" + std::string(file) +
           "\", \"sources\": [\"a.ts\"], \"names\": [\"alpha\"], \"mappings\": \"AAAA,SAASA\"}";
  };
  const std::string js_map = map_of("app.js"), bare_map = map_of("lib.js");
  const std::string app_js = "function a(){return 1}\n//# sourceMappingURL=app.js.map\n";
  const std::string lib_js = "function a(){return 2}\n";  // no comment: its map is bare
  write_text(tmp / "src/app.js", app_js);
  write_text(tmp / "src/app.js.map", js_map);
  write_text(tmp / "src/lib.js", lib_js);
  write_text(tmp / "src/lib.js.map", bare_map);
  for (const bool table : {true, false}) {
    WarmOptions options;
    options.sources = {tmp / "src"};
    options.out = tmp / (table ? "out" : "out-off");
    options.threads = 1;
    options.compile.generated_function_table = table;
    auto report = warm(options);
    ASSERT_TRUE(report) << report.error().message;
    ASSERT_TRUE(report->failures.empty());
    for (const auto& [m, js] : {std::pair{&js_map, &app_js}, std::pair{&bare_map, &lib_js}}) {
      // With the table, the JavaScript file is part of the input hash (SPEC §4.9).
      auto cache = Cache::open(options.out / cache_of(*m, table ? *js : std::string()));
      ASSERT_TRUE(cache) << cache.error().message;
      ASSERT_EQ(cache->generated_function_count(), table ? 1u : 0u) << *m;
      if (!table) continue;
      const auto g = cache->generated_function_at(0, 15);
      ASSERT_TRUE(g);
      EXPECT_EQ(g->name, "alpha");
    }
  }
}

// The JavaScript file is part of the input hash (SPEC §4.9): a map warmed before its file was
// beside it gets a second cache, with the generated-function table, once the file is there.
TEST(WarmDirectory, JavaScriptArrivingLaterRecompilesOnce) {
  TempDir tmp;
  const std::string map =
      "{\"version\": 3, \"file\": \"lib.js\", \"sources\": [\"a.ts\"], "
      "\"names\": [\"alpha\"], \"mappings\": \"AAAA,SAASA\"}";
  write_text(tmp / "src/lib.js.map", map);
  WarmOptions options;
  options.sources = {tmp / "src"};
  options.out = tmp / "out";
  options.threads = 1;
  const auto run = [&options] {
    auto report = warm(options);
    if (!report) {
      ADD_FAILURE() << report.error().message;
      return std::pair<std::uint64_t, std::uint64_t>{~0ull, ~0ull};
    }
    EXPECT_TRUE(report->failures.empty());
    return std::pair<std::uint64_t, std::uint64_t>{report->compiled, report->up_to_date};
  };
  EXPECT_EQ(run(), (std::pair<std::uint64_t, std::uint64_t>{1, 0}));
  EXPECT_EQ(Cache::open(options.out / cache_of(map))->generated_function_count(), 0u);
  EXPECT_EQ(run(), (std::pair<std::uint64_t, std::uint64_t>{0, 1}));  // no JavaScript: up to date
  const std::string js = "function a(){return 2}\n";
  write_text(tmp / "src/lib.js", js);
  EXPECT_EQ(run(), (std::pair<std::uint64_t, std::uint64_t>{1, 0}));
  EXPECT_EQ(Cache::open(options.out / cache_of(map, js))->generated_function_count(), 1u);
  EXPECT_EQ(Cache::open(options.out / cache_of(map))->generated_function_count(), 0u);  // kept
  EXPECT_EQ(run(), (std::pair<std::uint64_t, std::uint64_t>{0, 1}));
}

// A compile's warnings (here: `scopes` that do not decode; the map still compiles) reach the
// report's notes with the input's path, not a callback on a worker thread.
TEST(WarmDirectory, CompileWarningsBecomeNotes) {
  TempDir tmp;
  write_text(tmp / "src/bad.map",
             "{\"version\": 3, \"sources\": [\"a.js\"], \"names\": [], \"mappings\": \"AAAA\", "
             "\"scopes\": \"!\"}");
  WarmOptions options;
  options.sources = {tmp / "src"};
  options.out = tmp / "out";
  options.threads = 2;
  bool called = false;
  options.compile.on_warning = [&called](std::string_view) { called = true; };
  auto report = warm(options);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_TRUE(report->failures.empty());
  EXPECT_EQ(report->compiled, 1u);
  ASSERT_EQ(report->notes.size(), 1u);
  EXPECT_TRUE(report->notes[0].starts_with("warning: ")) << report->notes[0];
  EXPECT_NE(report->notes[0].find("bad.map: scopes"), std::string::npos) << report->notes[0];
  EXPECT_FALSE(called);
}

}  // namespace
}  // namespace smcache
