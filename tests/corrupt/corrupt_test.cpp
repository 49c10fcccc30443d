// Damaged caches never crash the reader: every truncation fails to open, and seeded random bit
// flips and overwrites either fail to open or leave every read well-defined (run this suite
// under SMCACHE_SANITIZE=address,undefined to make "well-defined" checked, not assumed).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "support.hpp"

namespace smcache::test {
namespace {

// A small cache that uses every section: content with several terminators, names, a null
// source, 1-field segments, empty lines, and (with block < 8) several blocks.
SourceMapModel corrupt_model() {
  ModelBuilder b;
  b.file("bundle.js").debug_id("0123");
  b.source("src/a.ts",
           "let a = 1;\r\nfoo(a);\n\xE2\x80\xA8"
           "end")
      .source("src/b.ts", std::nullopt, true)
      .source(std::nullopt, "");
  b.name("foo").name("a").name("bar");
  b.line({seg(0, 0, 0, 4, 1), seg(4), seg(8, 0, 1, 0, 0), seg(8, 1, 7, 7), seg(13, 2, 0, 0)});
  b.empty_lines(2);
  b.line({seg(1, 0, 2, 3, 2), seg(5, 1, 0, 0), seg(5)});
  b.line({seg(0, 0, 0, 0)});
  return b.model();
}

std::vector<std::vector<std::uint8_t>> corrupt_bases() {
  std::vector<std::vector<std::uint8_t>> bases;
  for (std::uint32_t block : {1u, 2u, 64u}) bases.push_back(build(corrupt_model(), block));
  return bases;
}

TEST(Corrupt, EveryTruncationFailsToOpen) {
  for (const auto& base : corrupt_bases()) {
    ASSERT_EQ(open_code(base), Errc::ok);
    for (std::size_t n = 0; n < base.size(); ++n) {
      // An exact-size copy, so that a read past its end is a heap overflow a sanitizer sees.
      const std::vector<std::uint8_t> cut(base.begin(),
                                          base.begin() + static_cast<std::ptrdiff_t>(n));
      auto r = Cache::from_bytes(cut);
      ASSERT_FALSE(r) << "prefix of " << n << " bytes opened";
      EXPECT_EQ(r.error().code, Errc::truncated) << n << ": " << r.error().message;
    }
  }
}

TEST(Corrupt, EveryTruncatedFileFailsToOpen) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / str("smcache-corrupt-", ::getpid());
  fs::create_directories(dir);
  const fs::path p = dir / "cut.smc";
  const auto base = build(corrupt_model(), 2);
  for (std::size_t n = 0; n < base.size(); n += 3) {
    {
      std::ofstream out(p, std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(base.data()), static_cast<std::streamsize>(n));
    }
    auto r = Cache::open(p);
    ASSERT_FALSE(r) << n;
    EXPECT_EQ(r.error().code, Errc::truncated) << n << ": " << r.error().message;
  }
  fs::remove_all(dir);
}

// Sections' data ranges of a valid cache: the bytes a section checksum covers.
bool in_section_data(const std::vector<std::uint8_t>& base, std::uint64_t byte) {
  const Cache cache = open_bytes(base);
  for (const SectionView& s : cache.sections()) {
    if (byte >= s.offset && byte < s.offset + s.size) return true;
  }
  return false;
}

TEST(Corrupt, RandomBitFlipsFailOpenOrVerify) {
  const auto bases = corrupt_bases();
  std::mt19937_64 rng(20240601);
  int opened = 0, in_sections = 0;
  constexpr int kFlips = 3000;
  for (int k = 0; k < kFlips; ++k) {
    const auto& base = bases[k % bases.size()];
    auto bytes = base;
    const std::uint64_t bit = rng() % (bytes.size() * 8);
    bytes[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    auto r = Cache::from_bytes(bytes);
    if (!r) continue;
    ++opened;
    const Cache& cache = *r;
    exercise(cache);
    // Header and directory are covered by the header checksum (checked on open), section data
    // by the section checksums, gaps by the zero check: verify() sees every flip.
    const auto v = cache.verify();
    ASSERT_FALSE(v.ok()) << "flip of bit " << bit << " passed verify";
    if (in_section_data(base, bit / 8)) {
      ++in_sections;
      EXPECT_EQ(v.error().code, Errc::checksum_mismatch) << v.error().message;
    }
  }
  std::printf("[ corrupt ] %d of %d flips opened, %d in section data; all failed verify\n", opened,
              kFlips, in_sections);
  EXPECT_GT(in_sections, kFlips / 4) << "about half of these small files is section data";
}

// Damage that the checksums do not catch: the checksums are recomputed after each change, so
// open() and the at-use checks see values no writer produced.
void damage_and_read(std::uint64_t seed, bool header_only, bool overwrite_word) {
  const auto bases = corrupt_bases();
  std::mt19937_64 rng(seed);
  int opened = 0, verified = 0;
  constexpr int kRounds = 2000;
  for (int k = 0; k < kRounds; ++k) {
    const auto& base = bases[k % bases.size()];
    Layout l = Layout::parse(base);
    std::vector<std::uint8_t>* target = &l.header;
    std::vector<std::uint8_t> bytes;
    if (header_only) {
      // Header and directory: patch the serialized file, then fix only the header checksum.
      bytes = base;
      const std::uint64_t end = 128 + 32 * 8;
      const std::uint64_t at = rng() % end;
      if (at >= 40 && at < 48) continue;  // the checksum itself: always caught
      if (overwrite_word) {
        const std::uint64_t word = (at / 4) * 4;
        const std::uint32_t values[] = {
            0, 1, 7, 8, 0x7FFFFFFFu, 0xFFFFFFFFu, static_cast<std::uint32_t>(rng())};
        put_u32(bytes, word, values[rng() % 7]);
      } else {
        bytes[at] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
      }
      if (128 + 32ull * get_u32(bytes, kSectionCountAt) <= bytes.size() &&
          get_u32(bytes, kHeaderSizeAt) == 128) {
        fix_header_checksum(bytes);
      }
    } else {
      // One section's bytes, then re-laid out with fresh checksums.
      auto& s = l.sections[rng() % l.sections.size()];
      if (s.bytes.empty()) continue;
      target = &s.bytes;
      const std::uint64_t at = rng() % target->size();
      if (overwrite_word && target->size() >= 4) {
        const std::uint64_t word = std::min<std::uint64_t>(at, target->size() - 4);
        const std::uint32_t values[] = {
            0,      1,           2,           3,           0x80,
            0xFFFF, 0x7FFFFFFFu, 0xFFFFFFFEu, 0xFFFFFFFFu, static_cast<std::uint32_t>(rng())};
        put_u32(*target, word, values[rng() % 10]);
      } else {
        (*target)[at] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
      }
      bytes = l.serialize();
    }
    auto r = Cache::from_bytes(bytes);
    if (!r) {
      EXPECT_NE(r.error().code, Errc::internal) << r.error().message;
      continue;
    }
    ++opened;
    exercise(*r);
    const auto v = r->verify();
    if (v.ok()) {
      ++verified;
    } else if (header_only) {
      // A changed directory checksum field is a mismatch; any other change is corrupt.
      EXPECT_TRUE(v.error().code == Errc::corrupt || v.error().code == Errc::checksum_mismatch)
          << v.error().message;
    } else {
      EXPECT_EQ(v.error().code, Errc::corrupt) << v.error().message;
    }
  }
  std::printf("[ corrupt ] seed %llu: %d of %d damaged files opened, %d still verify\n",
              static_cast<unsigned long long>(seed), opened, kRounds, verified);
}

TEST(Corrupt, HeaderBitFlipsWithFixedChecksum) {
  damage_and_read(1, true, false);
}
TEST(Corrupt, HeaderWordsWithFixedChecksum) {
  damage_and_read(2, true, true);
}
TEST(Corrupt, SectionBitFlipsWithFixedChecksums) {
  damage_and_read(3, false, false);
}
TEST(Corrupt, SectionWordsWithFixedChecksums) {
  damage_and_read(4, false, true);
}

TEST(Corrupt, RandomBytesAfterAValidHeader) {
  // A valid header and directory over random section bytes of the right sizes.
  const auto base = build(corrupt_model(), 2);
  std::mt19937_64 rng(5);
  for (int k = 0; k < 300; ++k) {
    Layout l = Layout::parse(base);
    for (auto& s : l.sections) {
      for (auto& byte : s.bytes) byte = static_cast<std::uint8_t>(rng());
    }
    const auto bytes = l.serialize();
    auto r = Cache::from_bytes(bytes);
    ASSERT_TRUE(r) << r.error().message;  // sizes unchanged: open is satisfied
    exercise(*r);
    EXPECT_FALSE(r->verify().ok());
  }
}

}  // namespace
}  // namespace smcache::test
