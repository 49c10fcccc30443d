// Fuzz target: stack trace text from users (reader/include/smcache/reader/stack_trace.hpp) and its
// symbolication against a real cache (symbolicate.hpp). Arbitrary bytes are parsed as a trace;
// every view a TraceLine or StackFrame holds must lie inside the text, lines must come in order,
// parse_stack_frame() must agree with parse_stack_trace(), and symbolicate() (with context lines)
// must give one frame per line whose strings lie inside the text or the cache. Frames are
// resolved by their URL: "*.js" to the cache, "*err*" to an error, anything else to no cache.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <smcache/converter/compile.hpp>
#include <smcache/reader/cache.hpp>
#include <smcache/reader/stack_trace.hpp>
#include <smcache/reader/symbolicate.hpp>

#include "fuzz_support.hpp"
#include "vlq.hpp"

namespace {

using smcache::fuzz::touch;

// A bundle-like map: 40 generated lines of 8 mappings each into two JavaScript sources with
// content (so the cache has a function table and context lines), names on every other mapping.
std::string make_map() {
  std::string content[2];
  for (int s = 0; s < 2; ++s) {
    for (int f = 0; f < 12; ++f) {
      content[s] += "function f" + std::to_string(f) + "(a) {\n  return g" + std::to_string(f) +
                    "(a) + new K" + std::to_string(s) + "();\n}\n";
    }
  }
  std::string mappings;
  std::int64_t prev_source = 0, prev_line = 0, prev_column = 0, prev_name = 0;
  for (int line = 0; line < 40; ++line) {
    if (line > 0) mappings += ';';
    std::int64_t prev_generated = 0;
    for (int k = 0; k < 8; ++k) {
      if (k > 0) mappings += ',';
      const std::int64_t generated = k * 9 + line % 3, source = (line + k) % 2;
      const std::int64_t original_line = (line * 3 + k) % 36, original_column = (k * 5) % 20;
      smcache::detail::append_vlq(mappings, generated - prev_generated);
      smcache::detail::append_vlq(mappings, source - prev_source);
      smcache::detail::append_vlq(mappings, original_line - prev_line);
      smcache::detail::append_vlq(mappings, original_column - prev_column);
      if (k % 2 == 0) {
        const std::int64_t name = (line + k) % 4;
        smcache::detail::append_vlq(mappings, name - prev_name);
        prev_name = name;
      }
      prev_generated = generated;
      prev_source = source;
      prev_line = original_line;
      prev_column = original_column;
    }
  }
  const auto quote = [](const std::string& s) {
    std::string q = "\"";
    for (const char c : s) q += c == '\n' ? std::string("\\n") : std::string(1, c);
    return q + "\"";
  };
  return "{\"version\":3,\"sources\":[\"src/a.js\",\"src/b.js\"],\"sourcesContent\":[" +
         quote(content[0]) + "," + quote(content[1]) +
         "],\"names\":[\"render\",\"new\",\"await\",\"handler\"],\"mappings\":\"" + mappings +
         "\"}";
}

struct Fixture {
  std::vector<std::uint8_t> bytes;
  smcache::Cache cache;
};

const Fixture& fixture() {
  static const Fixture f = [] {
    const std::string map = make_map();
    auto bytes =
        smcache::compile(std::span(reinterpret_cast<const std::uint8_t*>(map.data()), map.size()));
    SMCACHE_FUZZ_CHECK(bytes.ok(), "fixture map does not compile: %s",
                       bytes.ok() ? "" : bytes.error().message.c_str());
    std::vector<std::uint8_t> owned = std::move(*bytes);
    auto cache = smcache::Cache::from_bytes(owned);  // the vector's buffer moves with it
    SMCACHE_FUZZ_CHECK(cache.ok(), "fixture cache does not open");
    return Fixture{std::move(owned), std::move(*cache)};
  }();
  return f;
}

bool inside(std::string_view part, std::string_view whole) {
  if (part.empty()) return true;
  // Compared as integers: relational operators on pointers into different objects are unspecified.
  const auto b = reinterpret_cast<std::uintptr_t>(whole.data());
  const auto x = reinterpret_cast<std::uintptr_t>(part.data());
  return x >= b && part.size() <= whole.size() && x - b <= whole.size() - part.size();
}

void check_frame(const smcache::StackFrame& f, std::string_view text, std::size_t line) {
  SMCACHE_FUZZ_CHECK(inside(f.function, text) && inside(f.alias, text) &&
                         inside(f.async_cause, text) && inside(f.url, text),
                     "line %zu: a frame view points outside the text", line);
  SMCACHE_FUZZ_CHECK(!f.has_column || f.has_line, "line %zu: a column without a line", line);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // An exact-size copy, so ASan sees any read past the text.
  const std::vector<char> copy(reinterpret_cast<const char*>(data),
                               reinterpret_cast<const char*>(data) + size);
  const std::string_view text(copy.data(), copy.size());
  const Fixture& fx = fixture();
  const std::string_view cache_bytes(reinterpret_cast<const char*>(fx.bytes.data()),
                                     fx.bytes.size());

  const std::vector<smcache::TraceLine> lines = smcache::parse_stack_trace(text);
  const char* previous_end = text.data();
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const smcache::TraceLine& l = lines[i];
    SMCACHE_FUZZ_CHECK(inside(l.raw, text) && (l.raw.empty() || l.raw.data() >= previous_end),
                       "line %zu: raw outside the text or out of order", i);
    if (!l.raw.empty()) previous_end = l.raw.data() + l.raw.size();
    SMCACHE_FUZZ_CHECK(l.raw.find('\n') == std::string_view::npos, "line %zu holds a newline", i);
    sum += touch(l.raw);
    smcache::StackFrame again;
    const bool is_frame = smcache::parse_stack_frame(l.raw, again);
    SMCACHE_FUZZ_CHECK(is_frame == l.is_frame, "line %zu: parse_stack_frame disagrees", i);
    if (l.is_frame) {
      check_frame(l.frame, text, i);
      SMCACHE_FUZZ_CHECK(again.url == l.frame.url && again.function == l.frame.function &&
                             again.line == l.frame.line && again.column == l.frame.column &&
                             again.has_line == l.frame.has_line &&
                             again.has_column == l.frame.has_column,
                         "line %zu: parse_stack_frame gives another frame", i);
    }
  }
  if (!text.empty()) {
    std::size_t newlines = 0;
    for (const char c : text) newlines += c == '\n';
    const std::size_t want = newlines + (text.back() == '\n' ? 0 : 1);
    SMCACHE_FUZZ_CHECK(lines.size() == want, "%zu lines, the text has %zu", lines.size(), want);
  }

  const auto resolve = [&](const smcache::StackFrame& f) -> smcache::CacheResolution {
    if (f.url.ends_with(".js")) return {&fx.cache, {}};
    if (f.url.find("err") != std::string_view::npos) return {nullptr, "cannot open"};
    return {nullptr, {}};
  };
  smcache::SymbolicateOptions options;
  options.include_context = true;
  options.context_lines = size % 4;
  const auto frames =
      smcache::symbolicate(std::span<const smcache::TraceLine>(lines), resolve, options);
  SMCACHE_FUZZ_CHECK(frames.size() == lines.size(), "%zu frames for %zu lines", frames.size(),
                     lines.size());
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const smcache::SymbolicatedFrame& f = frames[i];
    SMCACHE_FUZZ_CHECK(f.raw.data() == lines[i].raw.data() && f.is_frame == lines[i].is_frame,
                       "frame %zu is not line %zu", i, i);
    SMCACHE_FUZZ_CHECK(inside(f.source, cache_bytes), "frame %zu: source outside the cache", i);
    SMCACHE_FUZZ_CHECK(inside(f.function, text) || inside(f.function, cache_bytes),
                       "frame %zu: function outside the text and the cache", i);
    SMCACHE_FUZZ_CHECK(!f.resolved || f.cache == &fx.cache, "frame %zu resolved elsewhere", i);
    sum += touch(f.source) + touch(f.function) + touch(smcache::display_function(f));
    for (const std::string_view c : f.context) {
      SMCACHE_FUZZ_CHECK(inside(c, cache_bytes), "frame %zu: context outside the cache", i);
      sum += touch(c);
    }
    if (f.has_context()) {
      SMCACHE_FUZZ_CHECK(
          f.context_first_line <= f.line && f.line - f.context_first_line < f.context.size(),
          "frame %zu: context does not hold the frame's line", i);
    }
  }
  smcache::fuzz::keep(sum);
  return 0;
}
