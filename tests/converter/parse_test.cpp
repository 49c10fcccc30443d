// Tests of converter/src/parse.cpp: JSON source map -> SourceMapModel. Field validation (each
// wrong type names its field), sourceRoot joining, null sources and contents, ignoreList variants,
// debugId, mappings errors, limits, and index-map flattening with its ordering rules.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <smcache/converter/model.hpp>

namespace smcache {
namespace {

using Strings = std::vector<std::optional<std::string>>;
using Lines = std::vector<std::uint32_t>;

Result<SourceMapModel> parse(std::string_view json, const CompileOptions& options = {}) {
  return parse_source_map(
      std::span(reinterpret_cast<const std::uint8_t*>(json.data()), json.size()), options);
}

// {"version":3, <body>}
std::string map(std::string_view body) {
  return std::string(R"({"version":3,)") + std::string(body) + "}";
}

SourceMapModel parse_ok(std::string_view json, const CompileOptions& options = {}) {
  auto r = parse(json, options);
  EXPECT_TRUE(r.ok()) << json << "\n -> " << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r).value() : SourceMapModel{};
}

Error parse_error(std::string_view json, const CompileOptions& options = {}) {
  auto r = parse(json, options);
  EXPECT_FALSE(r.ok()) << json;
  return r.ok() ? Error{} : r.error();
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

struct ErrorRow {
  std::string json;
  Errc code;
  std::string message;
};

void expect_errors(const std::vector<ErrorRow>& rows) {
  for (const ErrorRow& r : rows) {
    const Error e = parse_error(r.json);
    EXPECT_EQ(e.code, r.code) << r.json << "\n -> " << e.message;
    EXPECT_EQ(e.message, r.message) << r.json;
  }
}

TEST(Parse, ReadsAllRegularMapFields) {
  const SourceMapModel m = parse_ok(R"({
    "version": 3, "file": "out.js", "sourceRoot": "",
    "debugId": "85314830-023f-4cf1-a267-535f4e37bb17",
    "sources": ["a.js", null, "c.js"], "sourcesContent": ["A", null, "C\n"],
    "names": ["x", "y"], "mappings": "AAAA,EAAC,CCCCC;;ACAA", "ignoreList": [2],
    "x_unknown": {"nested": [1, 2, {"deep": null}]}
  })");
  EXPECT_EQ(m.file, "out.js");
  EXPECT_EQ(m.debug_id, "85314830-023f-4cf1-a267-535f4e37bb17");
  EXPECT_EQ(m.sources, (Strings{"a.js", std::nullopt, "c.js"}));
  EXPECT_EQ(m.sources_content, (Strings{"A", std::nullopt, "C\n"}));
  EXPECT_EQ(m.ignored, (std::vector<bool>{false, false, true}));
  EXPECT_EQ(m.names, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(m.tokens, (std::vector<RawToken>{tok(0, 0, 0, 0), tok(2, 0, 0, 1), tok(3, 1, 1, 2, 1),
                                             tok(0, 2, 1, 2)}));
  EXPECT_EQ(m.line_offsets, (Lines{0, 3, 3, 4}));
}

TEST(Parse, OptionalFieldsMayBeAbsentOrNull) {
  SourceMapModel m = parse_ok(map(R"("sources":[],"mappings":"")"));
  EXPECT_FALSE(m.file);
  EXPECT_FALSE(m.debug_id);
  EXPECT_TRUE(m.sources.empty());
  EXPECT_TRUE(m.names.empty());
  m = parse_ok(map(R"("sources":["a"],"mappings":"AAAA","file":null,"sourceRoot":null,)"
                   R"("sourcesContent":null,"names":null,"ignoreList":null,"debugId":null)"));
  EXPECT_FALSE(m.file);
  EXPECT_EQ(m.sources, (Strings{"a"}));
  EXPECT_EQ(m.sources_content, (Strings{std::nullopt}));
  EXPECT_EQ(m.ignored, (std::vector<bool>{false}));
}

TEST(Parse, VersionMustBeThree) {
  EXPECT_TRUE(parse(R"({"version":3.0,"sources":[],"mappings":""})").ok());
  expect_errors({
      {R"({"sources":[],"mappings":""})", Errc::invalid_field, "version: missing (must be 3)"},
      {R"({"version":"3","sources":[],"mappings":""})", Errc::invalid_field,
       "version: expected the number 3, got string"},
      {R"({"version":"3foo","sources":[],"mappings":""})", Errc::invalid_field,
       "version: expected the number 3, got string"},
      {R"({"version":4,"sources":[],"mappings":""})", Errc::invalid_field,
       "version: expected 3, got 4"},
      {R"({"version":2,"sources":[],"mappings":""})", Errc::invalid_field,
       "version: expected 3, got 2"},
      {R"({"version":3.5,"sources":[],"mappings":""})", Errc::invalid_field,
       "version: expected 3, got 3.5"},
      {R"({"version":null,"sources":[],"mappings":""})", Errc::invalid_field,
       "version: expected the number 3, got null"},
  });
}

TEST(Parse, EachWrongTypeNamesItsField) {
  expect_errors({
      {R"([1,2])", Errc::invalid_field, "source map: expected an object, got array"},
      {R"("x")", Errc::invalid_field, "source map: expected an object, got string"},
      {map(R"("sources":[])"), Errc::invalid_field, "mappings: missing"},
      {map(R"("sources":[],"mappings":7)"), Errc::invalid_field,
       "mappings: expected a string, got number"},
      {map(R"("sources":[],"mappings":["AAAA"])"), Errc::invalid_field,
       "mappings: expected a string, got array"},
      {map(R"("mappings":"")"), Errc::invalid_field, "sources: missing"},
      {map(R"("sources":"a.js","mappings":"")"), Errc::invalid_field,
       "sources: expected an array, got string"},
      {map(R"("sources":{"a":1},"mappings":"")"), Errc::invalid_field,
       "sources: expected an array, got object"},
      {map(R"("sources":null,"mappings":"")"), Errc::invalid_field,
       "sources: expected an array, got null"},
      {map(R"("sources":["a","b",null,5],"mappings":"")"), Errc::invalid_field,
       "sources[3]: expected a string or null, got number"},
      {map(R"("sources":[true],"mappings":"")"), Errc::invalid_field,
       "sources[0]: expected a string or null, got boolean"},
      {map(R"("sources":[],"mappings":"","sourcesContent":"x")"), Errc::invalid_field,
       "sourcesContent: expected an array, got string"},
      {map(R"("sources":[],"mappings":"","sourcesContent":{})"), Errc::invalid_field,
       "sourcesContent: expected an array, got object"},
      {map(R"("sources":["a"],"mappings":"","sourcesContent":[[]])"), Errc::invalid_field,
       "sourcesContent[0]: expected a string or null, got array"},
      // extra entries are ignored, but still type-checked
      {map(R"("sources":["a"],"mappings":"","sourcesContent":["x",7])"), Errc::invalid_field,
       "sourcesContent[1]: expected a string or null, got number"},
      {map(R"("sources":[],"mappings":"","names":"x")"), Errc::invalid_field,
       "names: expected an array, got string"},
      {map(R"("sources":[],"mappings":"","names":{})"), Errc::invalid_field,
       "names: expected an array, got object"},
      {map(R"("sources":[],"mappings":"","names":["a",null])"), Errc::invalid_field,
       "names[1]: expected a string, got null"},
      {map(R"("sources":[],"mappings":"","names":[1])"), Errc::invalid_field,
       "names[0]: expected a string, got number"},
      {map(R"("sources":[],"mappings":"","file":[])"), Errc::invalid_field,
       "file: expected a string, got array"},
      {map(R"("sources":[],"mappings":"","file":235324)"), Errc::invalid_field,
       "file: expected a string, got number"},
      {map(R"("sources":[],"mappings":"","sourceRoot":[])"), Errc::invalid_field,
       "sourceRoot: expected a string, got array"},
      {map(R"("sources":[],"mappings":"","sourceRoot":-10923409)"), Errc::invalid_field,
       "sourceRoot: expected a string, got number"},
      {map(R"("sources":[],"mappings":"","debugId":42)"), Errc::invalid_field,
       "debugId: expected a string, got number"},
      {map(R"("sources":[],"mappings":"","debug_id":{})"), Errc::invalid_field,
       "debug_id: expected a string, got object"},
  });
}

TEST(Parse, SourceRootIsJoinedToEachSource) {
  struct Row {
    const char* root;
    const char* source;
    const char* joined;
  };
  const Row rows[] = {
      {"theroot", "a.js", "theroot/a.js"},   // conformance sourceRootResolution
      {"theroot/", "a.js", "theroot/a.js"},  // no second '/'
      {"http://x.com/src", "a.js", "http://x.com/src/a.js"},
      {"root", "/abs/a.js", "root/abs/a.js"},    // no '/' inserted before a leading '/'
      {"root/", "/abs/a.js", "root//abs/a.js"},  // plain concatenation otherwise
      {"", "a.js", "a.js"},                      // empty root: nothing added
      {"r", "", "r/"},
      {"webpack:///", "./src/a.js", "webpack:///./src/a.js"},
  };
  for (const Row& r : rows) {
    const SourceMapModel m =
        parse_ok(map(std::string(R"("sources":[")") + r.source + R"(",null],"sourceRoot":")" +
                     r.root + R"(","mappings":"")"));
    EXPECT_EQ(m.sources, (Strings{r.joined, std::nullopt})) << r.root << " + " << r.source;
  }
  // Without sourceRoot, sources stay as written (conformance sourceResolutionAbsoluteURL).
  const SourceMapModel m = parse_ok(map(R"("sources":["/baz/quux/a.js"],"mappings":"")"));
  EXPECT_EQ(m.sources, (Strings{"/baz/quux/a.js"}));
}

TEST(Parse, NullSourcesAndContents) {
  // conformance sourcesAndSourcesContentBothNull, sourcesNullSourcesContentNonNull,
  // sourcesNonNullSourcesContentNull
  SourceMapModel m = parse_ok(
      map(R"("names":["foo"],"sources":[null],"sourcesContent":[null],"mappings":"AAAA,SAASA")"));
  EXPECT_EQ(m.sources, (Strings{std::nullopt}));
  EXPECT_EQ(m.sources_content, (Strings{std::nullopt}));
  EXPECT_EQ(m.tokens.size(), 2u);
  m = parse_ok(map(R"("sources":[null,"b"],"sourcesContent":["x",null],"mappings":"")"));
  EXPECT_EQ(m.sources, (Strings{std::nullopt, "b"}));
  EXPECT_EQ(m.sources_content, (Strings{"x", std::nullopt}));
}

TEST(Parse, SourcesContentLengthMismatch) {
  // Shorter: missing entries are null. Longer: extra entries are ignored.
  SourceMapModel m =
      parse_ok(map(R"("sources":["a","b","c"],"sourcesContent":["A"],"mappings":"")"));
  EXPECT_EQ(m.sources_content, (Strings{"A", std::nullopt, std::nullopt}));
  m = parse_ok(map(R"("sources":["a"],"sourcesContent":["A","B","C"],"mappings":"")"));
  EXPECT_EQ(m.sources_content, (Strings{"A"}));
}

TEST(Parse, SourcesContentSkippedWhenNotIncluded) {
  CompileOptions o;
  o.include_sources_content = false;
  const SourceMapModel m =
      parse_ok(map(R"("sources":["a","b"],"sourcesContent":["A","B"],"mappings":"")"), o);
  EXPECT_EQ(m.sources_content, (Strings{std::nullopt, std::nullopt}));
}

TEST(Parse, StringsAreUnescapedAndMayHoldNul) {
  const SourceMapModel m = parse_ok(
      map(R"("sources":["a\u0000b","\u00e9\ud83d\ude00"],"names":["\"q\"\\\/"],"mappings":"")"));
  EXPECT_EQ(m.sources, (Strings{std::string("a\0b", 3), "\xC3\xA9\xF0\x9F\x98\x80"}));
  EXPECT_EQ(m.names, (std::vector<std::string>{"\"q\"\\/"}));
}

TEST(Parse, IgnoreListVariants) {
  SourceMapModel m = parse_ok(map(R"("sources":["a","b","c"],"mappings":"","ignoreList":[])"));
  EXPECT_EQ(m.ignored, (std::vector<bool>{false, false, false}));
  m = parse_ok(map(R"("sources":["a","b","c"],"mappings":"","ignoreList":[0,2,2])"));
  EXPECT_EQ(m.ignored, (std::vector<bool>{true, false, true}));
  m = parse_ok(map(R"("sources":["a","b"],"mappings":"","ignoreList":[1.0])"));
  EXPECT_EQ(m.ignored, (std::vector<bool>{false, true}));
  // x_google_ignoreList is read when ignoreList is absent (or null)...
  m = parse_ok(map(R"("sources":["a","b"],"mappings":"","x_google_ignoreList":[0])"));
  EXPECT_EQ(m.ignored, (std::vector<bool>{true, false}));
  m = parse_ok(
      map(R"("sources":["a","b"],"mappings":"","ignoreList":null,"x_google_ignoreList":[0])"));
  EXPECT_EQ(m.ignored, (std::vector<bool>{true, false}));
  // ...and ignored entirely when ignoreList is present, even if it is invalid.
  m = parse_ok(
      map(R"("sources":["a","b"],"mappings":"","ignoreList":[1],"x_google_ignoreList":[9])"));
  EXPECT_EQ(m.ignored, (std::vector<bool>{false, true}));
  m = parse_ok(map(R"("x_google_ignoreList":"bad","sources":["a"],"mappings":"","ignoreList":[])"));
  EXPECT_EQ(m.ignored, (std::vector<bool>{false}));

  expect_errors({
      {map(R"("sources":["a"],"mappings":"","ignoreList":["not a number"])"), Errc::invalid_field,
       "ignoreList[0]: expected a non-negative integer, got string"},
      {map(R"("sources":["a"],"mappings":"","ignoreList":[0,true])"), Errc::invalid_field,
       "ignoreList[1]: expected a non-negative integer, got boolean"},
      {map(R"("sources":["a"],"mappings":"","ignoreList":"0")"), Errc::invalid_field,
       "ignoreList: expected an array, got string"},
      {map(R"("sources":["a"],"mappings":"","ignoreList":[0.5])"), Errc::invalid_field,
       "ignoreList[0]: expected a non-negative integer, got 0.5"},
      {map(R"("sources":["a"],"mappings":"","ignoreList":[-1])"), Errc::invalid_field,
       "ignoreList[0]: expected a non-negative integer, got -1"},
      {map(R"("sources":["a"],"mappings":"","ignoreList":[1])"), Errc::invalid_field,
       "ignoreList[0]: source index 1 out of range (1 sources)"},
      {map(R"("sources":["a"],"mappings":"","ignoreList":[18446744073709551615])"),
       Errc::invalid_field,
       "ignoreList[0]: source index 18446744073709551615 out of range (1 sources)"},
      {map(R"("sources":["a"],"mappings":"","x_google_ignoreList":[3])"), Errc::invalid_field,
       "x_google_ignoreList[0]: source index 3 out of range (1 sources)"},
  });
}

TEST(Parse, DebugIdAndItsSnakeCaseSpelling) {
  constexpr const char* kA = "85314830-023f-4cf1-a267-535f4e37bb17";
  constexpr const char* kB = "8CF3D888-FC9E-457D-A999-6FFEF384B736";  // upper case is fine too
  const auto with = [](std::string_view fields) {
    return map(std::string(R"("sources":[],"mappings":"",)") + std::string(fields));
  };
  SourceMapModel m = parse_ok(with(std::string(R"("debug_id":")") + kA + '"'));
  EXPECT_EQ(m.debug_id, kA);
  m = parse_ok(with(std::string(R"("debugId":")") + kB + R"(","debug_id":")" + kA + '"'));
  EXPECT_EQ(m.debug_id, kB);
  // debugId wins even when debug_id has the wrong type.
  m = parse_ok(with(std::string(R"("debugId":")") + kA + R"(","debug_id":5)"));
  EXPECT_EQ(m.debug_id, kA);
  // A string that is not a UUID is ignored (conformance debug-id/invalid-debug-id.map).
  for (const char* bad :
       {"this is not a UUID", "85314830023f4cf1a267535f4e37bb17",
        "85314830-023f-4cf1-a267-535f4e37bb1", "85314830-023f-4cf1-a267-535f4e37bb17 ",
        "g5314830-023f-4cf1-a267-535f4e37bb17", ""}) {
    m = parse_ok(with(std::string(R"("debugId":")") + bad + '"'));
    EXPECT_FALSE(m.debug_id) << bad;
  }
}

TEST(Parse, DuplicateKeysLastOneWins) {
  const SourceMapModel m =
      parse_ok(R"({"version":1,"version":3,"sources":["a"],"sources":["b"],"mappings":""})");
  EXPECT_EQ(m.sources, (Strings{"b"}));
}

TEST(Parse, EmptyMappings) {
  const SourceMapModel m = parse_ok(map(R"("sources":["a"],"mappings":"")"));
  EXPECT_TRUE(m.tokens.empty());
  EXPECT_EQ(m.line_offsets, (Lines{0}));
  // conformance validMappingEmptyGroups: only empty lines.
  const SourceMapModel e = parse_ok(map(R"("sources":["a"],"mappings":";;;;;;;;")"));
  EXPECT_TRUE(e.tokens.empty());
  EXPECT_EQ(e.line_offsets, (Lines{0}));
}

TEST(Parse, TrailingEmptyLinesAreDropped) {
  const SourceMapModel m = parse_ok(map(R"("sources":["a"],"mappings":";AAAA;;;")"));
  EXPECT_EQ(m.line_offsets, (Lines{0, 0, 1}));
}

TEST(Parse, OneFieldSegmentsHaveNoSource) {
  // conformance mappingSemanticsSingleFieldSegment
  const SourceMapModel m = parse_ok(map(R"("sources":["a"],"mappings":"A,CAAA,C")"));
  EXPECT_EQ(m.tokens, (std::vector<RawToken>{tok(0), tok(1, 0, 0, 0), tok(2)}));
}

TEST(Parse, UnsortedColumnsInALineAreSorted) {
  // Columns 4, 0, 4 (sources 0, 1, 0: the two at column 4 keep their order).
  const SourceMapModel m = parse_ok(map(R"("sources":["a","b"],"mappings":"IAAA,JCAA,IDAA;AAAA")"));
  EXPECT_EQ(m.tokens, (std::vector<RawToken>{tok(0, 1, 0, 0), tok(4, 0, 0, 0), tok(4, 0, 0, 0),
                                             tok(0, 0, 0, 0)}));
  EXPECT_EQ(m.line_offsets, (Lines{0, 3, 4}));
}

TEST(Parse, MappingsErrorsNameLineSegmentAndInputByte) {
  const std::string json = map(R"("sources":["a"],"mappings":"AAAA;AAAA,AEAA")");
  const Error e = parse_error(json);
  EXPECT_EQ(e.code, Errc::invalid_mappings);
  EXPECT_EQ(e.message, "mappings: line 1, segment 1: source index 2 out of range (1 sources)");
  EXPECT_EQ(e.where.line, 1u);
  EXPECT_EQ(e.where.segment, 1u);
  EXPECT_EQ(e.where.byte_offset, json.find("AEAA"));
  // An escape before the error makes the byte offset inexact: unknown rather than wrong.
  const Error escaped = parse_error(map(R"("sources":["a"],"mappings":"\u0041AAA,AEAA")"));
  EXPECT_EQ(escaped.message,
            "mappings: line 0, segment 1: source index 2 out of range (1 sources)");
  EXPECT_EQ(escaped.where.byte_offset, Position::kUnknownOffset);
  // An embedded NUL (escaped in JSON) is an invalid byte, not the end of the string.
  const Error nul = parse_error(map(R"("sources":["a"],"mappings":"AAAA\u0000")"));
  EXPECT_EQ(nul.message, "mappings: line 0, segment 0: invalid byte 0x00");
}

TEST(Parse, ConformanceInvalidMappings) {
  const char* rows[] = {
      "AAAA.SAASA:MACP", ",,,,",        "AA",         "AAA",        "AAAAAA",
      "AAAA,AE",         "ggggggE",     "AggggggEAA", "AAggggggEA", "AAAggggggE",
      "AAAAggggggE",     "D",           "ADAA",       "AADA",       "AAAD",
      "AAAAD",           "C,F",         "AAAA,AFAA",  "AAAA,ADAA",  "AAAA,AADA",
      "AAAA,AAAD",       "AAAAC,AAAAF", "=",          "g",
  };
  for (const char* m : rows) {
    const Error e =
        parse_error(map(std::string(R"("sources":["a"],"names":["n"],"mappings":")") + m + "\""));
    EXPECT_EQ(e.code, Errc::invalid_mappings) << m << " -> " << e.message;
  }
}

TEST(Parse, JsonErrorsGiveByteOffset) {
  Error e = parse_error(R"({"version":3 "sources":[]})");
  EXPECT_EQ(e.code, Errc::invalid_json);
  EXPECT_EQ(e.message, "invalid json at byte 13: missing a comma or '}' after an object member");
  EXPECT_EQ(e.where.byte_offset, 13u);
  e = parse_error("");
  EXPECT_EQ(e.code, Errc::invalid_json);
  EXPECT_EQ(e.message, "invalid json at byte 0: the document is empty");
  e = parse_error(R"({"version":3,"sources":[],"mappings":""} x)");
  EXPECT_EQ(e.code, Errc::invalid_json);
  EXPECT_EQ(e.where.byte_offset, 41u);
  e = parse_error(R"({"version":3,"sources":[],"mappings":"",})");
  EXPECT_EQ(e.code, Errc::invalid_json);  // no trailing commas
  // A raw NUL is never valid JSON (RapidJSON alone would stop reading there).
  e = parse_error(std::string(R"({"version":3,"sources":[],"mappings":""})") + '\0' + "junk");
  EXPECT_EQ(e.code, Errc::invalid_json);
  EXPECT_EQ(e.message, "invalid json at byte 40: nul byte");
  EXPECT_EQ(e.where.byte_offset, 40u);
  // Invalid UTF-8 in a string.
  e = parse_error(map("\"sources\":[\"\xC3\x28\"],\"mappings\":\"\""));
  EXPECT_EQ(e.code, Errc::invalid_json);
  // Unpaired surrogate escape.
  e = parse_error(map(R"("sources":["\ud800"],"mappings":"")"));
  EXPECT_EQ(e.code, Errc::invalid_json);
}

TEST(Parse, DeepNestingIsAnErrorNotACrash) {
  std::string deep = R"({"version":3,"sources":[],"mappings":"","x":)";
  deep.append(1'000'000, '[');
  const Error e = parse_error(deep);
  EXPECT_EQ(e.code, Errc::invalid_json);
  std::string closed = R"({"version":3,"sources":[],"mappings":"","x":)";
  closed.append(200'000, '[');
  closed.append(200'000, ']');
  closed += '}';
  EXPECT_TRUE(parse(closed).ok());
}

TEST(Parse, SkipsByteOrderMarkAndXssiPrefix) {
  const std::string body = R"({"version":3,"sources":["a"],"mappings":"AAAA"})";
  EXPECT_TRUE(parse("\xEF\xBB\xBF" + body).ok());
  EXPECT_TRUE(parse(")]}'\n" + body).ok());
  EXPECT_TRUE(parse(")]}' garbage here\r\n" + body).ok());
  // Error offsets count the skipped bytes.
  const Error e = parse_error(")]}'\n{\"version\" 3}");
  EXPECT_EQ(e.code, Errc::invalid_json);
  EXPECT_EQ(e.where.byte_offset, 16u);
}

TEST(Parse, EnforcesLimits) {
  const std::string json = map(R"("sources":["a"],"mappings":"AAAA,CAAC;AACA")");
  CompileOptions o;
  o.max_input_bytes = json.size();
  EXPECT_TRUE(parse(json, o).ok());
  o.max_input_bytes = json.size() - 1;
  Error e = parse_error(json, o);
  EXPECT_EQ(e.code, Errc::limit_exceeded);
  EXPECT_EQ(e.message, "input: " + std::to_string(json.size()) + " bytes, more than the limit of " +
                           std::to_string(json.size() - 1));
  o = {};
  o.max_tokens = 3;
  EXPECT_TRUE(parse(json, o).ok());
  o.max_tokens = 2;
  e = parse_error(json, o);
  EXPECT_EQ(e.code, Errc::limit_exceeded);
  EXPECT_EQ(e.message, "mappings: 3 segments, more than the limit of 2");
}

// --- index maps ---

std::string section(int line, int column, std::string_view map_body) {
  return R"({"offset":{"line":)" + std::to_string(line) + R"(,"column":)" + std::to_string(column) +
         R"(},"map":)" + map(map_body) + "}";
}

std::string index_map(const std::vector<std::string>& sections, std::string_view extra = "") {
  std::string s = R"({"version":3,)" + std::string(extra) + R"("sections":[)";
  for (std::size_t i = 0; i < sections.size(); ++i) s += (i ? "," : "") + sections[i];
  return s + "]}";
}

TEST(IndexMap, FlattensSectionsAtTheirOffsets) {
  const SourceMapModel m = parse_ok(index_map(
      {
          section(0, 0, R"("sources":["a.js"],"names":["foo"],"mappings":"AAAA,EAAAA;CACA")"),
          // same generated line as the last line of section 0: columns shift on its first line only
          section(1, 10, R"("sources":["b.js"],"names":["bar"],"mappings":"AAAA,CAAAA;CACA")"),
          section(5, 3, R"("sources":["c.js"],"mappings":";A")"),
      },
      R"("file":"bundle.js","debugId":"a938a92f-3074-41f7-bfdb-1038430a983c",)"));
  EXPECT_EQ(m.file, "bundle.js");
  EXPECT_EQ(m.debug_id, "a938a92f-3074-41f7-bfdb-1038430a983c");
  EXPECT_EQ(m.sources, (Strings{"a.js", "b.js", "c.js"}));
  EXPECT_EQ(m.names, (std::vector<std::string>{"foo", "bar"}));
  EXPECT_EQ(m.tokens, (std::vector<RawToken>{
                          tok(0, 0, 0, 0), tok(2, 0, 0, 0, 0),    // line 0
                          tok(1, 0, 1, 0),                        // line 1 (section 0)
                          tok(10, 1, 0, 0), tok(11, 1, 0, 0, 1),  // line 1 (section 1, +10)
                          tok(1, 1, 1, 0),                        // line 2: no column shift
                          tok(0),                                 // line 6 (section 2)
                      }));
  EXPECT_EQ(m.line_offsets, (Lines{0, 2, 5, 6, 6, 6, 6, 7}));
}

TEST(IndexMap, ConcatenatedSourcesOnOneLine) {
  // conformance indexMapWithTwoConcatenatedSources (shortened)
  const SourceMapModel m = parse_ok(index_map({
      section(0, 0,
              R"("names":["foo","bar"],"sources":["basic-mapping-original.js"],)"
              R"("mappings":"AAAA,SAASA,MACP")"),
      section(0, 62,
              R"("names":["baz"],"sources":["second-source-original.js"],)"
              R"("mappings":"AAAA,SAASA")"),
  }));
  EXPECT_EQ(m.tokens, (std::vector<RawToken>{tok(0, 0, 0, 0), tok(9, 0, 0, 9, 0), tok(15, 0, 1, 2),
                                             tok(62, 1, 0, 0), tok(71, 1, 0, 9, 2)}));
  EXPECT_EQ(m.line_offsets, (Lines{0, 5}));
}

TEST(IndexMap, IdenticalSourcesAreMerged) {
  const SourceMapModel m = parse_ok(index_map({
      section(0, 0,
              R"("sources":["a.js","b.js"],"sourcesContent":["A",null],"mappings":"AAAA,CCAA")"),
      section(1, 0,
              R"("sources":["b.js","a.js"],"sourcesContent":[null,"A"],"mappings":"AAAA,CCAA")"),
      // same name, other content: kept apart; other ignore flag: kept apart
      section(2, 0,
              R"("sources":["a.js","b.js"],"sourcesContent":["A2",null],"ignoreList":[1],)"
              R"("mappings":"AAAA,CCAA")"),
      section(3, 0, R"("sources":[null,null],"mappings":"AAAA,CCAA")"),  // nulls never merge
  }));
  EXPECT_EQ(m.sources, (Strings{"a.js", "b.js", "a.js", "b.js", std::nullopt, std::nullopt}));
  EXPECT_EQ(m.sources_content,
            (Strings{"A", std::nullopt, "A2", std::nullopt, std::nullopt, std::nullopt}));
  EXPECT_EQ(m.ignored, (std::vector<bool>{false, false, false, true, false, false}));
  std::vector<std::uint32_t> source_of;
  for (const RawToken& t : m.tokens) source_of.push_back(t.source_index);
  EXPECT_EQ(source_of, (std::vector<std::uint32_t>{0, 1, 1, 0, 2, 3, 4, 5}));
}

TEST(IndexMap, EmptyAndTrivialSections) {
  SourceMapModel m =
      parse_ok(R"({"version":3,"sections":[]})");  // conformance indexMapEmptySections
  EXPECT_TRUE(m.tokens.empty());
  EXPECT_EQ(m.line_offsets, (Lines{0}));
  // An empty section may share the next section's offset; trailing empty lines do not overlap.
  m = parse_ok(index_map({
      section(0, 0, R"("sources":[],"mappings":"")"),
      section(0, 0, R"("sources":["a"],"mappings":"AAAA;;;;")"),
      section(1, 0, R"("sources":["b"],"mappings":"AAAA")"),
  }));
  EXPECT_EQ(m.sources, (Strings{"a", "b"}));
  EXPECT_EQ(m.line_offsets, (Lines{0, 1, 2}));
  // A section may start exactly at the previous section's last mapping (ECMA-426 only rejects
  // offsets before it); the new token sorts after it.
  m = parse_ok(index_map({
      section(0, 0, R"("sources":["a"],"mappings":"AAAA,KAAA")"),
      section(0, 5, R"("sources":["b"],"mappings":"AAAA")"),
  }));
  EXPECT_EQ(m.tokens, (std::vector<RawToken>{tok(0, 0, 0, 0), tok(5, 0, 0, 0), tok(5, 1, 0, 0)}));
}

TEST(IndexMap, SectionRulesAreEnforced) {
  const std::string ok_map = R"("sources":["a"],"mappings":"AAAA")";
  expect_errors({
      {R"({"version":3,"sections":{}})", Errc::invalid_index_map,
       "sections: expected an array, got object"},
      {R"({"version":3,"sections":null})", Errc::invalid_index_map,
       "sections: expected an array, got null"},
      {R"({"version":3,"sections":[],"mappings":""})", Errc::invalid_index_map,
       "mappings: not allowed in an index map (it has sections)"},
      {R"({"sections":[]})", Errc::invalid_field, "version: missing (must be 3)"},
      {R"({"version":3,"file":[],"sections":[]})", Errc::invalid_field,
       "file: expected a string, got array"},
      {R"({"version":3,"sections":[7]})", Errc::invalid_index_map,
       "sections[0]: expected an object, got number"},
      {R"({"version":3,"sections":[{"map":{}}]})", Errc::invalid_index_map,
       "sections[0].offset: missing"},
      {R"({"version":3,"sections":[{"offset":"not an offset","map":{}}]})", Errc::invalid_index_map,
       "sections[0].offset: expected an object, got string"},
      {R"({"version":3,"sections":[{"offset":{"column":0},"map":{}}]})", Errc::invalid_index_map,
       "sections[0].offset.line: missing"},
      {R"({"version":3,"sections":[{"offset":{"line":0},"map":{}}]})", Errc::invalid_index_map,
       "sections[0].offset.column: missing"},
      {R"({"version":3,"sections":[{"offset":{"line":"0","column":0},"map":{}}]})",
       Errc::invalid_index_map,
       "sections[0].offset.line: expected a non-negative integer, got string"},
      {R"({"version":3,"sections":[{"offset":{"line":0,"column":1.5},"map":{}}]})",
       Errc::invalid_index_map,
       "sections[0].offset.column: expected a non-negative integer, got 1.5"},
      {R"({"version":3,"sections":[{"offset":{"line":-1,"column":0},"map":{}}]})",
       Errc::invalid_index_map, "sections[0].offset.line: expected a non-negative integer, got -1"},
      {R"({"version":3,"sections":[{"offset":{"line":0,"column":4294967296},"map":{}}]})",
       Errc::invalid_index_map, "sections[0].offset.column: 4294967296 is past 4294967295"},
      {R"({"version":3,"sections":[{"offset":{"line":0,"column":0}}]})", Errc::invalid_index_map,
       "sections[0].map: missing"},
      {R"({"version":3,"sections":[{"offset":{"line":0,"column":0},"url":"a.map"}]})",
       Errc::invalid_index_map, "sections[0]: url sections are not supported (embed the map)"},
      {R"({"version":3,"sections":[{"offset":{"line":0,"column":0},"map":"not a map"}]})",
       Errc::invalid_index_map, "sections[0].map: expected an object, got string"},
      {index_map({section(0, 0, R"("sections":[])")}), Errc::invalid_index_map,
       "sections[0].map: nested index maps are not supported"},
      // conformance indexMapInvalidSubMap: errors inside a section's map carry its path
      {R"({"version":3,"sections":[{"offset":{"line":0,"column":0},"map":{"version":"3","mappings":7}}]})",
       Errc::invalid_field, "sections[0].map.version: expected the number 3, got string"},
      {index_map({section(0, 0, R"("sources":["a"],"mappings":7)")}), Errc::invalid_field,
       "sections[0].map.mappings: expected a string, got number"},
      {index_map({section(0, 0, ok_map), section(1, 0, R"("sources":[1],"mappings":"")")}),
       Errc::invalid_field, "sections[1].map.sources[0]: expected a string or null, got number"},
      {index_map(
           {section(0, 0, ok_map), section(1, 0, R"("sources":["a"],"mappings":"AAAA,AEAA")")}),
       Errc::invalid_mappings,
       "sections[1].map.mappings: line 0, segment 1: source index 2 out of range (1 sources)"},
      // conformance indexMapInvalidOrder
      {index_map({section(1, 4, ok_map), section(0, 0, ok_map)}), Errc::invalid_index_map,
       "sections[1]: offset (0, 0) is before the offset of sections[0] (1, 4)"},
      {index_map({section(0, 0, ok_map), section(2, 5, ok_map), section(2, 4, ok_map)}),
       Errc::invalid_index_map,
       "sections[2]: offset (2, 4) is before the offset of sections[1] (2, 5)"},
      // conformance indexMapInvalidOverlap: two non-empty sections at one offset
      {index_map({section(0, 0, ok_map), section(0, 0, ok_map)}), Errc::invalid_index_map,
       "sections[1]: offset (0, 0) is the offset of sections[0], which has mappings"},
      // a section's mappings may not extend past the next section's offset
      {index_map(
           {section(0, 0, R"("sources":["a"],"mappings":"AAAA,SAAA")"), section(0, 5, ok_map)}),
       Errc::invalid_index_map,
       "sections[1]: offset (0, 5) is before the end of sections[0] (0, 9)"},
      {index_map(
           {section(2, 0, R"("sources":["a"],"mappings":"AAAA;;AAAA")"), section(3, 7, ok_map)}),
       Errc::invalid_index_map,
       "sections[1]: offset (3, 7) is before the end of sections[0] (4, 0)"},
  });
}

TEST(IndexMap, LimitsApplyAcrossSections) {
  const std::string json = index_map({
      section(0, 0, R"("sources":["a"],"mappings":"AAAA,CAAA")"),
      section(1, 0, R"("sources":["a"],"mappings":"AAAA,CAAA")"),
  });
  CompileOptions o;
  o.max_tokens = 4;
  EXPECT_TRUE(parse(json, o).ok());
  o.max_tokens = 3;
  Error e = parse_error(json, o);
  EXPECT_EQ(e.code, Errc::limit_exceeded);
  EXPECT_EQ(e.message, "sections[1].map.mappings: 4 segments, more than the limit of 3");
  // A tiny index map cannot ask for billions of generated lines.
  e = parse_error(index_map({section(2'000'000'000, 0, R"("sources":["a"],"mappings":"AAAA")")}));
  EXPECT_EQ(e.code, Errc::limit_exceeded);
  EXPECT_NE(e.message.find("sections[0].offset.line: 2000000000 is past the generated line limit"),
            std::string::npos)
      << e.message;
  EXPECT_TRUE(
      parse(index_map({section(1'000'000, 0, R"("sources":["a"],"mappings":"AAAA")")})).ok());
}

}  // namespace
}  // namespace smcache
