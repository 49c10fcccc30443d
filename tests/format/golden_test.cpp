// Golden and must-fail files (SPEC.md Appendix B): the writer's bytes for the golden map, and
// the reader's verdict on each file in tests/data/bad/.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include <smcache/converter/compile.hpp>
#include <smcache/reader/cache.hpp>

namespace {

const std::filesystem::path kData = SMCACHE_TEST_DATA_DIR;

std::vector<std::uint8_t> read_all(const std::filesystem::path& p) {
  auto r = smcache::read_file(p);
  if (!r) ADD_FAILURE() << r.error().message;
  return r ? std::move(r).value() : std::vector<std::uint8_t>{};
}

TEST(Golden, CompilerWritesTheSpecExampleByteForByte) {
  const auto map = read_all(kData / "golden/spec-example.map");
  const auto expected = read_all(kData / "golden/spec-example.smc");
  ASSERT_FALSE(map.empty());
  auto cache = smcache::compile(map);
  ASSERT_TRUE(cache) << cache.error().message;
  EXPECT_EQ(*cache, expected) << "the converter's output changed: a format change must move "
                                 "SPEC.md, the golden files and the version together";
}

TEST(Golden, SpecExampleOpensVerifiesAndAnswers) {
  auto cache = smcache::Cache::open(kData / "golden/spec-example.smc");
  ASSERT_TRUE(cache) << cache.error().message;
  EXPECT_TRUE(cache->verify());
  EXPECT_EQ(cache->token_count(), 3u);
  auto t = cache->lookup(0, 0);
  ASSERT_TRUE(t.has_value());
  EXPECT_TRUE(t->has_source());
}

struct BadCase {
  const char* file;
  bool opens;  // false: open must fail with `code`; true: verify() must
  smcache::Errc code;
};

// Names the file when gtest prints a parameter.
void PrintTo(const BadCase& c, std::ostream* os) {
  *os << c.file;
}

using smcache::Errc;
// SPEC.md table B.2, row by row.
const BadCase kBad[] = {
    {"R-HDR-1.smc", false, Errc::not_a_cache},
    {"truncated-100.smc", false, Errc::truncated},
    {"empty.smc", false, Errc::truncated},
    {"truncated-5.smc", false, Errc::truncated},
    {"R-HDR-2.smc", false, Errc::unsupported_version},
    {"R-HDR-3.smc", false, Errc::corrupt},
    {"R-HDR-4.smc", false, Errc::corrupt},
    {"R-HDR-5.smc", false, Errc::unsupported_feature},
    {"R-HDR-6_short.smc", false, Errc::truncated},
    {"R-HDR-6_long.smc", false, Errc::corrupt},
    {"R-HDR-6_mod8.smc", false, Errc::corrupt},
    {"R-HDR-7.smc", false, Errc::corrupt},
    {"R-HDR-8_B.smc", false, Errc::corrupt},
    {"R-HDR-8_w.smc", false, Errc::corrupt},
    {"R-DIR-1.smc", false, Errc::truncated},
    {"R-HDR-9.smc", false, Errc::checksum_mismatch},
    {"R-HDR-10.smc", false, Errc::corrupt},
    {"R-DIR-2.smc", false, Errc::corrupt},
    {"R-DIR-4.smc", false, Errc::corrupt},
    {"R-DIR-3_align.smc", false, Errc::corrupt},
    {"R-DIR-3_end.smc", false, Errc::truncated},
    {"R-DIR-5.smc", false, Errc::corrupt},
    {"R-DIR-6.smc", false, Errc::corrupt},
    {"R-SEC-1.smc", false, Errc::corrupt},
    {"R-SUM-1.smc", true, Errc::checksum_mismatch},
    {"R-DIR-7.smc", true, Errc::corrupt},
    {"R-STR-1.smc", true, Errc::corrupt},
    {"R-SRC-1.smc", true, Errc::corrupt},
    {"R-SRC-2.smc", true, Errc::corrupt},
    {"R-LIN-1.smc", true, Errc::corrupt},
    {"R-TOK-1.smc", true, Errc::corrupt},
    {"R-TOK-2.smc", true, Errc::corrupt},
    {"R-TOK-3.smc", true, Errc::corrupt},
    {"R-TOK-4.smc", true, Errc::corrupt},
    {"R-TOK-5.smc", true, Errc::corrupt},
    {"R-TOK-6.smc", true, Errc::corrupt},
    {"R-TOK-6_off.smc", true, Errc::corrupt},
    {"R-TOK-7.smc", true, Errc::corrupt},
};

class MustFail : public ::testing::TestWithParam<BadCase> {};

TEST_P(MustFail, GivesItsSpecificError) {
  const BadCase& c = GetParam();
  const auto path = kData / "bad" / c.file;
  ASSERT_TRUE(std::filesystem::exists(path)) << path;
  auto cache = smcache::Cache::open(path);
  if (!c.opens) {
    ASSERT_FALSE(cache) << c.file << " opened";
    EXPECT_EQ(cache.error().code, c.code) << cache.error().message;
    EXPECT_FALSE(cache.error().message.empty());
    return;
  }
  ASSERT_TRUE(cache) << c.file << ": " << cache.error().message;
  // Whatever the damage, lookups, iteration and source reads stay safe (run under ASan in CI).
  for (std::uint32_t line = 0; line < 3; ++line) {
    for (std::uint32_t col = 0; col < 40; ++col) {
      (void)cache->lookup(line, col);
      (void)cache->lookup(line, col, smcache::Bias::least_upper_bound);
    }
  }
  cache->for_each_token([](const smcache::Token&) {});
  for (std::uint32_t s = 0; s < cache->source_count(); ++s) (void)cache->source_line(s, 0);
  auto verified = cache->verify();
  ASSERT_FALSE(verified) << c.file << " passed verify()";
  EXPECT_EQ(verified.error().code, c.code) << verified.error().message;
}

INSTANTIATE_TEST_SUITE_P(SpecB2, MustFail, ::testing::ValuesIn(kBad),
                         [](const ::testing::TestParamInfo<BadCase>& info) {
                           std::string n = info.param.file;
                           n = n.substr(0, n.size() - 4);
                           for (char& ch : n) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return n;
                         });

TEST(MustFail, EveryFileInTheDirectoryIsInTheTable) {
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(kData / "bad")) {
    if (e.path().extension() != ".smc") continue;
    ++files;
    bool listed = false;
    for (const auto& c : kBad) listed |= e.path().filename() == c.file;
    EXPECT_TRUE(listed) << e.path().filename() << " has no expected outcome";
  }
  EXPECT_EQ(files, std::size(kBad));
}

}  // namespace

namespace {

TEST(Prefault, TouchesEveryPageAndChangesNoAnswer) {
  auto cache = smcache::Cache::open(kData / "golden/spec-example.smc");
  ASSERT_TRUE(cache) << cache.error().message;
  const auto before = cache->lookup(0, 4);
  const std::uint64_t size = cache->bytes().size();
  EXPECT_EQ(cache->prefault(), (size + 4095) / 4096);
  const auto after = cache->lookup(0, 4);
  ASSERT_TRUE(before.has_value() && after.has_value());
  EXPECT_EQ(before->line, after->line);
  EXPECT_EQ(before->column, after->column);
  EXPECT_EQ(before->name, after->name);
  EXPECT_TRUE(cache->verify());
}

}  // namespace
