// Cache::verify() (cache_impl.hpp): every checksum and every cross-reference rule (R-STR-1,
// R-SRC-*, R-LIN-1, R-TOK-*), each broken once in a file whose checksums are recomputed, plus
// what the at-use checks answer for that file.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "support.hpp"

namespace smcache::test {
namespace {

// Four tokens, block size 1: every block holds one token with all widths 0, so each field's
// value is its block's base[f], and a test sets a token's fields by patching base[f].
//   line 0: (0 -> a.js 0:0 "n0"), (3 -> b.js 5:5), (7, no source)
//   line 1: empty
//   line 2: (1 -> <null> 0:1 "n1")
SourceMapModel verify_model() {
  ModelBuilder b;
  b.source("a.js", "x\ny\n").source("b.js").source(std::nullopt, "z");
  b.name("n0").name("n1");
  b.line({seg(0, 0, 0, 0, 0), seg(3, 1, 5, 5), seg(7)});
  b.empty_lines(1);
  b.line({seg(1, 2, 0, 1, 1)});
  return b.model();
}

// Byte offsets inside records.
constexpr std::size_t kRecordName = 0, kRecordFlags = 4, kRecordContentOffset = 8,
                      kRecordContentSize = 16, kRecordLineStart = 20, kRecordLineCount = 24,
                      kRecordReserved = 28;
std::size_t block_base(std::uint32_t b, std::uint32_t f) {
  return 32 * b + 4 + 4 * f;
}
std::size_t block_width(std::uint32_t b, std::uint32_t f) {
  return 32 * b + 24 + f;
}

TEST(Verify, AcceptsWellFormedCaches) {
  for (std::uint32_t block : {1u, 2u, 8u, 64u, 4096u}) {
    const auto bytes = build(verify_model(), block);
    const Cache cache = open_bytes(bytes);
    const auto r = cache.verify();
    EXPECT_TRUE(r.ok()) << block << ": " << r.error().message;
  }
  const auto empty = build(SourceMapModel{});
  EXPECT_TRUE(open_bytes(empty).verify().ok());
}

TEST(Verify, ReportsEachSectionChecksum) {
  const auto base = build(verify_model(), 1);
  const Cache pristine = open_bytes(base);
  for (const SectionView& s : pristine.sections()) {
    if (s.size == 0) continue;
    auto bytes = base;
    bytes[s.offset + s.size / 2] ^= 0x10;
    const Cache cache = open_bytes(bytes);  // open checks no section data
    const auto r = cache.verify();
    ASSERT_FALSE(r.ok()) << s.name;
    EXPECT_EQ(r.error().code, Errc::checksum_mismatch) << s.name;
    EXPECT_EQ(
        r.error().message.rfind(
            detail::section_label(s.id, s.offset, s.size) + ": checksum mismatch (stored 0x", 0),
        0u)
        << r.error().message;
    exercise(cache);
  }
}

TEST(Verify, ReportsNonZeroGapBytes) {
  const auto base = build(verify_model(), 1);
  const Cache pristine = open_bytes(base);
  // The string data ("a.js" "b.js" "n0" "n1" = 12 bytes) is followed by 4 bytes of gap.
  const SectionView& strings = pristine.sections()[1];
  ASSERT_NE(strings.size % 8, 0u);
  auto bytes = base;
  bytes[strings.offset + strings.size] = 0x20;
  const Cache cache = open_bytes(bytes);
  const auto r = cache.verify();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::corrupt);
  EXPECT_EQ(r.error().message,
            str("byte ", strings.offset + strings.size, " between sections is 32, must be 0"));
}

struct Crafted {
  const char* rule;
  std::function<void(Layout&)> patch;
  std::string message;                       // expected substring of verify()'s message
  std::function<void(const Cache&)> at_use;  // what reads answer for this file (may be null)
};

void expect_verify_fails(const std::vector<std::uint8_t>& base, const Crafted& c) {
  SCOPED_TRACE(c.rule);
  Layout l = Layout::parse(base);
  c.patch(l);
  const auto bytes = l.serialize();
  auto opened = Cache::from_bytes(bytes);
  ASSERT_TRUE(opened) << "open is O(sections) and must not see this: " << opened.error().message;
  const Cache& cache = *opened;
  const auto r = cache.verify();
  ASSERT_FALSE(r.ok()) << "verify passed";
  EXPECT_EQ(r.error().code, Errc::corrupt) << r.error().message;
  EXPECT_NE(r.error().message.find(c.message), std::string::npos)
      << "message '" << r.error().message << "' lacks '" << c.message << "'";
  if (c.at_use) c.at_use(cache);
  exercise(cache);
}

std::vector<std::uint8_t>& sec(Layout& l, std::uint32_t id) {
  return l.section(id).bytes;
}

TEST(Verify, StringOffsets) {
  const auto base = build(verify_model(), 1);
  // Strings: 0 "a.js", 1 "b.js", 2 "n0", 3 "n1"; offsets 0, 4, 8, 10, 12 (1 byte each).
  const Crafted cases[] = {
      {"R-STR-1 first offset", [](Layout& l) { sec(l, 1)[0] = 1; },
       "string_offsets[0] is 1, must be 0", nullptr},
      {"R-STR-1 decreasing", [](Layout& l) { sec(l, 1)[1] = 200; },
       "string_offsets[2] is 8, less than the previous 200",
       [](const Cache& c) {
         // Strings 0 ("a.js") and 1 ("b.js") now end or start past string_data: their
         // readers give no answer; the others are unaffected.
         EXPECT_FALSE(c.lookup(0, 0));
         EXPECT_FALSE(c.token(0));
         EXPECT_FALSE(c.source(0));
         EXPECT_FALSE(c.lookup(0, 3));
         EXPECT_EQ(c.lookup(2, 1)->name, "n1");
       }},
      {"R-STR-1 end", [](Layout& l) { sec(l, 1).back() -= 1; },
       "(the end) is 11, string_data has 12", nullptr},
  };
  for (const Crafted& c : cases) expect_verify_fails(base, c);
}

TEST(Verify, SourceRecords) {
  const auto base = build(verify_model(), 1);
  const std::uint32_t strings = get_u32(base, kStringCountAt);
  const Crafted cases[] = {
      {"R-SRC-1 name index", [strings](Layout& l) { put_u32(sec(l, 3), kRecordName, strings); },
       "sources[0]: name_string_index 4 out of range (4 strings)",
       [](const Cache& c) {
         EXPECT_FALSE(c.source(0));
         EXPECT_FALSE(c.lookup(0, 0));
         EXPECT_TRUE(c.source_line(0, 0)) << "content does not depend on the name";
       }},
      {"R-SRC-1 unknown flag", [](Layout& l) { put_u32(sec(l, 3), kRecordFlags, 2 | 8); },
       "sources[0]: unknown flags 0xa", nullptr},
      {"R-SRC-1 reserved", [](Layout& l) { put_u32(sec(l, 3), kRecordReserved, 1); },
       "sources[0]: reserved is 1, must be 0", nullptr},
      {"R-SRC-1 fields without content",
       [](Layout& l) { put_u32(sec(l, 3), 32 + kRecordContentSize, 1); },
       "sources[1]: no content but content_offset 0, content_size 1",
       [](const Cache& c) { EXPECT_FALSE(c.source(1)->content); }},
      {"R-SRC-1 content past its section",
       [](Layout& l) { put_u32(sec(l, 3), kRecordContentSize, 1000); },
       "sources[0]: content [offset 0, size 1000] ends past source_content (5 bytes)",
       [](const Cache& c) {
         EXPECT_FALSE(c.source(0));
         EXPECT_FALSE(c.source_line(0, 0));
       }},
      {"R-SRC-1 content offset wraps",
       [](Layout& l) { put_u64(sec(l, 3), kRecordContentOffset, ~std::uint64_t{0}); },
       "ends past source_content", [](const Cache& c) { EXPECT_FALSE(c.source_line(0, 0)); }},
      {"R-SRC-1 content without lines", [](Layout& l) { put_u32(sec(l, 3), kRecordLineCount, 0); },
       "sources[0]: has content but line_count 0",
       [](const Cache& c) { EXPECT_FALSE(c.source_line(0, 0)); }},
      {"R-SRC-1 line starts past their section",
       [](Layout& l) { put_u32(sec(l, 3), kRecordLineStart, 0xFFFFFFFEu); },
       "sources[0]: line starts [4294967294, +3) past source_line_starts (4 entries)",
       [](const Cache& c) {
         EXPECT_FALSE(c.source_line(0, 0));
         EXPECT_EQ(c.source_line(2, 0), "z") << "another source is unaffected";
       }},
      {"R-SRC-1 too many lines",
       [](Layout& l) { put_u32(sec(l, 3), kRecordLineCount, 0xFFFFFFFFu); },
       "past source_line_starts", [](const Cache& c) { EXPECT_FALSE(c.source_line(0, 5)); }},
  };
  for (const Crafted& c : cases) expect_verify_fails(base, c);
}

TEST(Verify, SourceLineStarts) {
  const auto base = build(verify_model(), 1);
  // source_line_starts: a.js "x\ny\n" -> 0, 2, 4; <null> "z" -> 0.
  const Crafted cases[] = {
      {"R-SRC-2 first not 0", [](Layout& l) { put_u32(sec(l, 4), 0, 1); },
       "sources[0]: line 0 starts at 1, content has it at 0", nullptr},
      {"R-SRC-2 past the content", [](Layout& l) { put_u32(sec(l, 4), 8, 100); },
       "sources[0]: line 2 starts at 100, content has it at 4",
       [](const Cache& c) {
         EXPECT_FALSE(c.source_line(0, 1));
         EXPECT_FALSE(c.source_line(0, 2));
         EXPECT_EQ(c.source_line(0, 0), "x");
       }},
      {"R-SRC-2 decreasing", [](Layout& l) { put_u32(sec(l, 4), 4, 0); },
       "sources[0]: line 1 starts at 0, content has it at 2",
       [](const Cache& c) {
         EXPECT_EQ(c.source_line(0, 0), "") << "[0, 0): an empty line";
         EXPECT_EQ(c.source_line(0, 1), "x\ny") << "[0, 4) minus its terminator";
       }},
      {"R-SRC-2 not at a terminator", [](Layout& l) { put_u32(sec(l, 4), 4, 1); },
       "sources[0]: line 1 starts at 1, content has it at 2", nullptr},
      {"R-SRC-2 line count short", [](Layout& l) { put_u32(sec(l, 3), kRecordLineCount, 2); },
       "sources[0]: line_count 2, content has more lines", nullptr},
  };
  for (const Crafted& c : cases) expect_verify_fails(base, c);
}

TEST(Verify, LineIndex) {
  const auto base = build(verify_model(), 1);
  // line_index: 0, 3, 3, 4.
  const Crafted cases[] = {
      {"R-LIN-1 first not 0", [](Layout& l) { put_u32(sec(l, 6), 0, 1); },
       "line_index[0] is 1, must be 0",
       [](const Cache& c) { EXPECT_FALSE(c.lookup(0, 0)) << "line 0 now starts at token 1"; }},
      {"R-LIN-1 decreasing", [](Layout& l) { put_u32(sec(l, 6), 4, 4); },
       "line_index[2] is 3, less than line_index[1] 4",
       [](const Cache& c) {
         EXPECT_FALSE(c.lookup(1, 0)) << "line 1: [4, 3) is no range";
         EXPECT_TRUE(c.lookup(0, 8));
       }},
      {"R-LIN-1 end", [](Layout& l) { put_u32(sec(l, 6), 12, 3); },
       "line_index[3] (the end) is 3, token_count is 4", nullptr},
      {"R-LIN-1 past token_count", [](Layout& l) { put_u32(sec(l, 6), 4, 0xFFFFFFFFu); },
       "less than line_index[1]",
       [](const Cache& c) {
         EXPECT_FALSE(c.lookup(0, 0)) << "line 0 ends past the tokens";
         EXPECT_FALSE(c.lookup(1, 0));
       }},
      {"R-LIN-1 trailing empty line", [](Layout& l) { put_u32(sec(l, 6), 8, 4); },
       "generated line 2 is the last but has no token", nullptr},
  };
  for (const Crafted& c : cases) expect_verify_fails(base, c);
}

TEST(Verify, TokenBlocksAndData) {
  const auto base = build(verify_model(), 1);
  const Crafted cases[] = {
      {"R-TOK-1 width", [](Layout& l) { sec(l, 7)[block_width(0, 0)] = 33; },
       "token block 0: field 0 width 33 exceeds 32",
       [](const Cache& c) {
         EXPECT_FALSE(c.lookup(0, 0));
         EXPECT_FALSE(c.token(0));
         int n = 0;
         c.for_each_token([&](const Token&) { ++n; });
         EXPECT_EQ(n, 0) << "iteration stops at the unreadable block";
       }},
      {"R-TOK-1 data past token_data", [](Layout& l) { sec(l, 7)[block_width(3, 4)] = 32; },
       "token block 3: data [offset 0, size 4] ends past token_data (0 bytes before the padding)",
       [](const Cache& c) {
         EXPECT_FALSE(c.lookup(2, 1));
         EXPECT_FALSE(c.token(3));
         EXPECT_TRUE(c.lookup(0, 0));
       }},
      {"R-TOK-2 columns", [](Layout& l) { put_u32(sec(l, 7), block_base(1, 0), 10); },
       "token 2 (generated line 0, block 2): column 7 before the previous 10", nullptr},
      {"R-TOK-3 source", [](Layout& l) { put_u32(sec(l, 7), block_base(1, 1), 99); },
       "token 1 (generated line 0, block 1): source index 98 out of range (3 sources)",
       [](const Cache& c) {
         EXPECT_FALSE(c.lookup(0, 3));
         EXPECT_FALSE(c.token(1));
       }},
      {"R-TOK-3 name", [](Layout& l) { put_u32(sec(l, 7), block_base(0, 4), 5); },
       "token 0 (generated line 0, block 0): name string index 4 out of range (4 strings)",
       [](const Cache& c) { EXPECT_FALSE(c.lookup(0, 0)); }},
      {"R-TOK-4 original line without source",
       [](Layout& l) { put_u32(sec(l, 7), block_base(2, 2), 5); },
       "token 2 (generated line 0, block 2): no source but original line 5, column 0", nullptr},
      {"R-TOK-5 padding", [](Layout& l) { sec(l, 8)[3] = 1; }, "section 'token_data' [offset",
       nullptr},
      {"R-TOK-5 data after the blocks", [](Layout& l) { sec(l, 8).resize(16); },
       "blocks end at 0, expected 8 (size minus padding)", nullptr},
      {"R-TOK-6 reserved", [](Layout& l) { sec(l, 7)[32 + 30] = 1; },
       "token block 1: reserved bytes not 0", nullptr},
      {"R-TOK-6 data_offset", [](Layout& l) { put_u32(sec(l, 7), 64, 1); },
       "token block 2: data_offset 1, the previous block ends at 0",
       [](const Cache& c) { EXPECT_FALSE(c.lookup(0, 7, Bias::least_upper_bound)); }},
  };
  for (const Crafted& c : cases) expect_verify_fails(base, c);
}

TEST(Verify, FieldValueBeyond32Bits) {
  // Two tokens in one block: columns 0 and 1, so field 0 has width 1. A base of 2^32-1 makes
  // token 1's column 2^32, which no u32 holds.
  ModelBuilder b;
  b.source("a.js");
  b.line({seg(0, 0, 0, 0), seg(1, 0, 0, 0)});
  const auto base = build(b.model(), 2);
  expect_verify_fails(
      base, {"field overflow", [](Layout& l) { put_u32(sec(l, 7), block_base(0, 0), 0xFFFFFFFFu); },
             "token 1 (generated line 0, block 0): field 0 base + bits 4294967296 "
             "exceeds 32 bits",
             nullptr});
}

TEST(Verify, BitPackedBlocksAcrossSizes) {
  // Larger blocks hold real bit-packed data; break one value in the middle of a block.
  ModelBuilder b;
  b.source("a.js").source("b.js").name("x");
  std::vector<RawToken> line;
  for (std::uint32_t i = 0; i < 300; ++i)
    line.push_back(seg(5 * i, i % 2, i, 2 * i, i % 3 ? kNo : 0));
  b.line(line).line(line);
  for (std::uint32_t block : {2u, 16u, 64u, 256u}) {
    const auto bytes = build(b.model(), block);
    {
      const Cache cache = open_bytes(bytes);
      ASSERT_TRUE(cache.verify().ok());
    }
    // The source field of block 0 gets base 2: tokens with bits 1 now name source 3 (of 2).
    expect_verify_fails(bytes, {"R-TOK-3 in a packed block",
                                [](Layout& l) { put_u32(sec(l, 7), block_base(0, 1), 2); },
                                "source index 2 out of range (2 sources)", nullptr});
  }
}

}  // namespace
}  // namespace smcache::test
