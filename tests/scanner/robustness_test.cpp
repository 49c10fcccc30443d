// The scanner on hostile input: random bytes, random mutations of real sources, pathological
// nesting. Whatever it gets, it returns (terminates), and what it returns is well formed.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "js_scanner.hpp"
#include "support.hpp"

namespace smcache::js::test {
namespace {

const std::filesystem::path kCheckout = SMCACHE_CHECKOUT_SRC_DIR;

std::vector<std::string> checkout_sources() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(kCheckout)) {
    if (e.path().extension() != ".js") continue;
    std::ifstream in(e.path(), std::ios::binary);
    out.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return out;
}

TEST(ScannerRobustness, RandomBytes) {
  std::mt19937 rng(12345);
  for (int round = 0; round < 20000; ++round) {
    std::string text(rng() % 600, '\0');
    // Half the inputs from the bytes that matter most to the tokenizer.
    static constexpr char kInteresting[] = "{}()[]`'\"/\\*$<>=.,;:?!#\n\r ab01";
    const bool biased = round % 2 == 0;
    for (char& c : text) {
      c = biased ? kInteresting[rng() % (sizeof kInteresting - 1)]
                 : static_cast<char>(rng() & 0xFF);
    }
    for (const Language language : {Language::javascript, Language::typescript, Language::tsx}) {
      ScanOptions o;
      o.language = language;
      ASSERT_TRUE(well_formed(scan_functions(text, o))) << "round " << round;
    }
  }
}

TEST(ScannerRobustness, MutatedRealSources) {
  const auto sources = checkout_sources();
  ASSERT_EQ(sources.size(), 6u) << kCheckout;
  std::mt19937 rng(678);
  static constexpr char kInsert[] = "{}()[]`'\"/*${<>\n\\";
  std::size_t still_ok = 0;
  for (int round = 0; round < 10000; ++round) {
    std::string text = sources[rng() % sources.size()];
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const std::size_t at = rng() % text.size();
      switch (rng() % 4) {
        case 0:
          text[at] = kInsert[rng() % (sizeof kInsert - 1)];
          break;
        case 1:
          text.insert(at, 1, kInsert[rng() % (sizeof kInsert - 1)]);
          break;
        case 2:
          text.erase(at, 1 + rng() % 8);
          break;
        default:
          text.resize(at);  // truncated
          break;
      }
    }
    const ScanResult r = scan_functions(text);
    ASSERT_TRUE(well_formed(r)) << "round " << round;
    still_ok += r.status == ScanStatus::ok;
    ScanOptions ts;
    ts.language = round % 2 ? Language::typescript : Language::tsx;
    ASSERT_TRUE(well_formed(scan_functions(text, ts))) << "round " << round << " (TypeScript)";
  }
  // Most edits break the text (skipped), some do not (a character in a comment or string).
  EXPECT_GT(still_ok, 0u);
  EXPECT_LT(still_ok, 10000u);
}

TEST(ScannerRobustness, PathologicalNestingAndRepetition) {
  // Deep brackets, long arrow chains, many templates: linear work, well-formed results.
  const std::string deep = std::string(100000, '(') + std::string(100000, ')');
  EXPECT_TRUE(well_formed(scan_ok(deep)));
  std::string arrows = "f = ";
  for (int i = 0; i < 5000; ++i) arrows += "x => ";
  arrows += "1;";
  const ScanResult chain = scan_ok(arrows);
  EXPECT_EQ(chain.functions.size(), kDefaultMaxDepth);
  std::string templates;
  for (int i = 0; i < 2000; ++i) templates += "`${";
  templates += "1";
  for (int i = 0; i < 2000; ++i) templates += "}`";
  EXPECT_TRUE(well_formed(scan_ok(templates)));
  std::string members = "o = {";
  for (int i = 0; i < 20000; ++i) {
    members += 'm';
    members += std::to_string(i);
    members += "() {},";
  }
  members += "};";
  EXPECT_EQ(scan_ok(members).functions.size(), 20000u);
  // Unclosed openers of every kind at the end of a long text.
  EXPECT_EQ(scan_functions(std::string(50000, '{')).status, ScanStatus::failed);
  EXPECT_EQ(scan_functions(std::string(50000, '`')).status, ScanStatus::ok);  // 25000 empty ``
  EXPECT_EQ(scan_functions(std::string(50001, '`')).status, ScanStatus::failed);
  EXPECT_EQ(scan_functions(std::string(50000, '<')).status, ScanStatus::ok);  // less-than
}

}  // namespace
}  // namespace smcache::js::test
