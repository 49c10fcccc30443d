// Tests of converter/src/warm.cpp: the directory layout and index, idempotence, shard
// equivalence (byte for byte), failures, atomic outputs, manifests, stale caches.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <smcache/converter/discover.hpp>
#include <smcache/converter/warm.hpp>
#include <smcache/format/checksum.hpp>
#include <smcache/format/layout.hpp>

#include "support.hpp"

namespace smcache {
namespace {

using test::base64;
using test::make_map;
using test::read_text;
using test::snapshot;
using test::TempDir;
using test::write_text;
namespace fs = std::filesystem;

constexpr std::string_view kUuid1 = "85314830-023f-4cf1-a267-535f4e37bb17";
constexpr std::string_view kUuid2 = "0b7f3fd2-41ab-4e8a-9c3e-6a1d2b4c5e6f";

// The cache warm writes for a map, compiled with its JavaScript file `js` when it has one (the
// generated code is part of the input hash, SPEC §4.9).
std::string cache_of(std::string_view map_json, std::string_view js = {}) {
  if (js.empty()) return cache_relative_path(format::input_hash(map_json.data(), map_json.size()));
  return cache_relative_path(
      format::input_hash(map_json.data(), map_json.size(), js.data(), js.size()));
}

// The reader-side resolution of issue 5 (scheme and host, query and fragment dropped, then the
// longest whole-segment suffix first), on the files warm wrote.
std::optional<std::string> resolve_url(const fs::path& dir, std::string url) {
  for (const std::string scheme : {"https://", "http://"}) {
    if (url.starts_with(scheme)) {
      url.erase(0, scheme.size());
      url.erase(0, url.find('/'));
    }
  }
  url = url.substr(0, url.find_first_of("?#"));
  for (const std::string& key : url_keys(url)) {
    const fs::path entry = dir / url_key_relative_path(key);
    if (!fs::exists(entry)) continue;
    const std::string text = read_text(entry);
    const std::size_t nl = text.find('\n');
    if (text.substr(nl + 1) != key + "\n") continue;  // a hash collision: not this key
    return text.substr(0, nl);
  }
  return std::nullopt;
}

std::optional<std::string> resolve_debug_id(const fs::path& dir, std::string_view id) {
  const auto canonical = canonical_debug_id(id);
  if (!canonical) return std::nullopt;
  const fs::path entry = dir / debug_id_relative_path(*canonical);
  if (!fs::exists(entry)) return std::nullopt;
  const std::string text = read_text(entry);
  return text.substr(0, text.find('\n'));
}

// No temporary file anywhere: every name in DIR is final.
std::vector<std::string> hidden_files(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.path().filename().string().starts_with('.')) out.push_back(e.path().string());
  }
  return out;
}

// A source tree with every kind of input.
struct Tree {
  TempDir tmp;
  fs::path src = tmp / "src";
  std::string app_map = make_map("app.js", "src/app.ts");
  std::string vendor_map =
      make_map("vendor.js", "src/vendor.ts", "\"debugId\": \"" + std::string(kUuid2) + "\"");
  std::string bare_map = make_map("bare.min.js", "src/bare.ts");
  std::string util_map = make_map("util.mjs", "src/util.ts");
  std::string a_index_map = make_map("index.js", "a/index.ts");
  std::string b_index_map = make_map("index.js", "b/index.ts");

  std::string app_js =
      "f();\n//# debugId=" + std::string(kUuid1) + "\n//# sourceMappingURL=app.js.map\n";
  std::string vendor_js =
      "g();\n//# sourceMappingURL=data:application/json;base64," + base64(vendor_map) + "\n";
  std::string util_js = "u();\n/*# sourceMappingURL=../maps/util.mjs.map */\n";
  std::string a_js = "a();\n//# sourceMappingURL=index.js.map\n";
  std::string b_js = "b();\n//# sourceMappingURL=index.js.map\n";

  Tree() {
    write_text(src / "static/js/app.js", app_js);
    write_text(src / "static/js/app.js.map", app_map);
    write_text(src / "static/js/vendor.js", vendor_js);
    write_text(src / "static/js/plain.js", "h();\n");
    write_text(src / "maps/bare.map", bare_map);
    write_text(src / "lib/util.mjs", util_js);
    write_text(src / "maps/util.mjs.map", util_map);
    write_text(src / "a/index.js", a_js);
    write_text(src / "a/index.js.map", a_index_map);
    write_text(src / "b/index.js", b_js);
    write_text(src / "b/index.js.map", b_index_map);
    write_text(src / ".hidden/skipped.map", "not even json");
    write_text(src / "notes.txt", "ignored");
  }

  WarmOptions options(const fs::path& out, unsigned threads = 2) const {
    WarmOptions o;
    o.sources = {src};
    o.out = out;
    o.threads = threads;
    return o;
  }
};

Result<WarmReport> run(const WarmOptions& o) {
  auto r = warm(o);
  if (r) {
    for (const auto& f : r->failures) ADD_FAILURE() << f.path << ": " << f.error.message;
  }
  return r;
}

TEST(Warm, WritesContentAddressedCachesAndTheIndex) {
  Tree t;
  const fs::path out = t.tmp / "out";
  auto r = run(t.options(out));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->compiled, 6u);
  EXPECT_EQ(r->up_to_date, 0u);
  EXPECT_EQ(r->failed, 0u);
  EXPECT_EQ(r->js_without_map, 1u);
  using MapAndJs = std::pair<const std::string*, const std::string*>;
  const std::vector<MapAndJs> inputs = {{&t.app_map, &t.app_js},   {&t.vendor_map, &t.vendor_js},
                                        {&t.bare_map, nullptr},    {&t.util_map, &t.util_js},
                                        {&t.a_index_map, &t.a_js}, {&t.b_index_map, &t.b_js}};
  for (const auto& [m, js] : inputs) {
    const std::string rel = cache_of(*m, js ? std::string_view(*js) : std::string_view());
    const fs::path cache = out / rel;
    ASSERT_TRUE(fs::exists(cache)) << cache;
    auto probe = probe_cache_file(cache);
    ASSERT_TRUE(probe) << probe.error().message;
    EXPECT_EQ(cache_relative_path(probe->input_hash), rel);  // the header's hash names the file
    EXPECT_EQ(probe->semantics_version, format::kSemanticsVersion);
  }
  // Exactly these caches: the referenced util map compiled once, the hidden map skipped.
  std::set<std::string> caches;
  for (const auto& [rel, bytes] : snapshot(out)) {
    if (rel.ends_with(".smc")) caches.insert(rel);
  }
  EXPECT_EQ(caches.size(), 6u);

  // by-url: the file's path and every shorter suffix.
  EXPECT_EQ(read_text(out / url_key_relative_path("static/js/app.js")),
            cache_of(t.app_map, t.app_js) + "\nstatic/js/app.js\n");
  EXPECT_EQ(resolve_url(out, "js/app.js"), cache_of(t.app_map, t.app_js));
  EXPECT_EQ(resolve_url(out, "app.js"), cache_of(t.app_map, t.app_js));
  EXPECT_EQ(resolve_url(out, "static/js/vendor.js"), cache_of(t.vendor_map, t.vendor_js));
  EXPECT_EQ(resolve_url(out, "lib/util.mjs"), cache_of(t.util_map, t.util_js));
  // Not a bare map: indexed by its JS file only (a lookup of the map's name falls back to the
  // suffix "util.mjs", which is the JS file's).
  EXPECT_FALSE(fs::exists(out / url_key_relative_path("maps/util.mjs")));
  EXPECT_EQ(resolve_url(out, "maps/bare"), cache_of(t.bare_map));
  EXPECT_EQ(resolve_url(out, "bare.min.js"), cache_of(t.bare_map));  // the map's `file`
  // "index.js" is a suffix of a/index.js and b/index.js: the smaller path wins.
  EXPECT_EQ(resolve_url(out, "index.js"), cache_of(t.a_index_map, t.a_js));
  EXPECT_EQ(resolve_url(out, "b/index.js"), cache_of(t.b_index_map, t.b_js));
  EXPECT_FALSE(resolve_url(out, "plain.js"));
  EXPECT_FALSE(resolve_url(out, "skipped"));

  // by-debug-id: the JS comment's id (the map has none), and an inline map's own id.
  EXPECT_EQ(resolve_debug_id(out, kUuid1), cache_of(t.app_map, t.app_js));
  EXPECT_EQ(resolve_debug_id(out, "85314830-023F-4CF1-A267-535F4E37BB17"),
            cache_of(t.app_map, t.app_js));
  EXPECT_EQ(probe_cache_file(out / cache_of(t.app_map, t.app_js))->debug_id, std::string(kUuid1));
  EXPECT_EQ(resolve_debug_id(out, kUuid2), cache_of(t.vendor_map, t.vendor_js));
  EXPECT_EQ(fs::directory_iterator(out / "by-debug-id") != fs::directory_iterator(), true);
  std::size_t ids = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(out / "by-debug-id")) ++ids;
  EXPECT_EQ(ids, 2u);
  EXPECT_TRUE(hidden_files(out).empty());
}

TEST(Warm, IndexAnswersFrameUrls) {
  Tree t;
  const fs::path out = t.tmp / "out";
  ASSERT_TRUE(run(t.options(out)));
  EXPECT_EQ(resolve_url(out, "https://cdn.example.com/static/js/app.js?v=3#main"),
            cache_of(t.app_map, t.app_js));
  EXPECT_EQ(resolve_url(out, "https://cdn.example.com/assets/js/app.js"),
            cache_of(t.app_map, t.app_js));
  EXPECT_EQ(resolve_url(out, "http://localhost:8080/a/index.js"), cache_of(t.a_index_map, t.a_js));
  EXPECT_FALSE(resolve_url(out, "https://cdn.example.com/static/js/missing.js"));
}

TEST(Warm, SecondRunCompilesNothingAndChangesNothing) {
  Tree t;
  const fs::path out = t.tmp / "out";
  ASSERT_TRUE(run(t.options(out)));
  const auto before = snapshot(out);
  auto again = run(t.options(out));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->compiled, 0u);
  EXPECT_EQ(again->up_to_date, 6u);
  EXPECT_EQ(again->index_written, 0u);
  EXPECT_GT(again->index_unchanged, 0u);
  EXPECT_EQ(again->bytes_out, 0u);
  EXPECT_EQ(snapshot(out), before);
  // --force recompiles everything into the same bytes (the compiler is deterministic).
  WarmOptions force = t.options(out);
  force.force = true;
  auto forced = run(force);
  ASSERT_TRUE(forced) << forced.error().message;
  EXPECT_EQ(forced->compiled, 6u);
  EXPECT_EQ(snapshot(out), before);
}

TEST(Warm, ShardsTogetherWriteTheSameDirectoryAsOneRun) {
  Tree t;
  // More inputs, so that every shard gets some.
  for (int i = 0; i < 30; ++i) {
    const std::string n = std::to_string(i);  // appends below: GCC 12 PR 105329 (-Wrestrict)
    std::string source = "m";
    source += n;
    source += ".ts";
    write_text(t.src / ("gen/m" + n + ".js"), "x();\n//# sourceMappingURL=m" + n + ".js.map\n");
    write_text(t.src / ("gen/m" + n + ".js.map"), make_map("m.js", source));
  }
  const fs::path one = t.tmp / "one";
  auto single = run(t.options(one, 1));
  ASSERT_TRUE(single) << single.error().message;
  const auto expected = snapshot(one);

  for (const std::uint32_t n : {2u, 3u, 7u}) {
    const fs::path sharded = t.tmp / ("sharded" + std::to_string(n));
    std::uint64_t inputs = 0;
    for (std::uint32_t k = n; k-- > 0;) {  // in reverse order, to show order does not matter
      WarmOptions o = t.options(sharded);
      o.shard_index = k;
      o.shard_count = n;
      auto r = run(o);
      ASSERT_TRUE(r) << r.error().message;
      EXPECT_EQ(r->inputs + r->other_shards, single->inputs) << "shard " << k << "/" << n;
      inputs += r->inputs;
    }
    EXPECT_EQ(inputs, single->inputs) << n << " shards";
    EXPECT_EQ(snapshot(sharded), expected) << n << " shards";
  }

  // The pods of an Indexed Job run at the same time, into one directory.
  const fs::path concurrent = t.tmp / "concurrent";
  std::vector<std::thread> pods;
  std::vector<bool> ok(4);
  for (std::uint32_t k = 0; k < 4; ++k) {
    pods.emplace_back([&, k] {
      WarmOptions o = t.options(concurrent, 1);
      o.shard_index = k;
      o.shard_count = 4;
      auto r = warm(o);
      ok[k] = r && r->failures.empty();
    });
  }
  for (auto& p : pods) p.join();
  for (std::uint32_t k = 0; k < 4; ++k) EXPECT_TRUE(ok[k]) << "pod " << k;
  EXPECT_EQ(snapshot(concurrent), expected);
  EXPECT_TRUE(hidden_files(concurrent).empty());
}

TEST(Warm, ShardOfDependsOnThePathOnly) {
  EXPECT_EQ(shard_of("static/js/app.js", 1), 0u);
  std::vector<int> per_shard(4);
  for (int i = 0; i < 1000; ++i) {
    const std::string path = "dir/file" + std::to_string(i) + ".js";
    const std::uint32_t s = shard_of(path, 4);
    ASSERT_LT(s, 4u);
    EXPECT_EQ(shard_of(path, 4), s);
    ++per_shard[s];
  }
  for (int s = 0; s < 4; ++s) EXPECT_GT(per_shard[s], 150) << "shard " << s;
}

TEST(Warm, UrlKeysAreTheWholeSegmentSuffixes) {
  EXPECT_EQ(url_keys("static/js/app.js"),
            (std::vector<std::string>{"static/js/app.js", "js/app.js", "app.js"}));
  EXPECT_EQ(url_keys("app.js"), (std::vector<std::string>{"app.js"}));
  EXPECT_EQ(url_keys("/a//b/"), (std::vector<std::string>{"a/b", "b"}));
  EXPECT_TRUE(url_keys("").empty());
  EXPECT_EQ(url_key_relative_path("app.js").size(), std::string("by-url/").size() + 16);
  EXPECT_EQ(hash_hex(format::Hash128{0x1, 0xabc}),
            "0000000000000abc0000000000000001");  // high half first
  EXPECT_EQ(cache_relative_path(format::Hash128{0x1, 0xabc}),
            "caches/00/0000000000000abc0000000000000001.smc");
}

TEST(Warm, ContinuesPastFailuresAndReportsThemAll) {
  Tree t;
  write_text(t.src / "broken/bad.map", "{\"version\": 3, \"sources\": [1]}");
  write_text(t.src / "broken/missing.js", "m();\n//# sourceMappingURL=missing.js.map\n");
  write_text(t.src / "broken/remote.js", "r();\n//# sourceMappingURL=https://cdn.example/r.map\n");
  write_text(t.src / "broken/escape.js", "e();\n//# sourceMappingURL=../../outside.map\n");
  write_text(t.tmp / "outside.map", make_map("x.js", "x.ts"));
  const fs::path out = t.tmp / "out";
  auto r = warm(t.options(out));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->compiled, 6u);
  EXPECT_EQ(r->failed, 4u);
  ASSERT_EQ(r->failures.size(), 4u);
  const std::string shown = t.src.string() + "/broken/";
  EXPECT_EQ(r->failures[0].path, shown + "bad.map");
  EXPECT_EQ(r->failures[0].error.code, Errc::invalid_field);
  EXPECT_EQ(r->failures[1].path, shown + "escape.js");
  EXPECT_NE(r->failures[1].error.message.find("outside the source root"), std::string::npos);
  EXPECT_EQ(r->failures[2].path, shown + "missing.js");
  EXPECT_EQ(r->failures[2].error.code, Errc::io);
  EXPECT_EQ(r->failures[3].path, shown + "remote.js");
  EXPECT_NE(r->failures[3].error.message.find("absolute URL"), std::string::npos);
  EXPECT_TRUE(hidden_files(out).empty());
  EXPECT_EQ(resolve_url(out, "static/js/app.js"), cache_of(t.app_map, t.app_js));

  // Shards report each failure once, between them.
  std::multiset<std::string> across;
  for (std::uint32_t k = 0; k < 3; ++k) {
    WarmOptions o = t.options(t.tmp / "sharded");
    o.shard_index = k;
    o.shard_count = 3;
    auto s = warm(o);
    ASSERT_TRUE(s) << s.error().message;
    for (const auto& f : s->failures) across.insert(f.path);
  }
  std::multiset<std::string> all;
  for (const auto& f : r->failures) all.insert(f.path);
  EXPECT_EQ(across, all);
}

TEST(Warm, RecompilesCorruptAndOlderCaches) {
  Tree t;
  const fs::path out = t.tmp / "out";
  ASSERT_TRUE(run(t.options(out)));
  const auto before = snapshot(out);
  // Truncated cache: does not open, recompiled.
  const fs::path app = out / cache_of(t.app_map, t.app_js);
  fs::resize_file(app, 100);
  // Older semantics version, with a valid header checksum: recompiled too.
  const fs::path bare = out / cache_of(t.bare_map);
  std::string bytes = read_text(bare);
  auto* p = reinterpret_cast<std::uint8_t*>(bytes.data());
  format::FileHeader h = format::load_header(p);
  h.semantics_version = format::kSemanticsVersion - 1;
  format::store_header(p, h);
  const std::uint64_t sum = format::header_checksum(p, h.header_size + 32ull * h.section_count);
  format::store_le(p + 40, sum);
  write_text(bare, bytes);
  ASSERT_EQ(probe_cache_file(bare)->semantics_version, format::kSemanticsVersion - 1);

  auto r = run(t.options(out));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->compiled, 2u);
  EXPECT_EQ(r->up_to_date, 4u);
  EXPECT_EQ(snapshot(out), before);
}

TEST(Warm, ChangedMapGetsANewCacheAndTheIndexMoves) {
  Tree t;
  const fs::path out = t.tmp / "out";
  ASSERT_TRUE(run(t.options(out)));
  const std::string old_cache = cache_of(t.app_map, t.app_js);
  const std::string new_map = make_map("app.js", "src/app-v2.ts");
  write_text(t.src / "static/js/app.js.map", new_map);
  auto r = run(t.options(out));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->compiled, 1u);
  EXPECT_EQ(r->index_replaced, 4u);  // three by-url keys and the JS debugId
  EXPECT_EQ(resolve_url(out, "app.js"), cache_of(new_map, t.app_js));
  EXPECT_EQ(resolve_debug_id(out, kUuid1), cache_of(new_map, t.app_js));
  EXPECT_TRUE(fs::exists(out / old_cache));  // other releases may still use it
  bool noted = false;
  for (const auto& n : r->notes) noted = noted || n.find("now points to") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(Warm, ManifestWarmsOnlyTheListedFiles) {
  Tree t;
  write_text(t.tmp / "list.txt", "# new in this release\nstatic/js/app.js\n\nmaps/bare.map\r\n" +
                                     (t.src / "a").string() + "\n");
  WarmOptions o = t.options(t.tmp / "out");
  o.manifest = t.tmp / "list.txt";
  auto r = run(o);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->compiled, 3u);  // app.js (with its map), bare.map, a/index.js
  EXPECT_EQ(resolve_url(t.tmp / "out", "static/js/app.js"), cache_of(t.app_map, t.app_js));
  EXPECT_EQ(resolve_url(t.tmp / "out", "a/index.js"), cache_of(t.a_index_map, t.a_js));
  EXPECT_FALSE(fs::exists(t.tmp / "out" / url_key_relative_path("b/index.js")));

  // Without a SRC the manifest's directory is the root; unknown and escaping lines fail.
  write_text(t.src / "list2.txt", "maps/bare.map\nnope.map\n../outside.map\n");
  WarmOptions o2;
  o2.manifest = t.src / "list2.txt";
  o2.out = t.tmp / "out2";
  o2.threads = 1;
  auto r2 = warm(o2);
  ASSERT_TRUE(r2) << r2.error().message;
  EXPECT_EQ(r2->compiled, 1u);
  EXPECT_EQ(r2->failed, 2u);
  EXPECT_EQ(resolve_url(t.tmp / "out2", "maps/bare"), cache_of(t.bare_map));
}

TEST(Warm, SamePathInTwoSourcesGoesToTheFirst) {
  TempDir tmp;
  const std::string one = make_map("app.js", "one.ts"), two = make_map("app.js", "two.ts");
  write_text(tmp / "r1/app.js.map", one);
  write_text(tmp / "r2/app.js.map", two);
  WarmOptions o;
  o.sources = {tmp / "r2", tmp / "r1"};
  o.out = tmp / "out";
  auto r = run(o);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->compiled, 2u);
  EXPECT_EQ(resolve_url(tmp / "out", "app.js"), cache_of(two));
  ASSERT_FALSE(r->notes.empty());
  EXPECT_NE(r->notes[0].find("'app.js' is the path of 2 inputs"), std::string::npos) << r->notes[0];
}

TEST(Warm, JobErrors) {
  TempDir tmp;
  WarmOptions o;
  o.out = tmp / "out";
  auto none = warm(o);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, Errc::invalid_argument);
  o.sources = {tmp / "missing"};
  auto missing = warm(o);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::io);
  o.sources = {tmp.path()};
  o.shard_index = 3;
  o.shard_count = 3;
  auto shard = warm(o);
  ASSERT_FALSE(shard);
  EXPECT_EQ(shard.error().code, Errc::invalid_argument);
}

TEST(Warm, ProbeRejectsWhatIsNotACache) {
  const std::string text = "{\"version\": 3}";
  auto p = probe_cache(test::bytes_of(text));
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, Errc::truncated);
  std::string big(256, 'x');
  auto q = probe_cache(test::bytes_of(big));
  ASSERT_FALSE(q);
  EXPECT_EQ(q.error().code, Errc::not_a_cache);
}

}  // namespace
}  // namespace smcache
