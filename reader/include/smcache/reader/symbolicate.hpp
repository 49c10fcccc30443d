// Symbolication of a parsed stack trace: each frame's generated position mapped through its
// cache to the original source, line and column, the name of the original function it is in,
// and lines of source context. Frames that cannot be mapped are kept, marked, never dropped.
//
// Header-only. Results point into the trace text (StackFrame views) and into the caches (source
// names, function names, context lines): both must outlive the result. Any number of threads may
// symbolicate at once against the same caches (Cache is immutable).
//
// FUNCTION NAMES. The name of the mapping at a frame's own position names what is called there
// (the callee), not the function the frame is in: at `at b (bundle.js:1:120)` it may say
// `saveDraft` while `b` is `onSubmit`. So it is never used as the frame's function. Instead:
//   s. scopes: the map's own ECMA-426 `scopes`, from the cache's scope ranges (SPEC §6.11): the
//      innermost generated range around the frame's GENERATED position that has a definition;
//      if that definition is inside a NAMED original function, its name. A function the scopes
//      leave unnamed falls through to the rules below, which may know better (swc 1.16 writes
//      function scopes without names; an arrow `const f = () => ...` is named by rule 0), as does
//      a definition outside any function (top-level code), or no range there.
//      The scopes' name must not contradict the source: when the function table (rule 0, which
//      read sourcesContent) has a NAMED function at the frame's mapped position and the scopes'
//      name is neither that name nor its last part (`fromEvents` of `Inventory.fromEvents`,
//      `total` of `get total`), rule 0 names the frame instead. swc 1.16.22 writes mangled
//      names (`s` for memoize-one's `memoized`) and `constructor` for `new Inventory`.
//      Inlined bodies are named by the inlined function, and the frames of the inlined calls are
//      given back (INLINED FRAMES below).
//   0. original-function: the innermost function of the ORIGINAL source enclosing the frame's
//      mapped position, from the cache's function table (SPEC §6.10: the converter scans
//      sourcesContent for function ranges and their names). Anonymous functions read
//      "<anonymous>". Used whenever the table has a function there; top-level code, sources
//      without content and caches without a table fall through:
//   7. generated-function: the innermost function of the GENERATED file around the frame's
//      generated position, from the cache's generated-function table (SPEC §6.12: compiled with
//      the minified file, whose functions the converter finds and names through the map: the
//      map's name at the function's identifier, or the original identifier there). Only a
//      function with a name counts: anonymous or unresolved ones fall through to the caller
//      rules. Not a guess: the name is the map's, but it is the name of the binding or key the
//      function was given (`const f = () => ...` is f), and a function the bundler inlined into
//      another is named by the one it was inlined into.
//   1. caller-call-site: the frame below in the trace (frame i+1, the caller) stopped at the call
//      that entered frame i. If a mapping of the same cache starts EXACTLY at the caller's
//      generated position and has a name, that name is frame i's function. A mapping that merely
//      covers the position is not enough: for computed calls (`obj[k]()`, `fns[i]()`) engines
//      point elsewhere than at a name, and the covering mapping names something else.
//   2. caller-call-site-next-token: V8 points a constructor's caller at the `new` keyword
//      (frame i printed `at new c`) and an `at async` caller at its `await`; the mapping there has
//      no name. Then the mapping that starts right after it on the same generated line is taken,
//      but only when the original source (sourcesContent) confirms that the caller's original
//      position reads `new`/`await`, then blanks, then exactly that name, then `(`: a direct call
//      `new Invoice(` or `await placeOrder(`. `await p`, `new a.B()`, `await this.f()`,
//      `new Foo<T>()` and maps without sourcesContent fall through to rule 3.
//   3. minified: the name the trace printed (the generated code's name), marked as such.
//   none: no name at all (an anonymous function with no caller naming it).
// The caller must be the next line of the trace and a frame (a text line such as "... 6 lines
// matching cause stack trace ..." breaks the chain), resolved through the same cache, with its
// own position (not native, not an eval frame, whose printed position is the eval call).
// The rules are tried in the order s, 0, 7, 1, 2, 3; SymbolicateOptions::function_rules turns
// single rules off (to measure each one alone).
//
// INLINED FRAMES. A minifier that inlines a call (swc's compress) leaves one engine frame where
// the original program had several. When rule s names a frame and ranges on the chain around its
// generated position have call sites (ScopeRange::is_inlined(), SPEC §6.11), the frame itself is
// the innermost inlined function at the mapped position, and SymbolicatedFrame::inlined_callers
// lists the frames the inlining removed, innermost outward: for each inlined range on the chain,
// one frame at that range's call site (original source, line, column), named by the next
// definition outward (its function, "<anonymous>", or "" for top-level code, FunctionRule::none).
// The last one is the function the engine really ran; the frame and every caller before the last
// are inlined (is_inlined()). They come from the scopes only: a cache without scope ranges gives
// none. A frame whose own function the scopes leave unnamed keeps its callers, its name coming
// from the rules below.
// A corrupt chain (a parent not before its child, deeper than 64) ends the walk, never loops.
//
// Positions: StackFrame's are 0-based (stack_trace.hpp converted them at parse time); the
// original line and column here are 0-based too. Output for people adds 1.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <smcache/reader/cache.hpp>
#include <smcache/reader/stack_trace.hpp>

namespace smcache {

// Which rule gave SymbolicatedFrame::function. Values are stable (they cross the C ABI).
enum class FunctionRule : std::uint8_t {
  none = 0,              // no name known (anonymous)
  caller_call_site = 1,  // the name of the mapping starting exactly at the caller's position
  caller_call_site_next_token = 2,  // caller at `new`/`await`: the next mapping's name, checked
                                    // against sourcesContent
  minified = 3,                     // the trace's own name, from the generated (minified) code
  as_printed = 4,                   // an unresolved frame: its name exactly as the trace printed it
  original_function = 5,            // the innermost original function enclosing the mapped position
  scopes = 6,                       // the map's `scopes`: the function of the innermost range
  generated_function = 7,  // the innermost generated function (named through the map) around the
                           // frame's generated position
};

// "none", "caller-call-site", "caller-call-site-next-token", "minified", "as-printed",
// "original-function", "scopes", "generated-function".
inline std::string_view function_rule_name(FunctionRule rule) noexcept {
  switch (rule) {
    case FunctionRule::none:
      return "none";
    case FunctionRule::caller_call_site:
      return "caller-call-site";
    case FunctionRule::caller_call_site_next_token:
      return "caller-call-site-next-token";
    case FunctionRule::minified:
      return "minified";
    case FunctionRule::as_printed:
      return "as-printed";
    case FunctionRule::original_function:
      return "original-function";
    case FunctionRule::scopes:
      return "scopes";
    case FunctionRule::generated_function:
      return "generated-function";
  }
  return "unknown";
}

// The bit of `rule` in SymbolicateOptions::function_rules.
constexpr std::uint32_t function_rule_bit(FunctionRule rule) noexcept {
  return std::uint32_t{1} << static_cast<std::uint32_t>(rule);
}
inline constexpr std::uint32_t kAllFunctionRules = 0xFFFFFFFFu;

// The rule named `name` (function_rule_name's spelling); false for an unknown name.
inline bool function_rule_from_name(std::string_view name, FunctionRule& rule) noexcept {
  for (std::uint8_t v = 0; v <= static_cast<std::uint8_t>(FunctionRule::generated_function); ++v) {
    if (function_rule_name(static_cast<FunctionRule>(v)) == name) {
      rule = static_cast<FunctionRule>(v);
      return true;
    }
  }
  return false;
}

// Why a frame was not mapped. Values are stable.
enum class UnresolvedReason : std::uint8_t {
  none = 0,         // resolved
  native = 1,       // native or builtin code ("Array.map (<anonymous>)", "[native code]")
  no_position = 2,  // no script position printed ("eval code", "unknown location", wasm)
  no_column = 3,    // a line but no column (old engines, Firefox eval frames)
  no_cache = 4,     // the resolver has no cache for the frame's script
  cache_error = 5,  // the resolver found a cache but could not open it (see unresolved_detail)
  no_mapping = 6,   // the cache has no mapping (with a source) at that position
};

// "native code", "no position", "no column", "no cache for this script", "cache error",
// "no mapping at this position" ("" for none).
inline std::string_view unresolved_reason_text(UnresolvedReason reason) noexcept {
  switch (reason) {
    case UnresolvedReason::none:
      return "";
    case UnresolvedReason::native:
      return "native code";
    case UnresolvedReason::no_position:
      return "no position";
    case UnresolvedReason::no_column:
      return "no column";
    case UnresolvedReason::no_cache:
      return "no cache for this script";
    case UnresolvedReason::cache_error:
      return "cache error";
    case UnresolvedReason::no_mapping:
      return "no mapping at this position";
  }
  return "unknown";
}

// "none", "native", "no-position", "no-column", "no-cache", "cache-error", "no-mapping": the
// names JSON output uses.
inline std::string_view unresolved_reason_name(UnresolvedReason reason) noexcept {
  switch (reason) {
    case UnresolvedReason::none:
      return "none";
    case UnresolvedReason::native:
      return "native";
    case UnresolvedReason::no_position:
      return "no-position";
    case UnresolvedReason::no_column:
      return "no-column";
    case UnresolvedReason::no_cache:
      return "no-cache";
    case UnresolvedReason::cache_error:
      return "cache-error";
    case UnresolvedReason::no_mapping:
      return "no-mapping";
  }
  return "unknown";
}

// What a resolver returns: the cache for a frame, or none (error empty: nothing known for that
// script; error set: a cache exists but could not be opened, and why).
struct CacheResolution {
  const Cache* cache = nullptr;
  std::string error;
};

struct SymbolicateOptions {
  bool include_context = false;     // fill SymbolicatedFrame::context
  std::uint32_t context_lines = 0;  // lines before and after the frame's line
  // The naming rules tried, function_rule_bit(rule) each (default: all). A rule whose bit is
  // clear is skipped: scopes, original_function, generated_function, caller_call_site,
  // caller_call_site_next_token, minified (without it, a frame no rule names gets no name).
  // as_printed and none are not rules that can be turned off. For measuring rules one by one.
  std::uint32_t function_rules = kAllFunctionRules;
};

// A frame that inlining removed from the engine's trace (see INLINED FRAMES above): the call
// that was inlined, at its original position, in the function named.
struct InlinedFrame {
  std::uint32_t source_index = format::kNone;
  std::string_view source;    // the call site's source name ("" for a null name)
  std::uint32_t line = 0;     // original, 0-based
  std::uint32_t column = 0;   // UTF-16 code units
  std::string_view function;  // "" with FunctionRule::none (top-level code)
  FunctionRule function_rule = FunctionRule::none;  // scopes, or none
};

// One line of the trace, symbolicated. For a text line only `raw` is meaningful.
struct SymbolicatedFrame {
  std::string_view raw;  // the line as printed
  bool is_frame = false;
  StackFrame frame;  // the generated frame as printed (0-based position)

  bool resolved = false;
  UnresolvedReason unresolved_reason = UnresolvedReason::none;
  std::string unresolved_detail;  // cache_error: the resolver's message
  const Cache* cache = nullptr;   // the cache the frame was looked up in (null if none)

  // Original position (when resolved), 0-based.
  std::uint32_t source_index = format::kNone;
  std::string_view source;  // the source's name ("" for a null name)
  std::uint32_t line = 0;
  std::uint32_t column = 0;  // UTF-16 code units

  // The function the frame is in (see the rules above); "" with FunctionRule::none.
  std::string_view function;
  FunctionRule function_rule = FunctionRule::none;

  // Source lines context_first_line .. context_first_line + context.size() - 1 (0-based), the
  // frame's line among them; empty without sourcesContent or when not asked for.
  std::uint32_t context_first_line = 0;
  std::vector<std::string_view> context;

  bool has_context() const noexcept { return !context.empty(); }

  // From the scopes (rule s enabled), whichever rule named the frame itself: the callers that
  // inlining removed, innermost outward; the last is the function the engine ran (see INLINED
  // FRAMES above). Empty when nothing was inlined here.
  std::vector<InlinedFrame> inlined_callers;

  // The frame's own function was inlined into a caller (inlined_callers is not empty).
  bool is_inlined() const noexcept { return !inlined_callers.empty(); }
  // inlined_callers[k] was itself inlined (all but the last).
  bool is_inlined_caller(std::size_t k) const noexcept { return k + 1 < inlined_callers.size(); }
};

namespace detail::symbolicate {

inline bool is_identifier_byte(char ch) noexcept {
  const auto c = static_cast<unsigned char>(ch);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$' || c >= 0x80;
}

// Byte offset in the UTF-8 `line` of UTF-16 column `column`; npos when the column is past the
// end or falls inside a character (the second half of a surrogate pair).
inline std::size_t utf16_column_to_byte(std::string_view line, std::uint32_t column) noexcept {
  std::size_t i = 0;
  std::uint64_t units = 0;
  while (units < column) {
    if (i >= line.size()) return std::string_view::npos;
    const auto c = static_cast<unsigned char>(line[i]);
    std::size_t len = 1;
    if (c >= 0xF0) {
      len = 4;
    } else if (c >= 0xE0) {
      len = 3;
    } else if (c >= 0xC0) {
      len = 2;
    }
    units += len == 4 ? 2 : 1;
    i += len;
  }
  if (units != column || i > line.size()) return std::string_view::npos;
  return i;
}

// Rule 2's check on the original source: at `kw`'s position the text reads `keyword`, blanks,
// then at `next`'s position the identifier `*next.name`, optional blanks and '('.
inline bool keyword_then_direct_call(const Cache& cache, const Token& kw, const Token& next,
                                     std::string_view keyword) noexcept {
  if (!next.name || next.name->empty()) return false;
  if (kw.source_index != next.source_index || kw.line != next.line || next.column <= kw.column) {
    return false;
  }
  const auto text = cache.source_line(kw.source_index, kw.line);
  if (!text) return false;  // no sourcesContent: nothing to check against, so no guess
  const std::size_t b0 = utf16_column_to_byte(*text, kw.column);
  const std::size_t b1 = utf16_column_to_byte(*text, next.column);
  if (b0 == std::string_view::npos || b1 == std::string_view::npos || b1 <= b0) return false;
  const std::string_view gap = text->substr(b0, b1 - b0);
  if (!gap.starts_with(keyword) || gap.size() == keyword.size()) return false;
  for (std::size_t i = keyword.size(); i < gap.size(); ++i) {
    if (gap[i] != ' ' && gap[i] != '\t') return false;
  }
  std::string_view rest = text->substr(b1);
  const std::string_view name = *next.name;
  if (!rest.starts_with(name)) return false;
  rest.remove_prefix(name.size());
  if (!rest.empty() && is_identifier_byte(rest.front())) return false;  // `Invoice2`, not `Invoice`
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  return rest.starts_with('(');
}

// The token that starts exactly at generated (line, column), as lookup() answers there; nullopt
// when no mapping with a source starts exactly there.
inline std::optional<Token> exact_token(const Cache& cache, std::uint32_t line,
                                        std::uint32_t column) noexcept {
  auto t = cache.lookup(line, column);
  if (!t || t->generated_line != line || t->generated_column != column) return std::nullopt;
  return t;
}

// The first mapping after those starting at (line, column), on the same generated line.
inline std::optional<Token> next_token(const Cache& cache, std::uint32_t line,
                                       std::uint32_t column) noexcept {
  const Cache::TokenRange range = cache.original_positions(line, column);
  if (range.empty()) return std::nullopt;
  const auto first = cache.token(range.first);
  if (!first || first->generated_line != line || first->generated_column != column) {
    return std::nullopt;
  }
  auto next = cache.token(range.last);
  if (!next || next->generated_line != line || !next->has_source()) return std::nullopt;
  return next;
}

inline std::string_view scope_function_name(const ScopeRange& r) noexcept {
  return r.name && !r.name->empty() ? *r.name : std::string_view("<anonymous>");
}

// Rule s: names a resolved frame from the cache's scope ranges at its generated position; false
// when no range there has a definition inside a named original function. Walks on outward for
// the inlined callers (INLINED FRAMES) when the definition is inside a function, named or not.
// The chain is bounded twice: parent_scope_range() only goes to smaller indices, and at most
// kMaxScopeRangeDepth steps.
inline bool name_from_scopes(SymbolicatedFrame& f) {
  const Cache& cache = *f.cache;
  auto r = cache.enclosing_scope_range(f.frame.line, f.frame.column);
  bool named = false;        // the frame's own function scope was found
  bool own_name = false;     // ...and it has a name
  bool caller_named = true;  // the last of f.inlined_callers (none yet: nothing to name)
  for (std::uint32_t steps = 0; r && steps < format::kMaxScopeRangeDepth; ++steps) {
    if (r->has_definition()) {
      if (!named) {
        if (!r->is_function()) return false;  // top-level code: the other rules decide
        if (r->name && !r->name->empty()) {
          f.function = *r->name;
          f.function_rule = FunctionRule::scopes;
          own_name = true;
        }
        named = true;
      } else if (!caller_named) {
        InlinedFrame& c = f.inlined_callers.back();
        if (r->is_function()) {
          c.function = scope_function_name(*r);
          c.function_rule = FunctionRule::scopes;
        }
        caller_named = true;
      }
    }
    // A call site before the frame has a name (not well-formed) is not followed.
    if (named && r->is_inlined()) {
      InlinedFrame c;
      c.source_index = r->call_site_source_index;
      if (const auto src = cache.source(c.source_index); src && src->name) c.source = *src->name;
      c.line = r->call_site_line;
      c.column = r->call_site_column;
      f.inlined_callers.push_back(c);
      caller_named = false;
    }
    r = cache.parent_scope_range(*r);
  }
  if (!named) f.inlined_callers.clear();
  return own_name;
}

// Whether the scopes' name `scope` is the function table's `table` name or its last part: the
// part after the last '.', or after a leading "new "/"get "/"set " ("#m" of "C.#m" too).
// "constructor" is not "new C" (the table spells constructors by their class).
inline bool scope_name_agrees(std::string_view scope, std::string_view table) noexcept {
  if (scope == table) return true;
  for (const std::string_view prefix : {"new ", "get ", "set "}) {
    if (table.starts_with(prefix)) table.remove_prefix(prefix.size());
  }
  if (const auto dot = table.rfind('.'); dot != std::string_view::npos) {
    table.remove_prefix(dot + 1);
  }
  return scope == table || (table.starts_with('#') && scope == table.substr(1));
}

// Rule s's name checked against the source (see the rules above): false when the function table
// has a named function at the frame's mapped position that the scopes' name contradicts.
inline bool scope_name_fits_source(const SymbolicatedFrame& f) noexcept {
  const auto fn = f.cache->enclosing_function(f.source_index, f.line, f.column);
  if (!fn || !fn->name || fn->name->empty()) return true;
  return scope_name_agrees(f.function, *fn->name);
}

// Rule 0: names a resolved frame from the function table; false when the table has nothing there.
inline bool name_from_function_table(SymbolicatedFrame& f) noexcept {
  const auto fn = f.cache->enclosing_function(f.source_index, f.line, f.column);
  if (!fn) return false;
  f.function = fn->name && !fn->name->empty() ? *fn->name : std::string_view("<anonymous>");
  f.function_rule = FunctionRule::original_function;
  return true;
}

// Rule 7: names a resolved frame from the generated-function table at its generated position;
// false when no function there has a name.
inline bool name_from_generated_function(SymbolicatedFrame& f) noexcept {
  const auto g = f.cache->generated_function_at(f.frame.line, f.frame.column);
  if (!g || !g->name || g->name->empty()) return false;
  f.function = *g->name;
  f.function_rule = FunctionRule::generated_function;
  return true;
}

// Names frame `i` of `out` (resolved) from its caller, out[i + 1]; `rules` as
// SymbolicateOptions::function_rules.
inline void name_from_caller(std::vector<SymbolicatedFrame>& out, std::size_t i,
                             std::uint32_t rules = kAllFunctionRules) {
  SymbolicatedFrame& f = out[i];
  const auto fall_back = [&f, rules] {
    if ((rules & function_rule_bit(FunctionRule::minified)) == 0) {
      f.function = {};
      f.function_rule = FunctionRule::none;
      return;
    }
    f.function = f.frame.function;
    f.function_rule = f.function.empty() ? FunctionRule::none : FunctionRule::minified;
  };
  if (i + 1 >= out.size()) return fall_back();
  const SymbolicatedFrame& caller = out[i + 1];
  if (!caller.is_frame || caller.cache != f.cache || f.cache == nullptr ||
      !caller.frame.has_position() || caller.frame.is_native || caller.frame.is_eval) {
    return fall_back();
  }
  const Cache& cache = *f.cache;
  const std::uint32_t line = caller.frame.line;
  const std::uint32_t column = caller.frame.column;
  const auto at = exact_token(cache, line, column);
  if (!at) return fall_back();
  if (at->name && !at->name->empty()) {
    if ((rules & function_rule_bit(FunctionRule::caller_call_site)) == 0) return fall_back();
    f.function = *at->name;
    f.function_rule = FunctionRule::caller_call_site;
    return;
  }
  std::string_view keyword;
  if (f.frame.is_constructor) {
    keyword = "new";
  } else if (caller.frame.is_async) {
    keyword = "await";
  } else {
    return fall_back();
  }
  if ((rules & function_rule_bit(FunctionRule::caller_call_site_next_token)) == 0) {
    return fall_back();
  }
  const auto next = next_token(cache, line, column);
  if (!next || !keyword_then_direct_call(cache, *at, *next, keyword)) return fall_back();
  f.function = *next->name;
  f.function_rule = FunctionRule::caller_call_site_next_token;
}

template <class Resolver>
CacheResolution call_resolver(Resolver& resolve, const StackFrame& frame) {
  using R = std::invoke_result_t<Resolver&, const StackFrame&>;
  if constexpr (std::is_convertible_v<R, const Cache*>) {
    return CacheResolution{static_cast<const Cache*>(resolve(frame)), {}};
  } else {
    static_assert(std::is_convertible_v<R, CacheResolution>,
                  "a resolver returns const Cache* or CacheResolution");
    return CacheResolution(resolve(frame));
  }
}

}  // namespace detail::symbolicate

// Symbolicates `lines` (from parse_stack_trace). `resolve` is called once per frame that has a
// position, as resolve(const StackFrame&), and returns the frame's cache as `const Cache*`
// (null: none) or a CacheResolution (to report an error). The caches must outlive the result.
// Returns one SymbolicatedFrame per line, in order. Cost per frame: two or three O(log n)
// lookups, plus the context lines asked for.
template <class Resolver>
std::vector<SymbolicatedFrame> symbolicate(std::span<const TraceLine> lines, Resolver&& resolve,
                                           const SymbolicateOptions& options = {}) {
  using namespace detail::symbolicate;
  std::vector<SymbolicatedFrame> out(lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    SymbolicatedFrame& f = out[i];
    f.raw = lines[i].raw;
    f.is_frame = lines[i].is_frame;
    if (!f.is_frame) continue;
    f.frame = lines[i].frame;
    const StackFrame& g = f.frame;
    if (g.is_native) {
      f.unresolved_reason = UnresolvedReason::native;
    } else if (g.url.empty() || !g.has_line) {
      f.unresolved_reason = UnresolvedReason::no_position;
    } else if (!g.has_column) {
      f.unresolved_reason = UnresolvedReason::no_column;
    } else {
      CacheResolution r = call_resolver(resolve, g);
      if (r.cache == nullptr) {
        f.unresolved_reason =
            r.error.empty() ? UnresolvedReason::no_cache : UnresolvedReason::cache_error;
        f.unresolved_detail = std::move(r.error);
      } else {
        f.cache = r.cache;
        if (const auto t = r.cache->lookup(g.line, g.column)) {
          f.resolved = true;
          f.source_index = t->source_index;
          f.source = t->source;
          f.line = t->line;
          f.column = t->column;
        } else {
          f.unresolved_reason = UnresolvedReason::no_mapping;
        }
      }
    }
    if (!f.resolved) {
      f.function = g.function;
      f.function_rule = g.function.empty() ? FunctionRule::none : FunctionRule::as_printed;
    }
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    SymbolicatedFrame& f = out[i];
    if (!f.is_frame || !f.resolved) continue;
    const std::uint32_t rules = options.function_rules;
    const auto on = [rules](FunctionRule r) { return (rules & function_rule_bit(r)) != 0; };
    const bool by_scopes =
        on(FunctionRule::scopes) && name_from_scopes(f) && scope_name_fits_source(f);
    if (!by_scopes && !(on(FunctionRule::original_function) && name_from_function_table(f)) &&
        !(on(FunctionRule::generated_function) && name_from_generated_function(f))) {
      name_from_caller(out, i, rules);
    }
    if (!options.include_context) continue;
    const auto info = f.cache->source(f.source_index);
    if (!info || !info->content || f.line >= info->line_count) continue;
    const std::uint32_t n = options.context_lines;
    const std::uint32_t first = f.line >= n ? f.line - n : 0;
    const std::uint32_t last =
        info->line_count - 1 - f.line > n ? f.line + n : info->line_count - 1;
    f.context_first_line = first;
    for (std::uint32_t l = first; l <= last; ++l) {
      const auto text = f.cache->source_line(f.source_index, l);
      if (!text) break;  // corrupt line starts: keep what was read
      f.context.push_back(*text);
    }
    if (f.line - first >= f.context.size()) f.context.clear();
  }
  return out;
}

// Parses `trace_text` and symbolicates it; the result points into `trace_text`.
template <class Resolver>
std::vector<SymbolicatedFrame> symbolicate(std::string_view trace_text, Resolver&& resolve,
                                           const SymbolicateOptions& options = {}) {
  const std::vector<TraceLine> lines = parse_stack_trace(trace_text);
  return symbolicate(std::span<const TraceLine>(lines), std::forward<Resolver>(resolve), options);
}

namespace detail::symbolicate {

// "async "/"new " as the trace printed them, before `function`.
inline void put_frame_prefix(std::string& s, const SymbolicatedFrame& f,
                             std::string_view function) {
  if (f.frame.is_async) s += "async ";
  // The function table already spells constructors "new C".
  if (f.frame.is_constructor && !function.starts_with("new ")) s += "new ";
}

}  // namespace detail::symbolicate

// The function as a person reads it: "new Invoice", "async processOrders", and for names taken
// from the trace its V8 spelling ("get total [as total]", "async k"). "" when none. An inlined
// frame's "async"/"new" belong to the engine's frame, the last inlined caller: not shown here.
inline std::string display_function(const SymbolicatedFrame& f) {
  std::string s;
  if (f.function.empty()) return s;
  if (!f.is_inlined()) detail::symbolicate::put_frame_prefix(s, f, f.function);
  s += f.function;
  const bool from_trace =
      f.function_rule == FunctionRule::minified || f.function_rule == FunctionRule::as_printed;
  if (from_trace && !f.frame.alias.empty()) {
    s += " [as ";
    s += f.frame.alias;
    s += ']';
  }
  return s;
}

// f.inlined_callers[k]'s function as a person reads it; the last caller (the engine's frame)
// takes the trace's "async"/"new". "" when none.
inline std::string display_inlined_function(const SymbolicatedFrame& f, std::size_t k) {
  std::string s;
  const std::string_view function = f.inlined_callers[k].function;
  if (function.empty()) return s;
  if (!f.is_inlined_caller(k)) detail::symbolicate::put_frame_prefix(s, f, function);
  s += function;
  return s;
}

}  // namespace smcache
