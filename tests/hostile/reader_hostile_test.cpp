// Damaged REAL caches (tests/corrupt covers small hand-built ones): every truncation length and
// seeded bit flips over caches compiled from the checkout example and, when present, maps from
// bench/.data/maps; directory entries whose offsets and sizes overflow 32/64-bit arithmetic;
// source records whose u64 content offsets overflow; wrong magic, version and byte order. Open
// fails cleanly with its specific error, or every read stays well-defined (run under ASan in
// build-asan), and verify() catches every flipped bit.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <smcache/converter/compile.hpp>
#include <smcache/converter/discover.hpp>

#include "support.hpp"

namespace smcache::test {
namespace {

namespace fs = std::filesystem;

struct RealCache {
  std::string name;
  std::vector<std::uint8_t> bytes;
};

const std::vector<RealCache>& real_caches() {
  static const std::vector<RealCache> caches = [] {
    std::vector<RealCache> out;
    const fs::path root = SMCACHE_SOURCE_DIR;
    std::vector<fs::path> maps = {root / "examples/checkout/dist/app.min.js.map"};
    // Small and medium real maps, if bench/.data was fetched (scripts/fetch-maps.sh).
    for (const char* m : {"rxjs-umd-min.map", "bootstrap-bundle-min.map"}) {
      if (fs::exists(root / "bench/.data/maps" / m)) maps.push_back(root / "bench/.data/maps" / m);
    }
    if (maps.size() == 1) {
      std::printf(
          "[ hostile ] NOTE: bench/.data/maps absent: only the checkout example map is "
          "used (run scripts/fetch-maps.sh for more)\n");
    }
    for (const auto& m : maps) {
      auto input = read_file(m);
      if (!input) throw std::runtime_error(input.error().message);
      for (std::uint32_t block : {64u, 4u}) {
        CompileOptions o;
        o.block_token_count = block;
        auto c = compile(*input, o);
        if (!c) throw std::runtime_error(m.string() + ": " + c.error().message);
        out.push_back({str(m.filename().string(), " B=", block), std::move(c).value()});
      }
    }
    // The checkout example compiled from its bundle: with the generated-function table too
    // (format 1.3), so damage reaches all three function tables.
    const fs::path js = root / "examples/checkout/dist/app.min.js";
    auto js_bytes = read_file(js);
    auto map_bytes = read_file(maps.front());
    if (!js_bytes || !map_bytes) throw std::runtime_error("examples/checkout/dist: unreadable");
    auto c = compile_js(*js_bytes, *map_bytes);
    if (!c) throw std::runtime_error(js.string() + ": " + c.error().message);
    out.push_back({"app.min.js (generated functions)", std::move(c).value()});
    return out;
  }();
  return caches;
}

std::map<std::string, int> g_counts;
int g_cases = 0;

void count(const std::string& what) {
  ++g_cases;
  ++g_counts[what];
}

class CountsPrinter : public ::testing::Environment {
 public:
  void TearDown() override {
    std::printf("[ hostile ] reader: %d damaged real-cache cases; outcomes:", g_cases);
    for (const auto& [code, n] : g_counts) std::printf(" %s=%d", code.c_str(), n);
    std::printf("\n");
  }
};
const auto* const kPrinter = ::testing::AddGlobalTestEnvironment(new CountsPrinter);

TEST(HostileReader, RealCachesOpenAndVerify) {
  ASSERT_FALSE(real_caches().empty());
  for (const auto& c : real_caches()) {
    const Cache cache = open_bytes(c.bytes);
    ASSERT_TRUE(cache.verify().ok()) << c.name;
    EXPECT_GT(cache.token_count(), 0u) << c.name;
    if (c.name.find("generated") != std::string::npos) {
      EXPECT_GT(cache.generated_function_count(), 0u) << c.name;
    }
    std::printf("[ hostile ] real cache %-32s %8zu bytes, %u tokens\n", c.name.c_str(),
                c.bytes.size(), cache.token_count());
  }
}

TEST(HostileReader, EveryTruncationOfARealCacheFails) {
  for (const auto& c : real_caches()) {
    const std::size_t n = c.bytes.size();
    for (std::size_t len = 0; len < n; ++len) {
      // Exact-size copies for the header and directory region and a stride beyond (a sanitizer
      // sees any read past the end); views for the rest, since open reads only header and
      // directory and refuses on file_size before touching a section.
      Result<Cache> r = Error{};
      if (len < 1024 || len % 127 == 0) {
        const std::vector<std::uint8_t> cut(c.bytes.begin(),
                                            c.bytes.begin() + static_cast<std::ptrdiff_t>(len));
        r = Cache::from_bytes(cut);
      } else {
        r = Cache::from_bytes(std::span(c.bytes.data(), len));
      }
      ASSERT_FALSE(r) << c.name << ": prefix of " << len << " bytes opened";
      count(std::string("truncation:") + errc_name(r.error().code));
      // An 8-byte prefix of the magic or less is not a cache; anything longer is truncated.
      if (len > 0 && len < 8) {
        EXPECT_EQ(r.error().code, Errc::truncated) << len;
      } else {
        ASSERT_EQ(r.error().code, Errc::truncated)
            << c.name << " " << len << ": " << r.error().message;
      }
    }
  }
}

TEST(HostileReader, RandomBitFlipsOverRealCachesFailVerify) {
  std::mt19937_64 rng(0x5eed0006);
  int opened = 0, total = 0;
  for (const auto& c : real_caches()) {
    std::vector<std::uint8_t> bytes = c.bytes;  // exact size: ASan sees overruns
    const int flips = c.bytes.size() > 100000 ? 300 : 800;
    for (int k = 0; k < flips; ++k) {
      // Half anywhere, half in the header and directory (where open reads).
      const std::uint64_t span = (k % 2) ? bytes.size() * 8 : 8 * (128 + 32 * 9);
      const std::uint64_t bit = rng() % span;
      bytes[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      ++total;
      auto r = Cache::from_bytes(bytes);
      if (r) {
        ++opened;
        exercise(*r);
        const auto v = r->verify();
        ASSERT_FALSE(v.ok()) << c.name << ": flip of bit " << bit << " passed verify";
        count(std::string("flip:opened,verify:") + errc_name(v.error().code));
      } else {
        EXPECT_NE(r.error().code, Errc::internal) << r.error().message;
        count(std::string("flip:open:") + errc_name(r.error().code));
      }
      bytes[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));  // restore
    }
    ASSERT_EQ(bytes, c.bytes);
  }
  std::printf("[ hostile ] %d bit flips over real caches, %d opened, all failed open or verify\n",
              total, opened);
}

// Directory entries with offsets and sizes chosen to overflow: the header checksum is recomputed,
// so only the range checks stand between them and a wild read.
TEST(HostileReader, DirectoryOffsetsThatOverflow) {
  constexpr std::uint64_t kMax = ~std::uint64_t{0};
  const auto& base = real_caches().front().bytes;
  const std::uint64_t size = base.size();
  struct Case {
    const char* what;
    std::uint64_t offset, size;
    Errc code;
  };
  const format::SectionEntry first = format::load_section_entry(base.data() + entry_at(base, 0));
  const format::SectionEntry last = format::load_section_entry(base.data() + entry_at(base, 7));
  const Case cases[] = {
      {"offset 2^64-8", kMax - 7, 8, Errc::truncated},
      {"size 2^64-8", first.offset, kMax - 7, Errc::truncated},
      {"offset and size 2^64-8", kMax - 7, kMax - 7, Errc::truncated},
      {"offset + size wraps to 0", 8, kMax - 7, Errc::truncated},
      {"offset + size wraps past 2^64", 16, kMax, Errc::truncated},
      {"offset 2^63", std::uint64_t{1} << 63, 8, Errc::truncated},
      {"offset 2^32", std::uint64_t{1} << 32, 8, Errc::truncated},
      {"size 2^32 + its real size", first.offset, (std::uint64_t{1} << 32) + first.size,
       Errc::truncated},
      {"offset = file size, size 8", size, 8, Errc::truncated},
      {"offset past the end", size + 8, 0, Errc::truncated},
      {"offset 0 (over the header)", 0, first.size, Errc::corrupt},
      {"offset inside the directory", 128, first.size, Errc::corrupt},
      {"unaligned offset", first.offset + 4, first.size, Errc::corrupt},
  };
  for (const Case& k : cases) {
    for (std::uint32_t entry : {0u, 3u, 7u}) {
      auto bytes = base;
      const std::size_t at = entry_at(bytes, entry);
      put_u64(bytes, at + 8, k.offset);
      put_u64(bytes, at + 16, k.size);
      fix_header_checksum(bytes);
      auto r = Cache::from_bytes(bytes);
      ASSERT_FALSE(r) << k.what << " in entry " << entry << " opened";
      count(std::string("directory:") + errc_name(r.error().code));
      EXPECT_EQ(r.error().code, k.code)
          << k.what << " entry " << entry << ": " << r.error().message;
    }
  }
  // Overlapping sections: entry 3 starts inside entry 2; entry 7 over entry 6.
  for (std::uint32_t entry : {1u, 3u, 7u}) {
    auto bytes = base;
    const format::SectionEntry prev =
        format::load_section_entry(bytes.data() + entry_at(bytes, entry - 1));
    if (prev.size < 8) continue;
    put_u64(bytes, entry_at(bytes, entry) + 8, prev.offset);
    fix_header_checksum(bytes);
    auto r = Cache::from_bytes(bytes);
    ASSERT_FALSE(r);
    count(std::string("overlap:") + errc_name(r.error().code));
    EXPECT_EQ(r.error().code, Errc::corrupt) << r.error().message;
    EXPECT_NE(r.error().message.find("overlaps"), std::string::npos) << r.error().message;
  }
  // Header counts that overflow: section_count 2^32-1 (32 * count wraps 32 bits), file_size
  // 2^64-8, header_size 2^32-1.
  {
    auto bytes = base;
    put_u32(bytes, kSectionCountAt, 0xFFFFFFFFu);
    auto r = Cache::from_bytes(bytes);  // the checksum cannot be fixed over a 128 GiB directory
    ASSERT_FALSE(r);
    count(std::string("header:") + errc_name(r.error().code));
    EXPECT_EQ(r.error().code, Errc::truncated) << r.error().message;
  }
  {
    auto bytes = base;
    put_u64(bytes, kFileSizeAt, kMax - 7);
    fix_header_checksum(bytes);
    auto r = Cache::from_bytes(bytes);
    ASSERT_FALSE(r);
    count(std::string("header:") + errc_name(r.error().code));
    EXPECT_EQ(r.error().code, Errc::truncated) << r.error().message;
  }
  {
    auto bytes = base;
    put_u32(bytes, kHeaderSizeAt, 0xFFFFFFF8u);
    auto r = Cache::from_bytes(bytes);
    ASSERT_FALSE(r);
    count(std::string("header:") + errc_name(r.error().code));
    EXPECT_EQ(r.error().code, Errc::truncated) << r.error().message;
  }
  (void)last;
}

// Source records and token blocks with values that overflow 32/64-bit arithmetic, section
// checksums recomputed: open succeeds (it does not read sections), every read is well-defined
// and verify() says corrupt.
TEST(HostileReader, RecordFieldsThatOverflow) {
  constexpr std::uint64_t kMax = ~std::uint64_t{0};
  int cases = 0;
  for (const auto& c : real_caches()) {
    const Layout base = Layout::parse(c.bytes);
    const auto check = [&](Layout l, const std::string& what, bool must_fail = true) {
      const auto bytes = l.serialize();
      auto r = Cache::from_bytes(bytes);
      ++cases;
      if (!r) {
        count(std::string("record:open:") + errc_name(r.error().code));
        EXPECT_NE(r.error().code, Errc::internal) << what;
        return;
      }
      exercise(*r);
      const auto v = r->verify();
      if (!must_fail && v.ok()) {
        // A token block's base changed with checksums recomputed can be a different valid
        // file (larger columns on a line of their own, say): reads stay well-defined.
        count("record:verify:ok");
        return;
      }
      ASSERT_FALSE(v.ok()) << c.name << ": " << what << " passed verify";
      count(std::string("record:verify:") + errc_name(v.error().code));
      EXPECT_EQ(v.error().code, Errc::corrupt) << what << ": " << v.error().message;
    };
    const auto& sources = base.sections[2].bytes;  // id 3
    ASSERT_EQ(base.sections[2].id, 3u);
    const std::size_t records = sources.size() / 32;
    for (std::size_t s = 0; s < records && s < 4; ++s) {
      for (std::uint64_t off : {kMax - 7, kMax, std::uint64_t{1} << 63, std::uint64_t{1} << 32,
                                std::uint64_t{0xFFFFFFFF}}) {
        Layout l = base;
        put_u64(l.section(3).bytes, 32 * s + 8, off);
        check(l, str("source ", s, " content_offset ", off));
      }
      for (std::uint32_t field : {16u, 20u, 24u}) {  // content_size, line_start_index, line_count
        for (std::uint32_t v : {0xFFFFFFFFu, 0xFFFFFFF8u, 0x80000000u}) {
          Layout l = base;
          put_u32(l.section(3).bytes, 32 * s + field, v);
          check(l, str("source ", s, " field at ", field, " = ", v));
        }
      }
    }
    // Token blocks: data_offset and bases near 2^32, widths past 32.
    const std::size_t blocks = base.sections[6].bytes.size() / 32;
    for (std::size_t b : {std::size_t{0}, blocks / 2, blocks - 1}) {
      for (std::uint32_t v : {0xFFFFFFF8u, 0xFFFFFFFFu, 0x80000000u}) {
        for (std::uint32_t field : {0u, 4u, 8u, 20u}) {
          Layout l = base;
          put_u32(l.section(7).bytes, 32 * b + field, v);
          check(l, str("block ", b, " u32 at ", field, " = ", v), field == 0);
        }
      }
      for (std::uint8_t w : {33, 64, 255}) {
        Layout l = base;
        l.section(7).bytes[32 * b + 24] = w;
        check(l, str("block ", b, " width ", int(w)));
      }
    }
    // Line index entries at 2^32-1.
    const std::size_t lines = base.sections[5].bytes.size() / 4;
    for (std::size_t i : {std::size_t{0}, std::size_t{1}, lines / 2, lines - 1}) {
      Layout l = base;
      put_u32(l.section(6).bytes, 4 * i, 0xFFFFFFFFu);
      check(l, str("line_index[", i, "] = 2^32-1"));
    }
  }
  std::printf("[ hostile ] %d overflowing record values over real caches\n", cases);
}

TEST(HostileReader, WrongMagicVersionAndByteOrder) {
  const auto& base = real_caches().front().bytes;
  const auto code_of = [&](auto patch, bool fix) {
    auto bytes = base;
    patch(bytes);
    // The checksum can be recomputed only over a directory that fits.
    if (fix && get_u32(bytes, kHeaderSizeAt) == 128 &&
        128 + 32ull * get_u32(bytes, kSectionCountAt) <= bytes.size()) {
      fix_header_checksum(bytes);
    }
    auto r = Cache::from_bytes(bytes);
    const Errc code = r ? Errc::ok : r.error().code;
    count(std::string("header:") + errc_name(code));
    return code;
  };
  for (bool fix : {false, true}) {
    for (std::size_t i = 0; i < 8; ++i) {
      EXPECT_EQ(code_of([&](auto& b) { b[i] ^= 0x20; }, fix), Errc::not_a_cache) << i;
    }
    // A text-mode copy (CR LF -> LF) shifts everything: not a cache.
    EXPECT_EQ(code_of(
                  [](auto& b) {
                    b.erase(b.begin() + 4);
                    b.push_back(0);
                  },
                  fix),
              Errc::not_a_cache);
    for (std::uint16_t major : {0, 2, 0xFFFF}) {
      EXPECT_EQ(
          code_of([&](auto& b) { format::store_le<std::uint16_t>(b.data() + 8, major); }, fix),
          Errc::unsupported_version)
          << major;
    }
    // A big-endian writer: the byte order mark reads 0x0D0C0B0A.
    EXPECT_EQ(code_of([](auto& b) { put_u32(b, 12, 0x0D0C0B0Au); }, fix), Errc::corrupt);
    // Every header field byte-swapped, as a big-endian writer would produce: the BOM is the
    // first field checked after magic and version, so it is what is reported... unless the
    // swapped major is no longer 1.
    EXPECT_EQ(code_of(
                  [](auto& b) {
                    for (std::size_t at = 12; at < 104; at += 4) {
                      put_u32(b, at, __builtin_bswap32(get_u32(b, at)));
                    }
                  },
                  fix),
              Errc::corrupt);
    EXPECT_EQ(code_of([](auto& b) { format::store_le<std::uint16_t>(b.data() + 8, 0x0100); }, fix),
              Errc::unsupported_version);
    EXPECT_EQ(code_of([](auto& b) { put_u32(b, kRequiredAt, 0x80000000u); }, fix),
              fix ? Errc::unsupported_feature : Errc::unsupported_feature);
  }
  // A future minor is read (additive changes only).
  EXPECT_EQ(code_of([](auto& b) { format::store_le<std::uint16_t>(b.data() + 10, 7); }, true),
            Errc::ok);
}

}  // namespace
}  // namespace smcache::test
