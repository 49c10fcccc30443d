// The `scope_ranges` section (SPEC §6.11): what the converter stores from a map's `scopes` (both
// encodings), the reader's enclosing_scope_range() and its parent chain, and corrupt sections
// (a clear error on open or from verify(), never a crash or a loop).
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <smcache/converter/compile.hpp>
#include <smcache/format/checksum.hpp>
#include <smcache/format/layout.hpp>
#include <smcache/reader/cache.hpp>

namespace {

namespace format = smcache::format;

std::span<const std::uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::vector<std::uint8_t> compile(std::string_view json) {
  auto r = smcache::compile(bytes_of(json));
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return r ? std::move(r).value() : std::vector<std::uint8_t>{};
}

// Source 0: a root [0:0, 10:0) with a function "foo" [1:2, 3:1); source 1: a root [0:0, 5:0)
// with a function "bar" [2:0, 4:1). Generated line 0: a range [0:0, 1:0) for source 0's root,
// foo's body [0:5, 0:35), and inside it bar inlined [0:15, 0:25), called from a.js 2:4.
constexpr std::string_view kSplit = R"({"version":3,"sources":["a.js","b.js"],
  "names":["foo","bar"],"mappings":"AAAA",
  "scopes":["BAAA,BFBCA,CCB,CHA","BAAA,BFCAC,CCB,CBA"],
  "ranges":"ECAAA,EGFAC,ECKCB,IACE,FK,FK,FBA"})";
// One source, the same root and foo, in the combined (2025) form: no inlining.
constexpr std::string_view kCombined = R"({"version":3,"sources":["a.js"],
  "names":["foo"],"mappings":"AAAA",
  "scopes":"BAAA,BFBCA,CCB,CHA,ECAA,EGFC,FK,FBA"})";

TEST(ScopeRanges, SplitFormStoresRangesNamesAndCallSites) {
  const auto bytes = compile(kSplit);
  auto cache = smcache::Cache::from_bytes(bytes);
  ASSERT_TRUE(cache) << cache.error().message;
  ASSERT_TRUE(cache->verify());
  EXPECT_EQ(cache->info().format_minor, 2u);
  ASSERT_EQ(cache->scope_range_count(), 3u);

  const auto r0 = cache->scope_range(0);
  ASSERT_TRUE(r0);
  EXPECT_EQ(r0->end_line, 1u);
  EXPECT_TRUE(r0->has_definition());
  EXPECT_FALSE(r0->is_function());  // a.js's root scope is not a function
  EXPECT_FALSE(r0->name);

  const auto bar = cache->enclosing_scope_range(0, 20);
  ASSERT_TRUE(bar);
  EXPECT_EQ(bar->index, 2u);
  EXPECT_EQ(bar->name, "bar");
  EXPECT_TRUE(bar->is_function());
  ASSERT_TRUE(bar->is_inlined());
  EXPECT_EQ(bar->call_site_source_index, 0u);
  EXPECT_EQ(bar->call_site_line, 2u);
  EXPECT_EQ(bar->call_site_column, 4u);

  // The chain, innermost outward: bar (inlined) -> foo -> a.js's root -> none.
  const auto foo = cache->parent_scope_range(*bar);
  ASSERT_TRUE(foo);
  EXPECT_EQ(foo->name, "foo");
  EXPECT_FALSE(foo->is_inlined());
  const auto root = cache->parent_scope_range(*foo);
  ASSERT_TRUE(root);
  EXPECT_EQ(root->index, 0u);
  EXPECT_FALSE(cache->parent_scope_range(*root));
}

TEST(ScopeRanges, EnclosingRangeAtEdges) {
  const auto bytes = compile(kSplit);
  auto cache = smcache::Cache::from_bytes(bytes);
  ASSERT_TRUE(cache) << cache.error().message;
  struct Row {
    std::uint32_t line, column, index;  // index kNone: no range
  };
  const Row rows[] = {
      {0, 0, 0},              // the root's first position
      {0, 4, 0},              // just before foo
      {0, 5, 1},              // foo's first position
      {0, 14, 1},             // just before bar
      {0, 15, 2},             // bar's first position
      {0, 24, 2},             // bar's last position
      {0, 25, 1},             // bar's end is exclusive: foo again
      {0, 35, 0},             // past foo: the root again
      {1, 0, format::kNone},  // the root's end is exclusive
      {7, 3, format::kNone},  // past every range
  };
  for (const Row& row : rows) {
    const auto r = cache->enclosing_scope_range(row.line, row.column);
    if (row.index == format::kNone) {
      EXPECT_FALSE(r) << row.line << ":" << row.column;
    } else {
      ASSERT_TRUE(r) << row.line << ":" << row.column;
      EXPECT_EQ(r->index, row.index) << row.line << ":" << row.column;
    }
  }
}

TEST(ScopeRanges, CombinedFormStoresTheSameRanges) {
  const auto bytes = compile(kCombined);
  auto cache = smcache::Cache::from_bytes(bytes);
  ASSERT_TRUE(cache) << cache.error().message;
  ASSERT_TRUE(cache->verify());
  ASSERT_EQ(cache->scope_range_count(), 2u);
  const auto foo = cache->enclosing_scope_range(0, 10);
  ASSERT_TRUE(foo);
  EXPECT_EQ(foo->name, "foo");
  EXPECT_EQ(foo->start_column, 5u);
  EXPECT_EQ(foo->end_column, 15u);
  EXPECT_FALSE(foo->is_inlined());
}

TEST(ScopeRanges, MapWithoutScopesHasNoSection) {
  const auto bytes = compile(R"({"version":3,"sources":["a.js"],"names":[],"mappings":"AAAA"})");
  auto cache = smcache::Cache::from_bytes(bytes);
  ASSERT_TRUE(cache) << cache.error().message;
  EXPECT_EQ(cache->scope_range_count(), 0u);
  EXPECT_FALSE(cache->enclosing_scope_range(0, 0));
  EXPECT_EQ(cache->info().format_minor, 0u);
  for (const auto& s : cache->sections()) EXPECT_NE(s.id, 10u);
}

// ---------------------------------------------------------------------------------------------
// Corrupt sections
// ---------------------------------------------------------------------------------------------
struct Patched {
  std::vector<std::uint8_t> bytes;
  std::size_t offset = 0;  // of the scope_ranges section
};

// kSplit's cache with `edit` applied to its scope_ranges section (40-byte records), then the
// section checksum and the header checksum recomputed so that the structural rules are reached.
Patched patched(const std::function<void(std::uint8_t*)>& edit) {
  Patched p{compile(kSplit), 0};
  const std::uint32_t sections = format::load_le<std::uint32_t>(p.bytes.data() + 20);
  for (std::uint32_t k = 0; k < sections; ++k) {
    std::uint8_t* e = p.bytes.data() + 128 + 32 * std::size_t{k};
    if (format::load_le<std::uint32_t>(e) != 10) continue;
    p.offset = format::load_le<std::uint64_t>(e + 8);
    const std::uint64_t size = format::load_le<std::uint64_t>(e + 16);
    edit(p.bytes.data() + p.offset);
    format::store_le(e + 24, format::checksum64(p.bytes.data() + p.offset, size));
  }
  EXPECT_NE(p.offset, 0u);
  format::store_le(p.bytes.data() + 40,
                   format::header_checksum(p.bytes.data(), 128 + 32 * std::size_t{sections}));
  return p;
}

void set(std::uint8_t* records, std::uint32_t record, std::uint32_t field, std::uint32_t value) {
  format::store_le(records + 40 * std::size_t{record} + 4 * std::size_t{field}, value);
}

TEST(CorruptScopeRanges, VerifyNamesTheRule) {
  struct Case {
    const char* what;
    std::function<void(std::uint8_t*)> edit;
    const char* message;  // a part of verify()'s message
  };
  const Case cases[] = {
      // R-SCP-2: a name past the string table
      {"name", [](std::uint8_t* r) { set(r, 1, 4, 999); }, "name_string_index 999"},
      // R-SCP-2: a call site in a source that does not exist
      {"call site", [](std::uint8_t* r) { set(r, 2, 6, 7); }, "call_site_source_index 7"},
      // R-SCP-2: an unknown flag
      {"flags", [](std::uint8_t* r) { set(r, 1, 9, 0x80); }, "flags 128"},
      // R-SCP-2: an empty range
      {"empty", [](std::uint8_t* r) { set(r, 2, 3, 15); }, "not after start"},
      // R-SCP-3: records out of order (bar starts before foo)
      {"order", [](std::uint8_t* r) { set(r, 2, 1, 1); }, "sorts before"},
      // R-SCP-4: a parent that is not the innermost enclosing record
      {"parent", [](std::uint8_t* r) { set(r, 2, 5, 0); }, "parent 0"},
      // R-SCP-4: a parent cycle (bar's parent is bar)
      {"cycle", [](std::uint8_t* r) { set(r, 2, 5, 2); }, "parent 2"},
      // R-SCP-4: a child that ends after its parent
      {"nesting", [](std::uint8_t* r) { set(r, 2, 3, 40); }, "after its parent"},
  };
  for (const Case& c : cases) {
    const Patched p = patched(c.edit);
    auto cache = smcache::Cache::from_bytes(p.bytes);
    ASSERT_TRUE(cache) << c.what << ": " << cache.error().message;
    auto v = cache->verify();
    ASSERT_FALSE(v) << c.what;
    EXPECT_EQ(v.error().code, smcache::Errc::corrupt) << c.what;
    EXPECT_NE(v.error().message.find(c.message), std::string::npos)
        << c.what << ": " << v.error().message;
    // Queries on the corrupt file answer or not, never crash or loop.
    for (std::uint32_t col = 0; col < 45; ++col) {
      auto r = cache->enclosing_scope_range(0, col);
      for (int guard = 0; r && guard < 100; ++guard) r = cache->parent_scope_range(*r);
      EXPECT_FALSE(r);
    }
  }
}

TEST(CorruptScopeRanges, SizeNotAMultipleOf40FailsOnOpen) {
  auto bytes = compile(kSplit);
  const std::uint32_t sections = format::load_le<std::uint32_t>(bytes.data() + 20);
  for (std::uint32_t k = 0; k < sections; ++k) {
    std::uint8_t* e = bytes.data() + 128 + 32 * std::size_t{k};
    if (format::load_le<std::uint32_t>(e) == 10) format::store_le<std::uint64_t>(e + 16, 39);
  }
  format::store_le(bytes.data() + 40,
                   format::header_checksum(bytes.data(), 128 + 32 * std::size_t{sections}));
  auto cache = smcache::Cache::from_bytes(bytes);
  ASSERT_FALSE(cache);
  EXPECT_EQ(cache.error().code, smcache::Errc::corrupt);
  EXPECT_NE(cache.error().message.find("scope_ranges"), std::string::npos) << cache.error().message;
}

TEST(CorruptScopeRanges, ChecksumMismatch) {
  auto bytes = compile(kSplit);
  const std::uint32_t sections = format::load_le<std::uint32_t>(bytes.data() + 20);
  for (std::uint32_t k = 0; k < sections; ++k) {
    const std::uint8_t* e = bytes.data() + 128 + 32 * std::size_t{k};
    if (format::load_le<std::uint32_t>(e) == 10) bytes[format::load_le<std::uint64_t>(e + 8)] ^= 1;
  }
  auto cache = smcache::Cache::from_bytes(bytes);
  ASSERT_TRUE(cache) << cache.error().message;
  auto v = cache->verify();
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, smcache::Errc::checksum_mismatch);
}

}  // namespace
