// Sources of an open cache (cache_impl.hpp): names, content, ignore flags, and source_line()
// splitting at every JavaScript line terminator.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "support.hpp"

namespace smcache::test {
namespace {

using Lines = std::vector<std::string>;

// Every line of source 0 whose content is `content`, read through source_line().
Lines lines_of(const std::string& content) {
  ModelBuilder b;
  b.source("a.js", content);
  const auto bytes = build(b.model());
  const Cache cache = open_bytes(bytes);
  const auto info = cache.source(0);
  EXPECT_TRUE(info);
  Lines out;
  if (!info) return out;
  for (std::uint32_t l = 0; l < info->line_count; ++l) {
    const auto s = cache.source_line(0, l);
    EXPECT_TRUE(s) << "line " << l;
    out.emplace_back(s ? *s : "<missing>");
  }
  EXPECT_FALSE(cache.source_line(0, info->line_count)) << "one past the last line";
  EXPECT_TRUE(cache.verify().ok()) << cache.verify().error().message;
  return out;
}

TEST(SourceLine, SplitsAtEveryTerminator) {
  const struct {
    std::string content;
    Lines lines;
    const char* why;
  } table[] = {
      {"", {""}, "empty content: one empty line"},
      {"abc", {"abc"}, "no terminator: one line"},
      {"a\nb", {"a", "b"}, "\\n"},
      {"a\r\nb", {"a", "b"}, "\\r\\n is one terminator"},
      {"a\rb", {"a", "b"}, "lone \\r"},
      {"a\xE2\x80\xA8"
       "b",
       {"a", "b"},
       "U+2028 LINE SEPARATOR"},
      {"a\xE2\x80\xA9"
       "b",
       {"a", "b"},
       "U+2029 PARAGRAPH SEPARATOR"},
      {"a\n", {"a", ""}, "trailing \\n: a final empty line"},
      {"a\r\n", {"a", ""}, "trailing \\r\\n"},
      {"a\r", {"a", ""}, "trailing \\r"},
      {"a\xE2\x80\xA8", {"a", ""}, "trailing U+2028"},
      {"\n", {"", ""}, "only a terminator"},
      {"\n\n", {"", "", ""}, "two \\n"},
      {"\r\n\r\n", {"", "", ""}, "two \\r\\n"},
      {"\n\r", {"", "", ""}, "\\n then \\r: two terminators"},
      {"\r\r\n", {"", "", ""}, "\\r then \\r\\n"},
      {"a\r\n\nb\rc\xE2\x80\xA9"
       "d\n",
       {"a", "", "b", "c", "d", ""},
       "mixed"},
      {"x\xE2\x80", {"x\xE2\x80"}, "a cut U+2028 prefix is not a terminator"},
      {"x\xE2\x80\xAAy", {"x\xE2\x80\xAAy"}, "E2 80 AA is not a terminator"},
      {"caf\xC3\xA9\n\xE2\x82\xAC", {"caf\xC3\xA9", "\xE2\x82\xAC"}, "other UTF-8 kept whole"},
      {std::string("a\0b\nc", 5), {std::string("a\0b", 3), "c"}, "NUL bytes are content"},
      {"\t  indented  \n", {"\t  indented  ", ""}, "whitespace kept"},
  };
  for (const auto& row : table) {
    EXPECT_EQ(lines_of(row.content), row.lines) << row.why;
  }
}

TEST(SourceLine, LongContentManyLines) {
  std::string content;
  Lines want;
  for (int i = 0; i < 5000; ++i) {
    want.push_back(str("line ", i));
    content += want.back();
    content += (i % 3 == 0) ? "\n" : (i % 3 == 1) ? "\r\n" : "\xE2\x80\xA8";
  }
  want.push_back("");
  EXPECT_EQ(lines_of(content), want);
}

TEST(Sources, NamesContentAndFlags) {
  ModelBuilder b;
  b.source("webpack:///src/a.ts", "let a = 1;\nexport {a};\n")
      .source(std::nullopt, "null-named")
      .source("b.js", std::nullopt, true)
      .source("", "");
  b.line({seg(0, 0, 0, 0)});
  const auto bytes = build(b.model());
  const Cache cache = open_bytes(bytes);
  ASSERT_EQ(cache.source_count(), 4u);

  auto s = cache.source(0);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->index, 0u);
  EXPECT_EQ(s->name, "webpack:///src/a.ts");
  EXPECT_EQ(s->content, "let a = 1;\nexport {a};\n");
  EXPECT_EQ(s->line_count, 3u);
  EXPECT_FALSE(s->ignored);
  EXPECT_EQ(cache.source_line(0, 1), "export {a};");

  s = cache.source(1);
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->name) << "a null source has no name";
  EXPECT_EQ(s->content, "null-named");
  EXPECT_EQ(s->line_count, 1u);

  s = cache.source(2);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->name, "b.js");
  EXPECT_FALSE(s->content) << "no sourcesContent entry";
  EXPECT_EQ(s->line_count, 0u);
  EXPECT_TRUE(s->ignored);
  EXPECT_FALSE(cache.source_line(2, 0)) << "no content: no lines";

  s = cache.source(3);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->name, "") << "an empty name is not a null name";
  EXPECT_EQ(s->content, "") << "empty content is content";
  EXPECT_EQ(s->line_count, 1u);
  EXPECT_EQ(cache.source_line(3, 0), "");

  EXPECT_FALSE(cache.source(4));
  EXPECT_FALSE(cache.source(0xFFFFFFFFu));
  EXPECT_FALSE(cache.source_line(4, 0));
  EXPECT_FALSE(cache.source_line(0, 3));
  EXPECT_FALSE(cache.source_line(0, 0xFFFFFFFFu));
}

TEST(Sources, ContentLeftOutWhenDisabled) {
  ModelBuilder b;
  b.source("a.js", "content\n");
  const auto bytes = build(b.model(), 64, /*include_sources_content=*/false);
  const Cache cache = open_bytes(bytes);
  const auto s = cache.source(0);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->name, "a.js");
  EXPECT_FALSE(s->content);
  EXPECT_EQ(s->line_count, 0u);
  EXPECT_FALSE(cache.source_line(0, 0));
  EXPECT_TRUE(cache.verify().ok());
}

TEST(Sources, NoSources) {
  const auto bytes = build(SourceMapModel{});
  const Cache cache = open_bytes(bytes);
  EXPECT_EQ(cache.source_count(), 0u);
  EXPECT_FALSE(cache.source(0));
  EXPECT_FALSE(cache.source_line(0, 0));
}

TEST(Sources, ManySourcesWithContent) {
  ModelBuilder b;
  constexpr std::uint32_t kSources = 2000;
  for (std::uint32_t s = 0; s < kSources; ++s) {
    std::optional<std::string> content;
    if (s % 5 != 0) content = str("// file ", s, "\nline two\r\n", std::string(s % 7, 'x'));
    b.source(str("f", s), content, s % 11 == 0);
  }
  const auto bytes = build(b.model());
  const Cache cache = open_bytes(bytes);
  ASSERT_EQ(cache.source_count(), kSources);
  for (std::uint32_t s = 0; s < kSources; ++s) {
    const auto info = cache.source(s);
    ASSERT_TRUE(info);
    EXPECT_EQ(info->name, str("f", s));
    EXPECT_EQ(info->ignored, s % 11 == 0);
    if (s % 5 == 0) {
      EXPECT_FALSE(info->content);
      EXPECT_FALSE(cache.source_line(s, 0));
      continue;
    }
    EXPECT_EQ(info->line_count, 3u);
    EXPECT_EQ(cache.source_line(s, 0), str("// file ", s));
    EXPECT_EQ(cache.source_line(s, 1), "line two");
    EXPECT_EQ(cache.source_line(s, 2), std::string(s % 7, 'x'));
  }
  EXPECT_TRUE(cache.verify().ok());
}

TEST(Sources, NameSharedWithASourceNameIsStoredOnce) {
  ModelBuilder b;
  b.source("same").name("same").name("other");
  b.line({seg(0, 0, 0, 0, 0), seg(1, 0, 0, 0, 1)});
  const auto bytes = build(b.model());
  const Cache cache = open_bytes(bytes);
  EXPECT_EQ(cache.lookup(0, 0)->name, "same");
  EXPECT_EQ(cache.lookup(0, 0)->source, "same");
  EXPECT_EQ(cache.lookup(0, 1)->name, "other");
  EXPECT_EQ(cache.info().string_count, 2u);
  EXPECT_EQ(cache.info().name_count, 2u);
}

}  // namespace
}  // namespace smcache::test
