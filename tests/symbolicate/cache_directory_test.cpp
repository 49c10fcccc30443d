// Tests of reader/include/smcache/reader/cache_directory.hpp against a warm directory built by
// hand here, as notes/issue5.md lays it out: caches/<hh>/<hash>.smc, by-url/<xxh3 of key> (path,
// then key), by-debug-id/<uuid> (path).
#include <gtest/gtest.h>

#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <smcache/converter/compile.hpp>
#include <smcache/reader/cache_directory.hpp>
#include <smcache/reader/symbolicate.hpp>

namespace smcache {
namespace {

namespace fs = std::filesystem;

TEST(UrlKeys, SchemeHostQueryFragmentDroppedThenSuffixesLongestFirst) {
  using V = std::vector<std::string>;
  struct Row {
    const char* url;
    V keys;
  };
  const Row rows[] = {
      {"https://cdn.example.com/static/js/app.min.js?v=3#main",
       V{"static/js/app.min.js", "js/app.min.js", "app.min.js"}},
      {"http://localhost:3000/app.js", V{"app.js"}},
      {"file:///srv/app/dist/app.min.js",
       V{"srv/app/dist/app.min.js", "app/dist/app.min.js", "dist/app.min.js", "app.min.js"}},
      {"file://localhost/srv/a.js", V{"srv/a.js", "a.js"}},
      {"webpack://shop/./src/w.js", V{"src/w.js", "w.js"}},
      {"webpack:///src/w.js", V{"src/w.js", "w.js"}},
      {"app:///dist/main.js", V{"dist/main.js", "main.js"}},
      {"./dist/app.min.js", V{"dist/app.min.js", "app.min.js"}},
      {"/srv/app//dist/./a.js", V{"srv/app/dist/a.js", "app/dist/a.js", "dist/a.js", "a.js"}},
      {"C:\\app\\dist\\a.js", V{"app/dist/a.js", "dist/a.js", "a.js"}},
      {"file:///C:/app/a.js", V{"C:/app/a.js", "app/a.js", "a.js"}},
      {"https://h/static/my%20app.js", V{"static/my app.js", "my app.js"}},  // URLs are decoded
      {"dist/100%25.js", V{"dist/100%25.js", "100%25.js"}},                  // paths are not
      {"node:internal/modules/cjs/loader", V{}},
      {"<anonymous>", V{}},
      {"data:text/javascript,1", V{}},
      {"https://cdn.example.com", V{}},
      {"", V{}},
  };
  for (const Row& r : rows) EXPECT_EQ(CacheDirectory::url_keys(r.url), r.keys) << r.url;
}

TEST(CanonicalDebugId, UuidFormsOnly) {
  EXPECT_EQ(CacheDirectory::canonical_debug_id("85314830-023F-4CF1-A267-535F4E37BB17"),
            "85314830-023f-4cf1-a267-535f4e37bb17");
  EXPECT_EQ(CacheDirectory::canonical_debug_id(" 85314830023f4cf1a267535f4e37bb17\n"),
            "85314830-023f-4cf1-a267-535f4e37bb17");
  EXPECT_EQ(CacheDirectory::canonical_debug_id("85314830-023f-4cf1-a267-535f4e37bb1"),
            std::nullopt);
  EXPECT_EQ(CacheDirectory::canonical_debug_id("85314830-023f-4cf1-a267-535f4e37bb1g"),
            std::nullopt);
  EXPECT_EQ(CacheDirectory::canonical_debug_id("8531483-0023f-4cf1-a267-535f4e37bb17"),
            std::nullopt);
  EXPECT_EQ(CacheDirectory::canonical_debug_id("release-42"), std::nullopt);
  EXPECT_EQ(CacheDirectory::canonical_debug_id(""), std::nullopt);
}

TEST(UrlKeyFileName, Xxh3Of64BitsInHex) {
  // Cross-checked with `printf app.min.js | xxhsum -H3`.
  EXPECT_EQ(CacheDirectory::url_key_file_name("app.min.js"), "812c74bc3160a346");
  EXPECT_EQ(CacheDirectory::url_key_file_name("app.min.js").size(), 16u);
}

// A warm directory made by hand in a fresh temporary directory.
class WarmDir : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "smcache-cachedir-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    app_ = add_cache(std::string(SMCACHE_SOURCE_DIR) + "/examples/checkout/dist/app.min.js.map");
    vendor_ = add_cache_from_json(
        R"({"version":3,"sources":["vendor.js"],"names":["vendorFn"],"mappings":"AAAAA"})");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Compiles a map into caches/<hh>/<hash>.smc; returns that relative path.
  std::string add_cache_bytes(const std::vector<std::uint8_t>& map) {
    auto bytes = compile(map);
    EXPECT_TRUE(bytes);
    auto cache = Cache::from_bytes(*bytes);
    EXPECT_TRUE(cache);
    const format::Hash128 h = cache->info().input_hash;
    char hex[33];
    std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(h.high),
                  static_cast<unsigned long long>(h.low));
    const std::string rel = std::string("caches/") + std::string(hex, 2) + "/" + hex + ".smc";
    fs::create_directories(dir_ / "caches" / std::string(hex, 2));
    std::ofstream(dir_ / rel, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes->data()),
               static_cast<std::streamsize>(bytes->size()));
    return rel;
  }
  std::string add_cache(const std::string& map_path) {
    auto map = read_file(map_path);
    EXPECT_TRUE(map);
    return add_cache_bytes(*map);
  }
  std::string add_cache_from_json(std::string_view json) {
    return add_cache_bytes(std::vector<std::uint8_t>(json.begin(), json.end()));
  }
  void write(const fs::path& rel, const std::string& content) {
    fs::create_directories((dir_ / rel).parent_path());
    std::ofstream(dir_ / rel, std::ios::binary) << content;
  }
  void index_url(const std::string& key, const std::string& cache_rel) {
    write(fs::path("by-url") / CacheDirectory::url_key_file_name(key),
          cache_rel + "\n" + key + "\n");
  }
  void index_debug_id(const std::string& id, const std::string& cache_rel) {
    write(fs::path("by-debug-id") / id, cache_rel + "\n");
  }
  CacheDirectory open() {
    auto d = CacheDirectory::open(dir_);
    EXPECT_TRUE(d) << (d ? "" : d.error().message);
    return std::move(d).value();
  }

  fs::path dir_;
  std::string app_, vendor_;
};

TEST_F(WarmDir, FindsByUrlSuffixLongestFirst) {
  index_url("static/js/app.min.js", app_);
  index_url("js/app.min.js", app_);
  index_url("app.min.js", vendor_);  // a shorter key that would answer wrongly if tried first
  const CacheDirectory d = open();
  auto f = d.find("https://cdn.example.com/static/js/app.min.js?v=3#main");
  ASSERT_TRUE(f) << f.error().message;
  ASSERT_TRUE(*f);
  EXPECT_EQ((*f)->entry.cache_path, app_);
  EXPECT_EQ((*f)->entry.key, "static/js/app.min.js");
  EXPECT_FALSE((*f)->entry.by_debug_id);
  EXPECT_EQ((*f)->cache->source_count(), 6u);  // the checkout bundle's six modules

  auto g = d.find("file:///elsewhere/app.min.js");  // only the basename is indexed for it
  ASSERT_TRUE(g && *g);
  EXPECT_EQ((*g)->entry.cache_path, vendor_);

  auto none = d.find("https://cdn.example.com/static/js/other.js");
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  auto internal = d.find("node:internal/modules/cjs/loader");
  ASSERT_TRUE(internal);
  EXPECT_FALSE(*internal);
}

TEST_F(WarmDir, DebugIdIsTriedBeforeUrls) {
  index_url("app.min.js", app_);
  index_debug_id("85314830-023f-4cf1-a267-535f4e37bb17", vendor_);
  const CacheDirectory d = open();
  auto f = d.find("https://x/app.min.js", "85314830-023F-4CF1-A267-535F4E37BB17");
  ASSERT_TRUE(f && *f);
  EXPECT_EQ((*f)->entry.cache_path, vendor_);
  EXPECT_TRUE((*f)->entry.by_debug_id);
  EXPECT_EQ((*f)->entry.key, "85314830-023f-4cf1-a267-535f4e37bb17");
  // Unknown or malformed debugIds fall through to the URL.
  auto g = d.find("https://x/app.min.js", "00000000-0000-0000-0000-000000000000");
  ASSERT_TRUE(g && *g);
  EXPECT_EQ((*g)->entry.cache_path, app_);
  auto h = d.find("https://x/app.min.js", "release-42");
  ASSERT_TRUE(h && *h);
  EXPECT_EQ((*h)->entry.cache_path, app_);
}

TEST_F(WarmDir, HashCollisionIsAMissNotAWrongAnswer) {
  // The file for key "app.min.js" says it belongs to another key.
  write(fs::path("by-url") / CacheDirectory::url_key_file_name("app.min.js"),
        vendor_ + "\nvendor.js\n");
  index_url("dist/app.min.js", app_);
  const CacheDirectory d = open();
  auto f = d.find("https://x/app.min.js");
  ASSERT_TRUE(f);
  EXPECT_FALSE(*f);
  auto g = d.find("https://x/dist/app.min.js");
  ASSERT_TRUE(g && *g);
  EXPECT_EQ((*g)->entry.cache_path, app_);
}

TEST_F(WarmDir, CachePathsMustStayInsideTheDirectory) {
  for (const std::string bad : {"../outside.smc", "/etc/passwd", "caches//x.smc", ""}) {
    index_url("app.min.js", bad);
    const CacheDirectory d = open();
    auto f = d.find("app.min.js");
    ASSERT_FALSE(f) << bad;
    EXPECT_EQ(f.error().code, Errc::corrupt) << bad;
    EXPECT_NE(f.error().message.find("by-url"), std::string::npos) << f.error().message;
  }
}

TEST_F(WarmDir, MissingOrCorruptCacheIsAnErrorWithThePath) {
  index_url("gone.js", "caches/00/0000.smc");
  write("caches/11/1111.smc", "this is not a cache");
  index_url("junk.js", "caches/11/1111.smc");
  const CacheDirectory d = open();
  auto gone = d.find("https://x/gone.js");
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, Errc::io);
  EXPECT_NE(gone.error().message.find("caches/00/0000.smc"), std::string::npos)
      << gone.error().message;
  auto junk = d.find("https://x/junk.js");
  ASSERT_FALSE(junk);
  EXPECT_NE(junk.error().code, Errc::ok);
  EXPECT_NE(junk.error().message.find("caches/11/1111.smc"), std::string::npos)
      << junk.error().message;
  // Through the resolver: no cache, and the reason.
  StackFrame frame;
  frame.url = "https://x/junk.js";
  const CacheResolution r = d.resolve(frame);
  EXPECT_EQ(r.cache, nullptr);
  EXPECT_EQ(r.error, junk.error().message);
}

TEST_F(WarmDir, EachCacheIsOpenedOnceAndShared) {
  index_url("app.min.js", app_);
  index_url("static/js/app.min.js", app_);
  index_url("vendor.js", vendor_);
  const CacheDirectory d = open();
  auto a = d.find("https://x/static/js/app.min.js");
  auto b = d.find("app.min.js");
  ASSERT_TRUE(a && *a && b && *b);
  EXPECT_EQ((*a)->cache.get(), (*b)->cache.get());
  EXPECT_EQ(d.open_count(), 1u);

  // From several threads at once: one Cache per file, the same for everyone.
  std::atomic<const Cache*> seen_app{nullptr};
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        auto f = d.find((i + t) % 2 == 0 ? "/srv/vendor.js" : "https://h/app.min.js");
        if (!f || !*f) {
          ++mismatches;
          continue;
        }
        if ((*f)->entry.cache_path == app_) {
          const Cache* expected = nullptr;
          if (!seen_app.compare_exchange_strong(expected, (*f)->cache.get()) &&
              expected != (*f)->cache.get()) {
            ++mismatches;
          }
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(seen_app.load(), (*a)->cache.get());
  EXPECT_EQ(d.open_count(), 2u);
}

TEST_F(WarmDir, SymbolicatesATraceThroughTheDirectory) {
  index_url("dist/app.min.js", app_);
  const CacheDirectory d = open();
  const std::string trace =
      "Error: x\n"
      "    at r (https://shop.example.com/dist/app.min.js?v=1:1:152)\n"
      "    at y (https://shop.example.com/dist/app.min.js?v=1:1:610)\n"
      "    at z (https://shop.example.com/dist/vendor.js:1:1)\n";
  const auto out =
      symbolicate(std::string_view(trace), [&](const StackFrame& f) { return d.resolve(f); });
  ASSERT_EQ(out.size(), 4u);
  EXPECT_TRUE(out[1].resolved);
  EXPECT_EQ(out[1].source, "../src/validation.js");
  EXPECT_EQ(out[1].line + 1, 24u);
  EXPECT_EQ(out[1].function, "assertCents");
  EXPECT_FALSE(out[3].resolved);
  EXPECT_EQ(out[3].unresolved_reason, UnresolvedReason::no_cache);
}

TEST(CacheDirectoryOpen, NotADirectory) {
  auto d = CacheDirectory::open("/nonexistent/smcache/dir");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, Errc::io);
  EXPECT_NE(d.error().message.find("/nonexistent/smcache/dir"), std::string::npos);
}

}  // namespace
}  // namespace smcache
