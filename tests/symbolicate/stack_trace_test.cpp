// Tests of reader/include/smcache/reader/stack_trace.hpp: frames as V8 (node's real output,
// captured into tests/data/traces/node/ and examples/checkout/), Firefox and Safari (documented
// samples written by hand) print them, and the lines that are not frames.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <smcache/reader/stack_trace.hpp>

namespace smcache {
namespace {

std::string read_text(const std::string& relative) {
  const std::string path = std::string(SMCACHE_SOURCE_DIR) + "/" + relative;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

StackFrame frame_of(std::string_view line) {
  StackFrame f;
  EXPECT_TRUE(parse_stack_frame(line, f)) << "not parsed as a frame: " << line;
  return f;
}

std::vector<TraceLine> frames_only(const std::vector<TraceLine>& lines) {
  std::vector<TraceLine> out;
  for (const TraceLine& l : lines) {
    if (l.is_frame) out.push_back(l);
  }
  return out;
}

// What a test expects of one frame. line/column are the PRINTED (1-based) numbers; 0 = absent.
struct Expect {
  const char* function;
  const char* url;
  std::uint32_t line1, column1;
  bool is_async = false, is_constructor = false, is_native = false, is_eval = false;
  const char* alias = "";
};

void check(const StackFrame& f, const Expect& e, const std::string& where) {
  SCOPED_TRACE(where);
  EXPECT_EQ(f.function, e.function);
  EXPECT_EQ(f.url, e.url);
  EXPECT_EQ(f.has_line, e.line1 != 0);
  if (e.line1 != 0) {
    EXPECT_EQ(f.line, e.line1 - 1);  // converted to 0-based once, at parse time
  }
  EXPECT_EQ(f.has_column, e.column1 != 0);
  if (e.column1 != 0) {
    EXPECT_EQ(f.column, e.column1 - 1);
  }
  EXPECT_EQ(f.is_async, e.is_async);
  EXPECT_EQ(f.is_constructor, e.is_constructor);
  EXPECT_EQ(f.is_native, e.is_native);
  EXPECT_EQ(f.is_eval, e.is_eval);
  EXPECT_EQ(f.alias, e.alias);
}

void check_all(const std::vector<TraceLine>& frames, const std::vector<Expect>& expected) {
  ASSERT_EQ(frames.size(), expected.size());
  for (std::size_t i = 0; i < frames.size(); ++i) {
    check(frames[i].frame, expected[i],
          "frame " + std::to_string(i) + ": " + std::string(frames[i].raw));
  }
}

// --- V8: node's real output ----------------------------------------------------------------------

TEST(StackTraceV8, CheckoutExampleFromNode) {
  const std::string text = read_text("examples/checkout/trace.txt");
  const auto lines = parse_stack_trace(text);
  ASSERT_EQ(lines.size(), 13u);
  EXPECT_FALSE(lines[0].is_frame);
  EXPECT_EQ(lines[0].raw,
            "ValidationError: discounted line total must be a whole number of cents, got NaN");
  const char* u = "./dist/app.min.js";
  check_all(frames_only(lines),
            {
                {"r", u, 1, 152},
                {"y", u, 1, 610},
                {"Object.apply", u, 1, 753},
                {"f", u, 1, 1112},
                {"", u, 1, 1513},                             // anonymous arrow
                {"Array.map", "", 0, 0, false, false, true},  // builtin, (<anonymous>)
                {"i.pricedLines", u, 1, 1506},
                {"get total", u, 1, 1571, false, false, false, false, "total"},  // [as total]
                {"c", u, 1, 1702, false, true},                                  // new c
                {"d", u, 1, 2064},
                {"$", u, 2, 648, true},  // async $
                {"k", u, 3, 24, true},
            });
}

TEST(StackTraceV8, ConstructorsGettersBuiltinsAsyncFromNode) {
  const std::string text = read_text("tests/data/traces/node/constructs.txt");
  const auto lines = parse_stack_trace(text);
  const char* u = "/srv/app/constructs.js";
  check_all(frames_only(lines),
            {
                {"check", u, 17, 20},
                {"", u, 6, 36},
                {"Array.map", "", 0, 0, false, false, true},
                {"Widget", u, 6, 25, false, true},
                {"Widget.make", u, 12, 12},
                {"get size", u, 30, 57, false, false, false, false, "size"},
                {"Object.measure", u, 23, 14},
                {"step", u, 30, 15},
                {"Promise.all", "", 0, 0, true, false, true},  // async Promise.all (index 1)
                {"all", u, 34, 10, true},
                {"main", u, 38, 3, true},
            });
}

TEST(StackTraceV8, EvalNewFunctionSourceUrlAndNodeInternalsFromNode) {
  const std::string text = read_text("tests/data/traces/node/eval.txt");
  const auto lines = parse_stack_trace(text);
  const auto frames = frames_only(lines);
  ASSERT_EQ(frames.size(), 13u + 11u + 12u + 11u);
  const char* u = "/srv/app/eval.js";
  // Eval frames carry the position of the eval call in the script (nested: the innermost).
  check(frames[0].frame, {"eval", u, 4, 10, false, false, false, true}, "nested eval");
  check(frames[1].frame, {"inner", u, 4, 10, false, false, false, true}, "function in eval");
  check(frames[2].frame, {"eval", u, 4, 10, false, false, false, true}, "eval");
  check(frames[3].frame, {"outer", u, 4, 10}, "the eval call");
  check(frames[4].frame, {"", u, 20, 14}, "anonymous arrow");
  check(frames[6].frame, {"Object.<anonymous>", u, 20, 1}, "module top level");
  check(frames[7].frame, {"Module._compile", "node:internal/modules/cjs/loader", 1521, 14},
        "node internal");
  check(frames[11].frame,
        {"Function.executeUserEntryPoint", "node:internal/modules/run_main", 164, 12, false, false,
         false, false, "runMain"},
        "alias");
  check(frames[12].frame, {"", "node:internal/main/run_main_module", 28, 49}, "anonymous internal");
  // new Function: "eval at viaFunction (url:l:c), <anonymous>:3:12".
  check(frames[13].frame, {"eval", u, 7, 10, false, false, false, true}, "new Function");
  // //# sourceURL=webpack://shop/./src/w.js names the evaluated code: an ordinary frame.
  check(frames[24].frame, {"w", "webpack://shop/./src/w.js", 1, 22}, "sourceURL");
  check(frames[25].frame, {"eval", "webpack://shop/./src/w.js", 2, 1}, "sourceURL top level");
  // A generator resumed by the builtin next().
  check(frames[36].frame, {"numbers", u, 11, 9}, "generator");
  check(frames[37].frame, {"numbers.next", "", 0, 0, false, false, true}, "builtin next");
}

TEST(StackTraceV8, FileUrlsWithQueryAndFragmentAndTopLevelAwaitFromNode) {
  const std::string text = read_text("tests/data/traces/node/esm.txt");
  const auto lines = parse_stack_trace(text);
  check_all(frames_only(lines),
            {
                {"parse", "file:///srv/app/esm/mod.mjs?v=3#build-7", 7, 9},
                {"load", "file:///srv/app/esm/mod.mjs?v=3#build-7", 4, 10},
                {"boot", "file:///srv/app/esm/main.mjs", 4, 10, true},
                {"", "file:///srv/app/esm/main.mjs", 7, 3, true},  // at async file:///...
            });
}

TEST(StackTraceV8, UncaughtErrorOutputKeepsEverythingElseAsText) {
  const std::string text = read_text("tests/data/traces/node/uncaught.txt");
  const auto lines = parse_stack_trace(text);
  // Node's header ("/srv/app/uncaught.js:7", then the source line and a caret), the two-line
  // message, "... 2 lines matching cause stack trace ...", "[cause]: ...", "}" and the version
  // line are text; only the "at" lines are frames.
  std::vector<std::string> text_lines;
  for (const auto& l : lines) {
    if (!l.is_frame) text_lines.emplace_back(l.raw);
  }
  ASSERT_EQ(text_lines.size(), 11u);
  EXPECT_EQ(text_lines[0], "/srv/app/uncaught.js:7");
  EXPECT_EQ(text_lines[2], "    ^");
  EXPECT_EQ(text_lines[4], "Error: user 7: profile unreadable");
  EXPECT_EQ(text_lines[5], "(second line of the message)");
  EXPECT_EQ(text_lines[6], "    ... 2 lines matching cause stack trace ...");
  EXPECT_EQ(text_lines[7],
            "  [cause]: SyntaxError: Expected property name or '}' in JSON at position 1");
  EXPECT_EQ(text_lines[8], "}");
  EXPECT_EQ(text_lines[9], "");
  EXPECT_EQ(text_lines[10], "Node.js v20.20.2");
  const auto frames = frames_only(lines);
  ASSERT_EQ(frames.size(), 9u);
  // util.inspect's " {" after the last frame before the error's properties.
  check(frames[2].frame, {"process.processTimers", "node:internal/timers", 519, 7}, "brace");
  check(frames[6].frame,
        {"Timeout.tick", "/srv/app/uncaught.js", 14, 3, false, false, false, false, "_onTimeout"},
        "cause frame");
}

// Other V8 forms, one row each.
TEST(StackTraceV8, Forms) {
  struct Row {
    const char* line;
    Expect e;
  };
  const Row rows[] = {
      // Windows paths (node on Windows; documented sample): position read from the end.
      {"    at Spect.get (C:\\projects\\spect\\src\\index.js:161:26)",
       {"Spect.get", "C:\\projects\\spect\\src\\index.js", 161, 26}},
      {"    at C:\\app\\dist\\app.min.js:1:2", {"", "C:\\app\\dist\\app.min.js", 1, 2}},
      {"    at f (file:///C:/app/dist/app.min.js:1:2)",
       {"f", "file:///C:/app/dist/app.min.js", 1, 2}},
      // Parentheses inside a path (Next.js route groups).
      {"    at Page (/app/(dashboard)/[id]/page.js:10:5)",
       {"Page", "/app/(dashboard)/[id]/page.js", 10, 5}},
      // A port in the URL, a query string and a fragment.
      {"    at g (http://localhost:3000/static/app.js?v=1&x=2#top:1:99)",
       {"g", "http://localhost:3000/static/app.js?v=1&x=2#top", 1, 99}},
      {"    at new Promise (<anonymous>)", {"Promise", "", 0, 0, false, true, true}},
      {"    at <anonymous>", {"", "", 0, 0, false, false, true}},
      {"    at foo (native)", {"foo", "", 0, 0, false, false, true}},
      {"    at foo (unknown location)", {"foo", "", 0, 0}},
      {"    at async Promise.any (index 0)", {"Promise.any", "", 0, 0, true, false, true}},
      // Old engines: a line and no column; a script without a position (wasm).
      {"    at f (app.js:10)", {"f", "app.js", 10, 0}},
      {"    at wasm://wasm/1a2b3c:wasm-function[3]:0x5f",
       {"", "wasm://wasm/1a2b3c:wasm-function[3]:0x5f", 0, 0}},
      {"    at add (wasm://wasm/6d7ee0c2:wasm-function[0]:0x3a)",
       {"add", "wasm://wasm/6d7ee0c2:wasm-function[0]:0x3a", 0, 0}},
      // Positions are 1-based: 0 is not a position; neither is a number past 2^32.
      {"    at f (app.js:0:5)", {"f", "app.js", 0, 0}},
      {"    at f (app.js:5:0)", {"f", "app.js", 5, 0}},
      {"    at f (app.js:1:4294967297)", {"f", "app.js", 1, 0}},
      // CRLF line ending and tabs.
      {"\tat h (a.js:2:3)\r", {"h", "a.js", 2, 3}},
      {"    at Object.<anonymous> [as run] (/srv/a.js:1:1)",
       {"Object.<anonymous>", "/srv/a.js", 1, 1, false, false, false, false, "run"}},
  };
  for (const Row& r : rows) {
    StackFrame f;
    ASSERT_TRUE(parse_stack_frame(r.line, f)) << r.line;
    check(f, r.e, r.line);
  }
}

TEST(StackTraceV8, OneBasedPositionsBecomeZeroBasedOnce) {
  const StackFrame f = frame_of("    at f (app.js:1:1)");
  EXPECT_EQ(f.line, 0u);
  EXPECT_EQ(f.column, 0u);
  EXPECT_TRUE(f.has_position());
  // The largest printable position, 2^32, is 0-based 2^32 - 1.
  const StackFrame g = frame_of("    at f (app.js:4294967296:4294967296)");
  EXPECT_EQ(g.line, 4294967295u);
  EXPECT_EQ(g.column, 4294967295u);
}

// --- SpiderMonkey (Firefox) --------------------------------------------------------------------
// Documented samples written by hand from the format Firefox prints (no Firefox here):
// "fn@url:line:col" with 1-based line and column, "@url" for anonymous functions, "fn/<" for
// functions nested in fn, "cause*fn@" for asynchronous callers (async*, promise callback*), and
// "url line N > eval:l:c" for eval and new Function code.
TEST(StackTraceFirefox, DocumentedSamples) {
  const std::string text =
      "validate@https://shop.example.com/static/js/app.min.js?v=12#main:1:152\n"
      "@https://shop.example.com/static/js/app.min.js:1:1513\n"
      "render/<@https://shop.example.com/static/js/app.min.js:1:900\n"
      "async*main@https://shop.example.com/static/js/app.min.js:3:24\n"
      "promise callback*boot@https://shop.example.com/static/js/app.min.js:3:40\n"
      "@https://shop.example.com/static/js/app.min.js line 2 > eval:1:5\n"
      "baz@http://localhost:8080/file.js line 26 > eval line 2 > eval:1:30\n"
      "bar(1)@file:///G:/js/file.js:13\n"
      "onClick@http://localhost:3002/_next/static/chunks/app/(group)/[route]/script.js:1:644\n"
      "handler@webpack://shop/./src/cart.js:3:7\n"
      "[2]</Bar.prototype._baz/</<@http://path/to/file.js:703:28\n"
      "load@https://cdn.example.com/@scope/pkg/index.js:4:2\n";
  const auto lines = parse_stack_trace(text);
  ASSERT_EQ(lines.size(), 12u);
  for (const auto& l : lines) {
    EXPECT_TRUE(l.is_frame) << l.raw;
    EXPECT_EQ(l.frame.style, FrameStyle::gecko) << l.raw;
  }
  const char* app = "https://shop.example.com/static/js/app.min.js";
  check_all(lines,
            {
                {"validate", "https://shop.example.com/static/js/app.min.js?v=12#main", 1, 152},
                {"", app, 1, 1513},
                {"render/<", app, 1, 900},
                {"main", app, 3, 24, true},
                {"boot", app, 3, 40},
                {"", app, 2, 0, false, false, false, true},  // eval: the call's line, no column
                {"baz", "http://localhost:8080/file.js", 26, 0, false, false, false, true},
                {"bar", "file:///G:/js/file.js", 13, 0},  // Firefox 3-7: arguments, no column
                {"onClick",
                 "http://localhost:3002/_next/static/chunks/app/(group)/[route]/script.js", 1, 644},
                {"handler", "webpack://shop/./src/cart.js", 3, 7},
                {"[2]</Bar.prototype._baz/</<", "http://path/to/file.js", 703, 28},
                // The first '@' separates name and URL: '@' inside the URL is fine.
                {"load", "https://cdn.example.com/@scope/pkg/index.js", 4, 2},
            });
  EXPECT_EQ(lines[3].frame.async_cause, "async");
  EXPECT_EQ(lines[4].frame.async_cause, "promise callback");
}

// --- JavaScriptCore (Safari) -------------------------------------------------------------------
// Documented samples written by hand from the format Safari prints (no Safari here): "fn@url:l:c",
// anonymous frames as the bare URL, "global code@" and "module code@" for top-level code,
// "map@[native code]" and "[native code]" for builtins, "eval code" with no position.
TEST(StackTraceSafari, DocumentedSamples) {
  const std::string text =
      "assertCents@https://shop.example.com/static/js/app.min.js:1:152\n"
      "map@[native code]\n"
      "https://shop.example.com/static/js/app.min.js:1:1513\n"
      "global code@https://shop.example.com/index.html:24:10\n"
      "module code@https://shop.example.com/static/js/app.mjs:1:1\n"
      "eval code\n"
      "eval@[native code]\n"
      "[native code]\n"
      "promiseReactionJob@[native code]\n"
      "@http://localhost:3000/(group)/[route]/script.js:1:131\n";
  const auto lines = parse_stack_trace(text);
  ASSERT_EQ(lines.size(), 10u);
  for (const auto& l : lines) EXPECT_TRUE(l.is_frame) << l.raw;
  const char* app = "https://shop.example.com/static/js/app.min.js";
  check_all(lines, {
                       {"assertCents", app, 1, 152},
                       {"map", "", 0, 0, false, false, true},
                       {"", app, 1, 1513},
                       {"global code", "https://shop.example.com/index.html", 24, 10},
                       {"module code", "https://shop.example.com/static/js/app.mjs", 1, 1},
                       {"eval code", "", 0, 0, false, false, false, true},
                       {"eval", "", 0, 0, false, false, true},
                       {"", "", 0, 0, false, false, true},
                       {"promiseReactionJob", "", 0, 0, false, false, true},
                       {"", "http://localhost:3000/(group)/[route]/script.js", 1, 131},
                   });
  EXPECT_EQ(lines[2].frame.style, FrameStyle::bare);
}

// --- lines that are not frames -----------------------------------------------------------------

TEST(StackTrace, TextLinesAreNotFrames) {
  const char* const text_lines[] = {
      "",
      "Error: something failed",
      "TypeError: Cannot read properties of undefined (reading 'x')",
      "at least one item is required",                  // prose starting with "at "
      "    at least one item (required)",               // ... with parentheses
      "Error: send the report to bob@example.com:1:2",  // an '@' in a message
      "/srv/app/uncaught.js:7",                         // node's header: a line, no column
      "    ^",
      "    ... 6 lines matching cause stack trace ...",
      "  [cause]: Error: inner",
      "}",
      "Node.js v20.20.2",
      "    at foo(bar)",  // no blank before '(': not V8's format
      "    at ",
  };
  for (const char* line : text_lines) {
    StackFrame f;
    EXPECT_FALSE(parse_stack_frame(line, f)) << "'" << line << "'";
  }
}

TEST(StackTrace, LinesSplitAtNewlinesKeepingOrder) {
  const std::string text =
      "Error: a\r\n  second line\r\n    at f (x.js:1:2)\r\n\r\n    at g (x.js:3:4)";
  const auto lines = parse_stack_trace(text);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0].raw, "Error: a");  // \r dropped
  EXPECT_EQ(lines[1].raw, "  second line");
  EXPECT_TRUE(lines[2].is_frame);
  EXPECT_EQ(lines[3].raw, "");
  EXPECT_FALSE(lines[3].is_frame);
  EXPECT_TRUE(lines[4].is_frame);  // no final newline
  EXPECT_EQ(lines[4].frame.line, 2u);
  EXPECT_TRUE(parse_stack_trace("").empty());
  EXPECT_EQ(parse_stack_trace("a\n").size(), 1u);  // no empty line after a final newline
}

}  // namespace
}  // namespace smcache
