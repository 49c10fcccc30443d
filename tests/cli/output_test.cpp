// Unit tests of the CLI's JSON string escaping, terminal sanitizing and buffered writer
// (bindings/common/src/output.cpp, shared with libsmcache.so).
#include <smcache/present/output.hpp>

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <string>
#include <string_view>

namespace smcache::present {
namespace {

using namespace std::string_view_literals;

struct Case {
  std::string_view input;
  std::string_view json;  // json_quote(input)
  std::string_view text;  // sanitize_text(input)
};

// clang-format off
const Case kCases[] = {
    {"", R"("")", ""},
    {"a.js", R"("a.js")", "a.js"},                                  // plain ASCII unchanged
    {"q\"b\\s", R"("q\"b\\s")", "q\"b\\s"},                         // quote, backslash
    {"a\nb\tc\rd\be\ff", R"("a\nb\tc\rd\be\ff")",
     R"(a\x0ab\x09c\x0dd\x08e\x0cf)"},                              // short JSON escapes
    {"\x01\x1f"sv, R"("\u0001\u001f")", R"(\x01\x1f)"},             // other C0 controls
    {"\0z"sv, R"("\u0000z")", R"(\x00z)"},                          // NUL is data, not an end
    {"\x1b[2J", R"("\u001b[2J")", R"(\x1b[2J)"},                    // terminal escape sequence
    {"\x7f", R"("\u007f")", R"(\x7f)"},                             // DEL
    {"\xc2\x85\xc2\x9b", R"("\u0085\u009b")", R"(\u0085\u009b)"},  // C1 controls (NEL, CSI)
    {"\xc2\xa0\xc3\xa9", "\"\xc2\xa0\xc3\xa9\"", "\xc2\xa0\xc3\xa9"},  // U+00A0, é kept
    {"\xe2\x82\xac\xf0\x9f\x98\x80", "\"\xe2\x82\xac\xf0\x9f\x98\x80\"",
     "\xe2\x82\xac\xf0\x9f\x98\x80"},                               // €, emoji kept
    {"\xe2\x80\xa8", "\"\xe2\x80\xa8\"", "\xe2\x80\xa8"},           // U+2028 is valid JSON
    {"a\xff" "b", R"("a\ufffdb")", R"(a\xffb)"},                    // invalid byte
    {"\x80", R"("\ufffd")", R"(\x80)"},                             // lone continuation byte
    {"\xc0\xaf", R"("\ufffd\ufffd")", R"(\xc0\xaf)"},               // overlong '/': 2 bytes bad
    {"\xe0\x80\xaf", R"("\ufffd\ufffd\ufffd")", R"(\xe0\x80\xaf)"},  // overlong 3-byte form
    {"\xed\xa0\x80", R"("\ufffd\ufffd\ufffd")", R"(\xed\xa0\x80)"},  // UTF-16 surrogate
    {"\xf4\x90\x80\x80", R"("\ufffd\ufffd\ufffd\ufffd")",
     R"(\xf4\x90\x80\x80)"},                                        // above U+10FFFF
    {"\xe2\x82" "x", R"("\ufffdx")", R"(\xe2\x82x)"},               // truncated: one U+FFFD
    {"\xf0\x9f\x98", R"("\ufffd")", R"(\xf0\x9f\x98)"},             // truncated at the end
};
// clang-format on

TEST(CliOutput, JsonQuoteEscapesPerTable) {
  for (const Case& c : kCases) {
    EXPECT_EQ(json_quote(c.input), c.json) << "input: " << sanitize_text(c.input);
  }
}

TEST(CliOutput, SanitizeTextEscapesPerTable) {
  for (const Case& c : kCases) {
    EXPECT_EQ(sanitize_text(c.input), c.text) << "input: " << sanitize_text(c.input);
  }
}

TEST(CliOutput, JsonPlainOnlyForPrintableAsciiWithoutQuoteOrBackslash) {
  EXPECT_TRUE(json_plain("src/a-b_c.js"));
  EXPECT_TRUE(json_plain(""));
  EXPECT_FALSE(json_plain("a\"b"));
  EXPECT_FALSE(json_plain("a\\b"));
  EXPECT_FALSE(json_plain("a\nb"));
  EXPECT_FALSE(json_plain("\xc3\xa9"));
  EXPECT_FALSE(json_plain("\x7f"));
}

// Every byte string of length <= 2 gives JSON output without raw control bytes and without
// invalid UTF-8 (a cheap exhaustive check of the decoder's edges).
TEST(CliOutput, JsonQuoteOutputIsAlwaysPrintableAsciiOrValidMultibyte) {
  for (int a = 0; a < 256; ++a) {
    for (int b = -1; b < 256; ++b) {
      std::string in(1, static_cast<char>(a));
      if (b >= 0) in.push_back(static_cast<char>(b));
      const std::string out = json_quote(in);
      for (std::size_t i = 0; i < out.size(); ++i) {
        const auto c = static_cast<unsigned char>(out[i]);
        ASSERT_FALSE(c < 0x20 || c == 0x7f) << "raw control byte for input " << a << "," << b;
        if (c >= 0x80) {
          // Only a valid two-byte sequence U+00A0..U+07FF can come from two input bytes.
          ASSERT_TRUE(c >= 0xc2 && c <= 0xdf && i + 1 < out.size() &&
                      (static_cast<unsigned char>(out[i + 1]) & 0xc0) == 0x80)
              << "bad UTF-8 in output for input " << a << "," << b;
          ASSERT_FALSE(c == 0xc2 && static_cast<unsigned char>(out[i + 1]) < 0xa0)
              << "raw C1 control for input " << a << "," << b;
          ++i;
        }
      }
    }
  }
}

// One of each put, long enough to drain a 64-byte buffer mid-string; kSampleOutput is its bytes.
void put_sample(Writer& w) {
  w.put("line ");
  w.put_u64(18446744073709551615u);
  w.put(' ');
  w.put_hex64(0x0123456789abcdefu);
  w.put(' ');
  w.put_json_string(std::string(100, 'x') + "\"");
  w.put('\n');
}
const std::string kSampleOutput =
    "line 18446744073709551615 0123456789abcdef \"" + std::string(100, 'x') + "\\\"\"\n";

TEST(CliOutput, WriterBuffersAndFlushesInOrder) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  {
    Writer w(fds[1], 64);  // tiny buffer: forces drains mid-string
    put_sample(w);
    ASSERT_TRUE(w.flush());
  }
  ::close(fds[1]);
  std::string got;
  char buf[512];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) got.append(buf, n);
  ::close(fds[0]);
  EXPECT_EQ(got, kSampleOutput);
}

// The C library renders into memory through the same Writer: the string receives what an fd
// would have, appended after what it held, across buffer drains, once flushed.
TEST(CliOutput, WriterAppendsToAStringSink) {
  std::string sink = "kept:";
  {
    Writer w(sink, 64);
    put_sample(w);
    ASSERT_TRUE(w.flush());
    EXPECT_FALSE(w.failed());
    EXPECT_EQ(sink, "kept:" + kSampleOutput);
    w.put("tail");
  }  // the destructor flushes what is left
  EXPECT_EQ(sink, "kept:" + kSampleOutput + "tail");
}

TEST(CliOutput, WriterReportsWriteErrors) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::close(fds[0]);
  Writer w(fds[1], 64);
  w.put("data");
  // A pipe without a reader: EPIPE (SIGPIPE is ignored by the test's action below).
  struct sigaction ignore {
  }, old{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &old);
  EXPECT_FALSE(w.flush());
  EXPECT_TRUE(w.failed());
  EXPECT_EQ(w.error_number(), EPIPE);
  ::sigaction(SIGPIPE, &old, nullptr);
  ::close(fds[1]);
}

}  // namespace
}  // namespace smcache::present
