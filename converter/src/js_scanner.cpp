// Function ranges and names of an original JavaScript source: tokenizer, then function finder.
// See js_scanner.hpp for the contract and the naming scheme.
//
// Pass 1 (Tokenizer) turns the text into tokens, each with its position, the index of its
// innermost enclosing bracket and, for brackets, the index of the matching one. It decides
// regular expression versus division from the previous significant token (and, after `)` and
// `}`, from what the bracket closed: an `if (...)` condition or a block statement allows a regular
// expression, a call or an object literal does not), classifies each `{` as a block, an object
// literal, a class body, a JSX expression container, and scans template literals and JSX elements
// with a stack so that `}` resumes the right construct.
//
// Pass 2 (Finder) looks at three kinds of token: `function`, `=>`, and the first token of a
// member of an object literal or class body; it checks the shape around each (parameters in
// matched parentheses, a body in matched braces) and names it from its own name or from what
// precedes it (`x =`, `key:`, the class).
#include "js_scanner.hpp"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>
#include <unordered_map>
#include <utility>

namespace smcache::js {
namespace {

constexpr std::uint32_t kNo = 0xFFFFFFFFu;

enum class Kind : std::uint8_t {
  ident,         // identifiers and keywords (Token::code tells the keywords apart)
  private_name,  // #name
  punct,         // Token::code is a Punct
  number,
  string,
  regex,
  template_full,    // `...` without substitutions
  template_head,    // `...${
  template_middle,  // }...${
  template_tail,    // }...`
  jsx,              // the `<` that starts a JSX element
  jsx_end,          // the last `>` of a JSX element (an operand, like a literal)
};

enum Punct : std::uint8_t {
  p_other = 0,
  p_lparen,
  p_rparen,
  p_lbrack,
  p_rbrack,
  p_lbrace,
  p_rbrace,
  p_dot,
  p_qdot,  // ?.
  p_comma,
  p_semi,
  p_colon,
  p_question,
  p_arrow,           // =>
  p_assign,          // =
  p_logical_assign,  // &&= ||= ??=
  p_incdec,          // ++ --
  p_star,
  p_lt,    // <  (and, with p_gt, p_shr, p_ushr: TypeScript's type argument brackets)
  p_gt,    // >
  p_shr,   // >>
  p_ushr,  // >>>
  p_bar,   // |
  p_amp,   // &
  p_bang,  // !
  p_at,    // @ (decorators)
};

enum Keyword : std::uint8_t {
  k_none = 0,
  k_function,
  k_class,
  k_async,
  k_get,
  k_set,
  k_static,
  k_accessor,
  k_extends,
  k_constructor,
  k_export,
  k_default,
  k_if,
  k_while,
  k_for,
  k_with,
  k_else,
  k_do,
  k_try,
  k_finally,
  // These precede an expression: `/` after them starts a regular expression and `{` an object
  // literal (k_return .. k_extends, see expression_follows).
  k_return,
  k_typeof,
  k_instanceof,
  k_in,
  k_new,
  k_delete,
  k_void,
  k_throw,
  k_case,
  k_yield,
  k_await,
};

enum class Brace : std::uint8_t { none, block, object, class_body, jsx_expr };

constexpr std::uint8_t kNewlineBefore = 1;  // a line terminator between this and the previous token
constexpr std::uint8_t kControlClose = 2;   // `)` of `if (`, `while (`, `for (`, `with (`
constexpr std::uint8_t kTernaryColon = 4;   // `:` of `a ? b : c`
constexpr std::uint8_t kAfterDot = 8;       // an identifier right after `.` or `?.` (a property)

struct Token {
  std::uint32_t begin = 0, end = 0;  // bytes of the text
  std::uint32_t line = 0, column = 0;
  std::uint32_t match = kNo;      // brackets: the other one; template parts: see Tokenizer
  std::uint32_t enclosing = kNo;  // innermost enclosing open bracket (or template part)
  Kind kind = Kind::punct;
  std::uint8_t code = 0;  // Punct for punct, Keyword for ident
  Brace brace = Brace::none;
  std::uint8_t flags = 0;
};

Keyword keyword_of(std::string_view w) {
  struct Entry {
    std::string_view word;
    Keyword code;
  };
  static constexpr Entry kWords[] = {
      {"function", k_function},
      {"class", k_class},
      {"async", k_async},
      {"get", k_get},
      {"set", k_set},
      {"static", k_static},
      {"accessor", k_accessor},
      {"extends", k_extends},
      {"constructor", k_constructor},
      {"export", k_export},
      {"default", k_default},
      {"if", k_if},
      {"while", k_while},
      {"for", k_for},
      {"with", k_with},
      {"else", k_else},
      {"do", k_do},
      {"try", k_try},
      {"finally", k_finally},
      {"return", k_return},
      {"typeof", k_typeof},
      {"instanceof", k_instanceof},
      {"in", k_in},
      {"new", k_new},
      {"delete", k_delete},
      {"void", k_void},
      {"throw", k_throw},
      {"case", k_case},
      {"yield", k_yield},
      {"await", k_await},
  };
  if (w.size() < 2 || w.size() > 11 || w[0] < 'a' || w[0] > 'y') return k_none;
  for (const Entry& e : kWords) {
    if (e.word[0] == w[0] && e.word.size() == w.size() && e.word == w) return e.code;
  }
  return k_none;
}

// Keywords after which an expression begins: `/` is a regular expression, `{` an object literal.
bool expression_follows(std::uint8_t code) {
  return code >= k_return || code == k_extends;
}

bool is_ascii_ident_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '$' || c == '_' || c == '\\';
}
bool is_ascii_ident_part(unsigned char c) {
  return is_ascii_ident_start(c) || (c >= '0' && c <= '9');
}

class Tokenizer {
 public:
  Tokenizer(std::string_view text, const ScanOptions& options)
      : s_(reinterpret_cast<const unsigned char*>(text.data())),
        n_(text.size()),
        options_(options),
        jsx_(options.language != Language::typescript),
        typescript_(options.language != Language::javascript) {}

  // False when the text is not understood (status_ and reason_ say why).
  bool run() {
    stack_.push_back(Frame{Frame::root, kNo});
    tokens_.reserve(std::min<std::size_t>(n_ / 5 + 16, options_.max_tokens));
    if (n_ >= 2 && s_[0] == '#' && s_[1] == '!') skip_line();  // hashbang
    while (true) {
      if (!skip_space_and_comments()) return false;
      if (pos_ >= n_) break;
      if (tokens_.size() >= options_.max_tokens) {
        status_ = ScanStatus::too_large;
        reason_ = "more than " + std::to_string(options_.max_tokens) + " tokens";
        return false;
      }
      if (!scan_token()) return false;
    }
    if (stack_.size() != 1) {
      const Frame& f = stack_.back();
      if (f.open == kNo) return fail("unexpected end of text");
      const Token& t = tokens_[f.open];
      return fail_at(t.line, t.column,
                     f.type == Frame::jsx ? "JSX element never closed" : "bracket never closed");
    }
    return true;
  }

  std::vector<Token>& tokens() { return tokens_; }
  ScanStatus status() const { return status_; }
  const std::string& reason() const { return reason_; }

 private:
  struct Frame {
    enum Type : std::uint8_t { root, paren, bracket, brace, template_subst, jsx } type;
    std::uint32_t open;           // token index of the opening bracket / template part / jsx start
    std::uint32_t ternary = 0;    // `?` seen without their `:` yet, in this bracket
    bool control = false;         // paren of if/while/for/with
    std::uint8_t jsx_state = 0;   // jsx: kTagName, kTagAttrs, kChildren
    std::uint32_t jsx_depth = 0;  // jsx: elements open
  };
  static constexpr std::uint8_t kTagName = 0, kTagAttrs = 1, kChildren = 2;

  // --- characters and positions ---

  // Bytes of the UTF-8 sequence at p (1 for an invalid byte: it counts as one UTF-16 unit).
  std::size_t sequence_length(std::size_t p) const {
    const unsigned char c = s_[p];
    std::size_t len = c < 0x80                 ? 1
                      : c >= 0xC2 && c <= 0xDF ? 2
                      : c >= 0xE0 && c <= 0xEF ? 3
                      : c >= 0xF0 && c <= 0xF4 ? 4
                                               : 1;
    if (len > n_ - p) return 1;
    for (std::size_t k = 1; k < len; ++k) {
      if ((s_[p + k] & 0xC0) != 0x80) return 1;
    }
    return len;
  }
  bool line_terminator_at(std::size_t p) const {
    const unsigned char c = s_[p];
    return c == '\n' || c == '\r' ||
           (c == 0xE2 && p + 2 < n_ && s_[p + 1] == 0x80 &&
            (s_[p + 2] == 0xA8 || s_[p + 2] == 0xA9));
  }
  // Bytes of a non-ASCII white space character at p (0 if none): NBSP, U+1680, U+2000-200A,
  // U+202F, U+205F, U+3000, BOM.
  std::size_t unicode_space_at(std::size_t p) const {
    const unsigned char c = s_[p];
    if (c == 0xC2 && p + 1 < n_ && s_[p + 1] == 0xA0) return 2;
    if (p + 2 >= n_) return 0;
    const unsigned char c1 = s_[p + 1], c2 = s_[p + 2];
    if (c == 0xE1 && c1 == 0x9A && c2 == 0x80) return 3;
    if (c == 0xE2 && c1 == 0x80 && ((c2 >= 0x80 && c2 <= 0x8A) || c2 == 0xAF)) return 3;
    if (c == 0xE2 && c1 == 0x81 && c2 == 0x9F) return 3;
    if (c == 0xE3 && c1 == 0x80 && c2 == 0x80) return 3;
    if (c == 0xEF && c1 == 0xBB && c2 == 0xBF) return 3;
    return 0;
  }
  bool ident_start_at(std::size_t p) const {
    const unsigned char c = s_[p];
    if (c < 0x80) return is_ascii_ident_start(c);
    return !line_terminator_at(p) && unicode_space_at(p) == 0;
  }
  bool ident_part_at(std::size_t p) const {
    const unsigned char c = s_[p];
    if (c < 0x80) return is_ascii_ident_part(c);
    return !line_terminator_at(p) && unicode_space_at(p) == 0;
  }

  // Advances one character (a line terminator, \r\n included, is one), keeping line and column.
  void advance() {
    const unsigned char c = s_[pos_];
    if (c < 0x80) {
      ++pos_;
      if (c == '\n' || c == '\r') {
        if (c == '\r' && pos_ < n_ && s_[pos_] == '\n') ++pos_;
        ++line_;
        column_ = 0;
      } else {
        ++column_;
      }
      return;
    }
    const std::size_t len = sequence_length(pos_);
    if (len == 3 && c == 0xE2 && s_[pos_ + 1] == 0x80 &&
        (s_[pos_ + 2] == 0xA8 || s_[pos_ + 2] == 0xA9)) {
      pos_ += 3;
      ++line_;
      column_ = 0;
      return;
    }
    pos_ += len;
    column_ += len == 4 ? 2 : 1;  // a code point above U+FFFF is a surrogate pair
  }

  // Up to the next line terminator (not consumed). Columns are not counted: the terminator
  // resets them, and at the end of the text they no longer matter.
  void skip_line() {
    while (pos_ < n_) {
      const unsigned char c = s_[pos_];
      if (c == '\n' || c == '\r' || (c == 0xE2 && line_terminator_at(pos_))) return;
      ++pos_;
    }
  }
  // Advances over `c`, an ASCII character that is not a line terminator, or any other.
  void step(unsigned char c) {
    if (c < 0x80 && c != '\n' && c != '\r') {
      ++pos_;
      ++column_;
    } else {
      advance();
    }
  }

  bool skip_space_and_comments() {
    while (pos_ < n_) {
      const unsigned char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == '\v' || c == '\f') {
        ++pos_;
        ++column_;
      } else if (c == '\n' || c == '\r') {
        advance();
      } else if (c >= 0x80 && (line_terminator_at(pos_) || unicode_space_at(pos_) != 0)) {
        advance();
      } else if (c == '/' && pos_ + 1 < n_ && s_[pos_ + 1] == '/') {
        skip_line();
      } else if (c == '/' && pos_ + 1 < n_ && s_[pos_ + 1] == '*') {
        const std::uint32_t line = line_, column = column_;
        advance();
        advance();
        while (true) {
          if (pos_ >= n_) return fail_at(line, column, "comment never closed");
          const unsigned char d = s_[pos_];
          if (d == '*' && pos_ + 1 < n_ && s_[pos_ + 1] == '/') {
            pos_ += 2;
            column_ += 2;
            break;
          }
          step(d);
        }
      } else {
        break;
      }
    }
    return true;
  }

  bool fail_at(std::uint32_t line, std::uint32_t column, std::string_view what) {
    status_ = ScanStatus::failed;
    reason_ = "line " + std::to_string(line + 1) + ", column " + std::to_string(column + 1) + ": " +
              std::string(what);
    return false;
  }
  bool fail(std::string_view what) { return fail_at(line_, column_, what); }

  // --- tokens ---

  // The innermost frame that has an opening token (JSX frames are not brackets of the tokens
  // inside their containers: those are enclosed by the container's `{`).
  std::uint32_t enclosing() const {
    for (std::size_t k = stack_.size(); k-- > 0;) {
      if (stack_[k].type != Frame::jsx) return stack_[k].open;
    }
    return kNo;
  }
  Frame& top() { return stack_.back(); }

  std::uint32_t push(Kind kind, std::uint8_t code, std::size_t begin, std::uint32_t line,
                     std::uint32_t column) {
    Token t;
    t.begin = static_cast<std::uint32_t>(begin);
    t.end = static_cast<std::uint32_t>(pos_);
    t.line = line;
    t.column = column;
    t.kind = kind;
    t.code = code;
    t.enclosing = enclosing();
    if (!tokens_.empty() && line > previous_end_line_) t.flags |= kNewlineBefore;
    if (kind == Kind::ident && !tokens_.empty() && tokens_.back().kind == Kind::punct &&
        (tokens_.back().code == p_dot || tokens_.back().code == p_qdot)) {
      t.flags |= kAfterDot;
      t.code = k_none;  // a property name, whatever its spelling
    }
    // `class` was a key or a property after all ({ class: 1 }, { class() {} }): no body follows.
    if (!class_pending_.empty() && class_pending_.back().depth == stack_.size() &&
        !tokens_.empty() && tokens_.back().kind == Kind::ident && tokens_.back().code == k_class &&
        kind == Kind::punct && code != p_lbrace) {
      class_pending_.pop_back();
    }
    if (typescript_ && kind == Kind::punct && !class_pending_.empty() &&
        class_pending_.back().depth == stack_.size()) {
      int& a = class_pending_.back().angles;
      a += code == p_lt ? 1 : code == p_gt ? -1 : code == p_shr ? -2 : code == p_ushr ? -3 : 0;
    }
    tokens_.push_back(t);
    previous_end_line_ = line_;
    return static_cast<std::uint32_t>(tokens_.size() - 1);
  }

  bool regex_allowed() const {
    if (tokens_.empty()) return true;
    const Token& p = tokens_.back();
    switch (p.kind) {
      case Kind::ident:
        return (p.flags & kAfterDot) == 0 && expression_follows(p.code);
      case Kind::template_head:
      case Kind::template_middle:
        return true;
      case Kind::punct:
        switch (p.code) {
          case p_rparen:
            return (p.flags & kControlClose) != 0;
          case p_rbrack:
          case p_incdec:
            return false;
          case p_bang: {
            // TypeScript's non-null assertion `x! / 2`: a `!` right after an operand.
            if (!typescript_ || tokens_.size() < 2) return true;
            const Token& q = tokens_[tokens_.size() - 2];
            const bool operand =
                q.kind == Kind::ident || q.kind == Kind::private_name ||
                (q.kind == Kind::punct && (q.code == p_rparen || q.code == p_rbrack));
            return !(operand && q.end == p.begin);
          }
          case p_rbrace:
            return p.brace == Brace::block || p.brace == Brace::class_body;
          default:
            return true;
        }
      default:
        return false;
    }
  }

  // TypeScript: the last token is the `>` of a type assertion `<T>`: its `<` does not follow an
  // operand (as the `<` of `Promise<T>` follows `Promise`).
  bool type_assertion_before() const {
    int depth = 0;
    for (std::size_t k = tokens_.size(), steps = 0; k-- > 0 && steps < 64; ++steps) {
      const Token& t = tokens_[k];
      if (t.kind == Kind::punct) {
        depth += t.code == p_gt ? 1 : t.code == p_shr ? 2 : t.code == p_ushr ? 3 : 0;
        if (t.code == p_lt && --depth == 0) {
          if (k == 0) return true;
          const Token& q = tokens_[k - 1];
          if (q.kind == Kind::ident) return expression_follows(q.code) && !(q.flags & kAfterDot);
          return q.kind == Kind::punct && q.code != p_rparen && q.code != p_rbrack;
        }
        if (t.code == p_semi || t.code == p_lbrace || t.code == p_rbrace) return false;
      }
    }
    return false;
  }

  Brace classify_brace() {
    if (!class_pending_.empty() && class_pending_.back().depth == stack_.size() &&
        class_pending_.back().angles <= 0) {
      class_pending_.pop_back();
      return Brace::class_body;
    }
    if (tokens_.empty()) return Brace::block;
    const Token& p = tokens_.back();
    switch (p.kind) {
      case Kind::punct:
        switch (p.code) {
          case p_rparen:
          case p_rbrack:  // `]` then `{` cannot continue an expression; in TypeScript `): T[] {`
          case p_arrow:
          case p_semi:
          case p_rbrace:
          case p_incdec:
            return Brace::block;
          case p_gt:
          case p_shr:
          case p_ushr:
            // TypeScript: the end of a type before a body (`): Promise<T> {`) is a block; a
            // type assertion (`<Options>{ ... }`) is followed by an object literal.
            return typescript_ && !type_assertion_before() ? Brace::block : Brace::object;
          case p_lbrace:
            return p.brace == Brace::object || p.brace == Brace::jsx_expr ? Brace::object
                                                                          : Brace::block;
          case p_colon:
            if (p.flags & kTernaryColon) return Brace::object;
            return p.enclosing != kNo && tokens_[p.enclosing].kind == Kind::punct &&
                           tokens_[p.enclosing].brace == Brace::object
                       ? Brace::object
                       : Brace::block;  // case x: { or label: {
          default:
            return Brace::object;
        }
      case Kind::template_head:
      case Kind::template_middle:
        return Brace::object;
      case Kind::ident:
        if (typescript_ && p.code == k_void && !(p.flags & kAfterDot)) {
          return Brace::block;  // `): void {`, a return type
        }
        if (p.code == k_default && tokens_.size() >= 2 &&
            tokens_[tokens_.size() - 2].code == k_export &&
            tokens_[tokens_.size() - 2].kind == Kind::ident) {
          return Brace::object;  // export default { ... }
        }
        return (p.flags & kAfterDot) == 0 && expression_follows(p.code) ? Brace::object
                                                                        : Brace::block;
      default:
        return Brace::block;
    }
  }

  // Links an opening token and its closing token.
  void link(std::uint32_t open, std::uint32_t close) {
    tokens_[open].match = close;
    tokens_[close].match = open;
  }

  bool scan_token() {
    const std::size_t begin = pos_;
    const std::uint32_t line = line_, column = column_;
    const unsigned char c = s_[pos_];
    if (ident_start_at(pos_)) {
      while (pos_ < n_) {
        const unsigned char d = s_[pos_];
        if (d < 0x80 && d != '\\') {  // the common case: one ASCII character, one column
          if (!is_ascii_ident_part(d)) break;
          ++pos_;
          ++column_;
          continue;
        }
        if (!ident_part_at(pos_)) break;
        if (d == '\\' && pos_ + 1 < n_ && !line_terminator_at(pos_ + 1)) advance();
        advance();
      }
      const Keyword kw =
          keyword_of(std::string_view(reinterpret_cast<const char*>(s_ + begin), pos_ - begin));
      const std::uint32_t i = push(Kind::ident, kw, begin, line, column);
      if (tokens_[i].code == k_class) class_pending_.push_back(ClassPending{stack_.size(), 0});
      return true;
    }
    if (c == '#' && pos_ + 1 < n_ && ident_start_at(pos_ + 1)) {
      advance();
      while (pos_ < n_ && ident_part_at(pos_)) advance();
      push(Kind::private_name, 0, begin, line, column);
      return true;
    }
    if ((c >= '0' && c <= '9') ||
        (c == '.' && pos_ + 1 < n_ && s_[pos_ + 1] >= '0' && s_[pos_ + 1] <= '9')) {
      scan_number();
      push(Kind::number, 0, begin, line, column);
      return true;
    }
    if (c == '"' || c == '\'') return scan_string(begin, line, column);
    if (c == '`') {
      advance();
      return scan_template_part(begin, line, column, /*after_brace=*/false);
    }
    if (c == '}' && top().type == Frame::template_subst) {
      advance();
      return scan_template_part(begin, line, column, /*after_brace=*/true);
    }
    if (c == '/' && regex_allowed()) return scan_regex(begin, line, column);
    if (jsx_ && c == '<' && pos_ + 1 < n_ && (ident_start_at(pos_ + 1) || s_[pos_ + 1] == '>') &&
        regex_allowed() && !type_parameters_ahead()) {
      advance();
      const std::uint32_t i = push(Kind::jsx, 0, begin, line, column);
      Frame f{Frame::jsx, i};
      f.jsx_state = kTagName;
      stack_.push_back(f);
      return run_jsx();
    }
    return scan_punct(begin, line, column);
  }

  // TypeScript's optional marker (`a?: T`, `f(a?)`, `x? = 1`): a `?` that the next
  // character shows is not a conditional's. Called after the `?` was consumed.
  bool optional_marker() const {
    if (!typescript_) return false;
    std::size_t p = pos_;
    while (p < n_ && (s_[p] == ' ' || s_[p] == '\t')) ++p;
    return p < n_ && (s_[p] == ':' || s_[p] == ',' || s_[p] == ')' || s_[p] == ';' ||
                      (s_[p] == '=' && !(p + 1 < n_ && s_[p + 1] == '=')));
  }

  // In TSX, `<T,>(x) => x` and `<T extends U>(x) => x` are an arrow function's type parameters,
  // not a JSX element.
  bool type_parameters_ahead() const {
    if (!typescript_) return false;
    std::size_t p = pos_ + 1;
    while (p < n_ && is_ascii_ident_part(s_[p])) ++p;
    while (p < n_ && (s_[p] == ' ' || s_[p] == '\t')) ++p;
    if (p < n_ && s_[p] == ',') return true;
    const std::string_view rest(reinterpret_cast<const char*>(s_ + p),
                                std::min<std::size_t>(8, n_ - p));
    return rest.substr(0, 8) == "extends " || rest.substr(0, 8) == "extends\t";
  }

  void scan_number() {
    const bool radix = s_[pos_] == '0' && pos_ + 1 < n_ &&
                       (s_[pos_ + 1] == 'x' || s_[pos_ + 1] == 'X' || s_[pos_ + 1] == 'o' ||
                        s_[pos_ + 1] == 'O' || s_[pos_ + 1] == 'b' || s_[pos_ + 1] == 'B');
    advance();
    while (pos_ < n_) {
      const unsigned char c = s_[pos_];
      if (!is_ascii_ident_part(c) && c != '.') break;
      if (c == '\\') break;
      if (!radix && (c == 'e' || c == 'E') && pos_ + 1 < n_ &&
          (s_[pos_ + 1] == '+' || s_[pos_ + 1] == '-')) {
        advance();
      }
      advance();
    }
  }

  bool scan_string(std::size_t begin, std::uint32_t line, std::uint32_t column) {
    const unsigned char quote = s_[pos_];
    advance();
    while (true) {
      if (pos_ >= n_) return fail_at(line, column, "string never closed");
      const unsigned char c = s_[pos_];
      if (c == quote) {
        advance();
        break;
      }
      if (c == '\\') {
        advance();  // the escaped character, a line terminator (continuation) included
        if (pos_ < n_) advance();
        continue;
      }
      if (c == '\n' || c == '\r') return fail_at(line, column, "string never closed");
      step(c);  // U+2028 and U+2029 are allowed in strings (ES2019)
    }
    push(Kind::string, 0, begin, line, column);
    return true;
  }

  // After ` or the } that ends a substitution: characters up to ` (end) or ${ (a substitution).
  bool scan_template_part(std::size_t begin, std::uint32_t line, std::uint32_t column,
                          bool after_brace) {
    bool substitution = false;
    while (true) {
      if (pos_ >= n_) return fail_at(line, column, "template literal never closed");
      const unsigned char c = s_[pos_];
      if (c == '`') {
        advance();
        break;
      }
      if (c == '\\') {
        advance();
        if (pos_ < n_) advance();
        continue;
      }
      if (c == '$' && pos_ + 1 < n_ && s_[pos_ + 1] == '{') {
        pos_ += 2;
        column_ += 2;
        substitution = true;
        break;
      }
      step(c);
    }
    // Template parts link forward: head -> middle -> ... -> tail, and tail -> head.
    std::uint32_t head = kNo;
    if (after_brace) {
      const std::uint32_t previous = top().open;
      head = tokens_[previous].kind == Kind::template_head ? previous : tokens_[previous].match;
      stack_.pop_back();
      const Kind kind = substitution ? Kind::template_middle : Kind::template_tail;
      const std::uint32_t i = push(kind, 0, begin, line, column);
      tokens_[previous].match = i;
      if (!substitution) tokens_[i].match = head;
      if (substitution) {
        tokens_[i].match = head;  // until the next part replaces it
        stack_.push_back(Frame{Frame::template_subst, i});
      }
      return true;
    }
    const std::uint32_t i =
        push(substitution ? Kind::template_head : Kind::template_full, 0, begin, line, column);
    if (substitution) stack_.push_back(Frame{Frame::template_subst, i});
    return true;
  }

  bool scan_regex(std::size_t begin, std::uint32_t line, std::uint32_t column) {
    const std::size_t save_pos = pos_;
    const std::uint32_t save_line = line_, save_column = column_;
    advance();
    bool in_class = false;
    while (true) {
      if (pos_ >= n_ || line_terminator_at(pos_)) {
        // Not a regular expression after all (the previous-token rule guessed wrong): take the
        // `/` as division and go on.
        pos_ = save_pos;
        line_ = save_line;
        column_ = save_column;
        return scan_punct(begin, line, column);
      }
      const unsigned char c = s_[pos_];
      if (c == '\\') {
        advance();
        if (pos_ < n_ && !line_terminator_at(pos_)) advance();
        continue;
      }
      advance();
      if (c == '[') {
        in_class = true;
      } else if (c == ']') {
        in_class = false;
      } else if (c == '/' && !in_class) {
        break;
      }
    }
    while (pos_ < n_ && ident_part_at(pos_)) advance();  // flags
    push(Kind::regex, 0, begin, line, column);
    return true;
  }

  // Length of the punctuator at pos_ (longest match: `>>>=` is one token, `a?.5` is `?` `.5`).
  std::size_t punct_length() const {
    const auto at = [&](std::size_t k) -> unsigned char {
      return pos_ + k < n_ ? s_[pos_ + k] : 0;
    };
    const unsigned char c0 = s_[pos_], c1 = at(1), c2 = at(2);
    switch (c0) {
      case '>':
        if (c1 == '>') {
          if (c2 == '>') return at(3) == '=' ? 4 : 3;
          return c2 == '=' ? 3 : 2;
        }
        return c1 == '=' ? 2 : 1;
      case '<':
        if (c1 == '<') return c2 == '=' ? 3 : 2;
        return c1 == '=' ? 2 : 1;
      case '=':
        if (c1 == '=') return c2 == '=' ? 3 : 2;
        return c1 == '>' ? 2 : 1;
      case '!':
        if (c1 == '=') return c2 == '=' ? 3 : 2;
        return 1;
      case '*':
      case '&':
      case '|':
        if (c1 == c0) return c2 == '=' ? 3 : 2;
        return c1 == '=' ? 2 : 1;
      case '?':
        if (c1 == '?') return c2 == '=' ? 3 : 2;
        return c1 == '.' && !(c2 >= '0' && c2 <= '9') ? 2 : 1;
      case '.':
        return c1 == '.' && c2 == '.' ? 3 : 1;
      case '+':
      case '-':
        return c1 == c0 || c1 == '=' ? 2 : 1;
      case '/':
      case '%':
      case '^':
        return c1 == '=' ? 2 : 1;
      default:
        return 1;
    }
  }

  bool scan_punct(std::size_t begin, std::uint32_t line, std::uint32_t column) {
    const std::size_t len = punct_length();
    const unsigned char c0 = s_[pos_], c1 = len > 1 ? s_[pos_ + 1] : 0;
    std::uint8_t code = p_other;
    if (len == 1) {
      switch (c0) {
        case '(':
          code = p_lparen;
          break;
        case ')':
          code = p_rparen;
          break;
        case '[':
          code = p_lbrack;
          break;
        case ']':
          code = p_rbrack;
          break;
        case '{':
          code = p_lbrace;
          break;
        case '}':
          code = p_rbrace;
          break;
        case '.':
          code = p_dot;
          break;
        case ',':
          code = p_comma;
          break;
        case ';':
          code = p_semi;
          break;
        case ':':
          code = p_colon;
          break;
        case '?':
          code = p_question;
          break;
        case '=':
          code = p_assign;
          break;
        case '*':
          code = p_star;
          break;
        case '<':
          code = p_lt;
          break;
        case '>':
          code = p_gt;
          break;
        case '|':
          code = p_bar;
          break;
        case '&':
          code = p_amp;
          break;
        case '!':
          code = p_bang;
          break;
        case '@':
          code = p_at;
          break;
        default:
          break;
      }
    } else if (len == 2) {
      if (c0 == '?' && c1 == '.') {
        code = p_qdot;
      } else if (c0 == '=' && c1 == '>') {
        code = p_arrow;
      } else if ((c0 == '+' || c0 == '-') && c1 == c0) {
        code = p_incdec;
      } else if (c0 == '>' && c1 == '>') {
        code = p_shr;
      }
    } else if (len == 3 && s_[pos_ + 2] == '=' && c1 == c0 &&
               (c0 == '&' || c0 == '|' || c0 == '?')) {
      code = p_logical_assign;  // &&= ||= ??=
    } else if (len == 3 && c0 == '>' && c1 == '>' && s_[pos_ + 2] == '>') {
      code = p_ushr;
    }
    if (c0 < 0x80) {
      pos_ += len;  // punctuators are ASCII and never line terminators
      column_ += static_cast<std::uint32_t>(len);
    } else {
      advance();  // a stray non-ASCII byte that is not an identifier character
    }

    switch (code) {
      case p_lparen: {
        bool control = false;
        if (!tokens_.empty()) {
          const Token& prev = tokens_.back();
          control = prev.kind == Kind::ident && (prev.code == k_if || prev.code == k_while ||
                                                 prev.code == k_for || prev.code == k_with);
        }
        const std::uint32_t i = push(Kind::punct, code, begin, line, column);
        Frame f{Frame::paren, i};
        f.control = control;
        stack_.push_back(f);
        return true;
      }
      case p_lbrack: {
        const std::uint32_t i = push(Kind::punct, code, begin, line, column);
        stack_.push_back(Frame{Frame::bracket, i});
        return true;
      }
      case p_lbrace: {
        const Brace kind = classify_brace();
        const std::uint32_t i = push(Kind::punct, code, begin, line, column);
        tokens_[i].brace = kind;
        stack_.push_back(Frame{Frame::brace, i});
        return true;
      }
      case p_rparen:
      case p_rbrack:
      case p_rbrace: {
        const Frame::Type want = code == p_rparen   ? Frame::paren
                                 : code == p_rbrack ? Frame::bracket
                                                    : Frame::brace;
        if (top().type != want) return fail_at(line, column, "unbalanced bracket");
        const Frame f = top();
        stack_.pop_back();
        const std::uint32_t i = push(Kind::punct, code, begin, line, column);
        link(f.open, i);
        if (f.control) tokens_[i].flags |= kControlClose;
        tokens_[i].brace = tokens_[f.open].brace;
        if (code == p_rbrace && top().type == Frame::jsx) return run_jsx();
        return true;
      }
      case p_question: {
        push(Kind::punct, code, begin, line, column);
        if (!optional_marker()) ++top().ternary;
        return true;
      }
      case p_colon: {
        const std::uint32_t i = push(Kind::punct, code, begin, line, column);
        if (top().ternary > 0) {
          --top().ternary;
          tokens_[i].flags |= kTernaryColon;
        }
        return true;
      }
      case p_semi:
        push(Kind::punct, code, begin, line, column);
        top().ternary = 0;
        return true;
      default:
        push(Kind::punct, code, begin, line, column);
        return true;
    }
  }

  // --- JSX ---

  bool jsx_name_part(std::size_t p) const {
    const unsigned char c = s_[p];
    return ident_part_at(p) || c == '-' || c == '.' || c == ':';
  }
  void skip_jsx_space() {
    while (pos_ < n_) {
      const unsigned char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
          (c >= 0x80 && (line_terminator_at(pos_) || unicode_space_at(pos_) != 0))) {
        advance();
      } else {
        break;
      }
    }
  }
  void open_container() {
    const std::size_t begin = pos_;
    const std::uint32_t line = line_, column = column_;
    advance();
    const std::uint32_t i = push(Kind::punct, p_lbrace, begin, line, column);
    tokens_[i].brace = Brace::jsx_expr;
    stack_.push_back(Frame{Frame::brace, i});
  }
  void finish_jsx(std::size_t begin, std::uint32_t line, std::uint32_t column) {
    stack_.pop_back();
    push(Kind::jsx_end, 0, begin, line, column);
  }

  // Scans JSX from the state in the top (jsx) frame until the element ends (true, back in
  // JavaScript after it) or an expression container `{` opens (true, JavaScript inside it; the
  // `}` that closes it calls run_jsx again).
  bool run_jsx() {
    while (true) {
      Frame& f = top();
      if (pos_ >= n_) {
        const Token& t = tokens_[f.open];
        return fail_at(t.line, t.column, "JSX element never closed");
      }
      if (f.jsx_state == kTagName) {
        skip_jsx_space();
        if (pos_ >= n_) continue;
        if (s_[pos_] == '>') {  // fragment <>
          advance();
          ++f.jsx_depth;
          f.jsx_state = kChildren;
          continue;
        }
        if (!jsx_name_part(pos_)) return fail("JSX tag without a name");
        while (pos_ < n_ && jsx_name_part(pos_)) advance();
        f.jsx_state = kTagAttrs;
        continue;
      }
      if (f.jsx_state == kTagAttrs) {
        skip_jsx_space();
        if (pos_ >= n_) continue;
        const unsigned char c = s_[pos_];
        if (c == '/' && pos_ + 1 < n_ && s_[pos_ + 1] == '>') {
          const std::size_t begin = pos_;
          const std::uint32_t line = line_, column = column_;
          advance();
          advance();
          if (f.jsx_depth == 0) {
            finish_jsx(begin, line, column);
            return true;
          }
          f.jsx_state = kChildren;
        } else if (c == '>') {
          advance();
          ++f.jsx_depth;
          f.jsx_state = kChildren;
        } else if (c == '{') {
          open_container();
          return true;
        } else if (c == '"' || c == '\'') {
          const std::uint32_t line = line_, column = column_;
          advance();
          while (pos_ < n_ && s_[pos_] != c) advance();
          if (pos_ >= n_) return fail_at(line, column, "JSX attribute string never closed");
          advance();
        } else if (c == '=') {
          advance();
        } else if (jsx_name_part(pos_)) {
          while (pos_ < n_ && jsx_name_part(pos_)) advance();
        } else {
          return fail("unexpected character in a JSX tag");
        }
        continue;
      }
      // Children: text up to `{` or `<`.
      const unsigned char c = s_[pos_];
      if (c == '{') {
        open_container();
        return true;
      }
      if (c != '<') {
        advance();
        continue;
      }
      std::size_t look = pos_ + 1;
      while (look < n_ &&
             (s_[look] == ' ' || s_[look] == '\t' || s_[look] == '\n' || s_[look] == '\r')) {
        ++look;
      }
      if (look < n_ && s_[look] == '/') {  // closing tag </name>
        advance();
        skip_jsx_space();
        advance();  // the '/'
        skip_jsx_space();
        while (pos_ < n_ && jsx_name_part(pos_)) advance();
        skip_jsx_space();
        if (pos_ >= n_ || s_[pos_] != '>') return fail("JSX closing tag without '>'");
        const std::size_t begin = pos_;
        const std::uint32_t line = line_, column = column_;
        advance();
        if (f.jsx_depth == 0 || --f.jsx_depth == 0) {
          finish_jsx(begin, line, column);
          return true;
        }
        continue;
      }
      advance();  // a child element
      f.jsx_state = kTagName;
    }
  }

  const unsigned char* s_;
  std::size_t n_;
  const ScanOptions& options_;
  bool jsx_;         // `<` in expression position starts a JSX element
  bool typescript_;  // `x!` is a non-null assertion, `<T,>(` type parameters
  std::size_t pos_ = 0;
  std::uint32_t line_ = 0, column_ = 0;
  std::uint32_t previous_end_line_ = 0;
  std::vector<Token> tokens_;
  std::vector<Frame> stack_;
  // Stack depths at which a `class` waits for its body's `{`.
  struct ClassPending {
    std::size_t depth;  // stack depth of the `class` keyword
    int angles;         // TypeScript: `<` minus `>` since it (`class A<T extends {}> {`)
  };
  std::vector<ClassPending> class_pending_;
  ScanStatus status_ = ScanStatus::ok;
  std::string reason_;
};

// --- pass 2 ---

struct Candidate {
  Position start, end;
  std::optional<std::string> name;
  std::optional<Position> name_at;
  NameForm form = NameForm::plain;
  std::optional<Position> class_name_at;
  bool name_is_key = false;
};

class Finder {
 public:
  Finder(std::string_view text, const std::vector<Token>& tokens, const ScanOptions& options)
      : text_(text),
        t_(tokens),
        n_(static_cast<std::uint32_t>(tokens.size())),
        options_(options),
        typescript_(options.language != Language::javascript) {}

  std::vector<Candidate> run() {
    for (std::uint32_t i = 0; i < n_; ++i) {
      const Token& t = t_[i];
      const Brace context = enclosing_brace(i);
      if ((context == Brace::object || context == Brace::class_body) && i >= member_done_ &&
          member_start(i)) {
        try_member(i, context);
      }
      if (t.kind == Kind::ident && t.code == k_function) {
        try_function(i);
      } else if (is(i, p_arrow)) {
        try_arrow(i);
      }
    }
    return std::move(out_);
  }

 private:
  bool is(std::uint32_t i, Punct p) const {
    return i < n_ && t_[i].kind == Kind::punct && t_[i].code == p;
  }
  bool is_kw(std::uint32_t i, Keyword k) const {
    return i < n_ && t_[i].kind == Kind::ident && t_[i].code == k;
  }
  bool is_name(std::uint32_t i) const {  // an identifier or keyword used as a name
    return i < n_ && (t_[i].kind == Kind::ident || t_[i].kind == Kind::private_name);
  }
  std::string_view text(std::uint32_t i) const {
    return text_.substr(t_[i].begin, t_[i].end - t_[i].begin);
  }
  Brace enclosing_brace(std::uint32_t i) const {
    const std::uint32_t e = t_[i].enclosing;
    if (e == kNo || !is(e, p_lbrace)) return Brace::none;
    return t_[e].brace;
  }
  Position start_of(std::uint32_t i) const { return {t_[i].line, t_[i].column}; }
  // Position just past token i: its start, advanced over its characters.
  Position end_of(std::uint32_t i) const {
    Position p = start_of(i);
    const auto* s = reinterpret_cast<const unsigned char*>(text_.data());
    for (std::size_t k = t_[i].begin; k < t_[i].end;) {
      const unsigned char c = s[k];
      if (c == '\n' || c == '\r') {
        k += (c == '\r' && k + 1 < t_[i].end && s[k + 1] == '\n') ? 2 : 1;
        ++p.line;
        p.column = 0;
      } else if (c == 0xE2 && k + 2 < t_[i].end && s[k + 1] == 0x80 &&
                 (s[k + 2] == 0xA8 || s[k + 2] == 0xA9)) {
        k += 3;
        ++p.line;
        p.column = 0;
      } else if (c < 0x80) {
        ++k;
        ++p.column;
      } else {
        std::size_t len = c >= 0xC2 && c <= 0xDF   ? 2
                          : c >= 0xE0 && c <= 0xEF ? 3
                          : c >= 0xF0 && c <= 0xF4 ? 4
                                                   : 1;
        if (len > t_[i].end - k) len = 1;
        for (std::size_t q = 1; q < len; ++q) {
          if ((s[k + q] & 0xC0) != 0x80) len = 1;
        }
        k += len;
        p.column += len == 4 ? 2 : 1;
      }
    }
    return p;
  }

  // Token i begins a member of the object literal or class body that directly encloses it.
  bool member_start(std::uint32_t i) const {
    if (i == 0) return false;
    const std::uint32_t e = t_[i].enclosing;
    const std::uint32_t p = i - 1;
    if (p == e) return true;
    if (t_[e].brace == Brace::object) return is(p, p_comma);
    return is(p, p_semi) || is(p, p_rbrace) || (t_[i].flags & kNewlineBefore) != 0 ||
           ends_decorator(p);
  }

  // Token p ends a decorator: `@name`, `@a.b`, `@name(...)`.
  bool ends_decorator(std::uint32_t p) const {
    if (is(p, p_rparen)) {
      if (t_[p].match == kNo || t_[p].match == 0 || t_[p].match >= p) return false;
      p = t_[p].match - 1;
    }
    if (!is_name(p)) return false;
    for (int parts = 0; p >= 2 && is(p - 1, p_dot) && is_name(p - 2) && parts < 8; ++parts) p -= 2;
    return p >= 1 && is(p - 1, p_at);
  }

  // --- TypeScript ---

  bool is_ts_modifier(std::uint32_t i) const {
    if (!typescript_ || i >= n_ || t_[i].kind != Kind::ident || (t_[i].flags & kAfterDot)) {
      return false;
    }
    const std::string_view w = text(i);
    return w == "public" || w == "private" || w == "protected" || w == "readonly" ||
           w == "abstract" || w == "override" || w == "declare";
  }

  // Angle brackets: how much token i opens (+) or closes (-) a type argument list.
  int angle(std::uint32_t i) const {
    if (i >= n_ || t_[i].kind != Kind::punct) return 0;
    switch (t_[i].code) {
      case p_lt:
        return 1;
      case p_gt:
        return -1;
      case p_shr:
        return -2;
      case p_ushr:
        return -3;
      default:
        return 0;
    }
  }

  // The token after the type parameter list `<...>` that starts at token k, or kNo.
  std::uint32_t skip_angles(std::uint32_t k) const {
    int depth = 0;
    for (std::uint32_t j = k, steps = 0; j < n_ && steps < 512; ++steps) {
      depth += angle(j);
      if (depth <= 0) return j + 1;
      const Token& t = t_[j];
      if (is(j, p_lparen) || is(j, p_lbrack) || is(j, p_lbrace)) {
        if (t.match == kNo || t.match <= j) return kNo;
        j = t.match + 1;
        continue;
      }
      if (is(j, p_semi) || is(j, p_rparen) || is(j, p_rbrack) || is(j, p_rbrace)) return kNo;
      ++j;
    }
    return kNo;
  }

  // After the `:` of a return type, starting at token k: the `{` that opens the body, or kNo.
  // A `{` opens an object type when it starts the type or follows a token that needs a type
  // after it (`:`, `|`, `&`, `=>`, `,`, `<`, `keyof`, ...); otherwise it is the body.
  std::uint32_t skip_return_type(std::uint32_t k) const {
    int depth = 0;
    for (std::uint32_t j = k, steps = 0; j < n_ && steps < 512; ++steps) {
      const Token& t = t_[j];
      depth += angle(j);
      if (depth < 0) return kNo;
      if (is(j, p_lbrace)) {
        bool type = j == k || depth > 0;
        if (!type) {
          const Token& q = t_[j - 1];
          if (q.kind == Kind::punct) {
            type = q.code != p_rparen && q.code != p_rbrack && q.code != p_rbrace &&
                   q.code != p_gt && q.code != p_shr && q.code != p_ushr;
          } else if (q.kind == Kind::ident) {
            const std::string_view w = text(j - 1);
            type = w == "keyof" || w == "typeof" || w == "extends" || w == "is" || w == "infer" ||
                   w == "readonly" || w == "unique" || w == "asserts";
          }
        }
        if (!type) return j;
        if (t.match == kNo || t.match <= j) return kNo;
        j = t.match + 1;
        continue;
      }
      if (is(j, p_lparen) || is(j, p_lbrack)) {
        if (t.match == kNo || t.match <= j) return kNo;
        j = t.match + 1;
        continue;
      }
      if (t.kind == Kind::template_head) {
        std::uint32_t q = j;
        while (t_[q].kind != Kind::template_tail) {
          if (t_[q].match == kNo || t_[q].match <= q) return kNo;
          q = t_[q].match;
        }
        j = q + 1;
        continue;
      }
      if (is(j, p_semi) || is(j, p_rparen) || is(j, p_rbrack) || is(j, p_rbrace) ||
          (depth == 0 && (is(j, p_assign) || is(j, p_comma)))) {
        return kNo;  // a signature without a body (overload, abstract, interface member)
      }
      ++j;
    }
    return kNo;
  }

  // The `{` of a body after the parameter list that closes at token params_close (a return type
  // annotation skipped in TypeScript), or kNo.
  std::uint32_t body_after(std::uint32_t params_close) const {
    const std::uint32_t k = params_close + 1;
    if (is(k, p_lbrace)) return k;
    if (typescript_ && is(k, p_colon)) return skip_return_type(k + 1);
    return kNo;
  }

  // TypeScript: walking back from token j (exclusive) over a type annotation at this level,
  // the `:` that starts it (not a conditional's), or kNo. Stops at what cannot be in a type.
  std::uint32_t annotation_colon(std::uint32_t j, bool through_arrows, bool within_line) const {
    if (j == 0) return kNo;
    const std::uint32_t level = t_[j - 1].enclosing;
    int depth = 0;
    for (std::uint32_t k = j, steps = 0; k-- > 0 && steps < 128; ++steps) {
      const Token& t = t_[k];
      if (t.enclosing != level) return kNo;
      if (is(k, p_colon)) return (t.flags & kTernaryColon) || depth != 0 ? kNo : k;
      depth -= angle(k);
      if (depth < 0) return kNo;
      if ((is(k, p_rparen) || is(k, p_rbrack) || is(k, p_rbrace)) && t.match != kNo &&
          t.match < k) {
        k = t.match;
        continue;
      }
      if (t.kind == Kind::template_tail && t.match != kNo && t.match < k) {
        k = t.match;
        continue;
      }
      if (is(k, p_semi) || is(k, p_assign) || is(k, p_logical_assign) ||
          (depth == 0 && is(k, p_comma)) || (!through_arrows && is(k, p_arrow))) {
        return kNo;
      }
      // For an assignment target (within_line), the annotation starts on the line of its name:
      // a line start is the start of a statement or member (brackets spanning lines were
      // stepped over above). A return type may follow its `):` on the next line.
      if (within_line && (t.flags & kNewlineBefore)) return kNo;
    }
    return kNo;
  }

  // TypeScript: the `(` `)` of an arrow function whose `=>` at token i follows a return type
  // annotation `(params): Type =>`, or kNo.
  std::uint32_t params_before_return_type(std::uint32_t i) const {
    // A return type may itself be a function type: `(a): () => T => body`.
    for (const bool through_arrows : {false, true}) {
      const std::uint32_t colon = annotation_colon(i, through_arrows, /*within_line=*/false);
      if (colon == kNo || colon == 0 || !is(colon - 1, p_rparen)) continue;
      const std::uint32_t open = t_[colon - 1].match;
      if (open != kNo && open < colon - 1) return open;
    }
    return kNo;
  }

  // Identifier p can be an arrow function's only parameter (`x => ...`): what precedes it can
  // precede an expression. In TypeScript, `(a): T => ...` and `(a): a is T => ...` end in a
  // type instead.
  bool bare_parameter(std::uint32_t p) const {
    if (t_[p].flags & kAfterDot) return false;
    if (p == 0) return true;
    const Token& q = t_[p - 1];
    switch (q.kind) {
      case Kind::punct:
        if (q.code == p_colon) return (q.flags & kTernaryColon) || !typescript_ || key_colon(p - 1);
        return q.code != p_rparen && q.code != p_rbrack && q.code != p_rbrace && q.code != p_gt &&
               q.code != p_shr && q.code != p_ushr && q.code != p_bar && q.code != p_amp;
      case Kind::ident:
        return (expression_follows(q.code) || q.code == k_async) && !(q.flags & kAfterDot);
      case Kind::template_head:
      case Kind::template_middle:
        return true;
      default:
        return false;
    }
  }

  // The `:` at token c follows a property key of an object literal (`{ key: ...`, `, [k]: ...`).
  bool key_colon(std::uint32_t c) const {
    if (c < 2 || enclosing_brace(c) != Brace::object) return false;
    std::uint32_t key = c - 1;
    if (is(key, p_rbrack) && t_[key].match != kNo && t_[key].match < key) key = t_[key].match;
    const bool key_ok = is_name(key) || t_[key].kind == Kind::string ||
                        t_[key].kind == Kind::number || is(key, p_lbrack);
    return key_ok && key > 0 && (key - 1 == t_[c].enclosing || is(key - 1, p_comma));
  }

  // TypeScript: an arrow whose parameters start at token s is a function type, not a function,
  // when what precedes it needs a type: `x: () => T`, `<() => T>`, `A | () => T`, `new () => T`.
  bool in_type_position(std::uint32_t s, int nesting = 0) const {
    if (!typescript_ || s == 0) return false;
    const std::uint32_t p = s - 1;
    // A parenthesized function type: `A | (() => T)`, `((x: X) => Y)[]`.
    if (is(p, p_lparen) && nesting < 8) return in_type_position(p, nesting + 1);
    if (is(p, p_lt) || is(p, p_bar) || is(p, p_amp)) return true;
    if (t_[p].kind == Kind::ident && !(t_[p].flags & kAfterDot)) {
      const std::string_view w = text(p);
      return w == "extends" || w == "keyof" || w == "new";
    }
    if (is(p, p_assign) && p >= 2) {  // type Name = (a) => T;  type Name<T> = ...
      std::uint32_t k = p - 1;
      if (is(k, p_gt) || is(k, p_shr)) {
        int depth = 0;
        for (std::uint32_t steps = 0; steps < 64 && k > 0; ++steps, --k) {
          depth -= angle(k);
          if (depth == 0) break;
        }
        if (depth != 0 || k == 0) return false;
        --k;
      }
      return k >= 1 && t_[k].kind == Kind::ident && t_[k - 1].kind == Kind::ident &&
             !(t_[k - 1].flags & kAfterDot) && text(k - 1) == "type";
    }
    // `key: () => ...` in an object literal is a property, not an annotation.
    return is(p, p_colon) && !(t_[p].flags & kTernaryColon) && !key_colon(p);
  }

  // A property key as people read it: identifiers and numbers as written, strings without their
  // quotes, computed keys as [a.b] when they are a plain dotted name, else <computed>.
  std::string key_text(std::uint32_t i) const {
    if (t_[i].kind == Kind::string) {
      const std::string_view s = text(i);
      return std::string(s.size() >= 2 ? s.substr(1, s.size() - 2) : s);
    }
    if (is(i, p_lbrack)) {
      const std::uint32_t close = t_[i].match;
      if (close == kNo || close <= i + 1 || close - i > 16) return "<computed>";
      std::string s = "[";
      for (std::uint32_t k = i + 1; k < close; ++k) {
        const bool ok = t_[k].kind == Kind::ident || t_[k].kind == Kind::string ||
                        t_[k].kind == Kind::number || is(k, p_dot);
        if (!ok) return "<computed>";
        s += text(k);
      }
      return s + "]";
    }
    return std::string(text(i));
  }

  // The token class_name(body) ends with (kNo: none); call class_name(body) first.
  std::uint32_t class_name_token(std::uint32_t body) const {
    const auto it = class_name_tokens_.find(body);
    return it == class_name_tokens_.end() ? kNo : it->second;
  }

  std::optional<std::string> class_name(std::uint32_t body) {
    if (auto it = class_names_.find(body); it != class_names_.end()) return it->second;
    std::optional<std::string> name;
    const std::uint32_t level = t_[body].enclosing;
    std::uint32_t k = body;
    std::uint32_t steps = 0;
    std::uint32_t found = kNo;
    while (k > 0 && steps++ < 256) {
      --k;
      const Token& t = t_[k];
      if (t.enclosing != level) break;
      if (t.kind == Kind::ident && t.code == k_class) {
        found = k;
        break;
      }
      // Step over a bracketed group (extends mixin(A, B)) to its opening token.
      if ((is(k, p_rparen) || is(k, p_rbrack) || is(k, p_rbrace) ||
           t.kind == Kind::template_tail) &&
          t.match != kNo && t.match < k) {
        k = t.match;
      }
    }
    std::uint32_t token = kNo;
    if (found != kNo) {
      if (found + 1 < body && t_[found + 1].kind == Kind::ident &&
          t_[found + 1].code != k_extends && text(found + 1) != "implements") {
        name = std::string(text(found + 1));
        token = found + 1;
      } else {
        name = infer(found, token);
      }
    }
    class_names_.emplace(body, name);
    class_name_tokens_.emplace(body, name ? token : kNo);
    return name;
  }

  // The name given by what precedes start token s: `x =`, `a.b.c =`, `key:` in an object
  // literal, a class field `f =`, `export default`. Sets `token` to the token the name ends
  // with (`f` of `a.b.f =`, the key), kNo when there is none (`export default`, no name).
  std::optional<std::string> infer(std::uint32_t s, std::uint32_t& token) {
    token = kNo;
    pending_form_ = NameForm::plain;
    pending_class_token_ = kNo;
    pending_key_ = false;
    if (s == 0) return std::nullopt;
    const std::uint32_t p = s - 1;
    if (is(p, p_assign) || is(p, p_logical_assign)) {
      std::uint32_t target = p;  // the token after the assignment target
      if (typescript_) {
        // `const f: Type = ...`, `field?: Type = ...`: the name is before the annotation.
        const std::uint32_t colon =
            annotation_colon(p, /*through_arrows=*/true, /*within_line=*/true);
        if (colon != kNo) {
          target = colon;
          if (target > 0 && (is(target - 1, p_question) || is(target - 1, p_bang))) --target;
        }
      }
      if (target == 0 || !is_name(target - 1) || t_[target - 1].code == k_return) {
        return std::nullopt;
      }
      std::uint32_t q = target - 1;
      token = q;
      std::string name(text(q));
      int parts = 1;
      while (q >= 2 && (is(q - 1, p_dot) || is(q - 1, p_qdot)) && is_name(q - 2) && parts < 8) {
        name = std::string(text(q - 2)) + "." + name;
        q -= 2;
        ++parts;
      }
      if (parts == 1 && enclosing_brace(q) == Brace::class_body) {
        const std::optional<std::string> cls = class_name(t_[q].enclosing);
        pending_form_ = NameForm::plain;  // class_name() may have called infer()
        pending_class_token_ = kNo;
        pending_key_ = true;  // a class field
        if (cls) {
          pending_form_ = NameForm::class_member;
          pending_class_token_ = class_name_token(t_[q].enclosing);
          return *cls + "." + name;
        }
        return name;
      }
      pending_key_ = parts > 1;  // `a.b.f =`: f is a property
      return name;
    }
    if (is(p, p_colon) && (t_[p].flags & kTernaryColon) == 0 && p >= 2 &&
        enclosing_brace(p) == Brace::object) {
      std::uint32_t key = p - 1;
      if (is(key, p_rbrack) && t_[key].match != kNo) key = t_[key].match;
      const bool key_ok = is_name(key) || t_[key].kind == Kind::string ||
                          t_[key].kind == Kind::number || is(key, p_lbrack);
      if (!key_ok || key == 0) return std::nullopt;
      if (key - 1 != t_[p].enclosing && !is(key - 1, p_comma)) return std::nullopt;
      if (!is(key, p_lbrack)) token = key;
      pending_key_ = true;
      return key_text(key);
    }
    if (is_kw(p, k_default) && p > 0 && is_kw(p - 1, k_export)) return std::string("default");
    return std::nullopt;
  }

  // End of an arrow function's expression body starting at token b: the last token before a
  // `,` `;` `)` `]` `}` or unmatched `:` at its level, or before a line break where a new
  // statement evidently begins (see asi_break). kNo if there is no body.
  std::uint32_t expression_end(std::uint32_t b) const {
    std::uint32_t last = kNo;
    std::uint32_t ternary = 0;
    std::uint32_t j = b;
    // TypeScript: `() => void` followed by what cannot be void's operand is a function type.
    if (typescript_ && is_kw(b, k_void) && b + 1 < n_ &&
        (t_[b + 1].kind == Kind::punct && t_[b + 1].code != p_lparen &&
         t_[b + 1].code != p_lbrack && t_[b + 1].code != p_lbrace && t_[b + 1].code != p_bang)) {
      return kNo;
    }
    while (j < n_) {
      const Token& t = t_[j];
      if (last != kNo && (t.flags & kNewlineBefore) && asi_break(last, j)) break;
      if (t.kind == Kind::template_middle || t.kind == Kind::template_tail) break;
      if (t.kind == Kind::template_head) {
        std::uint32_t k = j;
        while (t_[k].kind != Kind::template_tail) {
          const std::uint32_t next = t_[k].match;
          if (next == kNo || next <= k) return kNo;
          k = next;
        }
        last = k;
        j = k + 1;
        continue;
      }
      if (t.kind == Kind::punct) {
        switch (t.code) {
          case p_rparen:
          case p_rbrack:
          case p_rbrace:
          case p_comma:
          case p_semi:
            return last;
          case p_colon:
            if (ternary == 0) return last;
            --ternary;
            break;
          case p_question:
            ++ternary;
            break;
          case p_lparen:
          case p_lbrack:
          case p_lbrace:
            if (t.match == kNo || t.match <= j) return kNo;
            last = t.match;
            j = t.match + 1;
            continue;
          case p_gt:
          case p_shr:
          case p_ushr:
            // TypeScript: `> =` closes the type arguments this arrow sits in
            // (`Record<K, () => void> = {}`): it is a function type.
            if (typescript_ && is(j + 1, p_assign)) return kNo;
            break;
          case p_lt:
            // TypeScript type arguments: new Map<K, V>(), f<T>(x), tag<T>`...`.
            if (typescript_ && j > b && (t_[j - 1].kind == Kind::ident || is(j - 1, p_gt))) {
              const std::uint32_t after = skip_angles(j);
              if (after != kNo && after < n_ &&
                  (is(after, p_lparen) || t_[after].kind == Kind::template_full ||
                   t_[after].kind == Kind::template_head)) {
                last = after - 1;
                j = after;
                continue;
              }
            }
            break;
          default:
            break;
        }
      }
      last = j;
      ++j;
    }
    return last;
  }

  // Whether a line break between tokens a and b ends the expression (automatic semicolon
  // insertion): a ends an expression and b cannot continue one.
  bool asi_break(std::uint32_t a, std::uint32_t b) const {
    const Token& x = t_[a];
    bool ends = false;
    switch (x.kind) {
      case Kind::ident:
        ends = (x.flags & kAfterDot) != 0 || !expression_follows(x.code);
        break;
      case Kind::punct:
        ends = x.code == p_rparen || x.code == p_rbrack || x.code == p_rbrace || x.code == p_incdec;
        break;
      case Kind::template_head:
      case Kind::template_middle:
      case Kind::jsx:
        ends = false;
        break;
      default:
        ends = true;
        break;
    }
    if (!ends) return false;
    const Token& y = t_[b];
    switch (y.kind) {
      case Kind::ident:
        return y.code != k_in && y.code != k_instanceof;
      case Kind::private_name:
      case Kind::number:
      case Kind::string:
      case Kind::regex:
      case Kind::jsx:
        return true;
      case Kind::punct:
        return y.code == p_lbrace || y.code == p_incdec;
      default:
        return false;
    }
  }

  // `name_token`: the token the name ends with (kNo: none), reported as Function::name_at.
  void add(std::uint32_t start, Position end, std::optional<std::string> name,
           std::uint32_t name_token) {
    if (name && name->size() > options_.max_name_bytes) {
      std::size_t cut = options_.max_name_bytes;
      while (cut > 0 && (static_cast<unsigned char>((*name)[cut]) & 0xC0) == 0x80) --cut;
      name->resize(cut);
    }
    std::optional<Position> name_at, class_name_at;
    if (name && name_token < n_) name_at = start_of(name_token);
    if (name && pending_class_token_ < n_) class_name_at = start_of(pending_class_token_);
    const bool key = name_at.has_value() && pending_key_;
    out_.push_back(Candidate{start_of(start), end, std::move(name), name_at,
                             name ? pending_form_ : NameForm::plain, class_name_at, key});
    pending_form_ = NameForm::plain;
    pending_class_token_ = kNo;
    pending_key_ = false;
  }

  void try_member(std::uint32_t i, Brace context) {
    std::uint32_t k = i;
    bool getter = false, setter = false, is_static = false;
    for (int m = 0; m < 8 && k + 1 < n_; ++m) {
      const Token& t = t_[k];
      if (is(k, p_star)) {
        ++k;
        continue;
      }
      if (t.kind != Kind::ident) break;
      const std::uint8_t c = t.code;
      const bool ts_modifier = is_ts_modifier(k);
      if (c != k_static && c != k_async && c != k_get && c != k_set && c != k_accessor &&
          !ts_modifier) {
        break;
      }
      const std::uint32_t next = k + 1;
      // The word is the key itself: get() {}, static = 1, { async, ... }, { get: ... }.
      if (is(next, p_lparen) || is(next, p_assign) || is(next, p_semi) || is(next, p_rbrace) ||
          is(next, p_comma) || is(next, p_colon) ||
          (typescript_ && (is(next, p_lt) || is(next, p_question) || is(next, p_bang)))) {
        break;
      }
      if ((t_[next].flags & kNewlineBefore) && c != k_static) break;
      if (c == k_static && is(next, p_lbrace)) {  // static initialization block
        member_done_ = next;
        return;
      }
      getter |= c == k_get;
      setter |= c == k_set;
      is_static |= c == k_static;
      ++k;
    }
    if (k >= n_) return;
    const std::uint32_t key = k;
    if (is_name(k) || t_[k].kind == Kind::string || t_[k].kind == Kind::number) {
      ++k;
    } else if (is(k, p_lbrack) && t_[k].match != kNo && t_[k].match > k) {
      k = t_[k].match + 1;
    } else {
      return;
    }
    if (typescript_ && (is(k, p_question) || is(k, p_bang))) ++k;  // m?() {}, x!: T
    member_done_ = k;
    if (typescript_ && is(k, p_lt)) {  // m<T>() {}
      k = skip_angles(k);
      if (k == kNo) return;
    }
    if (!is(k, p_lparen)) return;
    const std::uint32_t params_close = t_[k].match;
    if (params_close == kNo || params_close <= k) return;
    const std::uint32_t body_open = body_after(params_close);
    if (body_open == kNo) return;
    const std::uint32_t body_close = t_[body_open].match;
    if (body_close == kNo || body_close <= body_open) return;

    std::string base = key_text(key);
    std::string name;
    pending_form_ = NameForm::plain;
    pending_class_token_ = kNo;
    pending_key_ = false;
    if (getter || setter) {
      name = (getter ? "get " : "set ") + base;
      pending_form_ = getter ? NameForm::getter : NameForm::setter;
    } else if (context == Brace::class_body) {
      const std::optional<std::string> cls = class_name(t_[i].enclosing);
      pending_form_ = NameForm::plain;  // class_name() may have called infer()
      pending_class_token_ = kNo;
      pending_key_ = false;
      if (!is_static && is_kw(key, k_constructor)) {
        name = "new " + (cls ? *cls : std::string("<anonymous>"));
        pending_form_ = NameForm::constructor;
        if (cls) pending_class_token_ = class_name_token(t_[i].enclosing);
      } else if (cls) {
        name = *cls + (base[0] == '[' && is(key, p_lbrack) ? "" : ".") + base;
        pending_form_ = NameForm::class_member;
        pending_class_token_ = class_name_token(t_[i].enclosing);
      } else {
        name = base;
      }
    } else {
      name = base;
    }
    pending_key_ = true;
    add(i, end_of(body_close), std::move(name), is(key, p_lbrack) ? kNo : key);
  }

  void try_function(std::uint32_t i) {
    if ((t_[i].flags & kAfterDot) || is(i + 1, p_colon)) return;  // a.function, { function: 1 }
    const Brace context = enclosing_brace(i);
    if (is(i + 1, p_lparen) && (context == Brace::object || context == Brace::class_body) &&
        member_start(i)) {
      return;  // a method named "function", handled by try_member
    }
    std::uint32_t k = i + 1;
    if (is(k, p_star)) ++k;
    std::optional<std::string> own;
    std::uint32_t own_token = kNo;
    if (k < n_ && t_[k].kind == Kind::ident) {
      own = std::string(text(k));
      own_token = k;
      ++k;
    }
    if (typescript_ && is(k, p_lt)) {  // function f<T>() {}
      k = skip_angles(k);
      if (k == kNo) return;
    }
    if (!is(k, p_lparen)) return;
    const std::uint32_t params_close = t_[k].match;
    if (params_close == kNo || params_close <= k) return;
    const std::uint32_t body_open = body_after(params_close);
    if (body_open == kNo) return;
    const std::uint32_t body_close = t_[body_open].match;
    if (body_close == kNo || body_close <= body_open) return;
    std::uint32_t start = i;
    if (i > 0 && is_kw(i - 1, k_async) && !(t_[i].flags & kNewlineBefore)) start = i - 1;
    // `x = function () {}()` or `x = function () {}.call(y)`: the function is called or used as
    // an object right away; what the variable receives is not this function.
    const std::uint32_t after = body_close + 1;
    const bool operand =
        is(after, p_lparen) || is(after, p_dot) || is(after, p_qdot) || is(after, p_lbrack) ||
        (after < n_ &&
         (t_[after].kind == Kind::template_full || t_[after].kind == Kind::template_head));
    std::uint32_t name_token = own_token;
    std::optional<std::string> name = std::move(own);
    pending_form_ = NameForm::plain;
    pending_class_token_ = kNo;
    pending_key_ = false;
    if (!name && !operand) name = infer(start, name_token);
    add(start, end_of(body_close), std::move(name), name_token);
  }

  void try_arrow(std::uint32_t i) {
    if (i == 0 || i + 1 >= n_) return;
    const std::uint32_t p = i - 1;
    std::uint32_t params = kNo;
    if (typescript_ && !is(p, p_rparen)) {
      // (params): Type => body: the token before `=>` ends a return type; else `x => body`.
      params = params_before_return_type(i);
      if (params == kNo) {
        if (t_[p].kind != Kind::ident || !bare_parameter(p)) return;
        params = p;
      }
    } else if (t_[p].kind == Kind::ident && !(t_[p].flags & kAfterDot)) {
      params = p;
    } else if (is(p, p_rparen) && t_[p].match != kNo && t_[p].match < p) {
      params = t_[p].match;
    } else {
      return;
    }
    std::uint32_t start = params;
    if (typescript_ && params > 0 && (is(params - 1, p_gt) || is(params - 1, p_shr))) {
      // <T>(x: T) => x: the type parameters belong to the function.
      std::uint32_t k = params - 1;
      int depth = 0;
      for (std::uint32_t steps = 0; steps < 64; ++steps) {
        depth -= angle(k);
        if (depth == 0 || k == 0) break;
        --k;
      }
      const bool call =
          k > 0 && (t_[k - 1].kind == Kind::ident || is(k - 1, p_rparen) || is(k - 1, p_rbrack)) &&
          !(t_[k - 1].kind == Kind::ident && expression_follows(t_[k - 1].code)) &&
          t_[k - 1].code != k_async;
      if (depth == 0 && is(k, p_lt) && !call) start = k;
    }
    if (in_type_position(start)) return;
    params = start;
    if (params > 0 && is_kw(params - 1, k_async) && !(t_[params].flags & kNewlineBefore) &&
        !(t_[params - 1].flags & kAfterDot)) {
      start = params - 1;
    }
    Position end;
    if (is(i + 1, p_lbrace)) {
      const std::uint32_t close = t_[i + 1].match;
      if (close == kNo || close <= i + 1) return;
      end = end_of(close);
    } else {
      const std::uint32_t last = expression_end(i + 1);
      if (last == kNo) return;
      end = end_of(last);
    }
    std::uint32_t name_token = kNo;
    std::optional<std::string> name = infer(start, name_token);
    add(start, end, std::move(name), name_token);
  }

  std::string_view text_;
  const std::vector<Token>& t_;
  std::uint32_t n_;
  const ScanOptions& options_;
  bool typescript_;
  std::uint32_t member_done_ = 0;  // tokens before this were part of a member header already
  std::unordered_map<std::uint32_t, std::optional<std::string>> class_names_;
  std::unordered_map<std::uint32_t, std::uint32_t> class_name_tokens_;
  // The form of the name infer() or try_member() built last, for add().
  NameForm pending_form_ = NameForm::plain;
  std::uint32_t pending_class_token_ = kNo;
  bool pending_key_ = false;  // the name's token is a property key
  std::vector<Candidate> out_;
};

}  // namespace

ScanResult scan_functions(std::string_view text, const ScanOptions& options) {
  ScanResult result;
  if (text.size() > options.max_source_bytes || text.size() >= kNo) {
    result.status = ScanStatus::too_large;
    result.reason = std::to_string(text.size()) + " bytes, more than " +
                    std::to_string(options.max_source_bytes);
    return result;
  }
  std::vector<Candidate> found;
  {
    Tokenizer tokenizer(text, options);
    if (!tokenizer.run()) {
      result.status = tokenizer.status();
      result.reason = tokenizer.reason();
      return result;
    }
    found = Finder(text, tokenizer.tokens(), options).run();
  }
  // Outer before inner: by start, then the longer range first.
  std::stable_sort(found.begin(), found.end(), [](const Candidate& a, const Candidate& b) {
    if (a.start != b.start) return a.start < b.start;
    return a.end > b.end;
  });
  // Nest: each range must lie inside the innermost open one or after it. A range that starts
  // inside another but ends after it (a heuristic went wrong), one that starts where the
  // previous one starts, or one nested deeper than max_depth is left out.
  std::vector<std::uint32_t> open;  // indices into result.functions
  result.functions.reserve(found.size());
  for (Candidate& c : found) {
    if (!(c.start < c.end)) continue;
    while (!open.empty() && !(c.start < result.functions[open.back()].end)) open.pop_back();
    if (!open.empty()) {
      const Function& outer = result.functions[open.back()];
      if (c.end > outer.end || c.start == outer.start) continue;
    }
    if (open.size() >= options.max_depth) continue;
    Function f;
    f.start = c.start;
    f.end = c.end;
    f.name = std::move(c.name);
    f.name_at = c.name_at;
    f.form = c.form;
    f.class_name_at = c.class_name_at;
    f.name_is_key = c.name_is_key;
    f.parent = open.empty() ? kNoParent : open.back();
    result.functions.push_back(std::move(f));
    open.push_back(static_cast<std::uint32_t>(result.functions.size() - 1));
  }
  return result;
}

std::optional<Language> language_of(std::string_view name) {
  const std::size_t cut = name.find_first_of("?#");
  if (cut != std::string_view::npos) name = name.substr(0, cut);
  const std::size_t slash = name.find_last_of("/\\");
  const std::string_view base = slash == std::string_view::npos ? name : name.substr(slash + 1);
  const std::size_t dot = base.find_last_of('.');
  if (dot == std::string_view::npos || dot == 0) return Language::javascript;  // no extension
  std::string ext(base.substr(dot + 1));
  for (char& c : ext) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (ext == "js" || ext == "mjs" || ext == "cjs" || ext == "jsx" || ext == "es6") {
    return Language::javascript;
  }
  if (ext == "ts" || ext == "mts" || ext == "cts") return Language::typescript;
  if (ext == "tsx") return Language::tsx;
  return std::nullopt;
}

}  // namespace smcache::js
