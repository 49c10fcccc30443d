// Tests of converter/src/vlq.cpp: single VLQ values at every edge, and decode_mappings (segments,
// lines, deltas, sorting, errors naming line and segment, limits).
#include "vlq.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace smcache::detail {
namespace {

struct Decoded {
  VlqStatus status;
  std::int64_t value = 0;
  std::size_t consumed = 0;  // bytes before `p` after the call
};

Decoded decode_one(std::string_view s) {
  const char* p = s.data();
  std::int64_t v = 0x7777;
  const VlqStatus st = decode_vlq(p, s.data() + s.size(), v);
  return {st, st == VlqStatus::ok ? v : 0, static_cast<std::size_t>(p - s.data())};
}

std::string encode(std::int64_t v) {
  std::string s;
  append_vlq(s, v);
  return s;
}

TEST(Vlq, DecodesValidValues) {
  struct Row {
    const char* in;
    std::int64_t value;
    std::size_t consumed;
  };
  const Row rows[] = {
      {"A", 0, 1},                    // zero
      {"C", 1, 1},                    // +1
      {"D", -1, 1},                   // -1
      {"B", 0, 1},                    // "-0" is zero
      {"e", 15, 1},                   // largest one-digit value
      {"f", -15, 1},                  // smallest one-digit value
      {"gB", 16, 2},                  // smallest two-digit value
      {"+/////D", 2147483647, 7},     // 2^31-1: conformance validMappingFieldsWith32BitMaxValues
      {"//////D", -2147483647, 7},    // -(2^31-1)
      {"hgggggE", -2147483648LL, 7},  // -2^31 fits int32: accepted (documented in vlq.hpp)
      {"gggggggggggggA", 0, 14},      // long zero continuation (validMappingLargeVLQ)
      {"igggggggggggggggA", 1, 17},   // ditto, with a value
  };
  for (const Row& r : rows) {
    const Decoded d = decode_one(r.in);
    EXPECT_EQ(d.status, VlqStatus::ok) << r.in;
    EXPECT_EQ(d.value, r.value) << r.in;
    EXPECT_EQ(d.consumed, r.consumed) << r.in;
  }
}

TEST(Vlq, StopsAfterOneValue) {
  const Decoded d = decode_one("CAAA");
  EXPECT_EQ(d.status, VlqStatus::ok);
  EXPECT_EQ(d.value, 1);
  EXPECT_EQ(d.consumed, 1u);
}

TEST(Vlq, RejectsValueBeyond32Bits) {
  const char* rows[] = {
      "ggggggE",            // +2^31: conformance invalidMappingSegmentWithColumnExceeding32Bits
      "ggggggF",            // bits 30 and 32: +2^31+2^29
      "jgggggE",            // -(2^31+1)
      "ggggggI",            // bit 33
      "ggggggQ",            // bit 34
      "gggggggB",           // bit 35: a nonzero digit past the 35 bits kept
      "ggggggggggggggggB",  // far past, after a run of zero digits
      "//////////////D",    // all bits set
  };
  for (const char* r : rows) {
    EXPECT_EQ(decode_one(r).status, VlqStatus::overflow) << r;
  }
  // The overflowing value is consumed whole.
  EXPECT_EQ(decode_one("ggggggEA").consumed, 7u);
  EXPECT_EQ(decode_one("gggggggBA").consumed, 8u);
}

TEST(Vlq, RejectsBadCharacters) {
  const char* rows[] = {
      "=",     // base64 padding is not a digit (invalidVLQDueToNonBase64CharacterPadding)
      ".",     // conformance invalidVLQDueToNonBase64Character
      " ",     // whitespace
      "-",     // base64url alphabet is not accepted
      "_",     //
      "\x80",  // non-ASCII
      ",",     // a separator where a value must start
      ";",     //
  };
  for (const char* r : rows) {
    const Decoded d = decode_one(r);
    EXPECT_EQ(d.status, VlqStatus::bad_char) << r;
    EXPECT_EQ(d.consumed, 0u) << r;
  }
  const Decoded mid = decode_one("g=");
  EXPECT_EQ(mid.status, VlqStatus::bad_char);
  EXPECT_EQ(mid.consumed, 1u);  // points at '='
  EXPECT_EQ(decode_one(std::string_view("g\0A", 3)).status, VlqStatus::bad_char);
}

TEST(Vlq, RejectsTruncatedValue) {
  EXPECT_EQ(decode_one("").status, VlqStatus::truncated);
  EXPECT_EQ(decode_one("g").status, VlqStatus::truncated);  // continuation, then end
  EXPECT_EQ(decode_one("ggggg").status, VlqStatus::truncated);
  EXPECT_EQ(decode_one("g,").status, VlqStatus::truncated);  // continuation, then separator
  EXPECT_EQ(decode_one("g;").status, VlqStatus::truncated);
}

TEST(Vlq, EncodeDecodeRoundTrip) {
  std::vector<std::int64_t> values = {
      0, 1, -1, 15, 16, -16, -17, 1000, -1000, 65535, kVlqMax, kVlqMin, kVlqMax - 1, kVlqMin + 1};
  std::mt19937_64 rng(42);
  for (int i = 0; i < 10000; ++i) {
    values.push_back(static_cast<std::int64_t>(static_cast<std::int32_t>(rng())));
  }
  for (const std::int64_t v : values) {
    const std::string s = encode(v);
    const Decoded d = decode_one(s);
    ASSERT_EQ(d.status, VlqStatus::ok) << v;
    EXPECT_EQ(d.value, v) << s;
    EXPECT_EQ(d.consumed, s.size()) << s;
  }
  EXPECT_EQ(encode(0), "A");
  EXPECT_EQ(encode(kVlqMax), "+/////D");
  EXPECT_EQ(encode(kVlqMin), "hgggggE");
}

// --- decode_mappings ---

struct Decode {
  Result<Ok> result;
  std::vector<RawToken> tokens;
  std::vector<std::uint32_t> lines{0};
};

Decode decode(std::string_view mappings, std::uint32_t sources = 3, std::uint32_t names = 3,
              std::uint64_t max_tokens = 1000) {
  Decode d{Ok{}, {}, {0}};
  MappingsParams params;
  params.source_count = sources;
  params.name_count = names;
  params.max_tokens = max_tokens;
  d.result = decode_mappings(mappings, params, d.tokens, d.lines);
  return d;
}

RawToken tok(std::uint32_t col) {
  RawToken t;
  t.generated_column = col;
  return t;
}
RawToken tok(std::uint32_t col, std::uint32_t src, std::uint32_t line, std::uint32_t column,
             std::uint32_t name = RawToken::kNoIndex) {
  return RawToken{col, src, line, column, name};
}

TEST(Mappings, EmptyStringIsOneEmptyLine) {
  const Decode d = decode("");
  ASSERT_TRUE(d.result.ok()) << d.result.error().message;
  EXPECT_TRUE(d.tokens.empty());
  EXPECT_EQ(d.lines, (std::vector<std::uint32_t>{0, 0}));
}

TEST(Mappings, EmptyLinesAreKept) {
  const Decode d = decode(";;AAAA;");
  ASSERT_TRUE(d.result.ok()) << d.result.error().message;
  EXPECT_EQ(d.lines, (std::vector<std::uint32_t>{0, 0, 0, 1, 1}));
  EXPECT_EQ(d.tokens, (std::vector<RawToken>{tok(0, 0, 0, 0)}));
}

TEST(Mappings, DecodesOneFourAndFiveFieldSegments) {
  // 1 field: col 2, no source. 4 fields: col +1, src 1, line 2, col 3. 5 fields: col +1,
  // src +0, line +0, col +1, name 2.
  const Decode d = decode("E,CCEG,CAACE");
  ASSERT_TRUE(d.result.ok()) << d.result.error().message;
  EXPECT_EQ(d.tokens, (std::vector<RawToken>{tok(2), tok(3, 1, 2, 3), tok(4, 1, 2, 4, 2)}));
  EXPECT_EQ(d.lines, (std::vector<std::uint32_t>{0, 3}));
}

TEST(Mappings, GeneratedColumnResetsPerLineOtherFieldsCarry) {
  // Line 0: col 1, src 1, line 2, col 1, name 1. Line 1: col 1 (reset), then deltas continue
  // from line 0's values: src 1+1, line 2-1, col 1+0, name 1+1 (conformance mappingSemantics*).
  const Decode d = decode("CCECC;CCDAC");
  ASSERT_TRUE(d.result.ok()) << d.result.error().message;
  EXPECT_EQ(d.tokens, (std::vector<RawToken>{tok(1, 1, 2, 1, 1), tok(1, 2, 1, 1, 2)}));
  EXPECT_EQ(d.lines, (std::vector<std::uint32_t>{0, 1, 2}));
}

TEST(Mappings, LongContinuationsDecode) {
  // conformance vlqValidContinuationBitPresent1: col 15, src 0, line 0, col 1.
  const Decode d = decode("+gAgAgAigA", 1, 0);
  ASSERT_TRUE(d.result.ok()) << d.result.error().message;
  EXPECT_EQ(d.tokens, (std::vector<RawToken>{tok(15, 0, 0, 1)}));
}

TEST(Mappings, BoundaryValuesDecode) {
  // conformance validMappingFieldsWith32BitMaxValues: every field 2^31-1 (name index 0).
  const Decode d = decode("+/////DA+/////D+/////DA", 1, 1);
  ASSERT_TRUE(d.result.ok()) << d.result.error().message;
  EXPECT_EQ(d.tokens, (std::vector<RawToken>{tok(2147483647, 0, 2147483647, 2147483647, 0)}));
}

TEST(Mappings, ValuesUpTo32BitUnsignedAccumulate) {
  // Deltas of 2^31-1 twice and +1 reach 2^32-1 (u32 max), allowed; one more is rejected.
  std::string m = "+/////D,+/////D,C";
  Decode d = decode(m);
  ASSERT_TRUE(d.result.ok()) << d.result.error().message;
  EXPECT_EQ(d.tokens.back().generated_column, 4294967295u);
  d = decode(m + ",C");
  ASSERT_FALSE(d.result.ok());
  EXPECT_EQ(d.result.error().message,
            "mappings: line 0, segment 3: generated column 4294967296 is past 4294967295");
}

TEST(Mappings, UnsortedColumnsAreStableSorted) {
  // Columns 10, 5, 10, 0 on line 0 (sources 0, 1, 2, 0 tell the 10s apart); line 1 sorted.
  const Decode d = decode("UAAA,LCAA,KCAA,VFAA;AAAA,CAAA");
  ASSERT_TRUE(d.result.ok()) << d.result.error().message;
  ASSERT_EQ(d.lines, (std::vector<std::uint32_t>{0, 4, 6}));
  EXPECT_EQ(d.tokens[0], tok(0, 0, 0, 0));
  EXPECT_EQ(d.tokens[1], tok(5, 1, 0, 0));
  EXPECT_EQ(d.tokens[2], tok(10, 0, 0, 0));  // first 10 stays first
  EXPECT_EQ(d.tokens[3], tok(10, 2, 0, 0));
  EXPECT_EQ(d.tokens[4], tok(0, 0, 0, 0));
  EXPECT_EQ(d.tokens[5], tok(1, 0, 0, 0));
}

TEST(Mappings, EqualColumnsKeepOrder) {
  const Decode d = decode("AAAA,ACAA,ACAA");
  ASSERT_TRUE(d.result.ok()) << d.result.error().message;
  EXPECT_EQ(d.tokens, (std::vector<RawToken>{tok(0, 0, 0, 0), tok(0, 1, 0, 0), tok(0, 2, 0, 0)}));
}

struct ErrorRow {
  const char* mappings;
  Errc code;
  const char* message;
  std::uint32_t line;
  std::uint32_t segment;
  std::uint64_t byte_offset;
};

TEST(Mappings, ErrorsNameLineAndSegment) {
  const ErrorRow rows[] = {
      // zero fields: conformance invalidMappingSegmentWithZeroFields
      {",,,,", Errc::invalid_mappings, "mappings: line 0, segment 0: empty segment (no fields)", 0,
       0, 0},
      {"A,", Errc::invalid_mappings, "mappings: line 0, segment 1: empty segment (no fields)", 0, 1,
       2},
      {"A,,A", Errc::invalid_mappings, "mappings: line 0, segment 1: empty segment (no fields)", 0,
       1, 2},
      {"A;A,;", Errc::invalid_mappings, "mappings: line 1, segment 1: empty segment (no fields)", 1,
       1, 4},
      {"AA", Errc::invalid_mappings,
       "mappings: line 0, segment 0: segment has 2 fields (must be 1, 4 or 5)", 0, 0, 0},
      {"A;;AAA", Errc::invalid_mappings,
       "mappings: line 2, segment 0: segment has 3 fields (must be 1, 4 or 5)", 2, 0, 3},
      {"AAAAAA", Errc::invalid_mappings,
       "mappings: line 0, segment 0: segment has more than 5 fields", 0, 0, 0},
      {"AAAAAgB", Errc::invalid_mappings,
       "mappings: line 0, segment 0: segment has more than 5 fields", 0, 0, 0},
      {"AAAA.SAASA", Errc::invalid_mappings,
       "mappings: line 0, segment 0: invalid base64 character '.'", 0, 0, 4},
      {"AAAA,AA=A", Errc::invalid_mappings,
       "mappings: line 0, segment 1: invalid base64 character '='", 0, 1, 7},
      {"AAAA,A A", Errc::invalid_mappings, "mappings: line 0, segment 1: invalid byte 0x20", 0, 1,
       6},
      {"AAAA,AAgB=", Errc::invalid_mappings,
       "mappings: line 0, segment 1: invalid base64 character '='", 0, 1, 9},
      {"AAAg", Errc::invalid_mappings,
       "mappings: line 0, segment 0: vlq value truncated (continuation bit set on its last digit)",
       0, 0, 3},
      {"AAAg,A", Errc::invalid_mappings,
       "mappings: line 0, segment 0: vlq value truncated (continuation bit set on its last digit)",
       0, 0, 3},
      {"ggggggE", Errc::invalid_mappings,
       "mappings: line 0, segment 0: vlq value does not fit in 32 bits", 0, 0, 0},
      {"AggggggEAA", Errc::invalid_mappings,
       "mappings: line 0, segment 0: vlq value does not fit in 32 bits", 0, 0, 1},
      {"D", Errc::invalid_mappings, "mappings: line 0, segment 0: generated column -1 is negative",
       0, 0, 0},
      {"C,F", Errc::invalid_mappings,  // negative relative column (conformance)
       "mappings: line 0, segment 1: generated column -1 is negative", 0, 1, 2},
      {"AGAA", Errc::invalid_mappings,
       "mappings: line 0, segment 0: source index 3 out of range (3 sources)", 0, 0, 0},
      {"ADAA", Errc::invalid_mappings,
       "mappings: line 0, segment 0: source index -1 out of range (3 sources)", 0, 0, 0},
      {"AEAA;AHAA", Errc::invalid_mappings,  // relative: 2 - 3
       "mappings: line 1, segment 0: source index -1 out of range (3 sources)", 1, 0, 5},
      {"AADA", Errc::invalid_mappings, "mappings: line 0, segment 0: original line -1 is negative",
       0, 0, 0},
      {"AAAD", Errc::invalid_mappings,
       "mappings: line 0, segment 0: original column -1 is negative", 0, 0, 0},
      {"AAAAG", Errc::invalid_mappings,
       "mappings: line 0, segment 0: name index 3 out of range (3 names)", 0, 0, 0},
      {"AAAAD", Errc::invalid_mappings,
       "mappings: line 0, segment 0: name index -1 out of range (3 names)", 0, 0, 0},
      {"AAAAC,AAAAF", Errc::invalid_mappings,
       "mappings: line 0, segment 1: name index -1 out of range (3 names)", 0, 1, 6},
  };
  for (const ErrorRow& r : rows) {
    const Decode d = decode(r.mappings);
    ASSERT_FALSE(d.result.ok()) << r.mappings;
    const Error& e = d.result.error();
    EXPECT_EQ(e.code, r.code) << r.mappings;
    EXPECT_EQ(e.message, r.message) << r.mappings;
    EXPECT_EQ(e.where.line, r.line) << r.mappings;
    EXPECT_EQ(e.where.segment, r.segment) << r.mappings;
    EXPECT_EQ(e.where.byte_offset, r.byte_offset) << r.mappings;
  }
}

TEST(Mappings, OtherSeparatorsAreRejected) {
  // conformance invalidMappingSegmentBadSeparator
  const Decode d = decode("AAAA.SAASA:MACP", 1, 2);
  ASSERT_FALSE(d.result.ok());
  EXPECT_EQ(d.result.error().code, Errc::invalid_mappings);
}

TEST(Mappings, FieldNameAppearsInMessages) {
  std::vector<RawToken> tokens;
  std::vector<std::uint32_t> lines{0};
  MappingsParams params;
  params.field = "sections[2].map.mappings";
  params.source_count = 1;
  const auto r = decode_mappings("AAAA,AEAA", params, tokens, lines);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "sections[2].map.mappings: line 0, segment 1: source index 2 out of range (1 sources)");
}

TEST(Mappings, EnforcesTokenLimit) {
  Decode d = decode("A,A,A", 3, 3, 3);
  EXPECT_TRUE(d.result.ok());
  d = decode("A,A,A;A", 3, 3, 3);
  ASSERT_FALSE(d.result.ok());
  EXPECT_EQ(d.result.error().code, Errc::limit_exceeded);
  EXPECT_EQ(d.result.error().message, "mappings: 4 segments, more than the limit of 3");
}

TEST(Mappings, EnforcesLineLimit) {
  std::vector<RawToken> tokens;
  std::vector<std::uint32_t> lines{0};
  MappingsParams params;
  params.max_lines = 3;
  EXPECT_TRUE(decode_mappings(";;A", params, tokens, lines).ok());
  tokens.clear();
  lines = {0};
  const auto r = decode_mappings(";;;A", params, tokens, lines);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::limit_exceeded);
}

TEST(Mappings, AppendsAtLineAndColumnOffset) {
  // Existing content: line 0 ends with a token at column 3, then a trailing empty line.
  std::vector<RawToken> tokens{tok(3)};
  std::vector<std::uint32_t> lines{0, 1, 1};
  MappingsParams params;
  params.source_count = 1;
  params.line_offset = 0;
  params.column_offset = 10;
  // Section line 0 shares generated line 0 (columns + 10); section line 1 is generated line 1.
  auto r = decode_mappings("AAAA,CAAC;EAAA", params, tokens, lines);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(lines, (std::vector<std::uint32_t>{0, 3, 4}));
  EXPECT_EQ(tokens,
            (std::vector<RawToken>{tok(3), tok(10, 0, 0, 0), tok(11, 0, 0, 1), tok(2, 0, 0, 1)}));
  // A later section at line 5: lines 2..4 are padded empty.
  params.line_offset = 5;
  params.column_offset = 1;
  r = decode_mappings("A", params, tokens, lines);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(lines, (std::vector<std::uint32_t>{0, 3, 4, 4, 4, 4, 5}));
  EXPECT_EQ(tokens.back(), tok(1));
}

TEST(Mappings, SortsOnlyTheNewTokensOfAReopenedLine) {
  std::vector<RawToken> tokens{tok(1), tok(2)};
  std::vector<std::uint32_t> lines{0, 2};
  MappingsParams params;
  params.column_offset = 5;
  const auto r = decode_mappings("K,L", params, tokens, lines);  // 5+5, 5+5-5 -> 10, 5
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(tokens, (std::vector<RawToken>{tok(1), tok(2), tok(5), tok(10)}));
  EXPECT_EQ(lines, (std::vector<std::uint32_t>{0, 4}));
}

TEST(Mappings, LargeRandomMappingsRoundTrip) {
  // Encode random tokens (sorted per line), decode, compare.
  std::mt19937 rng(7);
  std::vector<RawToken> expected;
  std::vector<std::uint32_t> expected_lines{0};
  std::string m;
  std::int64_t src = 0, line = 0, col = 0, name = 0;
  for (int l = 0; l < 200; ++l) {
    if (l > 0) m += ';';
    const int n = static_cast<int>(rng() % 50);
    std::int64_t gen = 0;
    for (int s = 0; s < n; ++s) {
      if (s > 0) m += ',';
      const std::int64_t new_gen = gen + rng() % 100;
      append_vlq(m, new_gen - gen);
      gen = new_gen;
      RawToken t = tok(static_cast<std::uint32_t>(gen));
      const unsigned kind = rng() % 3;
      if (kind > 0) {
        const std::int64_t ns = rng() % 10, nl = rng() % 100000, nc = rng() % 300;
        append_vlq(m, ns - src);
        append_vlq(m, nl - line);
        append_vlq(m, nc - col);
        src = ns, line = nl, col = nc;
        t = tok(t.generated_column, static_cast<std::uint32_t>(ns), static_cast<std::uint32_t>(nl),
                static_cast<std::uint32_t>(nc));
        if (kind == 2) {
          const std::int64_t nn = rng() % 1000;
          append_vlq(m, nn - name);
          name = nn;
          t.name_index = static_cast<std::uint32_t>(nn);
        }
      }
      expected.push_back(t);
    }
    expected_lines.push_back(static_cast<std::uint32_t>(expected.size()));
  }
  const Decode d = decode(m, 10, 1000, 1'000'000);
  ASSERT_TRUE(d.result.ok()) << d.result.error().message;
  EXPECT_EQ(d.tokens, expected);
  EXPECT_EQ(d.lines, expected_lines);
}

}  // namespace
}  // namespace smcache::detail
