// Hostile source maps: the converter gives a clear error (or a correct cache) for inputs built to
// hurt it: deep nesting, huge strings, out-of-range numbers, millions of names, separator-only
// and continuation-only mappings, broken index maps, NUL bytes and invalid UTF-8, and inputs past
// the configured limits. Every case asserts its outcome; the counts per Errc are printed at the
// end. Peak memory of a compile, as a multiple of the input, is measured in a child process and
// printed (a loose sanity bound only: no tight memory or time assertions).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <smcache/converter/compile.hpp>
#include <smcache/reader/cache.hpp>

namespace smcache::test {
namespace {

namespace fs = std::filesystem;

// Outcome counts across the whole suite, printed by the environment's TearDown.
std::map<std::string, int>& outcomes() {
  static std::map<std::string, int> m;
  return m;
}
int& inputs_tried() {
  static int n = 0;
  return n;
}

class CountsPrinter : public ::testing::Environment {
 public:
  void TearDown() override {
    std::printf("[ hostile ] converter: %d hostile inputs tried; outcomes:", inputs_tried());
    for (const auto& [code, n] : outcomes()) std::printf(" %s=%d", code.c_str(), n);
    std::printf("\n");
  }
};
const auto* const kPrinter = ::testing::AddGlobalTestEnvironment(new CountsPrinter);

Result<std::vector<std::uint8_t>> run(const std::string& json, const CompileOptions& o = {}) {
  auto r = compile(std::span(reinterpret_cast<const std::uint8_t*>(json.data()), json.size()), o);
  ++inputs_tried();
  ++outcomes()[r ? "ok" : errc_name(r.error().code)];
  return r;
}

// Asserts the specific error and a message that names something (lower case, no trailing period).
void expect_error(const std::string& json, Errc code, const std::string& what,
                  const CompileOptions& o = {}) {
  auto r = run(json, o);
  ASSERT_FALSE(r) << what << ": compiled";
  EXPECT_EQ(r.error().code, code) << what << ": " << errc_name(r.error().code) << ": "
                                  << r.error().message;
  EXPECT_FALSE(r.error().message.empty()) << what;
  EXPECT_NE(r.error().message.back(), '.') << what << ": " << r.error().message;
  EXPECT_LT(r.error().message.size(), 1000u) << what << ": an error message must stay short";
}

std::string map_with(const std::string& fields) {
  return R"({"version":3,"sources":["a.js"],"names":[],"mappings":"AAAA")" +
         (fields.empty() ? std::string() : "," + fields) + "}";
}

// --- deep nesting ---

TEST(HostileConverter, DeeplyNestedJson) {
  const std::size_t kDepth = 100000;
  // Unterminated: 100k '[' (the parser is iterative: no stack overflow).
  expect_error(std::string(kDepth, '['), Errc::invalid_json, "100k '['");
  expect_error(std::string(kDepth, '{'), Errc::invalid_json, "100k '{'");
  // Well-formed but nested 100k deep where an array of strings is expected.
  expect_error(R"({"version":3,"sources":)" + std::string(kDepth, '[') + std::string(kDepth, ']') +
                   R"(,"names":[],"mappings":"AAAA"})",
               Errc::invalid_field, "sources nested 100k deep");
  // Nested 100k deep inside an unknown field: ignored, the map compiles.
  auto ok = run(map_with(R"("x_deep":)" + std::string(kDepth, '[') + std::string(kDepth, ']')));
  ASSERT_TRUE(ok) << ok.error().message;
  std::string objects;
  for (std::size_t i = 0; i < kDepth; ++i) objects += R"({"a":)";
  objects += "1" + std::string(kDepth, '}');
  ok = run(map_with(R"("x_deep":)" + objects));
  ASSERT_TRUE(ok) << ok.error().message;
  // Index map sections nested inside index map sections: only one level is allowed.
  std::string nested = map_with("");
  for (int i = 0; i < 200; ++i) {
    nested = R"({"version":3,"sections":[{"offset":{"line":0,"column":0},"map":)" + nested + "}]}";
  }
  expect_error(nested, Errc::invalid_index_map, "index maps nested 200 deep");
}

// --- huge strings ---

TEST(HostileConverter, HugeStrings) {
  const std::string big(32u << 20, 'x');  // 32 MiB
  auto r = run(R"({"version":3,"sources":["a.js"],"sourcesContent":[")" + big + R"("],"names":[")" +
               big + R"("],"mappings":"AAAAA"})");
  ASSERT_TRUE(r) << r.error().message;
  auto c = Cache::from_bytes(*r);
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_TRUE(c->verify().ok());
  auto t = c->lookup(0, 0);
  ASSERT_TRUE(t && t->name);
  EXPECT_EQ(t->name->size(), big.size());
  EXPECT_EQ(c->source(0)->content->size(), big.size());
  EXPECT_EQ(c->source_line(0, 0)->size(), big.size());
  // An unterminated huge string.
  expect_error(R"({"version":3,"sources":[")" + big, Errc::invalid_json, "unterminated 32 MiB");
  // A huge mappings string of valid segments on one line.
  std::string m = "AAAA";
  m.reserve(8u << 20);
  while (m.size() < (8u << 20)) m += ",CAAC";
  auto r2 = run(R"({"version":3,"sources":["a.js"],"names":[],"mappings":")" + m + R"("})");
  ASSERT_TRUE(r2) << r2.error().message;
  EXPECT_EQ(Cache::from_bytes(*r2)->token_count(), 1 + (m.size() - 4) / 5);
}

// --- numbers out of range ---

TEST(HostileConverter, NumbersOutOfRange) {
  for (const char* v : {"1e400", "-1e400", "4", "2", "-3", "3.5", "1e308", "9007199254740993",
                        "18446744073709551616", "\"3\"", "null", "true"}) {
    auto r = run(R"({"version":)" + std::string(v) +
                 R"(,"sources":["a.js"],"names":[],"mappings":"AAAA"})");
    ASSERT_FALSE(r) << "version " << v << " compiled";
    EXPECT_TRUE(r.error().code == Errc::invalid_field || r.error().code == Errc::invalid_json)
        << v << ": " << r.error().message;
  }
  // Index map offsets: negative, fractional, 2^32, 2^53, 2^64, 1e400.
  for (const char* v : {"-1", "0.5", "4294967296", "9007199254740992", "18446744073709551616",
                        "1e400", "-0.0e0", "\"0\""}) {
    for (const char* field : {"line", "column"}) {
      const std::string line = std::string(field) == "line" ? v : "0";
      const std::string col = std::string(field) == "column" ? v : "0";
      auto r = run(R"({"version":3,"sections":[{"offset":{"line":)" + line + R"(,"column":)" + col +
                   R"(},"map":)" + map_with("") + "}]}");
      if (std::string(v) == "-0.0e0") {
        // -0.0 is not an integer in JSON terms for a strict parser; either answer is clear.
        if (r) continue;
      }
      ASSERT_FALSE(r) << field << " " << v << " compiled";
      EXPECT_TRUE(r.error().code == Errc::invalid_index_map ||
                  r.error().code == Errc::invalid_json || r.error().code == Errc::limit_exceeded ||
                  r.error().code == Errc::invalid_field)
          << field << " " << v << ": " << errc_name(r.error().code) << " " << r.error().message;
    }
  }
  // VLQ values that overflow 32 bits: a column of 2^31, a source delta past every source.
  expect_error(map_with("").replace(map_with("").find("AAAA"), 4, "ggggggggE"),
               Errc::invalid_mappings, "column 2^40");
  expect_error(R"({"version":3,"sources":["a.js"],"names":[],"mappings":"AgggggggEAA"})",
               Errc::invalid_mappings, "source index 2^40");
  expect_error(R"({"version":3,"sources":["a.js"],"names":[],"mappings":"AAAD"})",
               Errc::invalid_mappings, "negative original column");
  expect_error(R"({"version":3,"sources":["a.js"],"names":[],"mappings":"AAAAC"})",
               Errc::invalid_mappings, "name index 1 of 0 names");
}

// --- millions of names ---

TEST(HostileConverter, MillionsOfNames) {
  // 10^6 distinct names, each used once, and 10^6 names all equal (deduplicated). The 10^7 case
  // runs in the peak-memory test below (a child process), as it holds ~1 GB.
  for (bool distinct : {true, false}) {
    const std::uint32_t n = 1000000;
    std::string json = R"({"version":3,"sources":["a.js"],"names":[)";
    json.reserve(n * 12);
    for (std::uint32_t i = 0; i < n; ++i) {
      if (i) json += ',';
      json += distinct ? "\"n" + std::to_string(i) + "\"" : std::string("\"same\"");
    }
    json += R"(],"mappings":"AAAAA,CAAAC"})";
    auto r = run(json);
    ASSERT_TRUE(r) << r.error().message;
    auto c = Cache::from_bytes(*r);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->info().name_count, n);
    EXPECT_EQ(*c->lookup(0, 1)->name, distinct ? "n1" : "same");
    ASSERT_TRUE(c->verify().ok());
  }
}

// --- separator and continuation runs ---

TEST(HostileConverter, SeparatorAndContinuationRuns) {
  const std::size_t kRun = 1000000;
  auto r = run(R"({"version":3,"sources":[],"names":[],"mappings":")" + std::string(kRun, ';') +
               R"("})");
  ASSERT_TRUE(r) << r.error().message;
  auto c = Cache::from_bytes(*r);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->token_count(), 0u);
  EXPECT_EQ(c->info().generated_line_count, 0u);  // trailing empty lines are dropped
  EXPECT_FALSE(c->lookup(kRun / 2, 0));
  // Separators then one segment: the segment lands on line 10^6.
  auto r2 = run(R"({"version":3,"sources":["a.js"],"names":[],"mappings":")" +
                std::string(kRun, ';') + R"(AAAA"})");
  ASSERT_TRUE(r2) << r2.error().message;
  auto c2 = Cache::from_bytes(*r2);
  EXPECT_EQ(c2->info().generated_line_count, kRun + 1);
  EXPECT_TRUE(c2->lookup(static_cast<std::uint32_t>(kRun), 0));
  expect_error(
      R"({"version":3,"sources":[],"names":[],"mappings":")" + std::string(kRun, ',') + R"("})",
      Errc::invalid_mappings, "',' x 10^6");
  expect_error(R"({"version":3,"sources":[],"names":[],"mappings":";;,;;"})",
               Errc::invalid_mappings, "';;,;;'");
  // Continuation runs: 'g' is a continuation digit with value 0; the value never ends or
  // overflows long before the end.
  for (std::size_t len : {7u, 8u, 13u, 1000u, 1000000u}) {
    expect_error(R"({"version":3,"sources":["a.js"],"names":[],"mappings":")" +
                     std::string(len, 'g') + R"("})",
                 Errc::invalid_mappings, "'g' x " + std::to_string(len));
    // Redundant zero digits then a last digit with nonzero bits past bit 32: overflow.
    expect_error(R"({"version":3,"sources":["a.js"],"names":[],"mappings":")" +
                     std::string(len, 'g') + R"(E"})",
                 Errc::invalid_mappings, "'g' x " + std::to_string(len) + " then 'E'");
    // Redundant zero digits then 'A': the value 0, accepted (as source-map-js does), in linear
    // time: one 1-field segment at column 0.
    auto zero = run(R"({"version":3,"sources":["a.js"],"names":[],"mappings":")" +
                    std::string(len, 'g') + R"(A"})");
    ASSERT_TRUE(zero) << len << ": " << zero.error().message;
    EXPECT_EQ(Cache::from_bytes(*zero)->token_count(), 1u);
  }
  // Characters outside base64 and segments of 2, 3 or 6 fields.
  for (const char* m : {"A=AA", "AA", "AAA", "AAAAAA", "A A", "AAAA,", "AA\\u0000A"}) {
    auto bad = run(R"({"version":3,"sources":["a.js"],"names":[],"mappings":")" + std::string(m) +
                   R"("})");
    if (std::string(m) == "AAAA,") {  // a trailing ',' is an empty segment: error
      ASSERT_FALSE(bad) << m;
    }
    if (!bad) continue;
    EXPECT_EQ(bad.error().code, Errc::invalid_mappings) << m << ": " << bad.error().message;
  }
}

// --- index maps ---

std::string section(int line, int col, const std::string& mappings = "AAAA") {
  return R"({"offset":{"line":)" + std::to_string(line) + R"(,"column":)" + std::to_string(col) +
         R"(},"map":{"version":3,"sources":["a.js"],"names":[],"mappings":")" + mappings + "\"}}";
}

TEST(HostileConverter, IndexMapSectionsOutOfOrderOrOverlapping) {
  const auto index = [](const std::vector<std::string>& sections) {
    std::string s = R"({"version":3,"sections":[)";
    for (std::size_t i = 0; i < sections.size(); ++i) s += (i ? "," : "") + sections[i];
    return s + "]}";
  };
  ASSERT_TRUE(run(index({section(0, 0), section(1, 0), section(1, 5)})));
  expect_error(index({section(1, 0), section(0, 0)}), Errc::invalid_index_map, "out of order");
  expect_error(index({section(0, 5), section(0, 2)}), Errc::invalid_index_map,
               "columns out of order");
  // The first section's mappings run to (0, 10); the next starts at (0, 4): overlap.
  expect_error(index({section(0, 0, "AAAA,UAAA"), section(0, 4)}), Errc::invalid_index_map,
               "overlapping");
  expect_error(index({section(0, 0, "AAAA;AAAA"), section(0, 4)}), Errc::invalid_index_map,
               "overlapping lines");
  expect_error(R"({"version":3,"sections":[{"offset":{"line":0,"column":0}}]})",
               Errc::invalid_index_map, "section without map");
  expect_error(R"({"version":3,"sections":{}})", Errc::invalid_index_map, "sections an object");
  expect_error(R"({"version":3,"sections":[],"mappings":"AAAA"})", Errc::invalid_index_map,
               "both sections and mappings");
  // 10^5 sections in order: fine, and bounded.
  std::vector<std::string> many;
  for (int i = 0; i < 100000; ++i) many.push_back(section(i, 0));
  auto r = run(index(many));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(Cache::from_bytes(*r)->token_count(), 100000u);
  // A section at the last representable line and one past the limit.
  auto far = run(index({section(2000000000, 0)}));
  if (!far) {
    EXPECT_EQ(far.error().code, Errc::limit_exceeded) << far.error().message;
  }
}

// --- NUL bytes and invalid UTF-8 ---

TEST(HostileConverter, NulBytesAndInvalidUtf8) {
  // Escaped NULs are valid JSON: kept byte for byte (the reader returns sized views).
  auto r = run(R"({"version":3,"sources":["a\u0000b.js"],"sourcesContent":["x\u0000y\nz"],)"
               R"("names":["n\u0000"],"file":"f\u0000","mappings":"AAAAA"})");
  ASSERT_TRUE(r) << r.error().message;
  auto c = Cache::from_bytes(*r);
  ASSERT_TRUE(c);
  EXPECT_EQ(*c->source(0)->name, std::string_view("a\0b.js", 6));
  EXPECT_EQ(*c->source_line(0, 0), std::string_view("x\0y", 3));
  EXPECT_EQ(*c->lookup(0, 0)->name, std::string_view("n\0", 2));
  // Raw invalid UTF-8 inside strings.
  for (const std::string& bad :
       {std::string("\xff"), std::string("\xc0\x80"), std::string("\xed\xa0\x80"),
        std::string("\xe2\x80"), std::string("\xf4\x90\x80\x80"), std::string("a\x80")}) {
    for (const char* where : {"sources", "names", "sourcesContent"}) {
      std::string j = R"({"version":3,"sources":["a.js"],"names":["n"],"mappings":"AAAA")";
      j += std::string(",\"") + (std::string(where) == "sources" ? "x_s" : where) + "\":[\"" + bad +
           "\"]";
      if (std::string(where) == "sources") {
        j = R"({"version":3,"sources":[")" + bad + R"("],"names":[],"mappings":"AAAA")";
      }
      j += "}";
      expect_error(j, Errc::invalid_json, std::string("invalid utf-8 in ") + where);
    }
  }
  // Escaped lone surrogates.
  auto s = run(R"({"version":3,"sources":["\ud800"],"names":[],"mappings":"AAAA"})");
  if (!s) {
    EXPECT_EQ(s.error().code, Errc::invalid_json) << s.error().message;
  }
  // A raw NUL byte outside strings.
  expect_error(std::string("{\"version\":3,\0\"sources\":[]}", 26), Errc::invalid_json, "raw NUL");
}

// --- limits ---

TEST(HostileConverter, LimitsAreClearErrors) {
  const std::string json = map_with(R"("x_pad":")" + std::string(2000, 'p') + "\"");
  CompileOptions o;
  o.max_input_bytes = 1000;
  auto r = run(json, o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::limit_exceeded);
  EXPECT_NE(r.error().message.find("1000"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("limit"), std::string::npos) << r.error().message;
  std::printf("[ hostile ] max_input_bytes: %s\n", r.error().message.c_str());

  CompileOptions t;
  t.max_tokens = 10;
  std::string m = "AAAA";
  for (int i = 0; i < 10; ++i) m += ",CAAA";  // 11 segments
  r = run(R"({"version":3,"sources":["a.js"],"names":[],"mappings":")" + m + "\"}", t);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::limit_exceeded);
  EXPECT_NE(r.error().message.find("10"), std::string::npos) << r.error().message;
  std::printf("[ hostile ] max_tokens: %s\n", r.error().message.c_str());
  // Exactly at the limit compiles.
  t.max_tokens = 11;
  ASSERT_TRUE(run(R"({"version":3,"sources":["a.js"],"names":[],"mappings":")" + m + "\"}", t));
  // Index map sections add up against the same limit.
  t.max_tokens = 3;
  r = run(R"({"version":3,"sections":[)" + section(0, 0, "AAAA,CAAA") + "," +
              section(1, 0, "AAAA,CAAA") + "]}",
          t);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::limit_exceeded) << r.error().message;
}

TEST(HostileConverter, SparseFilePastTheLimitIsRefusedBeforeReading) {
  // A 3 GiB sparse file: compile_file refuses it by its size (stat), reading nothing.
  const fs::path dir =
      fs::temp_directory_path() / ("smcache-hostile-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path big = dir / "big.map";
  {
    const int fd = ::open(big.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::ftruncate(fd, (std::int64_t{3} << 30)), 0);
    ::close(fd);
  }
  rusage before{}, after{};
  ::getrusage(RUSAGE_SELF, &before);
  auto r = compile_file(big, dir / "out.smc");
  ::getrusage(RUSAGE_SELF, &after);
  ++inputs_tried();
  ++outcomes()[r ? "ok" : errc_name(r.error().code)];
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::limit_exceeded) << r.error().message;
  EXPECT_NE(r.error().message.find("3221225472"), std::string::npos) << r.error().message;
  EXPECT_FALSE(fs::exists(dir / "out.smc"));
  // Refused by size: the peak RSS did not grow by anything near the file's size.
  EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 512 * 1024) << "KiB";
  std::printf("[ hostile ] 3 GiB sparse input: %s\n", r.error().message.c_str());
  fs::remove_all(dir);
}

// --- peak memory of a compile, as a multiple of the input ---

long status_kib(const char* field) {
  std::FILE* f = std::fopen("/proc/self/status", "re");
  if (!f) return -1;
  char line[256];
  long v = -1;
  while (std::fgets(line, sizeof line, f)) {
    if (std::strncmp(line, field, std::strlen(field)) == 0)
      v = std::atol(line + std::strlen(field));
  }
  std::fclose(f);
  return v;
}

// Runs compile(input) in a child: resets the peak RSS (clear_refs 5) after the input is built,
// and reports the growth of the peak over the RSS before compiling, in KiB; -1 on failure.
template <class Make>
long compile_peak_kib(Make make, std::size_t* input_size) {
  int fds[2];
  if (::pipe(fds) != 0) return -1;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    const std::string input = make();
    long result[2] = {-1, static_cast<long>(input.size())};
    if (std::FILE* f = std::fopen("/proc/self/clear_refs", "we")) {
      std::fputs("5", f);
      std::fclose(f);
    }
    const long rss0 = status_kib("VmRSS:");
    auto r = compile(std::span(reinterpret_cast<const std::uint8_t*>(input.data()), input.size()));
    const long peak = status_kib("VmHWM:");
    if (r) result[0] = peak - rss0;
    (void)!::write(fds[1], result, sizeof result);
    ::_exit(0);
  }
  ::close(fds[1]);
  long result[2] = {-1, 0};
  const bool got = ::read(fds[0], result, sizeof result) == sizeof result;
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  *input_size = static_cast<std::size_t>(result[1]);
  return got ? result[0] : -1;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(HostileConverter, PeakMemoryIsASmallMultipleOfTheInput) {
  struct Shape {
    std::string name;
    std::function<std::string()> make;
  };
  std::vector<Shape> shapes;
  const fs::path example = fs::path(SMCACHE_SOURCE_DIR) / "examples/checkout/dist/app.min.js.map";
  shapes.push_back({"checkout example map", [&] { return slurp(example); }});
  for (const char* real : {"bench/.data/maps/babylonjs.map", "bench/.data/maps/mermaid-min.map"}) {
    const fs::path p = fs::path(SMCACHE_SOURCE_DIR) / real;
    if (fs::exists(p)) shapes.push_back({real, [p] { return slurp(p); }});
  }
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  // Sanitized builds are several times slower and bigger: 2·10^6 there, unless asked for more.
  const std::uint32_t names = std::getenv("SMCACHE_HOSTILE_BIG") ? 10000000 : 2000000;
#else
  const std::uint32_t names = 10000000;  // issue 6's 10^7 names (~110 MB of JSON)
#endif
  shapes.push_back({std::to_string(names) + " distinct names", [names] {
                      std::string j = R"({"version":3,"sources":["a.js"],"names":[)";
                      for (std::uint32_t i = 0; i < names; ++i) {
                        j += (i ? ",\"" : "\"") + std::to_string(i) + "\"";
                      }
                      return j + R"(],"mappings":"AAAAA"})";
                    }});
  shapes.push_back({"4M segments, one line", [] {
                      std::string m = "AAAA";
                      for (int i = 0; i < 4000000; ++i) m += ",CAAC";
                      return R"({"version":3,"sources":[)" + std::string("\"a.js\"") +
                             R"(],"names":[],"mappings":")" + m + "\"}";
                    }});
  shapes.push_back({"4M one-segment lines", [] {
                      std::string m = "AAAA";
                      for (int i = 0; i < 4000000; ++i) m += ";AACA";
                      return R"({"version":3,"sources":["a.js"],"names":[],"mappings":")" + m +
                             "\"}";
                    }});
  shapes.push_back({"64 MiB sourcesContent, 4M short lines", [] {
                      std::string c;
                      while (c.size() < (64u << 20)) c += "x = 1;\\n";
                      return R"({"version":3,"sources":["a.js"],"sourcesContent":[")" + c +
                             R"("],"names":[],"mappings":"AAAA"})";
                    }});
  shapes.push_back({"1M separators", [] {
                      return R"({"version":3,"sources":[],"names":[],"mappings":")" +
                             std::string(1000000, ';') + "\"}";
                    }});
  for (const Shape& s : shapes) {
    std::size_t size = 0;
    const long kib = compile_peak_kib(s.make, &size);
    ASSERT_GE(kib, 0) << s.name << ": compile failed in the child";
    const double ratio = static_cast<double>(kib) * 1024.0 / static_cast<double>(size);
    std::printf("[ hostile ] peak memory: %-40s input %10zu bytes, peak +%8ld KiB = %5.2fx input\n",
                s.name.c_str(), size, kib, ratio);
#if defined(__SANITIZE_ADDRESS__)
    constexpr bool kSanitized = true;  // ASan's shadow and redzones inflate the peak
#else
    constexpr bool kSanitized = false;
#endif
    if (size > (1u << 20) && !kSanitized) {
      EXPECT_LT(ratio, 20.0) << s.name;  // a loose sanity bound only
    }
  }
}

}  // namespace
}  // namespace smcache::test
