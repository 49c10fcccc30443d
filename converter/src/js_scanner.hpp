// Finds the functions of an original JavaScript source (a `sourcesContent` string): where each
// starts and ends, and the name a person reads for it. Feeds the `functions` section (SPEC.md
// §6.10): the innermost function around a stack frame's original position names the frame.
//
// A hand-written tokenizer (strings, template literals with nested `${}`, regular expressions
// versus division by the previous significant token, comments, JSX elements, bracket matching)
// and a light function finder over its tokens; no parser, no AST. It is tolerant: input it does
// not understand (an unterminated literal, unbalanced brackets, a construct it cannot place) makes
// it skip the whole source (status failed) or one candidate range, never crash or loop: every
// step advances the cursor, and memory is bounded by ScanOptions.
//
// Positions are 0-based lines and 0-based columns in UTF-16 code units (a 4-byte UTF-8 character
// counts 2), lines split at \n, \r\n, \r, U+2028 and U+2029, as the cache's line index does
// (R-SRC-2) and source maps count.
//
// TypeScript (Language::typescript, tsx): type annotations of parameters, return types and
// variables, generics (<T> after a function's or method's name, before an arrow's parameters),
// optional (?) and definite (!) members, accessibility and other modifiers (public, private,
// protected, readonly, abstract, override, declare), decorators, non-null `!`. Arrows in type
// positions (after `:` of an annotation, `<`, `|`, `&`, `extends`, `new`) are not functions.
// A function type inside type arguments or an object type literal (`Map<K, () => void>`) may
// still be reported as an anonymous or key-named range; no runtime position is ever inside one,
// so lookups never answer it. tests/scanner/oracle/ compares the ranges and names with the
// TypeScript compiler's parser on real sources.
//
// Names (the scheme SPEC.md §6.10.1 documents):
//   function foo() {}                 foo
//   const f = function () {}          f        (own name first: const f = function g() {} is g)
//   const f = (a) => a, let/var f     f
//   f = ..., a.b.f = ..., f ||= ...   f, a.b.f (the assignment target as written)
//   { f: function () {} }, { f() {} } f        (object literal keys, methods, also "str" keys)
//   { get total() {} } / set          get total / set total   (object literals and classes)
//   class C { m() {} static s() {} }  C.m, C.s (private: C.#m; anonymous class: m)
//   class C { constructor() {} }      new C
//   class C { f = () => {} }          C.f      (a field initialized with a function)
//   [Symbol.iterator]() {}            [Symbol.iterator] (C[Symbol.iterator] in a class);
//                                     <computed> when the key is not a plain dotted name
//   export default function () {}     default
//   anything else (callbacks, IIFEs)  anonymous (no name)
// async, generator (*) and static modifiers are not part of the name; the range starts at the
// first modifier (async, static, get, set, *) or at `function`, the method key, or the arrow's
// parameters. The range ends just after the closing `}` of the body, or after the last token of
// an arrow's expression body (end exclusive).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smcache::js {

inline constexpr std::uint32_t kNoParent = 0xFFFFFFFFu;
// Functions nested deeper than this are not reported (their frames get the deepest reported
// ancestor). Matches format::kMaxFunctionDepth.
inline constexpr std::uint32_t kDefaultMaxDepth = 64;

struct Position {
  std::uint32_t line = 0;    // 0-based
  std::uint32_t column = 0;  // 0-based, UTF-16 code units
  friend bool operator==(const Position&, const Position&) = default;
  friend auto operator<=>(const Position&, const Position&) = default;
};

// How Function::name is built from the identifiers it is made of (see name_at, class_name_at).
enum class NameForm : std::uint8_t {
  plain = 0,         // the identifier or key at name_at, possibly dotted (`a.b.f =`: f there)
  getter = 1,        // "get " + the key at name_at
  setter = 2,        // "set " + the key at name_at
  class_member = 3,  // the class's name (at class_name_at) + "." + the key at name_at
  constructor = 4,   // "new " + the class's name (at class_name_at); name_at is `constructor`
};

struct Function {
  Position start;                   // first character of the function (see the file comment)
  Position end;                     // just past its last character: the range is [start, end)
  std::optional<std::string> name;  // nullopt: anonymous
  // Where the identifier (or key) the name ends with starts: `f` of `function f`, of `const f =`,
  // of `a.b.f =`, the key of `{ f: ... }` and of a method; nullopt without a name, for computed
  // keys and for `export default`. In a generated file this is the token a source map names
  // (the generated-function table resolves the name through the mapping that starts there).
  std::optional<Position> name_at;
  NameForm form = NameForm::plain;
  // The identifier at name_at is a property key (an object literal key, a method or class field
  // name, the last part of `a.b.f =`), not a binding: minifiers keep such names as written.
  bool name_is_key = false;
  // A class member's (class_member, constructor) class name token: `C` of `class C`, of
  // `const C = class`; nullopt when the class has no name.
  std::optional<Position> class_name_at;
  std::uint32_t parent = kNoParent;  // index of the innermost enclosing function in the result
};

// The dialect of a source, from its name (language_of): it decides whether `<` can start a JSX
// element and whether type annotations, generics and TypeScript modifiers are expected.
enum class Language : std::uint8_t {
  javascript = 0,  // .js .mjs .cjs .jsx .es6, or no extension; JSX allowed
  typescript = 1,  // .ts .mts .cts: types, no JSX (`<` is a type argument or an operator)
  tsx = 2,         // .tsx: types and JSX
};

struct ScanOptions {
  Language language = Language::javascript;
  std::uint64_t max_source_bytes = 16u << 20;  // larger sources are skipped (too_large)
  std::uint32_t max_tokens = 4'000'000;        // bounds memory (~28 bytes a token)
  std::uint32_t max_depth = kDefaultMaxDepth;  // function nesting reported (1 = top level only)
  std::uint32_t max_name_bytes = 256;          // longer names are cut at a UTF-8 boundary
};

enum class ScanStatus : std::uint8_t {
  ok = 0,         // functions found (possibly none)
  too_large = 1,  // more bytes or tokens than ScanOptions allows: skipped
  failed = 2,     // not understood (unterminated literal, unbalanced brackets): skipped
};

struct ScanResult {
  ScanStatus status = ScanStatus::ok;
  std::string reason;  // why not ok, with the line and column: "line 3, column 7: ..."
  // Sorted by start, an enclosing function before the functions it contains; properly nested
  // (two ranges are disjoint or one contains the other); parent indexes this vector.
  std::vector<Function> functions;
};

// Scans `text` (UTF-8; invalid bytes count one UTF-16 unit each) for functions.
ScanResult scan_functions(std::string_view text, const ScanOptions& options = {});

// The language of a source with this name (a path or URL), or nullopt if it is not scanned:
// .js, .mjs, .cjs, .jsx, .es6 and no extension at all (webpack's "webpack/bootstrap") are
// JavaScript; .ts, .mts, .cts TypeScript; .tsx TypeScript with JSX. A query (?...) or fragment
// (#...) is ignored. Everything else (.vue, .svelte, .coffee, .css, .json) is not scanned.
std::optional<Language> language_of(std::string_view name);
inline bool is_scannable_source_name(std::string_view name) {
  return language_of(name).has_value();
}

}  // namespace smcache::js
