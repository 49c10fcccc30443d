// Unit tests of the JavaScript function scanner (converter/src/js_scanner.cpp): every construct
// it names, every tokenizer trap (regular expression versus division, template literals,
// strings, comments, JSX, unicode columns), the ranges it reports, and how it gives up.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "js_scanner.hpp"
#include "support.hpp"

namespace smcache::js::test {
namespace {

using V = std::vector<std::string>;

// --- names ------------------------------------------------------------------------------------

TEST(ScannerNames, FunctionDeclarations) {
  EXPECT_EQ(describe(scan_ok("function foo(a, b) { return a + b; }")), V{"foo@0:0-0:36"});
  EXPECT_EQ(describe(scan_ok("async function load() {}")), V{"load@0:0-0:24"});
  EXPECT_EQ(describe(scan_ok("function* gen() { yield 1; }")), V{"gen@0:0-0:28"});
  EXPECT_EQ(describe(scan_ok("export function f() {}")), V{"f@0:7-0:22"});
  EXPECT_EQ(describe(scan_ok("export async function g() {}")), V{"g@0:7-0:28"});
}

TEST(ScannerNames, FunctionExpressionsTakeTheirOwnNameFirst) {
  EXPECT_EQ(names(scan_ok("const f = function g() {};")), V{"g"});
  EXPECT_EQ(names(scan_ok("const f = function () {};")), V{"f"});
  EXPECT_EQ(names(scan_ok("let f = function () {};")), V{"f"});
  EXPECT_EQ(names(scan_ok("var f = async function* () {};")), V{"f"});
  EXPECT_EQ(describe(scan_ok("var f = async function () {};")), V{"f@0:8-0:28"});
}

TEST(ScannerNames, ArrowFunctionsAssignedToVariables) {
  EXPECT_EQ(describe(scan_ok("const add = (a, b) => a + b;")), V{"add@0:12-0:27"});
  EXPECT_EQ(describe(scan_ok("let id = x => x;")), V{"id@0:9-0:15"});
  EXPECT_EQ(describe(scan_ok("var run = async () => { await x; };")), V{"run@0:10-0:34"});
  EXPECT_EQ(describe(scan_ok("const one = async x => 1")), V{"one@0:12-0:24"});
}

TEST(ScannerNames, AssignmentTargetsAsWritten) {
  EXPECT_EQ(names(scan_ok("obj.f = function () {};")), V{"obj.f"});
  EXPECT_EQ(names(scan_ok("a.b.c = () => {};")), V{"a.b.c"});
  EXPECT_EQ(names(scan_ok("module.exports = function () {};")), V{"module.exports"});
  EXPECT_EQ(names(scan_ok("Foo.prototype.bar = function () {};")), V{"Foo.prototype.bar"});
  EXPECT_EQ(names(scan_ok("this.onClick = () => {};")), V{"this.onClick"});
  EXPECT_EQ(names(scan_ok("handler ||= () => 1;")), V{"handler"});
  EXPECT_EQ(names(scan_ok("cache ?\?= function () {};")), V{"cache"});
  EXPECT_EQ(names(scan_ok("f = g = () => 1;")), V{"g"});
  // Destructuring and computed targets have no single name.
  EXPECT_EQ(names(scan_ok("[a] = [() => 1];")), V{"<anonymous>"});
  EXPECT_EQ(names(scan_ok("x[0] = () => 1;")), V{"<anonymous>"});
  // Comparison is not assignment.
  EXPECT_EQ(names(scan_ok("if (x == function () {}) {}")), V{"<anonymous>"});
  // A default parameter is named like a variable.
  EXPECT_EQ(names(scan_ok("function f(cb = () => 1) {}")), (V{"f", "cb"}));
}

TEST(ScannerNames, ObjectLiteralKeysAndMethods) {
  const ScanResult r = scan_ok(R"JS(const o = {
  key: function () {},
  arrow: async (x) => x * 2,
  method(a) { return a; },
  "str-key"() {},
  'quoted': () => 1,
  42() {},
  [Symbol.iterator]() {},
  [a + b]() {},
  get total() { return 1; },
  set total(v) {},
  async am() {},
  *gen() {},
  async *agen() {},
  get() {},
  set: () => 1,
  static() {},
  async: function () {},
  nested: { inner() {} },
  function() {},
  shorthand,
  ...spread,
};)JS");
  EXPECT_EQ(names(r), (V{"key", "arrow", "method", "str-key", "quoted", "42", "[Symbol.iterator]",
                         "<computed>", "get total", "set total", "am", "gen", "agen", "get", "set",
                         "static", "async", "inner", "function"}));
  // Methods start at their first modifier or their key.
  EXPECT_EQ(describe(r)[2], "method@3:2-3:25");
  EXPECT_EQ(describe(r)[9], "set total@10:2-10:17");
  EXPECT_EQ(describe(r)[12], "agen@13:2-13:18");
  EXPECT_EQ(describe(r)[1], "arrow@2:9-2:27");
}

TEST(ScannerNames, ClassMembers) {
  const ScanResult r = scan_ok(R"JS(class Cart extends Base {
  constructor(items) { super(); this.items = items; }
  add(x) {}
  static create() { return new Cart([]); }
  #secret() {}
  get total() { return 0; }
  set total(v) {}
  static get zero() { return 0; }
  async load() {}
  *[Symbol.iterator]() {}
  handler = () => this.add(1);
  static factory = function () {};
  #cb = (e) => e;
  static {
    const init = () => 1;
  }
  'quoted key'() {}
  [a + b]() {}
})JS");
  EXPECT_EQ(names(r),
            (V{"new Cart", "Cart.add", "Cart.create", "Cart.#secret", "get total", "set total",
               "get zero", "Cart.load", "Cart[Symbol.iterator]", "Cart.handler", "Cart.factory",
               "Cart.#cb", "init", "Cart.quoted key", "Cart.<computed>"}));
  EXPECT_EQ(describe(r)[0], "new Cart@1:2-1:53");
  EXPECT_EQ(describe(r)[2], "Cart.create@3:2-3:42");
}

TEST(ScannerNames, ClassNamesFromExpressionsAndExports) {
  EXPECT_EQ(names(scan_ok("const A = class { constructor() {} m() {} };")), (V{"new A", "A.m"}));
  EXPECT_EQ(names(scan_ok("const A = class B { m() {} };")), V{"B.m"});
  EXPECT_EQ(names(scan_ok("export default class { constructor() {} m() {} }")),
            (V{"new default", "default.m"}));
  EXPECT_EQ(names(scan_ok("f(class { constructor() {} m() {} });")), (V{"new <anonymous>", "m"}));
  EXPECT_EQ(names(scan_ok("export class Invoice { constructor() {} }")), V{"new Invoice"});
  // The extends clause may hold brackets, calls and objects with methods of their own.
  EXPECT_EQ(names(scan_ok("class A extends mix(B, { x() {} }) { m() {} }")), (V{"x", "A.m"}));
  // `class` as a property name or key is not a class.
  EXPECT_EQ(names(scan_ok("const o = { class: 1 }; o.class; function f() {}")), V{"f"});
  EXPECT_EQ(names(scan_ok("const o = { class() {} };")), V{"class"});
}

TEST(ScannerNames, ExportDefault) {
  EXPECT_EQ(names(scan_ok("export default function () {}")), V{"default"});
  EXPECT_EQ(names(scan_ok("export default async () => 1;")), V{"default"});
  EXPECT_EQ(names(scan_ok("export default function named() {}")), V{"named"});
}

TEST(ScannerNames, FunctionsCalledOrUsedRightAwayAreNotNamedByTheirVariable) {
  // The variable receives the call's result (a downleveled class, say), not the function.
  EXPECT_EQ(names(scan_ok("var A = function () { function A() {} return A; }();")),
            (V{"<anonymous>", "A"}));
  EXPECT_EQ(names(scan_ok("var ctor = function () {}.constructor;")), V{"<anonymous>"});
  EXPECT_EQ(names(scan_ok("var x = function () {}.call(this);")), V{"<anonymous>"});
  EXPECT_EQ(names(scan_ok("var t = function () {}`x`;")), V{"<anonymous>"});
  EXPECT_EQ(names(scan_ok("var n = function named() {}();")), V{"named"});
}

TEST(ScannerNames, AnonymousCallbacks) {
  EXPECT_EQ(names(scan_ok("arr.map(x => x + 1).filter((y) => { return y; });")),
            (V{"<anonymous>", "<anonymous>"}));
  EXPECT_EQ(names(scan_ok("setTimeout(function () {}, 10);")), V{"<anonymous>"});
  EXPECT_EQ(names(scan_ok("(function () { run(); })();")), V{"<anonymous>"});
  EXPECT_EQ(names(scan_ok("!function () {}();")), V{"<anonymous>"});
  EXPECT_EQ(names(scan_ok("p.then(async () => {}).catch(e => log(e));")),
            (V{"<anonymous>", "<anonymous>"}));
  // An arrow in a conditional is not named by the key or variable before the `?`.
  EXPECT_EQ(names(scan_ok("const z = a ? b => 1 : c => 2;")), (V{"<anonymous>", "<anonymous>"}));
  EXPECT_EQ(names(scan_ok("const o = { k: a ? () => 1 : () => 2 };")),
            (V{"<anonymous>", "<anonymous>"}));
}

TEST(ScannerNames, LongNamesAreCutAtACharacterBoundary) {
  ScanOptions o;
  o.max_name_bytes = 5;
  const ScanResult r = scan_functions("function abcdéfgh() {}", o);
  ASSERT_EQ(r.functions.size(), 1u);
  EXPECT_EQ(*r.functions[0].name, "abcd");  // é is 2 bytes and would end at 6
}

// --- ranges and nesting -------------------------------------------------------------------------

TEST(ScannerRanges, NestedFunctionsHaveTheirParents) {
  const ScanResult r = scan_ok(R"JS(function outer() {
  function a() { return () => 1; }
  const b = function () {};
}
function next() {})JS");
  EXPECT_EQ(describe(r), (V{"outer@0:0-3:1", "a@1:2-1:34", "<anonymous>@1:24-1:31", "b@2:12-2:26",
                            "next@4:0-4:18"}));
  ASSERT_EQ(r.functions.size(), 5u);
  EXPECT_EQ(r.functions[0].parent, kNoParent);
  EXPECT_EQ(r.functions[1].parent, 0u);
  EXPECT_EQ(r.functions[2].parent, 1u);
  EXPECT_EQ(r.functions[3].parent, 0u);
  EXPECT_EQ(r.functions[4].parent, kNoParent);
  EXPECT_EQ(innermost(r, {1, 26}), "<anonymous>");
  EXPECT_EQ(innermost(r, {1, 31}), "a");  // end is exclusive
  EXPECT_EQ(innermost(r, {3, 0}), "outer");
  EXPECT_EQ(innermost(r, {3, 1}), "");
}

TEST(ScannerRanges, ArrowExpressionBodiesEndWhereTheExpressionEnds) {
  // At a comma or closing bracket of the enclosing level.
  EXPECT_EQ(describe(scan_ok("f(a => a + g(1, 2), b);")), V{"<anonymous>@0:2-0:18"});
  EXPECT_EQ(describe(scan_ok("x = [() => 1];")), V{"<anonymous>@0:5-0:12"});
  // A parenthesized object literal body.
  EXPECT_EQ(describe(scan_ok("const f = () => ({ a: 1, b: [2] });")), V{"f@0:10-0:34"});
  // A conditional inside the body is part of it.
  EXPECT_EQ(describe(scan_ok("const f = x => x ? 1 : 2;")), V{"f@0:10-0:24"});
  // Curried arrows end together.
  EXPECT_EQ(describe(scan_ok("const f = x => y => x + y;")),
            (V{"f@0:10-0:25", "<anonymous>@0:15-0:25"}));
  // Without semicolons: a new statement on the next line ends the body, an operator continues it.
  EXPECT_EQ(describe(scan_ok("const f = x => x\nconst g = 1")), V{"f@0:10-0:16"});
  EXPECT_EQ(describe(scan_ok("const f = x => x\n  + 1\nf(2)")), V{"f@0:10-1:5"});
  EXPECT_EQ(describe(scan_ok("const f = x => x\n  .map(y => y)\nlet z")),
            (V{"f@0:10-1:14", "<anonymous>@1:7-1:13"}));
  // A template literal body, over several lines.
  EXPECT_EQ(describe(scan_ok("const f = (a) =>\n  `${a}\n!`;")), V{"f@0:10-2:2"});
}

TEST(ScannerRanges, DeepNestingIsCutAtMaxDepth) {
  std::string text;
  for (int i = 0; i < 70; ++i) text += "function f" + std::to_string(i) + "() {";
  text += std::string(70, '}');
  const ScanResult r = scan_ok(text);
  EXPECT_EQ(r.functions.size(), kDefaultMaxDepth);
  ScanOptions o;
  o.max_depth = 3;
  const ScanResult three = scan_functions(text, o);
  EXPECT_EQ(names(three), (V{"f0", "f1", "f2"}));
  EXPECT_TRUE(well_formed(three, 3));
}

// --- tokenizer traps ----------------------------------------------------------------------------

TEST(ScannerTokens, DivisionAfterOperands) {
  // If any of these `/` were taken for a regular expression, the `{` after it would be lost or
  // an unbalanced one invented, and the function would move or the scan fail.
  EXPECT_EQ(names(scan_ok("a = b / c / d; function f() {}")), V{"f"});
  EXPECT_EQ(names(scan_ok("a = (b) / 2 / {}.x; function f() {}")), V{"f"});
  EXPECT_EQ(names(scan_ok("a = b[0] / 2 /* { */; function f() {}")), V{"f"});
  EXPECT_EQ(names(scan_ok("a = {x: 1} / 2 /* { */; function f() {}")), V{"f"});
  EXPECT_EQ(names(scan_ok("a = x.return / 2 /* { */; function f() {}")), V{"f"});
  EXPECT_EQ(names(scan_ok("a = i++ / 2 /* { */; function f() {}")), V{"f"});
  EXPECT_EQ(names(scan_ok("a = 1 / 2 /* { */; function f() {}")), V{"f"});
  EXPECT_EQ(names(scan_ok("a = `x` / 2 /* { */; function f() {}")), V{"f"});
  EXPECT_EQ(names(scan_ok("a = this / 2 /* { */; function f() {}")), V{"f"});
  EXPECT_EQ(names(scan_ok("a /= 2; b = c /= 3; function f() {}")), V{"f"});
}

TEST(ScannerTokens, RegularExpressionsAfterOperatorsAndKeywords) {
  EXPECT_EQ(describe(scan_ok("function f() { return /}/.test(x); }")), V{"f@0:0-0:36"});
  EXPECT_EQ(names(scan_ok("if (x) /{/.test(y); function f() {}")), V{"f"});
  EXPECT_EQ(names(scan_ok("while (x) /{/g.exec(y); function f() {}")), V{"f"});
  EXPECT_EQ(names(scan_ok("if (a) {}\n/{/.test(s); function f() {}")), V{"f"});
  EXPECT_EQ(names(scan_ok("x = typeof /{/; function f() {}")), V{"f"});
  EXPECT_EQ(names(scan_ok("switch (x) { case /{/: break; } function f() {}")), V{"f"});
  EXPECT_EQ(names(scan_ok("x = a ? /{/ : /}/; function f() {}")), V{"f"});
  EXPECT_EQ(names(scan_ok("x = [/{/, (/}/)]; function f() {}")), V{"f"});
  EXPECT_EQ(names(scan_ok("const g = () => /{/; function f() {}")), (V{"g", "f"}));
  EXPECT_EQ(names(scan_ok("function* g() { yield /{/; } function f() {}")), (V{"g", "f"}));
  EXPECT_EQ(names(scan_ok("async function g() { await /{/; } function f() {}")), (V{"g", "f"}));
  // Slashes and brackets inside a regular expression: class, escapes, flags.
  EXPECT_EQ(names(scan_ok("x = /[/{]/g; function f() {}")), V{"f"});
  EXPECT_EQ(names(scan_ok("x = /\\/{/u; function f() {}")), V{"f"});
  EXPECT_EQ(names(scan_ok("x = /[\\]{]/; function f() {}")), V{"f"});
  // `/` that cannot start a regular expression on its line is division after all.
  EXPECT_EQ(names(scan_ok("x = a\n/b; function f() {}")), V{"f"});
}

TEST(ScannerTokens, TemplateLiterals) {
  EXPECT_EQ(names(scan_ok("x = `{ ${a} }`; function f() {}")), V{"f"});
  EXPECT_EQ(names(scan_ok("x = `a ${ `b ${ `c ${d}` }` } }`; function f() {}")), V{"f"});
  EXPECT_EQ(names(scan_ok("x = `${ {a: 1}.a } {`; function f() {}")), V{"f"});
  EXPECT_EQ(names(scan_ok("x = `\\${ {`; function f() {}")), V{"f"});
  EXPECT_EQ(names(scan_ok("x = `\\``; function f() {}")), V{"f"});
  EXPECT_EQ(names(scan_ok("x = tag`a${b}c`; function f() {}")), V{"f"});
  // Functions inside substitutions, with their positions.
  EXPECT_EQ(describe(scan_ok("t = `a ${ `b ${ c => `${c}` } }` } d`;")),
            V{"<anonymous>@0:16-0:27"});
  EXPECT_EQ(describe(scan_ok("t = `x\ny\n${ () => 1 }`;\nfunction f() {}")),
            (V{"<anonymous>@2:3-2:10", "f@3:0-3:15"}));
}

TEST(ScannerTokens, StringsWithQuotesEscapesAndContinuations) {
  EXPECT_EQ(names(scan_ok("x = 'it\\'s {'; function f() {}")), V{"f"});
  EXPECT_EQ(names(scan_ok("x = \"say \\\"}\\\"\"; function f() {}")), V{"f"});
  EXPECT_EQ(names(scan_ok("x = '\\\\'; function f() {}")), V{"f"});
  EXPECT_EQ(names(scan_ok("x = \"a'b`c{\"; function f() {}")), V{"f"});
  // A line continuation: the string spans two lines, and line numbers count it.
  EXPECT_EQ(describe(scan_ok("x = 'a\\\n{'; function f() {}")), V{"f@1:4-1:19"});
  EXPECT_EQ(describe(scan_ok("x = 'a\\\r\n{'; function f() {}")), V{"f@1:4-1:19"});
}

TEST(ScannerTokens, CommentsWithBraces) {
  EXPECT_EQ(describe(scan_ok("// function no() {\nfunction f() { /* } */ }")), V{"f@1:0-1:24"});
  EXPECT_EQ(describe(scan_ok("/* {\n{\n */ function f() {} // }")), V{"f@2:4-2:19"});
  EXPECT_EQ(names(scan_ok("#!/usr/bin/env node {\nfunction f() {}")), V{"f"});
  EXPECT_EQ(names(scan_ok("x = a /* / */ / b; function f() {}")), V{"f"});
}

TEST(ScannerTokens, NumbersAndPunctuation) {
  EXPECT_EQ(
      names(scan_ok("x = 1.5e-3 + .5 + 0x1F + 1_000n + 0b1 + 5..toString(); function f() {}")),
      V{"f"});
  EXPECT_EQ(names(scan_ok("x = a?.5:1; y = a?.b ?? c; z = a === b !== c; function f() {}")),
            V{"f"});
  EXPECT_EQ(names(scan_ok("x = a >>>= b; y = [...z]; function f() {}")), V{"f"});
}

TEST(ScannerTokens, ColumnsCountUtf16CodeUnits) {
  // é (2 bytes) and 中 (3 bytes) are one unit each; 😀 (4 bytes) is a surrogate pair, two units.
  EXPECT_EQ(describe(scan_ok("const é = 1; const f = () => 1;")), V{"f@0:23-0:30"});
  EXPECT_EQ(describe(scan_ok("s = '中文'; const f = () => 1;")), V{"f@0:20-0:27"});
  EXPECT_EQ(describe(scan_ok("s = '😀'; const f = () => 1;")), V{"f@0:20-0:27"});
  EXPECT_EQ(describe(scan_ok("s = '😀'; g(() => '😀');")), V{"<anonymous>@0:12-0:22"});
  EXPECT_EQ(describe(scan_ok("const café = () => 1;")), V{"café@0:13-0:20"});
  // Invalid UTF-8 bytes count one unit each and do not stop the scan.
  EXPECT_EQ(describe(scan_ok("s = '\xff\xfe'; const f = () => 1;")), V{"f@0:20-0:27"});
}

TEST(ScannerTokens, LinesSplitAtEveryLineTerminator) {
  EXPECT_EQ(describe(scan_ok("a;\r\nb;\rc;\nfunction f() {}")), V{"f@3:0-3:15"});
  // U+2028 and U+2029 end lines, also inside strings (ES2019 allows them there).
  EXPECT_EQ(describe(scan_ok("a;\xe2\x80\xa8 function f() {}")), V{"f@1:1-1:16"});
  EXPECT_EQ(describe(scan_ok("s = 'x\xe2\x80\xa9y'; function f() {}")), V{"f@1:4-1:19"});
  // Other Unicode white space is not a line break: U+00A0, U+FEFF.
  EXPECT_EQ(describe(scan_ok("\xef\xbb\xbf\xc2\xa0"
                             "function f() {}")),
            V{"f@0:2-0:17"});
}

TEST(ScannerTokens, Jsx) {
  const ScanResult r = scan_ok(R"JS(export function App({ items }) {
  return (
    <div className="a{'" onClick={() => setN(n + 1)} style={{ color: 'red' }}>
      <h1>Don't {"panic"} } </h1>
      {items.map((it) => <Item key={it.id} {...it} render={function () { return <b/>; }} />)}
      <>frag {n > 1 ? <i>yes</i> : null}</>
      <a.b-c:d x='"' />
    </div>
  );
}
const Item = ({ name }) => <li>{name}</li>;
const x = a < b ? 1 : 2;
function after() {})JS");
  EXPECT_EQ(describe(r), (V{"App@0:7-9:1", "<anonymous>@2:34-2:51", "<anonymous>@4:17-4:91",
                            "<anonymous>@4:59-4:87", "Item@10:13-10:42", "after@12:0-12:19"}));
}

// --- giving up -----------------------------------------------------------------------------------

TEST(ScannerGivesUp, OnTextItDoesNotUnderstand) {
  // Each makes the whole source skipped: no functions rather than wrong ones.
  const char* kBad[] = {
      "function f() { return 'unterminated\n}",
      "function f() { x = `never closed ${1}",
      "function f() { /* never closed }",
      "function f() { if (x) { }",
      "function f() { ) }",
      "function f() { (] }",
      "}",
      "x = `${ a }",
      "x = <div>never closed",
      "x = <div attr=\"x>",
      "x = <div><b></div>",
  };
  for (const char* text : kBad) {
    const ScanResult r = scan_functions(text);
    EXPECT_EQ(r.status, ScanStatus::failed) << text;
    EXPECT_TRUE(r.functions.empty()) << text;
    EXPECT_FALSE(r.reason.empty()) << text;
  }
  const ScanResult r = scan_functions("function f() {\n  if (x) {\n}");
  EXPECT_EQ(r.reason, "line 1, column 14: bracket never closed");
}

TEST(ScannerGivesUp, OnSizeLimits) {
  ScanOptions o;
  o.max_source_bytes = 10;
  EXPECT_EQ(scan_functions("function f() {}", o).status, ScanStatus::too_large);
  o = ScanOptions{};
  o.max_tokens = 4;
  EXPECT_EQ(scan_functions("function f() {}", o).status, ScanStatus::too_large);
  o.max_tokens = 6;
  EXPECT_EQ(scan_functions("function f() {}", o).status, ScanStatus::ok);
}

TEST(ScannerGivesUp, NotOnEmptyOrFunctionlessText) {
  EXPECT_TRUE(scan_ok("").functions.empty());
  EXPECT_TRUE(scan_ok("   \n\n// only a comment").functions.empty());
  EXPECT_TRUE(scan_ok("const a = { b: [1, 2, 3] };").functions.empty());
}

TEST(ScannerSources, WhichNamesAreScannedAndInWhichLanguage) {
  for (const char* name :
       {"src/a.js", "a.mjs", "a.cjs", "a.jsx", "a.JS", "a.es6", "webpack://app/./src/a.js?1234",
        "file:///x/a.js#frag", "webpack/bootstrap", "../node_modules/x/index.js"}) {
    EXPECT_EQ(language_of(name), Language::javascript) << name;
  }
  for (const char* name : {"a.ts", "a.mts", "a.cts", "src/a.d.ts", "a.ts?v=1"}) {
    EXPECT_EQ(language_of(name), Language::typescript) << name;
  }
  EXPECT_EQ(language_of("App.tsx"), Language::tsx);
  for (const char* name :
       {"src/App.vue", "a.svelte", "a.coffee", "styles.css", "a.jison", "a.json", "a.yaml"}) {
    EXPECT_FALSE(language_of(name)) << name;
    EXPECT_FALSE(is_scannable_source_name(name)) << name;
  }
}

// --- TypeScript
// -----------------------------------------------------------------------------------

ScanResult scan_ts(std::string_view text, Language language = Language::typescript) {
  ScanOptions o;
  o.language = language;
  ScanResult r = scan_functions(text, o);
  EXPECT_EQ(r.status, ScanStatus::ok) << r.reason << "\n" << text;
  EXPECT_TRUE(well_formed(r)) << text;
  return r;
}

TEST(ScannerTypeScript, AnnotationsAndGenericsOfFunctions) {
  EXPECT_EQ(describe(scan_ts("function f(a: number, b?: string): Promise<void> { }")),
            V{"f@0:0-0:52"});
  EXPECT_EQ(describe(scan_ts("function id<T extends { a: 1 }>(x: T): T { return x; }")),
            V{"id@0:0-0:54"});
  EXPECT_EQ(describe(scan_ts("function g(): { a: number } { return { a: 1 }; }")), V{"g@0:0-0:48"});
  EXPECT_EQ(names(scan_ts("function g(): [A, B] { return [a, b]; }")), V{"g"});
  EXPECT_EQ(names(scan_ts("function g(x: unknown): asserts x is string { }")), V{"g"});
  // Signatures without a body are not functions.
  EXPECT_TRUE(scan_ts("declare function f(a: string): void;\nfunction f(a: number): void;")
                  .functions.empty());
}

TEST(ScannerTypeScript, ArrowsWithReturnTypes) {
  EXPECT_EQ(describe(scan_ts("const f = (a: number): string => a.toString();")), V{"f@0:10-0:45"});
  EXPECT_EQ(describe(scan_ts("xs.filter((x): x is Foo => !!x);")), V{"<anonymous>@0:10-0:30"});
  EXPECT_EQ(describe(scan_ts("const g = (a?: T): string | undefined => a;")), V{"g@0:10-0:42"});
  EXPECT_EQ(names(scan_ts("const m = (s: string): () => unknown => { return () => s; };")),
            (V{"m", "<anonymous>"}));
  EXPECT_EQ(describe(scan_ts("const h = async <T,>(x: T): Promise<T> => x;")), V{"h@0:10-0:43"});
  EXPECT_EQ(describe(scan_ts("const k = <T>(x: T) => x;")), V{"k@0:10-0:24"});
  EXPECT_EQ(names(scan_ts("const n = (\n  a: number,\n):\n  number => a;")), V{"n"});
  // A variable's annotation does not name it.
  EXPECT_EQ(names(scan_ts("const handler: Handler<E> = (e) => {};")), V{"handler"});
  EXPECT_EQ(names(scan_ts("let cb: ((e: Event) => void) | null = () => {};")), V{"cb"});
  // new Map<K, V>() in an expression body: the comma is inside type arguments.
  EXPECT_EQ(describe(scan_ts("f({ make: () => new Map<string, Set<E>>() });")),
            V{"make@0:10-0:41"});
}

TEST(ScannerTypeScript, FunctionTypesAreNotFunctions) {
  EXPECT_EQ(names(scan_ts("function f(cb: (x: number) => void): () => void { return g; }")),
            V{"f"});
  EXPECT_TRUE(scan_ts("type T = (a: number) => string;").functions.empty());
  EXPECT_TRUE(scan_ts("type T<A> = (a: A) => A;").functions.empty());
  EXPECT_TRUE(
      scan_ts("interface I { m(): void; f: () => void; new (x: number): I; }").functions.empty());
  EXPECT_TRUE(scan_ts("let x: Array<() => void> | (() => T) = [];").functions.empty());
  EXPECT_TRUE(scan_ts("const m = new Map<string, () => void>();").functions.empty());
  EXPECT_TRUE(scan_ts("const r: Record<K, (a: A) => B> = {};").functions.empty());
  EXPECT_TRUE(scan_ts("let c: new () => T;").functions.empty());
}

TEST(ScannerTypeScript, ClassMembers) {
  const ScanResult r = scan_ts(R"TS(@Component({ selector: 'x' })
export abstract class Box<T extends { a: 1 }> extends Base<T> implements I<T> {
  private readonly items: T[] = [];
  private cb: (e: Event) => void = (e) => {};
  constructor(private readonly a: A, @Inject(B) b?: B) { super(); }
  public static create<U>(x: U): Box<U> { return null!; }
  protected abstract m(): void;
  get total(): number { return 1; }
  set total(v: number) {}
  get<K extends keyof T>(k: K): T[K] { return this.x[k]; }
  opt?(): void {}
  override async load(): Promise<void> {}
  @Input() set value(v: string) {}
  @HostListener('click', ['$event'])
  onClick(e: Event) {}
  declare x: number;
  [key: string]: unknown;
})TS");
  EXPECT_EQ(names(r), (V{"Box.cb", "new Box", "Box.create", "get total", "set total", "Box.get",
                         "Box.opt", "Box.load", "set value", "Box.onClick"}));
  EXPECT_EQ(describe(r)[2], "Box.create@5:2-5:57");
  const ScanResult anonymous = scan_ts("export const z = new class implements I { m() {} }();");
  EXPECT_EQ(names(anonymous), V{"m"});
}

TEST(ScannerTypeScript, ExpressionsWithTypes) {
  // A non-null assertion is followed by division, not a regular expression.
  EXPECT_EQ(names(scan_ts("a = x! / 2 /* { */; function f() {}")), V{"f"});
  EXPECT_EQ(names(scan_ts("a = y.z! / 2 /* { */; function f() {}")), V{"f"});
  // A type assertion before an object literal.
  EXPECT_EQ(names(scan_ts("g(<Options>{ a() {}, b: () => 1 });")), (V{"a", "b"}));
  // Optional markers are not conditionals.
  EXPECT_EQ(names(scan_ts("class C { x?: number; f = cond ? (a) => 1 : (b) => 2; }")),
            (V{"<anonymous>", "<anonymous>"}));
  EXPECT_EQ(names(scan_ts("const v = x as unknown as () => void; const w = () => 1;")), V{"w"});
  EXPECT_EQ(names(scan_ts("namespace N { export function f() {} }\nenum E { A = 1 }")), V{"f"});
}

TEST(ScannerTypeScript, Tsx) {
  const ScanResult r = scan_ts(R"TS(const id = <T,>(x: T) => x;
const pick = <T extends object>(x: T): T => x;
export function App({ n }: { n: number }): JSX.Element {
  return <div onClick={(e: MouseEvent) => go(e)}>{n > 1 ? <b>yes</b> : null}</div>;
})TS",
                               Language::tsx);
  EXPECT_EQ(names(r), (V{"id", "pick", "App", "<anonymous>"}));
  // In .ts, `<` never starts JSX: a type assertion.
  EXPECT_EQ(names(scan_ts("const a = <any>window; const f = () => 1;")), V{"f"});
}

// --- where the name's identifiers are (for naming a generated file's functions through its map)

// "name|form|name_at|class_name_at|key" per function: positions as l:c, "-" when absent.
V name_positions(const ScanResult& r) {
  V out;
  for (const Function& f : r.functions) {
    out.push_back(display(f) + "|" + std::to_string(static_cast<int>(f.form)) + "|" +
                  (f.name_at ? pos(*f.name_at) : "-") + "|" +
                  (f.class_name_at ? pos(*f.class_name_at) : "-") + "|" +
                  (f.name_is_key ? "key" : "binding"));
  }
  return out;
}

TEST(ScannerNamePositions, BindingsPointAtTheirIdentifier) {
  // function n(, const f =, a.b.g = (g is a property), own name first.
  EXPECT_EQ(
      name_positions(scan_ok("function n(t){}const f=()=>0;a.b.g=function(){};"
                             "var h=function k(){}")),
      (V{"n|0|0:9|-|binding", "f|0|0:21|-|binding", "a.b.g|0|0:33|-|key", "k|0|0:63|-|binding"}));
  EXPECT_EQ(name_positions(scan_ok("x=async()=>1")), V{"x|0|0:0|-|binding"});
}

TEST(ScannerNamePositions, KeysMethodsAndClassMembers) {
  EXPECT_EQ(name_positions(scan_ok("o={restock(t){},k:function(){},get v(){return 1}}")),
            (V{"restock|0|0:3|-|key", "k|0|0:16|-|key", "get v|1|0:35|-|key"}));
  // class C: C.m (form 3), new C (form 4, name_at the `constructor` key), static and fields.
  EXPECT_EQ(
      name_positions(scan_ok("class C{constructor(){}static async m(){}f=()=>1;set s(v){}}")),
      (V{"new C|4|0:8|0:6|key", "C.m|3|0:36|0:6|key", "C.f|3|0:41|0:6|key", "set s|2|0:53|-|key"}));
  // The class's name from what it is assigned to; none for an anonymous class.
  EXPECT_EQ(name_positions(scan_ok("p=class{m(){}};q=class{n(){}}")),
            (V{"p.m|3|0:8|0:0|key", "q.n|3|0:23|0:15|key"}));
  EXPECT_EQ(name_positions(scan_ok("(class{m(){}})")), V{"m|0|0:7|-|key"});
}

TEST(ScannerNamePositions, NoPositionWithoutAnIdentifier) {
  EXPECT_EQ(name_positions(scan_ok("o={[a.b](){},[f()](){}};export default function(){}"
                                   ";[1].map(function(){})")),
            (V{"[a.b]|0|-|-|binding", "<computed>|0|-|-|binding", "default|0|-|-|binding",
               "<anonymous>|0|-|-|binding"}));
}

}  // namespace
}  // namespace smcache::js::test
