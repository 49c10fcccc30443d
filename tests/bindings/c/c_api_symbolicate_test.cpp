// Tests of the C ABI's stack-trace, symbolication, warm-directory and compile-from-JavaScript
// functions (bindings/c/include/smcache.h), through libsmcache.so only. The warm directory is
// written by hand here, following the layout of notes/issue5.md (cache_directory.hpp), so that
// the reader side is tested without the converter's warm job; XXH3_64 names the by-url files.
#include <smcache.h>
#include <xxhash.h>

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

// c_api_test.cpp's operator new switch (1: the next allocation throws std::bad_alloc).
extern std::atomic<int> g_new_throws;

namespace {

namespace fs = std::filesystem;

// A two-function bundle. Original src/app.js (0-based lines):
//   0 function outer() {
//   1   inner();            <- call site of inner, column 2, name "inner"
//   2 }
//   3 function inner() {
//   4   throw new Error("x");
//   5 }
//   6 outer();              <- call site of outer, column 0, name "outer"
// Generated (one line): function a(){b()}function b(){throw new Error("x")}a();
//   col 0 -> 0:0, col 9 -> 0:9 "outer", col 13 -> 1:2 "inner", col 17 -> 3:0,
//   col 26 -> 3:9 "inner", col 30 -> 4:2, col 51 -> 6:0 "outer"
constexpr std::string_view kMap =
    R"({"version":3,"file":"app.min.js","sources":["src/app.js"],)"
    R"("sourcesContent":["function outer() {\n  inner();\n}\nfunction inner() {\n  throw new )"
    R"(Error(\"x\");\n}\nouter();\n"],"names":["outer","inner"],)"
    R"("mappings":"AAAA,SAASA,IACPC,IAEF,SAASA,IACP,qBAEFD"})";
constexpr std::string_view kJs = "function a(){b()}function b(){throw new Error(\"x\")}a();\n";

// Positions are 1-based in the trace, as engines print them.
constexpr std::string_view kTrace =
    "Error: x\n"
    "    at b (https://cdn.example.com/js/app.min.js?v=1:1:31)\n"
    "    at a (https://cdn.example.com/js/app.min.js?v=1:1:14)\n"
    "    at https://cdn.example.com/js/app.min.js?v=1:1:52\n"
    "    at Array.map (<anonymous>)\n"
    "    at node:internal/main:1:1\n";

std::string_view sv(const char* p, size_t n) {
  return p == nullptr ? std::string_view{} : std::string_view(p, n);
}

// With `flags` SMCACHE_COMPILE_NO_FUNCTION_TABLE (the default for these tests, which exercise
// the caller rules; the table's rule is checked through the example bundle and the CLI), or 0.
std::vector<uint8_t> compile_ok(std::string_view json,
                                uint32_t flags = SMCACHE_COMPILE_NO_FUNCTION_TABLE) {
  uint8_t* out = nullptr;
  size_t len = 0;
  smcache_error err{};
  smcache_compile_options options;
  smcache_compile_options_init(&options);
  options.flags = flags;
  EXPECT_EQ(smcache_compile(reinterpret_cast<const uint8_t*>(json.data()), json.size(), &options,
                            &out, &len, &err),
            0)
      << err.message;
  std::vector<uint8_t> bytes(out, out + len);
  smcache_bytes_free(out);
  return bytes;
}

struct TraceDeleter {
  void operator()(smcache_trace* t) const { smcache_trace_free(t); }
};
struct ResultDeleter {
  void operator()(smcache_symbolication* r) const { smcache_symbolication_free(r); }
};
using TracePtr = std::unique_ptr<smcache_trace, TraceDeleter>;
using ResultPtr = std::unique_ptr<smcache_symbolication, ResultDeleter>;

TracePtr parse(std::string_view text) {
  smcache_error err{};
  TracePtr t(smcache_trace_parse(text.data(), text.size(), &err));
  EXPECT_NE(t, nullptr) << err.message;
  return t;
}

std::vector<smcache_symbolicated_frame> frames_of(const smcache_symbolication* r) {
  const smcache_symbolicated_frame* frames = nullptr;
  smcache_error err{};
  const int64_t n = smcache_symbolication_frames(r, &frames, &err);
  EXPECT_GE(n, 0) << err.message;
  return n <= 0 ? std::vector<smcache_symbolicated_frame>{}
                : std::vector<smcache_symbolicated_frame>(frames, frames + n);
}

std::string render(const smcache_symbolication* r, int32_t format) {
  uint8_t* out = nullptr;
  size_t len = 0;
  smcache_error err{};
  EXPECT_EQ(smcache_symbolication_render(r, format, &out, &len, &err), 0) << err.message;
  std::string s(reinterpret_cast<const char*>(out), len);
  smcache_bytes_free(out);
  return s;
}

std::string function_of(const smcache_symbolicated_frame& f) {
  return std::string(sv(f.function, f.function_len));
}

void write_file(const fs::path& p, std::string_view data) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary).write(data.data(), static_cast<std::streamsize>(data.size()));
}

std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const auto n = (static_cast<uint32_t>(static_cast<unsigned char>(in[i])) << 16) |
                   (static_cast<uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8) |
                   static_cast<unsigned char>(in[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out += kAlphabet[(n >> k) & 63];
  }
  if (i < in.size()) {
    uint32_t n = static_cast<uint32_t>(static_cast<unsigned char>(in[i])) << 16;
    if (i + 1 < in.size()) n |= static_cast<uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// The by-url/ file name of a key: 16 lowercase hex digits of XXH3_64(key).
std::string url_key_file(std::string_view key) {
  char name[17];
  std::snprintf(name, sizeof name, "%016llx",
                static_cast<unsigned long long>(XXH3_64bits(key.data(), key.size())));
  return name;
}

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() / ("smcache_c_trace_test_" + std::to_string(::getpid()) +
                                         "_" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

class CTrace : public ::testing::Test {
 protected:
  void SetUp() override {
    bytes_ = compile_ok(kMap);
    smcache_error err{};
    cache_ = smcache_cache_open_bytes(bytes_.data(), bytes_.size(), &err);
    ASSERT_NE(cache_, nullptr) << err.message;
  }
  void TearDown() override { smcache_cache_close(cache_); }

  std::vector<uint8_t> bytes_;
  smcache_cache* cache_ = nullptr;
};

}  // namespace

// ---- parsing -----------------------------------------------------------------------------

TEST(CTraceParse, FramesAndTextWithZeroBasedPositions) {
  std::string text =
      "TypeError: boom\n"
      "    at async Object.run [as go] (webpack://shop/./src/a.js?x=1#f:10:5)\r\n"
      "    at new Foo (/srv/app.js:3:1)\n"
      "    ... 2 lines matching cause stack trace ...\n"
      "promise callback*g@https://h/x.js:7:9\n"
      "    at Array.map (<anonymous>)";  // no final newline
  smcache_error err{};
  TracePtr trace(smcache_trace_parse(text.data(), text.size(), &err));
  ASSERT_NE(trace, nullptr) << err.message;
  text.assign(text.size(), 'X');  // the trace holds its own copy
  const smcache_trace_line* lines = nullptr;
  ASSERT_EQ(smcache_trace_lines(trace.get(), &lines, &err), 6);

  EXPECT_EQ(lines[0].is_frame, 0);
  EXPECT_EQ(sv(lines[0].raw, lines[0].raw_len), "TypeError: boom");
  EXPECT_EQ(lines[0].url_len, 0u);
  EXPECT_NE(lines[0].url, nullptr);  // "" rather than NULL

  const smcache_trace_line& a = lines[1];
  EXPECT_EQ(a.is_frame, 1);
  EXPECT_EQ(a.style, SMCACHE_FRAME_V8);
  EXPECT_EQ(sv(a.raw, a.raw_len),
            "    at async Object.run [as go] (webpack://shop/./src/a.js?x=1#f:10:5)");  // no \r
  EXPECT_EQ(sv(a.function, a.function_len), "Object.run");
  EXPECT_EQ(sv(a.alias, a.alias_len), "go");
  EXPECT_EQ(sv(a.url, a.url_len), "webpack://shop/./src/a.js?x=1#f");
  EXPECT_EQ(a.is_async, 1);
  EXPECT_EQ(a.has_line, 1);
  EXPECT_EQ(a.has_column, 1);
  EXPECT_EQ(a.line, 9u);    // printed 10
  EXPECT_EQ(a.column, 4u);  // printed 5

  EXPECT_EQ(lines[2].is_constructor, 1);
  EXPECT_EQ(sv(lines[2].function, lines[2].function_len), "Foo");
  EXPECT_EQ(lines[2].line, 2u);
  EXPECT_EQ(lines[2].column, 0u);

  EXPECT_EQ(lines[3].is_frame, 0);

  const smcache_trace_line& g = lines[4];
  EXPECT_EQ(g.style, SMCACHE_FRAME_GECKO);
  EXPECT_EQ(sv(g.async_cause, g.async_cause_len), "promise callback");
  EXPECT_EQ(sv(g.function, g.function_len), "g");
  EXPECT_EQ(g.line, 6u);
  EXPECT_EQ(g.column, 8u);

  EXPECT_EQ(lines[5].is_native, 1);
  EXPECT_EQ(lines[5].has_line, 0);
}

TEST(CTraceParse, EmptyAndInvalidArguments) {
  smcache_error err{};
  TracePtr empty(smcache_trace_parse(nullptr, 0, &err));
  ASSERT_NE(empty, nullptr) << err.message;
  const smcache_trace_line* lines = nullptr;
  EXPECT_EQ(smcache_trace_lines(empty.get(), &lines, &err), 0);

  EXPECT_EQ(smcache_trace_parse(nullptr, 3, &err), nullptr);
  EXPECT_EQ(err.code, SMCACHE_E_INVALID_ARGUMENT);
  EXPECT_NE(std::string(err.message).find("smcache_trace_parse"), std::string::npos);
  err = smcache_error{};
  EXPECT_EQ(smcache_trace_lines(nullptr, &lines, &err), -1);
  EXPECT_EQ(err.code, SMCACHE_E_INVALID_ARGUMENT);
  EXPECT_EQ(smcache_trace_lines(empty.get(), nullptr, nullptr), -1);
  smcache_trace_free(nullptr);
  smcache_symbolication_free(nullptr);
  smcache_cache_dir_close(nullptr);
}

TEST(CTraceParse, OutOfMemoryIsAnError) {
  smcache_error err{};
  g_new_throws = 1;  // the first allocation (the trace object) throws std::bad_alloc
  smcache_trace* t = smcache_trace_parse(kTrace.data(), kTrace.size(), &err);
  g_new_throws = 0;
  EXPECT_EQ(t, nullptr);
  EXPECT_EQ(err.code, SMCACHE_E_INTERNAL);
  EXPECT_STREQ(err.message, "internal: out of memory");
}

// ---- names -------------------------------------------------------------------------------

TEST(CTraceNames, RuleAndReasonNames) {
  EXPECT_STREQ(smcache_function_rule_name(SMCACHE_FUNCTION_NONE), "none");
  EXPECT_STREQ(smcache_function_rule_name(SMCACHE_FUNCTION_CALLER_CALL_SITE), "caller-call-site");
  EXPECT_STREQ(smcache_function_rule_name(SMCACHE_FUNCTION_CALLER_CALL_SITE_NEXT_TOKEN),
               "caller-call-site-next-token");
  EXPECT_STREQ(smcache_function_rule_name(SMCACHE_FUNCTION_MINIFIED), "minified");
  EXPECT_STREQ(smcache_function_rule_name(SMCACHE_FUNCTION_AS_PRINTED), "as-printed");
  EXPECT_STREQ(smcache_function_rule_name(SMCACHE_FUNCTION_ORIGINAL_FUNCTION), "original-function");
  EXPECT_STREQ(smcache_function_rule_name(SMCACHE_FUNCTION_SCOPES), "scopes");
  EXPECT_STREQ(smcache_function_rule_name(SMCACHE_FUNCTION_GENERATED_FUNCTION),
               "generated-function");
  EXPECT_STREQ(smcache_function_rule_name(8), "unknown");
  EXPECT_STREQ(smcache_function_rule_name(-1), "unknown");
  EXPECT_STREQ(smcache_unresolved_reason_name(SMCACHE_UNRESOLVED_NONE), "none");
  EXPECT_STREQ(smcache_unresolved_reason_name(SMCACHE_UNRESOLVED_NATIVE), "native");
  EXPECT_STREQ(smcache_unresolved_reason_name(SMCACHE_UNRESOLVED_NO_POSITION), "no-position");
  EXPECT_STREQ(smcache_unresolved_reason_name(SMCACHE_UNRESOLVED_NO_COLUMN), "no-column");
  EXPECT_STREQ(smcache_unresolved_reason_name(SMCACHE_UNRESOLVED_NO_CACHE), "no-cache");
  EXPECT_STREQ(smcache_unresolved_reason_name(SMCACHE_UNRESOLVED_CACHE_ERROR), "cache-error");
  EXPECT_STREQ(smcache_unresolved_reason_name(SMCACHE_UNRESOLVED_NO_MAPPING), "no-mapping");
  EXPECT_STREQ(smcache_unresolved_reason_name(7), "unknown");
}

// ---- symbolication -----------------------------------------------------------------------

TEST_F(CTrace, OneCacheResolvesNamesAndKeepsUnresolvedFrames) {
  TracePtr trace = parse(kTrace);
  smcache_error err{};
  ResultPtr r(smcache_trace_symbolicate_cache(trace.get(), cache_, 1, &err));
  ASSERT_NE(r, nullptr) << err.message;
  // The result owns copies: the trace and the cache may go first.
  trace.reset();
  smcache_cache_close(cache_);
  cache_ = nullptr;
  const auto f = frames_of(r.get());
  ASSERT_EQ(f.size(), 6u);

  EXPECT_EQ(f[0].generated.is_frame, 0);
  EXPECT_EQ(sv(f[0].generated.raw, f[0].generated.raw_len), "Error: x");

  // Frame 0 (at b, the throw) is named by its caller's call site: "inner".
  EXPECT_EQ(f[1].resolved, 1);
  EXPECT_EQ(f[1].unresolved_reason, SMCACHE_UNRESOLVED_NONE);
  EXPECT_EQ(sv(f[1].source, f[1].source_len), "src/app.js");
  EXPECT_EQ(f[1].source_index, 0u);
  EXPECT_EQ(f[1].line, 4u);
  EXPECT_EQ(f[1].column, 2u);
  EXPECT_EQ(function_of(f[1]), "inner");
  EXPECT_EQ(f[1].function_rule, SMCACHE_FUNCTION_CALLER_CALL_SITE);
  EXPECT_EQ(sv(f[1].display_function, f[1].display_function_len), "inner");
  EXPECT_EQ(sv(f[1].generated.function, f[1].generated.function_len), "b");
  EXPECT_EQ(f[1].generated.column, 30u);
  ASSERT_EQ(f[1].context_count, 3u);  // lines 3..5
  EXPECT_EQ(f[1].context_first_line, 3u);
  EXPECT_EQ(sv(f[1].context[1].data, f[1].context[1].len), "  throw new Error(\"x\");");
  EXPECT_EQ(sv(f[1].context[0].data, f[1].context[0].len), "function inner() {");

  EXPECT_EQ(function_of(f[2]), "outer");
  EXPECT_EQ(f[2].line, 1u);
  EXPECT_EQ(f[2].column, 2u);
  EXPECT_EQ(f[2].context_first_line, 0u);

  // An anonymous top-level frame whose caller (native) names nothing.
  EXPECT_EQ(f[3].resolved, 1);
  EXPECT_EQ(f[3].line, 6u);
  EXPECT_EQ(f[3].function_rule, SMCACHE_FUNCTION_NONE);
  EXPECT_EQ(f[3].function_len, 0u);
  EXPECT_EQ(f[3].context_count, 3u);  // lines 5, 6 and 7, the empty line after the last \n
  EXPECT_EQ(f[3].context_first_line, 5u);

  EXPECT_EQ(f[4].resolved, 0);
  EXPECT_EQ(f[4].unresolved_reason, SMCACHE_UNRESOLVED_NATIVE);
  EXPECT_EQ(f[4].source_index, static_cast<uint32_t>(SMCACHE_NONE));
  EXPECT_EQ(f[4].function_rule, SMCACHE_FUNCTION_AS_PRINTED);
  EXPECT_EQ(function_of(f[4]), "Array.map");
  EXPECT_EQ(f[4].context, nullptr);

  // node:internal names no file: --cache does not apply the bundle's cache to it.
  EXPECT_EQ(f[5].unresolved_reason, SMCACHE_UNRESOLVED_NO_CACHE);
}

TEST_F(CTrace, RenderIsTheCliText) {
  TracePtr trace = parse(kTrace);
  smcache_error err{};
  ResultPtr r(smcache_trace_symbolicate_cache(trace.get(), cache_, 1, &err));
  ASSERT_NE(r, nullptr) << err.message;
  // What `smcache symbolicate --cache app.smc --context 1 trace.txt` prints (1-based).
  EXPECT_EQ(render(r.get(), SMCACHE_RENDER_TEXT),
            "Error: x\n"
            "    at inner (src/app.js:5:3)\n"
            "        4 | function inner() {\n"
            "      > 5 |   throw new Error(\"x\");\n"
            "          |   ^\n"
            "        6 | }\n"
            "    at outer (src/app.js:2:3)\n"
            "        1 | function outer() {\n"
            "      > 2 |   inner();\n"
            "          |   ^\n"
            "        3 | }\n"
            "    at src/app.js:7:1\n"
            "        6 | }\n"
            "      > 7 | outer();\n"
            "          | ^\n"
            "        8 |\n"
            "    at Array.map (<anonymous>) [unresolved: native code]\n"
            "    at node:internal/main:1:1 [unresolved: no cache for this script]\n");

  ResultPtr plain(smcache_trace_symbolicate_cache(trace.get(), cache_, -1, &err));
  ASSERT_NE(plain, nullptr) << err.message;
  const std::string json = render(plain.get(), SMCACHE_RENDER_JSON);
  EXPECT_EQ(json.rfind("{\"lines\": [\n  {\"kind\": \"text\", \"raw\": \"Error: x\"},\n", 0), 0u);
  EXPECT_NE(json.find("\"source\": \"src/app.js\", \"line\": 5, \"column\": 3, \"function\": "
                      "\"inner\", \"display_function\": \"inner\", \"function_rule\": "
                      "\"caller-call-site\"}"),
            std::string::npos);
  EXPECT_EQ(json.find("pre_context"), std::string::npos);  // no context asked for
  EXPECT_NE(json.find("\n], \"frame_count\": 5, \"resolved_count\": 3}\n"), std::string::npos);

  uint8_t* out = nullptr;
  size_t len = 0;
  EXPECT_EQ(smcache_symbolication_render(r.get(), 7, &out, &len, &err), -1);
  EXPECT_EQ(err.code, SMCACHE_E_INVALID_ARGUMENT);
  EXPECT_EQ(smcache_symbolication_render(nullptr, 0, &out, &len, nullptr), -1);
  EXPECT_EQ(smcache_symbolication_render(r.get(), 0, nullptr, &len, nullptr), -1);
}

TEST_F(CTrace, NoCallerMeansTheMinifiedName) {
  // The text line between the frames breaks the chain: frame "b" keeps its own name, marked.
  const std::string text =
      "Error: x\n"
      "    at b (app.min.js:1:31)\n"
      "    ... 1 line matching cause stack trace ...\n"
      "    at a (app.min.js:1:14)\n";
  TracePtr trace = parse(text);
  smcache_error err{};
  ResultPtr r(smcache_trace_symbolicate_cache(trace.get(), cache_, -1, &err));
  ASSERT_NE(r, nullptr) << err.message;
  const auto f = frames_of(r.get());
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(function_of(f[1]), "b");
  EXPECT_EQ(f[1].function_rule, SMCACHE_FUNCTION_MINIFIED);
  EXPECT_EQ(f[1].context_count, 0u);  // context_lines -1: none
  EXPECT_EQ(render(r.get(), SMCACHE_RENDER_TEXT),
            "Error: x\n"
            "    at b (src/app.js:5:3) [minified]\n"
            "    ... 1 line matching cause stack trace ...\n"
            "    at a (src/app.js:2:3) [minified]\n");
}

TEST_F(CTrace, CachePerLine) {
  TracePtr trace = parse(kTrace);
  const smcache_trace_line* lines = nullptr;
  smcache_error err{};
  ASSERT_EQ(smcache_trace_lines(trace.get(), &lines, &err), 6);
  // Every frame line gets the cache except line 3: it stays unresolved. node:internal gets one
  // too: nothing filters here, the caller decides.
  std::vector<const smcache_cache*> caches(6, cache_);
  caches[0] = nullptr;
  caches[3] = nullptr;
  ResultPtr r(smcache_trace_symbolicate(trace.get(), caches.data(), caches.size(), 0, &err));
  ASSERT_NE(r, nullptr) << err.message;
  const auto f = frames_of(r.get());
  ASSERT_EQ(f.size(), 6u);
  EXPECT_EQ(function_of(f[1]), "inner");
  EXPECT_EQ(f[1].context_count, 1u);  // context 0: the line alone
  EXPECT_EQ(f[1].context_first_line, 4u);
  // Frame 2's caller (line 3) has no cache: not the same cache, so no caller name.
  EXPECT_EQ(function_of(f[2]), "a");
  EXPECT_EQ(f[2].function_rule, SMCACHE_FUNCTION_MINIFIED);
  EXPECT_EQ(f[3].unresolved_reason, SMCACHE_UNRESOLVED_NO_CACHE);
  // node:internal/main:1:1 was given the cache, and (0, 0) has a mapping in it.
  EXPECT_EQ(f[5].resolved, 1);
  EXPECT_EQ(f[5].line, 0u);
}

TEST_F(CTrace, SymbolicateRejectsBadArguments) {
  TracePtr trace = parse(kTrace);
  smcache_error err{};
  std::vector<const smcache_cache*> caches(5, cache_);  // one short
  EXPECT_EQ(smcache_trace_symbolicate(trace.get(), caches.data(), caches.size(), -1, &err),
            nullptr);
  EXPECT_EQ(err.code, SMCACHE_E_INVALID_ARGUMENT);
  EXPECT_NE(std::string(err.message).find("cache_count 5"), std::string::npos) << err.message;
  EXPECT_EQ(smcache_trace_symbolicate(trace.get(), nullptr, 6, -1, &err), nullptr);
  EXPECT_EQ(smcache_trace_symbolicate(nullptr, nullptr, 0, -1, &err), nullptr);
  EXPECT_EQ(smcache_trace_symbolicate_cache(trace.get(), nullptr, -1, &err), nullptr);
  EXPECT_EQ(err.code, SMCACHE_E_INVALID_ARGUMENT);
  EXPECT_EQ(smcache_trace_symbolicate_cache(trace.get(), cache_, -2, &err), nullptr);
  EXPECT_NE(std::string(err.message).find("context_lines"), std::string::npos);
  EXPECT_EQ(smcache_trace_symbolicate_dir(trace.get(), nullptr, -1, &err), nullptr);
  const smcache_symbolicated_frame* frames = nullptr;
  EXPECT_EQ(smcache_symbolication_frames(nullptr, &frames, &err), -1);
}

TEST_F(CTrace, ConcurrentSymbolicationsAgree) {
  TracePtr trace = parse(kTrace);
  smcache_error err{};
  ResultPtr want(smcache_trace_symbolicate_cache(trace.get(), cache_, 2, &err));
  ASSERT_NE(want, nullptr);
  const std::string expected = render(want.get(), SMCACHE_RENDER_JSON);
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        smcache_symbolication* r = smcache_trace_symbolicate_cache(trace.get(), cache_, 2, nullptr);
        uint8_t* out = nullptr;
        size_t len = 0;
        if (r == nullptr || smcache_symbolication_render(r, 1, &out, &len, nullptr) != 0 ||
            std::string_view(reinterpret_cast<const char*>(out), len) != expected) {
          ++mismatches;
        }
        smcache_bytes_free(out);
        smcache_symbolication_free(r);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

// ---- cache directories -------------------------------------------------------------------

class CCacheDir : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto bytes = compile_ok(kMap);
    write_file(dir_.path() / rel_,
               std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    for (const char* key : {"js/app.min.js", "app.min.js"}) {
      write_file(dir_.path() / "by-url" / url_key_file(key), rel_ + "\n" + key + "\n");
    }
    write_file(dir_.path() / "by-debug-id" / kId, rel_ + "\n");
  }

  static constexpr const char* kId = "85314830-023f-4cf1-a267-535f4e37bb17";
  TempDir dir_;
  std::string rel_ = "caches/ab/ab0123456789abcdef0123456789abcd.smc";
};

TEST_F(CCacheDir, FindsByUrlSuffixAndDebugId) {
  smcache_error err{};
  smcache_cache_dir* dir = smcache_cache_dir_open(dir_.path().c_str(), &err);
  ASSERT_NE(dir, nullptr) << err.message;
  smcache_cache* a = nullptr;
  smcache_cache* b = nullptr;
  smcache_cache* c = nullptr;
  const std::string url = "https://cdn.example.com/static/js/app.min.js?v=3#main";
  ASSERT_EQ(smcache_cache_dir_find(dir, url.data(), url.size(), nullptr, 0, &a, &err), 1)
      << err.message;
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(smcache_cache_token_count(a), 7u);
  const std::string id = "85314830023F4CF1A267535F4E37BB17";  // no dashes, upper case
  ASSERT_EQ(smcache_cache_dir_find(dir, "nope.js", 7, id.data(), id.size(), &b, &err), 1);
  const std::string other = "https://cdn.example.com/vendor.min.js";
  EXPECT_EQ(smcache_cache_dir_find(dir, other.data(), other.size(), nullptr, 0, &c, &err), 0);
  EXPECT_EQ(c, nullptr);
  EXPECT_EQ(smcache_cache_dir_find(dir, "node:internal/x", 15, nullptr, 0, &c, &err), 0);
  smcache_cache_dir_close(dir);
  // Handles from the directory outlive it.
  smcache_token t{};
  EXPECT_EQ(smcache_cache_lookup(a, 0, 30, SMCACHE_BIAS_GREATEST_LOWER_BOUND, &t, &err), 1);
  EXPECT_EQ(t.line, 4u);
  EXPECT_EQ(smcache_cache_lookup(b, 0, 13, SMCACHE_BIAS_GREATEST_LOWER_BOUND, &t, &err), 1);
  EXPECT_EQ(sv(t.name, t.name_len), "inner");
  smcache_cache_close(a);
  smcache_cache_close(b);
}

TEST_F(CCacheDir, SymbolicateThroughTheDirectory) {
  std::string trace_text(kTrace);
  trace_text += "    at x (https://cdn.example.com/js/vendor.min.js:1:10)\n";
  TracePtr trace = parse(trace_text);
  smcache_error err{};
  smcache_cache_dir* dir = smcache_cache_dir_open(dir_.path().c_str(), &err);
  ASSERT_NE(dir, nullptr) << err.message;
  ResultPtr r(smcache_trace_symbolicate_dir(trace.get(), dir, -1, &err));
  smcache_cache_dir_close(dir);
  ASSERT_NE(r, nullptr) << err.message;
  const auto f = frames_of(r.get());
  ASSERT_EQ(f.size(), 7u);
  // Both frames come from the same memoized cache, so frame 1 is named by frame 2's call site.
  EXPECT_EQ(function_of(f[1]), "inner");
  EXPECT_EQ(f[1].function_rule, SMCACHE_FUNCTION_CALLER_CALL_SITE);
  EXPECT_EQ(function_of(f[2]), "outer");
  EXPECT_EQ(f[5].unresolved_reason, SMCACHE_UNRESOLVED_NO_CACHE);  // node:internal
  EXPECT_EQ(f[6].unresolved_reason, SMCACHE_UNRESOLVED_NO_CACHE);  // not indexed
}

TEST_F(CCacheDir, ErrorsInTheDirectory) {
  smcache_error err{};
  // An index entry whose cache file is gone: find fails with IO; symbolicate marks the frame.
  write_file(dir_.path() / "by-url" / url_key_file("gone.js"), "caches/00/missing.smc\ngone.js\n");
  // An entry pointing outside DIR.
  write_file(dir_.path() / "by-url" / url_key_file("evil.js"), "../../etc/passwd\nevil.js\n");
  // A hash collision: the file for "other.js" names another key: a miss, not a wrong answer.
  write_file(dir_.path() / "by-url" / url_key_file("other.js"), rel_ + "\nsomething-else.js\n");
  smcache_cache_dir* dir = smcache_cache_dir_open(dir_.path().c_str(), &err);
  ASSERT_NE(dir, nullptr) << err.message;
  smcache_cache* c = nullptr;
  EXPECT_EQ(smcache_cache_dir_find(dir, "gone.js", 7, nullptr, 0, &c, &err), -1);
  EXPECT_EQ(err.code, SMCACHE_E_IO);
  EXPECT_EQ(err.os_errno, ENOENT);
  EXPECT_NE(std::string(err.message).find("missing.smc"), std::string::npos) << err.message;
  EXPECT_EQ(smcache_cache_dir_find(dir, "evil.js", 7, nullptr, 0, &c, &err), -1);
  EXPECT_EQ(err.code, SMCACHE_E_CORRUPT);
  EXPECT_EQ(smcache_cache_dir_find(dir, "other.js", 8, nullptr, 0, &c, &err), 0);
  EXPECT_EQ(smcache_cache_dir_find(dir, nullptr, 3, nullptr, 0, &c, &err), -1);
  EXPECT_EQ(err.code, SMCACHE_E_INVALID_ARGUMENT);
  EXPECT_EQ(smcache_cache_dir_find(dir, "a", 1, nullptr, 0, nullptr, &err), -1);

  const std::string text = "Error\n    at f (https://h/gone.js:1:1)\n";
  TracePtr trace = parse(text);
  ResultPtr r(smcache_trace_symbolicate_dir(trace.get(), dir, -1, &err));
  ASSERT_NE(r, nullptr) << err.message;
  const auto f = frames_of(r.get());
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[1].unresolved_reason, SMCACHE_UNRESOLVED_CACHE_ERROR);
  EXPECT_NE(sv(f[1].unresolved_detail, f[1].unresolved_detail_len).find("missing.smc"),
            std::string_view::npos);
  EXPECT_NE(render(r.get(), SMCACHE_RENDER_TEXT).find("[unresolved: cache error: "),
            std::string::npos);
  smcache_cache_dir_close(dir);

  EXPECT_EQ(smcache_cache_dir_open((dir_.path() / "no-such-dir").c_str(), &err), nullptr);
  EXPECT_EQ(err.code, SMCACHE_E_IO);
  EXPECT_EQ(smcache_cache_dir_open((dir_.path() / rel_).c_str(), &err), nullptr);  // a file
  EXPECT_EQ(err.code, SMCACHE_E_IO);
  EXPECT_EQ(smcache_cache_dir_open(nullptr, &err), nullptr);
  EXPECT_EQ(err.code, SMCACHE_E_INVALID_ARGUMENT);
}

// ---- compile a JavaScript file -----------------------------------------------------------

namespace {

int32_t compile_js(std::string_view js, const std::string* map, const char* js_path,
                   const char* root, std::vector<uint8_t>* out, smcache_error* err,
                   uint32_t flags = 0) {
  uint8_t* bytes = nullptr;
  size_t len = 0;
  smcache_compile_options options;
  smcache_compile_options_init(&options);
  options.flags = flags;
  const int32_t rc = smcache_compile_js(
      reinterpret_cast<const uint8_t*>(js.data()), js.size(),
      map == nullptr ? nullptr : reinterpret_cast<const uint8_t*>(map->data()),
      map == nullptr ? 0 : map->size(), js_path, root, &options, &bytes, &len, err);
  if (rc == 0) out->assign(bytes, bytes + len);
  smcache_bytes_free(bytes);
  return rc;
}

std::string debug_id_of(const std::vector<uint8_t>& cache_bytes) {
  smcache_error err{};
  smcache_cache* c = smcache_cache_open_bytes(cache_bytes.data(), cache_bytes.size(), &err);
  EXPECT_NE(c, nullptr) << err.message;
  if (c == nullptr) return "?";
  smcache_info info{};
  smcache_cache_info(c, &info, &err);
  std::string id = info.debug_id == nullptr ? "" : std::string(info.debug_id, info.debug_id_len);
  smcache_cache_close(c);
  return id;
}

}  // namespace

TEST(CCompileJs, InlineDataUrlNeedsNoPath) {
  const std::string with_id =
      std::string(kJs) + "//# debugId=85314830-023f-4cf1-a267-535f4e37bb17\n";
  const std::string js =
      with_id + "//# sourceMappingURL=data:application/json;base64," + base64(kMap) + "\n";
  std::vector<uint8_t> out;
  smcache_error err{};
  ASSERT_EQ(compile_js(js, nullptr, nullptr, nullptr, &out, &err), 0) << err.message;
  // The decoded map is kMap itself: the same bytes as when the map is given with the same file
  // (the file's bytes are part of the input hash, SPEC §4.9).
  std::vector<uint8_t> given;
  const std::string map(kMap);
  ASSERT_EQ(compile_js(js, &map, nullptr, nullptr, &given, &err), 0) << err.message;
  EXPECT_EQ(out, given);
  EXPECT_EQ(debug_id_of(out), "85314830-023f-4cf1-a267-535f4e37bb17");  // from the comment
  smcache_cache* c = smcache_cache_open_bytes(out.data(), out.size(), &err);
  ASSERT_NE(c, nullptr) << err.message;
  EXPECT_EQ(smcache_cache_token_count(c), 7u);
  smcache_cache_close(c);
}

TEST(CCompileJs, MapBytesGiven) {
  const std::string map(kMap);
  std::vector<uint8_t> out;
  smcache_error err{};
  // No sourceMappingURL needed when the map is given: the result is compile()'s, plus the
  // generated-function table (the functions a and b of the JavaScript file).
  ASSERT_EQ(compile_js(kJs, &map, nullptr, nullptr, &out, &err,
                       SMCACHE_COMPILE_NO_GENERATED_FUNCTION_TABLE),
            0)
      << err.message;
  EXPECT_EQ(out, compile_ok(kMap, 0));
  ASSERT_EQ(compile_js(kJs, &map, nullptr, nullptr, &out, &err), 0) << err.message;
  EXPECT_GT(out.size(), compile_ok(kMap, 0).size());
  EXPECT_EQ(debug_id_of(out), "");
  // A debugId comment in the JS becomes the cache's.
  const std::string js = std::string(kJs) + "//# debugId=85314830-023f-4cf1-a267-535f4e37bb17\n";
  ASSERT_EQ(compile_js(js, &map, nullptr, nullptr, &out, &err), 0) << err.message;
  EXPECT_EQ(debug_id_of(out), "85314830-023f-4cf1-a267-535f4e37bb17");
  // A map that disagrees with the JS's debugId comes from another build.
  std::string other = map;
  other.insert(1, R"("debugId":"00000000-0000-4000-8000-000000000000",)");
  EXPECT_EQ(compile_js(js, &other, nullptr, nullptr, &out, &err), -1);
  EXPECT_EQ(err.code, SMCACHE_E_INVALID_FIELD);
  EXPECT_EQ(std::string(err.message).rfind("debugId", 0), 0u) << err.message;
  // A bad map is the map's error, with its position.
  const std::string bad = R"({"version":3,"sources":["a"],"names":[],"mappings":"AAAA,!"})";
  EXPECT_EQ(compile_js(kJs, &bad, nullptr, nullptr, &out, &err), -1);
  EXPECT_EQ(err.code, SMCACHE_E_INVALID_MAPPINGS);
  EXPECT_EQ(err.segment, 1u);
}

TEST(CCompileJs, RelativeMapPathResolvesAgainstJsPath) {
  TempDir dir;
  write_file(dir.path() / "maps" / "app.min.js.map", kMap);
  const std::string js = std::string(kJs) + "//# sourceMappingURL=../maps/app.min.js.map?v=2\n";
  const std::string js_path = (dir.path() / "static" / "app.min.js").string();  // need not exist
  std::vector<uint8_t> out;
  smcache_error err{};
  ASSERT_EQ(compile_js(js, nullptr, js_path.c_str(), nullptr, &out, &err,
                       SMCACHE_COMPILE_NO_GENERATED_FUNCTION_TABLE),
            0)
      << err.message;
  EXPECT_EQ(out, compile_ok(kMap, 0));
  // Confined to a root: inside is fine, outside is refused.
  const std::string root = dir.path().string();
  ASSERT_EQ(compile_js(js, nullptr, js_path.c_str(), root.c_str(), &out, &err), 0) << err.message;
  const std::string static_root = (dir.path() / "static").string();
  EXPECT_EQ(compile_js(js, nullptr, js_path.c_str(), static_root.c_str(), &out, &err), -1);
  EXPECT_EQ(err.code, SMCACHE_E_INVALID_ARGUMENT);
  // Without js_path a file reference is refused: nothing is read relative to the cwd.
  EXPECT_EQ(compile_js(js, nullptr, nullptr, nullptr, &out, &err), -1);
  EXPECT_EQ(err.code, SMCACHE_E_INVALID_ARGUMENT);
  EXPECT_NE(std::string(err.message).find("../maps/app.min.js.map"), std::string::npos);
  // A map file that is not there.
  const std::string missing = std::string(kJs) + "//# sourceMappingURL=nope.map\n";
  EXPECT_EQ(compile_js(missing, nullptr, js_path.c_str(), nullptr, &out, &err), -1);
  EXPECT_EQ(err.code, SMCACHE_E_IO);
  EXPECT_EQ(err.os_errno, ENOENT);
  // Absolute URLs are never fetched.
  const std::string remote = std::string(kJs) + "//# sourceMappingURL=https://h/app.map\n";
  EXPECT_EQ(compile_js(remote, nullptr, js_path.c_str(), nullptr, &out, &err), -1);
  EXPECT_EQ(err.code, SMCACHE_E_INVALID_ARGUMENT);
}

TEST(CCompileJs, ErrorsAndScan) {
  std::vector<uint8_t> out;
  smcache_error err{};
  EXPECT_EQ(compile_js(kJs, nullptr, nullptr, nullptr, &out, &err), -1);  // no comment at all
  EXPECT_EQ(err.code, SMCACHE_E_INVALID_ARGUMENT);
  EXPECT_NE(std::string(err.message).find("sourceMappingURL"), std::string::npos);
  const std::string bad = std::string(kJs) + "//# sourceMappingURL=data:text/plain;base64,e30=\n";
  EXPECT_EQ(compile_js(bad, nullptr, nullptr, nullptr, &out, &err), -1);
  EXPECT_EQ(err.code, SMCACHE_E_INVALID_ARGUMENT);
  uint8_t* bytes = nullptr;
  size_t len = 0;
  EXPECT_EQ(
      smcache_compile_js(nullptr, 1, nullptr, 0, nullptr, nullptr, nullptr, &bytes, &len, &err),
      -1);
  EXPECT_EQ(err.code, SMCACHE_E_INVALID_ARGUMENT);
  EXPECT_EQ(
      smcache_compile_js(nullptr, 0, nullptr, 0, nullptr, nullptr, nullptr, nullptr, &len, &err),
      -1);

  const std::string js = std::string(kJs) +
                         "//# sourceMappingURL=app.min.js.map\n"
                         "//# debugId=85314830-023f-4cf1-a267-535f4e37bb17\n";
  smcache_js_annotations a{};
  ASSERT_EQ(smcache_js_scan(reinterpret_cast<const uint8_t*>(js.data()), js.size(), &a, &err), 0);
  EXPECT_EQ(a.has_source_mapping_url, 1);
  EXPECT_EQ(sv(a.source_mapping_url, a.source_mapping_url_len), "app.min.js.map");
  EXPECT_EQ(a.has_debug_id, 1);
  EXPECT_EQ(sv(a.debug_id, a.debug_id_len), "85314830-023f-4cf1-a267-535f4e37bb17");
  ASSERT_EQ(smcache_js_scan(reinterpret_cast<const uint8_t*>(kJs.data()), kJs.size(), &a, &err), 0);
  EXPECT_EQ(a.has_source_mapping_url, 0);
  EXPECT_EQ(a.has_debug_id, 0);
  EXPECT_EQ(smcache_js_scan(nullptr, 0, &a, &err), 0);
  EXPECT_EQ(smcache_js_scan(nullptr, 0, nullptr, &err), -1);
  EXPECT_EQ(err.code, SMCACHE_E_INVALID_ARGUMENT);
}

// ---- inlined frames (the map's `scopes`) ----------------------------------------------------

// tests/data/traces/inlined/inlined.min.js.map without its sourcesContent (see make_map.py there):
// square inlined into compute (call site math.js 4:14), compute into main (main.js 4:13), and
// square into top-level code (main.js 15:0).
constexpr std::string_view kInlinedMap =
    R"({"version":3,"sources":["src/main.js","src/math.js"],)"
    R"("names":["main","compute","square","function","block"],)"
    R"("mappings":"AAAA,UAEE,UCCA,UACE,UAOS,UANX,UAEA,oBDFA,oBAOF,UCFI,UDMJ",)"
    R"("scopes":"BAAA,BHBAAG,CJA,CKA,BAAA,BHCACA,BCBCC,CDA,CDA,BHBACD,CCA,CSA,ECAA,EGKC,)"
    R"(EGKE,IAEN,ECKC,EGKC,IBEO,FK,FK,FU,FU,EGKA,IAPA,FK,FwC"})";

std::vector<smcache_inlined_frame> inlined_of(const smcache_symbolication* r, size_t index) {
  const smcache_inlined_frame* frames = nullptr;
  smcache_error err{};
  const int64_t n = smcache_symbolication_inlined_callers(r, index, &frames, &err);
  EXPECT_GE(n, 0) << err.message;
  if (n <= 0) {
    EXPECT_EQ(frames, nullptr);
    return {};
  }
  return std::vector<smcache_inlined_frame>(frames, frames + n);
}

TEST(CInlined, CallersThatInliningRemovedAreGivenBack) {
  const std::vector<uint8_t> bytes = compile_ok(kInlinedMap);
  smcache_error err{};
  smcache_cache* cache = smcache_cache_open_bytes(bytes.data(), bytes.size(), &err);
  ASSERT_NE(cache, nullptr) << err.message;
  TracePtr trace = parse(
      "Error: x\n"
      "    at async s (inlined.min.js:1:46)\n"
      "    at c (inlined.min.js:1:36)\n"
      "    at m (inlined.min.js:1:16)\n"
      "    at t (inlined.min.js:1:116)\n");
  ResultPtr r(smcache_trace_symbolicate_cache(trace.get(), cache, -1, &err));
  ASSERT_NE(r, nullptr) << err.message;
  smcache_cache_close(cache);  // the result owns its strings
  const auto f = frames_of(r.get());
  ASSERT_EQ(f.size(), 5u);

  EXPECT_TRUE(inlined_of(r.get(), 0).empty());  // the text line
  // square at its own position, inlined into compute, inlined into main.
  EXPECT_EQ(function_of(f[1]), "square");
  EXPECT_EQ(f[1].function_rule, SMCACHE_FUNCTION_SCOPES);
  EXPECT_EQ(sv(f[1].source, f[1].source_len), "src/math.js");
  EXPECT_EQ(f[1].line, 11u);
  EXPECT_EQ(f[1].column, 13u);
  // "async" belongs to the frame the engine ran, the last caller.
  EXPECT_EQ(sv(f[1].display_function, f[1].display_function_len), "square");
  const auto sq = inlined_of(r.get(), 1);
  ASSERT_EQ(sq.size(), 2u);
  EXPECT_EQ(sv(sq[0].function, sq[0].function_len), "compute");
  EXPECT_EQ(sv(sq[0].display_function, sq[0].display_function_len), "compute");
  EXPECT_EQ(sv(sq[0].source, sq[0].source_len), "src/math.js");
  EXPECT_EQ(sq[0].source_index, 1u);
  EXPECT_EQ(sq[0].line, 4u);
  EXPECT_EQ(sq[0].column, 14u);
  EXPECT_EQ(sq[0].function_rule, SMCACHE_FUNCTION_SCOPES);
  EXPECT_EQ(sq[0].inlined, 1);
  EXPECT_EQ(sv(sq[1].function, sq[1].function_len), "main");
  EXPECT_EQ(sv(sq[1].display_function, sq[1].display_function_len), "async main");
  EXPECT_EQ(sv(sq[1].source, sq[1].source_len), "src/main.js");
  EXPECT_EQ(sq[1].source_index, 0u);
  EXPECT_EQ(sq[1].line, 4u);
  EXPECT_EQ(sq[1].column, 13u);
  EXPECT_EQ(sq[1].inlined, 0);

  const auto co = inlined_of(r.get(), 2);
  EXPECT_EQ(function_of(f[2]), "compute");
  ASSERT_EQ(co.size(), 1u);
  EXPECT_EQ(sv(co[0].function, co[0].function_len), "main");
  EXPECT_EQ(co[0].line, 4u);
  EXPECT_EQ(co[0].column, 13u);

  EXPECT_EQ(function_of(f[3]), "main");
  EXPECT_TRUE(inlined_of(r.get(), 3).empty());

  // Inlined into top-level code: the caller has no function.
  const auto top = inlined_of(r.get(), 4);
  ASSERT_EQ(top.size(), 1u);
  EXPECT_EQ(top[0].function_len, 0u);
  EXPECT_EQ(top[0].display_function_len, 0u);
  EXPECT_EQ(top[0].function_rule, SMCACHE_FUNCTION_NONE);
  EXPECT_EQ(top[0].line, 15u);
  EXPECT_EQ(top[0].column, 0u);

  EXPECT_EQ(render(r.get(), SMCACHE_RENDER_TEXT),
            "Error: x\n"
            "    at square (src/math.js:12:14) [inlined]\n"
            "    at compute (src/math.js:5:15) [inlined]\n"
            "    at async main (src/main.js:5:14)\n"
            "    at compute (src/math.js:5:5) [inlined]\n"
            "    at main (src/main.js:5:14)\n"
            "    at main (src/main.js:3:3)\n"
            "    at square (src/math.js:11:5) [inlined]\n"
            "    at src/main.js:16:1\n");

  // Bad arguments.
  const smcache_inlined_frame* out = nullptr;
  EXPECT_EQ(smcache_symbolication_inlined_callers(r.get(), 5, &out, &err), -1);
  EXPECT_EQ(err.code, SMCACHE_E_INVALID_ARGUMENT);
  EXPECT_EQ(smcache_symbolication_inlined_callers(nullptr, 0, &out, nullptr), -1);
  EXPECT_EQ(smcache_symbolication_inlined_callers(r.get(), 0, nullptr, nullptr), -1);
}

// A result without scopes has no inlined callers anywhere.
TEST_F(CTrace, NoScopesNoInlinedCallers) {
  TracePtr trace = parse(kTrace);
  smcache_error err{};
  ResultPtr r(smcache_trace_symbolicate_cache(trace.get(), cache_, -1, &err));
  ASSERT_NE(r, nullptr) << err.message;
  const auto f = frames_of(r.get());
  for (size_t i = 0; i < f.size(); ++i) EXPECT_TRUE(inlined_of(r.get(), i).empty()) << i;
}
