// Parsing of JavaScript stack traces as V8 (Chrome, Node), SpiderMonkey (Firefox) and
// JavaScriptCore (Safari) print them: one TraceLine per line, frames taken apart, every other
// line (the message, possibly on several lines) kept as text.
//
// Header-only, no dependency beyond the standard library. Nothing is copied: every string_view
// in a StackFrame or TraceLine points into the text given to the parser, which must outlive
// them. parse_stack_frame() never allocates; parse_stack_trace() allocates only its vector.
//
// POSITION BASE: engines print lines and columns 1-based ("app.js:10:5" is line 10, column 5).
// The parser converts them to 0-based exactly once, here, so that StackFrame::line and
// StackFrame::column can go straight to Cache::lookup(). Columns count UTF-16 code units, as
// in engines and source maps. Nothing downstream adds or subtracts 1 again, except output
// meant for people (the CLI prints 1-based, as the trace did).
//
// Recognised frame lines (leading and trailing blanks ignored):
//   V8      at fn (url:line:col)           at url:line:col          at async fn (url:l:c)
//           at new Foo (url:l:c)           at Object.m [as alias] (url:l:c)
//           at get total [as total] (...)  at async url:l:c         at async Promise.all (index 0)
//           at Array.map (<anonymous>)     at fn (native)           at <anonymous>
//           at eval (eval at f (url:l:c), <anonymous>:1:5)   (position: the eval call in url)
//           at fn (url:l:c) {              (util.inspect adds " {" before an error's properties)
//   Gecko/  fn@url:line:col   @url:line:col   fn/<@url:l:c   async*fn@url:l:c   fn@url:line
//   JSC     fn@url line 12 > eval:1:5      (position: the eval call, line 12, no column)
//           global code@url:l:c   map@[native code]   [native code]   eval code   url:l:c
// URLs are kept as printed: query strings, fragments, file://, webpack://ns/, node:internal,
// Windows paths (C:\app\x.js:1:2) and parentheses inside paths (app/(group)/page.js) are fine,
// because the position is read from the end of the location.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace smcache {

// How a frame line was written.
enum class FrameStyle : std::uint8_t {
  v8 = 0,     // "at fn (url:line:col)" (Chrome, Node, Edge, Deno, Bun's V8-compatible output)
  gecko = 1,  // "fn@url:line:col" (Firefox; Safari too)
  bare = 2,   // "url:line:col" alone (Safari's anonymous frames), "[native code]", "eval code"
};

// One stack frame as printed. String views point into the parsed text.
struct StackFrame {
  FrameStyle style = FrameStyle::v8;
  // The function as printed, without V8's "async "/"new " prefixes, its " [as alias]" suffix and
  // Firefox's "async*" cause: "Object.apply", "get total", "c", "i.pricedLines", "fn/<",
  // "global code". Empty for an anonymous frame.
  std::string_view function;
  std::string_view alias;        // V8 "[as alias]": the property the function was called as
  std::string_view async_cause;  // Firefox "cause*fn@...": "async", "promise callback", ...
  // The script's URL or path as printed ("" when none). For an eval frame: the script that
  // called eval, and line/column are the eval call's position there.
  std::string_view url;
  std::uint32_t line = 0;    // 0-based (printed line - 1); valid when has_line
  std::uint32_t column = 0;  // 0-based UTF-16 code units (printed column - 1); when has_column
  bool has_line = false;
  bool has_column = false;
  bool is_async = false;        // "at async fn" (V8), "async*fn@" (Firefox): suspended at await
  bool is_constructor = false;  // "at new Foo" (V8): the caller's position is its `new`
  bool is_native = false;       // native/builtin code: no script position to map
  bool is_eval = false;         // code run by eval or new Function (position: the eval call)

  // A position Cache::lookup() can take.
  bool has_position() const noexcept { return has_line && has_column; }
};

// One line of a trace: a frame, or text (the message, "... 6 lines matching cause stack trace
// ...", "[cause]: Error: ...", blank lines) kept as it is.
struct TraceLine {
  std::string_view raw;  // the whole line without its terminator (\n, \r\n)
  bool is_frame = false;
  StackFrame frame;  // meaningful when is_frame
};

namespace detail::trace {

inline bool is_blank(char c) noexcept {
  return c == ' ' || c == '\t';
}
inline bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

inline std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (is_blank(s.front()) || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (is_blank(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// A printed 1-based number: digits only, 1..2^32 (so that number - 1 fits a u32).
inline bool parse_one_based(std::string_view s, std::uint32_t& zero_based) noexcept {
  if (s.empty() || s.size() > 10) return false;
  std::uint64_t v = 0;
  for (const char c : s) {
    if (!is_digit(c)) return false;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v == 0 || v > std::uint64_t{0xFFFFFFFFu} + 1) return false;
  zero_based = static_cast<std::uint32_t>(v - 1);
  return true;
}

inline bool all_digits(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (const char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}

// "url:line:col", "url:line" or "url": the position is read from the end, so colons in the URL
// (schemes, ports, drive letters) do not matter. A printed 0 or a number out of range leaves
// the field unset (has_line/has_column false): the frame is kept but cannot be mapped.
inline void parse_url_position(std::string_view loc, StackFrame& f) noexcept {
  f.url = loc;
  const std::size_t c2 = loc.rfind(':');
  if (c2 == std::string_view::npos || !all_digits(loc.substr(c2 + 1))) return;
  const std::size_t c1 = c2 == 0 ? std::string_view::npos : loc.rfind(':', c2 - 1);
  if (c1 != std::string_view::npos && all_digits(loc.substr(c1 + 1, c2 - c1 - 1))) {
    f.url = loc.substr(0, c1);
    f.has_line = parse_one_based(loc.substr(c1 + 1, c2 - c1 - 1), f.line);
    f.has_column = f.has_line && parse_one_based(loc.substr(c2 + 1), f.column);
    return;
  }
  f.url = loc.substr(0, c2);  // "url:line" (old engines): no column
  f.has_line = parse_one_based(loc.substr(c2 + 1), f.line);
}

// True when `loc` ends in ":line:col" or ":line".
inline bool has_trailing_number(std::string_view loc) noexcept {
  const std::size_t c = loc.rfind(':');
  return c != std::string_view::npos && c > 0 && all_digits(loc.substr(c + 1));
}

// A location that looks like a script: a URL with a scheme or a path. Used where a line could
// also be prose ("at least one item (required)").
inline bool looks_like_script(std::string_view url) noexcept {
  if (url.empty() || url.find(' ') != std::string_view::npos) return false;
  if (url.find(':') != std::string_view::npos) return true;  // scheme, node:, C:\ ...
  return url.front() == '/' || url.front() == '.' || url.front() == '\\' ||
         url.find('/') != std::string_view::npos || url.ends_with(".js") || url.ends_with(".mjs") ||
         url.ends_with(".cjs");
}

// Index of the '(' matching the ')' at s[close], scanning backwards; npos if unbalanced.
inline std::size_t matching_open(std::string_view s, std::size_t close) noexcept {
  int depth = 0;
  for (std::size_t i = close + 1; i-- > 0;) {
    if (s[i] == ')') {
      ++depth;
    } else if (s[i] == '(') {
      if (--depth == 0) return i;
    }
  }
  return std::string_view::npos;
}

// Index of the ')' matching the '(' at s[open], scanning forwards; npos if unbalanced.
inline std::size_t matching_close(std::string_view s, std::size_t open) noexcept {
  int depth = 0;
  for (std::size_t i = open; i < s.size(); ++i) {
    if (s[i] == '(') {
      ++depth;
    } else if (s[i] == ')') {
      if (--depth == 0) return i;
    }
  }
  return std::string_view::npos;
}

// The location inside V8's parentheses. Returns false when it is not one V8 prints.
inline bool parse_v8_location(std::string_view loc, StackFrame& f) noexcept {
  if (loc == "native" || loc == "<anonymous>" || loc == "unknown location" ||
      (loc.starts_with("index ") && all_digits(loc.substr(6)))) {
    // Builtins ("Array.map (<anonymous>)", "new Promise (<anonymous>)"), Promise.all's
    // "async Promise.all (index 0)": no script position.
    f.is_native = loc != "unknown location";
    return true;
  }
  if (loc.starts_with("eval at ")) {
    // "eval at f (url:l:c), <anonymous>:1:5", nested as "eval at g (eval at f (url:l:c))": the
    // innermost parenthesised location is the eval call in a real script; the position inside
    // the evaluated code (<anonymous>:1:5) maps to nothing.
    f.is_eval = true;
    while (loc.starts_with("eval at ")) {
      const std::size_t open = loc.find('(');
      if (open == std::string_view::npos) return true;  // kept, no position
      const std::size_t close = matching_close(loc, open);
      if (close == std::string_view::npos) return true;
      loc = loc.substr(open + 1, close - open - 1);
    }
    parse_url_position(loc, f);
    return true;
  }
  if (!looks_like_script(loc) && !has_trailing_number(loc)) return false;
  parse_url_position(loc, f);
  return true;
}

inline bool parse_v8(std::string_view body, StackFrame& f) noexcept {
  f.style = FrameStyle::v8;
  // util.inspect prints an error with extra properties as "<stack> {", the brace after the
  // last frame.
  if (body.ends_with(" {")) body = trim(body.substr(0, body.size() - 2));
  if (body.empty()) return false;
  std::string_view name;
  std::string_view loc = body;
  if (body.back() == ')') {
    const std::size_t open = matching_open(body, body.size() - 1);
    if (open == std::string_view::npos || open == 0 || body[open - 1] != ' ') return false;
    name = trim(body.substr(0, open));
    loc = body.substr(open + 1, body.size() - open - 2);
  } else {
    // No parentheses: an anonymous frame, "at url:line:col" or "at async url:line:col".
    if (loc.starts_with("async ")) {
      f.is_async = true;
      loc = trim(loc.substr(6));
    }
    if (loc == "<anonymous>") {
      f.is_native = true;
      return true;
    }
    if (loc.find(' ') != std::string_view::npos) return false;
    if (!has_trailing_number(loc) && loc.find("://") == std::string_view::npos) return false;
    parse_url_position(loc, f);
    return true;
  }
  if (name.ends_with(']')) {
    const std::size_t as = name.rfind(" [as ");
    if (as != std::string_view::npos) {
      f.alias = name.substr(as + 5, name.size() - as - 6);
      name = name.substr(0, as);
    }
  }
  if (name.starts_with("async ") && name.size() > 6) {
    f.is_async = true;
    name = trim(name.substr(6));
  }
  if (name.starts_with("new ") && name.size() > 4) {
    f.is_constructor = true;
    name = trim(name.substr(4));
  }
  f.function = name;
  return parse_v8_location(loc, f);
}

// "fn@location" (Firefox, Safari).
inline bool parse_gecko(std::string_view s, std::size_t at, StackFrame& f) noexcept {
  f.style = FrameStyle::gecko;
  std::string_view name = s.substr(0, at);
  std::string_view loc = s.substr(at + 1);
  // Firefox marks the frame that started an asynchronous step: "async*fn@",
  // "promise callback*fn@", "setTimeout handler*fn@".
  if (const std::size_t star = name.find('*'); star != std::string_view::npos && star > 0) {
    const std::string_view cause = name.substr(0, star);
    bool words = true;
    for (const char c : cause) {
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == ' ' || c == '.')) {
        words = false;
      }
    }
    if (words) {
      f.async_cause = cause;
      f.is_async = cause == "async";
      name = name.substr(star + 1);
    }
  }
  // Firefox 3-era frames print the arguments: "bar(1)@url:13". Keep the name only.
  if (name.ends_with(')')) {
    if (const std::size_t open = name.find('('); open != std::string_view::npos) {
      name = name.substr(0, open);
    }
  }
  // A message that happens to hold an '@' ("Error: write to bob@host:1:2") is not a frame;
  // engines never print ": " in a function name.
  if (name.find(": ") != std::string_view::npos) return false;
  f.function = name;
  if (loc == "[native code]") {
    f.is_native = true;
    return true;
  }
  // Firefox eval and new Function code: "url line 12 > eval:1:5" (also "> Function",
  // "> injectedScript", chained "url line 3 > eval line 1 > eval:1:30"): the outer script and
  // the line of the eval call, without a column.
  if (const std::size_t l = loc.find(" line "); l != std::string_view::npos) {
    std::size_t p = l + 6;
    std::size_t q = p;
    while (q < loc.size() && is_digit(loc[q])) ++q;
    if (q > p && loc.substr(q).starts_with(" > ")) {
      f.is_eval = true;
      f.url = loc.substr(0, l);
      f.has_line = parse_one_based(loc.substr(p, q - p), f.line);
      return true;
    }
  }
  if (!has_trailing_number(loc)) return false;
  parse_url_position(loc, f);
  return !f.url.empty();
}

}  // namespace detail::trace

// Parses one line. Returns true and fills `frame` when the line is a stack frame in one of the
// forms above, false for any other line (frame is then unspecified). No allocation.
inline bool parse_stack_frame(std::string_view line, StackFrame& frame) noexcept {
  using namespace detail::trace;
  frame = StackFrame{};
  const std::string_view s = trim(line);
  if (s.empty()) return false;
  if (s.starts_with("at ")) {
    StackFrame f;
    if (parse_v8(trim(s.substr(3)), f)) {
      frame = f;
      return true;
    }
    return false;
  }
  if (s == "[native code]") {  // Safari: an anonymous native frame
    frame.style = FrameStyle::bare;
    frame.is_native = true;
    return true;
  }
  if (s == "eval code") {  // Safari: the code run by eval; no position printed
    frame.style = FrameStyle::bare;
    frame.function = s;
    frame.is_eval = true;
    return true;
  }
  if (const std::size_t at = s.find('@'); at != std::string_view::npos) {
    StackFrame f;
    if (parse_gecko(s, at, f)) {
      frame = f;
      return true;
    }
    return false;
  }
  // Safari prints anonymous frames as the bare location: "http://host/app.js:34:25". Both line
  // and column are required, and a scheme or an absolute path, so that Node's
  // "/srv/app.js:3" header above an uncaught exception stays text.
  if (s.find(' ') == std::string_view::npos && has_trailing_number(s)) {
    StackFrame f;
    f.style = FrameStyle::bare;
    parse_url_position(s, f);
    if (f.has_column && (f.url.find("://") != std::string_view::npos || f.url.front() == '/')) {
      frame = f;
      return true;
    }
  }
  return false;
}

// Splits `text` into lines (at \n; a \r before it is dropped; no empty last line after a final
// newline) and parses each. Lines that are not frames are kept as text, in order.
inline std::vector<TraceLine> parse_stack_trace(std::string_view text) {
  std::vector<TraceLine> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    const std::size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view raw = text.substr(pos, end - pos);
    if (raw.ends_with('\r')) raw.remove_suffix(1);
    TraceLine line;
    line.raw = raw;
    line.is_frame = parse_stack_frame(raw, line.frame);
    if (!line.is_frame) line.frame = StackFrame{};
    lines.push_back(line);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
  }
  return lines;
}

}  // namespace smcache
