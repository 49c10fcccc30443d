// Hand-written decoder of the ECMA-426 `scopes` proposal (scopes.hpp): one pass over the items of
// each string, explicit stacks instead of recursion (nesting depth is bounded only by the input),
// and every index checked before it is stored.
#include "scopes.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "vlq.hpp"

namespace smcache::detail {
namespace {

constexpr std::uint64_t kU32Max = 0xFFFFFFFFu;

// Item tags: the item's first VLQ, unsigned ('A' = 0, 'B' = 1, ...). Vendor items start with the
// character '/' instead (a continuation digit, so not a one-digit VLQ).
enum : std::uint32_t {
  kTagEmpty = 0,            // 'A': combined form, a source without scopes
  kTagScopeStart = 1,       // 'B' flags line column [name] [kind]
  kTagScopeEnd = 2,         // 'C' line column
  kTagScopeVariables = 3,   // 'D' variable+
  kTagRangeStart = 4,       // 'E' flags [line] column [definition]
  kTagRangeEnd = 5,         // 'F' [line] column
  kTagRangeBindings = 6,    // 'G' expression+
  kTagSubRangeBinding = 7,  // 'H' variable (line column expression)+
  kTagCallSite = 8,         // 'I' source line column
};
constexpr std::uint32_t kLastKnownTag = kTagCallSite;

// Original scope flags (ScopeFlags) and generated range flags (RangeFlags).
constexpr std::uint32_t kScopeHasName = 0x1, kScopeHasKind = 0x2, kScopeIsStackFrame = 0x4;
constexpr std::uint32_t kRangeHasLine = 0x1, kRangeHasDefinition = 0x2, kRangeIsStackFrame = 0x4,
                        kRangeIsHidden = 0x8;

struct Item {
  bool vendor = false;                    // starts with '/'
  std::uint32_t tag = 0;                  // unused for vendor items
  std::span<const std::uint32_t> values;  // after the tag (vendor: the name index and the rest)
  std::size_t byte = 0;                   // offset of the item's first byte in the string
  std::uint32_t index = 0;                // 0-based item number in the string
};

// The decoding of all strings of one map. Member functions return false after recording the
// first error in error_.
class Decoder {
 public:
  Decoder(std::uint32_t source_count, std::uint32_t name_count, ScopesModel& out)
      : source_count_(source_count),
        name_count_(name_count),
        out_(out),
        source_begin_(source_count, 0),
        source_size_(source_count, 0) {}

  bool combined(std::string_view text);
  bool split(std::span<const std::optional<std::string_view>> scopes,
             std::optional<std::string_view> ranges);
  Error take_error() { return std::move(error_); }

 private:
  // State of one string of original scopes. name, kind and variable are the index accumulators
  // (int64: a sum of at most 2^31 values of at most 2^31 cannot overflow).
  struct ScopeState {
    ScopePosition position;
    std::int64_t name = 0, kind = 0, variable = 0;
    std::vector<std::uint32_t> open;  // indices of the scopes started and not yet ended
    bool after_start = false;         // the previous item was a scope start ('D' may follow)
    std::uint32_t source = 0;
  };
  struct OpenRange {
    std::uint32_t index = 0;
    int phase = 0;  // 0: right after 'E'; 1: after 'G'; 2: after 'I' or any list item
    std::vector<ScopeBinding> initial;  // from 'G': one per variable, in order
    std::vector<ScopeBinding> sub;      // from 'H' items, in encoded order
  };
  struct RangeState {
    ScopePosition position;
    std::int64_t definition = 0;         // combined form: index into all scopes
    std::int64_t definition_source = 0;  // split form: source index
    std::int64_t definition_scope = 0;   //   and scope index within that source
    std::vector<OpenRange> open;
  };

  // --- reading items ---
  void start_string(std::string field, std::string_view text) {
    field_ = std::move(field);
    text_ = text;
    pos_ = 0;
    item_index_ = 0;
    done_ = text.empty();
  }
  bool next(Item& item, bool& have);

  bool fail(const Item& item, std::string_view what) {
    return fail_at(item.byte, item.index, what);
  }
  bool fail_at(std::size_t byte, std::uint32_t index, std::string_view what) {
    std::string m = field_;
    m += ": item ";
    m += std::to_string(index);
    m += " (byte ";
    m += std::to_string(byte);
    m += "): ";
    m += what;
    error_ =
        make_error(Errc::invalid_field, std::move(m), Position{byte, Position::kUnknown, index});
    return false;
  }
  bool fail_unclosed(std::string_view what, std::size_t count) {
    std::string m = field_;
    m += ": ";
    m += std::to_string(count);
    m += ' ';
    m += what;
    m += " never closed at the end of the string";
    error_ = make_error(Errc::invalid_field, std::move(m),
                        Position{text_.size(), Position::kUnknown, item_index_});
    return false;
  }
  bool expect_count(const Item& item, const char* what, std::size_t want) {
    if (item.values.size() == want) return true;
    return fail(item, std::string(what) + ": expected " + std::to_string(want) +
                          " values after the tag, got " + std::to_string(item.values.size()));
  }

  static std::int64_t signed_value(std::uint32_t raw) {
    const std::int64_t magnitude = raw >> 1;
    if ((raw & 1) == 0) return magnitude;
    return magnitude == 0 ? -(std::int64_t{1} << 31) : -magnitude;
  }
  // AccumulatePosition: a line delta > 0 makes the column absolute.
  bool advance(const Item& item, ScopePosition& p, std::uint32_t line_delta, std::uint32_t column) {
    const std::uint64_t line = std::uint64_t{p.line} + line_delta;
    const std::uint64_t col = line_delta == 0 ? std::uint64_t{p.column} + column : column;
    if (line > kU32Max || col > kU32Max) {
      return fail(
          item, "position (" + std::to_string(line) + ", " + std::to_string(col) + ") past 2^32-1");
    }
    p = {static_cast<std::uint32_t>(line), static_cast<std::uint32_t>(col)};
    return true;
  }
  // AccumulateIndex, then the index must name an entry of `names`.
  bool relative_name(const Item& item, const char* what, std::int64_t& acc, std::uint32_t raw,
                     std::uint32_t& out) {
    acc += signed_value(raw);
    if (acc < 0) return fail(item, std::string(what) + " index " + std::to_string(acc) + " < 0");
    if (acc >= name_count_) {
      return fail(item, std::string(what) + " index " + std::to_string(acc) + " out of range (" +
                            std::to_string(name_count_) + " names)");
    }
    out = static_cast<std::uint32_t>(acc);
    return true;
  }
  // BindingExpression: 0 is "unavailable", k names names[k - 1].
  bool binding_expression(const Item& item, std::uint32_t raw, std::uint32_t& out) {
    if (raw == 0) {
      out = kNoScopeIndex;
      return true;
    }
    if (raw - 1 >= name_count_) {
      return fail(item, "binding expression " + std::to_string(raw) + " (1-based) out of range (" +
                            std::to_string(name_count_) + " names)");
    }
    out = raw - 1;
    return true;
  }

  bool scope_item(const Item& item, ScopeState& st, bool split_form);
  bool range_item(const Item& item, RangeState& rs, bool split_form);
  bool close_range(RangeState& rs, ScopePosition end);

  std::uint32_t source_count_;
  std::uint32_t name_count_;
  ScopesModel& out_;
  // Scopes of source i: out_.scopes[source_begin_[i] .. + source_size_[i]) (pre-order).
  std::vector<std::uint32_t> source_begin_;
  std::vector<std::uint32_t> source_size_;

  std::string field_;
  std::string_view text_;
  std::size_t pos_ = 0;
  std::uint32_t item_index_ = 0;
  bool done_ = true;
  std::vector<std::uint32_t> values_;
  Error error_;
};

// Splits off the next ',' separated item and decodes its VLQs as unsigned values (VLQUnsignedValue:
// 5 bits per digit, least significant first, < 2^32; zero digits past bit 32 are harmless).
bool Decoder::next(Item& item, bool& have) {
  have = false;
  if (done_) return true;
  const std::size_t start = pos_;
  std::size_t end = text_.find(',', start);
  if (end == std::string_view::npos) {
    end = text_.size();
    done_ = true;
  } else {
    pos_ = end + 1;
  }
  item = Item{};
  item.byte = start;
  item.index = item_index_++;
  if (end == start) return fail(item, "empty item");
  values_.clear();
  std::size_t p = start;
  if (text_[p] == '/') {
    item.vendor = true;
    if (++p == end) return fail(item, "vendor item ('/') without a name index");
  }
  while (p < end) {
    std::uint64_t value = 0;
    unsigned shift = 0;
    for (;;) {
      if (p == end) {
        return fail_at(p, item.index,
                       "vlq value truncated (continuation bit set on its last digit)");
      }
      const unsigned d = kVlqTable.v[static_cast<unsigned char>(text_[p])];
      if (d >= 64) return fail_at(p, item.index, describe_byte(text_[p]));
      ++p;
      const std::uint64_t bits = d & 31;
      if (bits != 0) {
        if (shift >= 32 || (value | (bits << shift)) > kU32Max) {
          return fail_at(p - 1, item.index, "vlq value does not fit in 32 bits");
        }
        value |= bits << shift;
      }
      if ((d & 32) == 0) break;
      if (shift < 40) shift += 5;
    }
    values_.push_back(static_cast<std::uint32_t>(value));
  }
  if (item.vendor) {
    item.values = values_;
  } else {
    item.tag = values_[0];
    item.values = std::span<const std::uint32_t>(values_).subspan(1);
  }
  // A ',' at the very end leaves an empty last item: the next call reports it.
  have = true;
  return true;
}

// One item inside (or, split form, starting) an original scope tree.
bool Decoder::scope_item(const Item& item, ScopeState& st, bool split_form) {
  const bool after_start = std::exchange(st.after_start, false);
  if (st.open.empty() && (item.vendor || item.tag != kTagScopeStart)) {
    return fail(item, "expected an original scope start ('B') at the top level");
  }
  if (item.vendor) return true;
  const auto& v = item.values;
  switch (item.tag) {
    case kTagScopeStart: {
      if (v.size() < 3) return expect_count(item, "original scope start", 3);
      const std::uint32_t flags = v[0];
      const std::size_t want =
          3 + ((flags & kScopeHasName) ? 1 : 0) + ((flags & kScopeHasKind) ? 1 : 0);
      if (!expect_count(item, "original scope start", want)) return false;
      OriginalScope s;
      s.source_index = st.source;
      if (!advance(item, st.position, v[1], v[2])) return false;
      s.start = s.end = st.position;
      std::size_t k = 3;
      if ((flags & kScopeHasName) && !relative_name(item, "name", st.name, v[k++], s.name_index)) {
        return false;
      }
      if ((flags & kScopeHasKind) && !relative_name(item, "kind", st.kind, v[k++], s.kind_index)) {
        return false;
      }
      s.is_stack_frame = (flags & kScopeIsStackFrame) != 0;
      s.parent = st.open.empty() ? kNoScopeIndex : st.open.back();
      s.variables_offset = static_cast<std::uint32_t>(out_.variables.size());
      st.open.push_back(static_cast<std::uint32_t>(out_.scopes.size()));
      out_.scopes.push_back(s);
      st.after_start = true;
      return true;
    }
    case kTagScopeEnd: {
      if (!expect_count(item, "original scope end", 2)) return false;
      if (!advance(item, st.position, v[0], v[1])) return false;
      out_.scopes[st.open.back()].end = st.position;
      st.open.pop_back();
      return true;
    }
    case kTagScopeVariables: {
      if (!after_start) return fail(item, "variables item ('D') not right after a scope start");
      if (v.empty()) return fail(item, "variables item ('D') without variables");
      OriginalScope& s = out_.scopes[st.open.back()];
      for (const std::uint32_t raw : v) {
        std::uint32_t name = 0;
        if (!relative_name(item, "variable", st.variable, raw, name)) return false;
        out_.variables.push_back(name);
      }
      s.variable_count = static_cast<std::uint32_t>(v.size());
      return true;
    }
    default:
      // Unknown tags are skipped (InvalidItem / InvalidScopeItem); in the combined form the tags
      // it defines for other places are not unknown.
      if (!split_form && item.tag <= kLastKnownTag) {
        return fail(item, "tag " + std::to_string(item.tag) + " inside an original scope");
      }
      return true;
  }
}

bool Decoder::close_range(RangeState& rs, ScopePosition end) {
  OpenRange& open = rs.open.back();
  GeneratedRange& r = out_.ranges[open.index];
  r.end = end;
  // [[Bindings]][i]: the 'G' expression of variable i, then its 'H' sub-ranges in encoded order.
  std::stable_sort(
      open.sub.begin(), open.sub.end(),
      [](const ScopeBinding& a, const ScopeBinding& b) { return a.variable < b.variable; });
  r.variable_count = static_cast<std::uint32_t>(open.initial.size());
  r.bindings_offset = static_cast<std::uint32_t>(out_.bindings.size());
  std::size_t h = 0;
  for (const ScopeBinding& b : open.initial) {
    out_.bindings.push_back(b);
    while (h < open.sub.size() && open.sub[h].variable == b.variable) {
      out_.bindings.push_back(open.sub[h++]);
    }
  }
  r.binding_count = static_cast<std::uint32_t>(out_.bindings.size() - r.bindings_offset);
  rs.open.pop_back();
  return true;
}

// One item of the generated ranges (top level or inside a range).
bool Decoder::range_item(const Item& item, RangeState& rs, bool split_form) {
  OpenRange* top = rs.open.empty() ? nullptr : &rs.open.back();
  const int phase = top != nullptr ? top->phase : 2;
  if (top != nullptr) top->phase = 2;  // unless the item is 'G' or 'I', set again below
  if (item.vendor) return true;
  const auto& v = item.values;
  switch (item.tag) {
    case kTagRangeStart: {
      if (v.empty()) return expect_count(item, "generated range start", 2);
      const std::uint32_t flags = v[0];
      const std::size_t want = 2 + ((flags & kRangeHasLine) ? 1 : 0) +
                               ((flags & kRangeHasDefinition) ? (split_form ? 2 : 1) : 0);
      if (!expect_count(item, "generated range start", want)) return false;
      GeneratedRange r;
      std::size_t k = 1;
      const std::uint32_t line = (flags & kRangeHasLine) ? v[k++] : 0;
      if (!advance(item, rs.position, line, v[k++])) return false;
      r.start = r.end = rs.position;
      if (flags & kRangeHasDefinition) {
        if (!split_form) {
          rs.definition += signed_value(v[k]);
          if (rs.definition < 0 || rs.definition >= static_cast<std::int64_t>(out_.scopes.size())) {
            return fail(item, "definition " + std::to_string(rs.definition) + " out of range (" +
                                  std::to_string(out_.scopes.size()) + " original scopes)");
          }
          r.definition = static_cast<std::uint32_t>(rs.definition);
        } else {
          const std::int64_t source_offset = signed_value(v[k]);
          rs.definition_source += source_offset;
          if (rs.definition_source < 0 || rs.definition_source >= source_count_) {
            return fail(item, "definition source " + std::to_string(rs.definition_source) +
                                  " out of range (" + std::to_string(source_count_) + " sources)");
          }
          const auto source = static_cast<std::uint32_t>(rs.definition_source);
          // The scope index is signed and relative within one source, unsigned and absolute
          // when the source changes (GeneratedRangeDefinition).
          if (source_offset == 0) {
            rs.definition_scope += signed_value(v[k + 1]);
          } else {
            rs.definition_scope = v[k + 1];
          }
          if (rs.definition_scope < 0 || rs.definition_scope >= source_size_[source]) {
            return fail(item, "definition scope " + std::to_string(rs.definition_scope) +
                                  " out of range (source " + std::to_string(source) + " has " +
                                  std::to_string(source_size_[source]) + " original scopes)");
          }
          r.definition = source_begin_[source] + static_cast<std::uint32_t>(rs.definition_scope);
        }
      }
      if ((flags & (kRangeIsStackFrame | kRangeIsHidden)) ==
          (kRangeIsStackFrame | kRangeIsHidden)) {
        r.stack_frame_type = StackFrameType::hidden;
      } else if (flags & kRangeIsStackFrame) {
        r.stack_frame_type = StackFrameType::original;
      } else if (flags & kRangeIsHidden) {
        return fail(item, "range flag 0x8 (hidden) without 0x4 (stack frame)");
      }
      r.parent = top != nullptr ? top->index : kNoScopeIndex;
      OpenRange open;
      open.index = static_cast<std::uint32_t>(out_.ranges.size());
      out_.ranges.push_back(r);
      rs.open.push_back(std::move(open));
      return true;
    }
    case kTagRangeEnd: {
      if (top == nullptr) return fail(item, "generated range end ('F') without a start");
      if (v.size() != 1 && v.size() != 2) {
        return fail(item, "generated range end: expected 1 or 2 values after the tag, got " +
                              std::to_string(v.size()));
      }
      const std::uint32_t line = v.size() == 2 ? v[0] : 0;
      if (!advance(item, rs.position, line, v.back())) return false;
      return close_range(rs, rs.position);
    }
    case kTagRangeBindings: {
      if (top == nullptr || phase != 0) {
        return fail(item, "bindings item ('G') not right after a range start");
      }
      if (v.empty()) return fail(item, "bindings item ('G') without expressions");
      const ScopePosition from = out_.ranges[top->index].start;
      for (std::size_t i = 0; i < v.size(); ++i) {
        ScopeBinding b;
        b.variable = static_cast<std::uint32_t>(i);
        b.from = from;
        if (!binding_expression(item, v[i], b.expression_index)) return false;
        top->initial.push_back(b);
      }
      top->phase = 1;
      return true;
    }
    case kTagCallSite: {
      if (top == nullptr || phase > 1) {
        return fail(item, "call site item ('I') not right after a range start or its bindings");
      }
      if (!expect_count(item, "call site", 3)) return false;
      if (v[0] >= source_count_) {
        return fail(item, "call site source " + std::to_string(v[0]) + " out of range (" +
                              std::to_string(source_count_) + " sources)");
      }
      GeneratedRange& r = out_.ranges[top->index];
      r.has_call_site = true;
      r.call_site_source = v[0];
      r.call_site_line = v[1];
      r.call_site_column = v[2];
      return true;
    }
    case kTagSubRangeBinding: {
      if (top == nullptr) return fail(item, "sub-range binding ('H') outside a range");
      if (v.size() < 4 || (v.size() - 1) % 3 != 0) {
        return fail(item,
                    "sub-range binding: expected a variable index and 3 values per "
                    "binding, got " +
                        std::to_string(v.size()) + " values");
      }
      if (v[0] >= top->initial.size()) {
        return fail(item, "sub-range binding for variable " + std::to_string(v[0]) +
                              ", the range binds " + std::to_string(top->initial.size()));
      }
      ScopePosition from = out_.ranges[top->index].start;
      for (std::size_t i = 1; i < v.size(); i += 3) {
        ScopeBinding b;
        b.variable = v[0];
        if (!advance(item, from, v[i], v[i + 1])) return false;
        b.from = from;
        if (!binding_expression(item, v[i + 2], b.expression_index)) return false;
        top->sub.push_back(b);
      }
      return true;
    }
    default:
      // InvalidItem (combined: a tag past 'I') / InvalidRangeItem (split: any tag but 'E'..'I').
      if (!split_form && item.tag <= kLastKnownTag) {
        return fail(item, "tag " + std::to_string(item.tag) + " in the generated ranges");
      }
      return true;
  }
}

bool Decoder::combined(std::string_view text) {
  start_string("scopes", text);
  ScopeState st;
  RangeState rs;
  bool in_ranges = false;
  std::uint32_t tree = 0;  // next source to get a tree
  Item item;
  for (;;) {
    bool have = false;
    if (!next(item, have)) return false;
    if (!have) break;
    if (!in_ranges && st.open.empty()) {
      const bool empty_item = !item.vendor && item.tag == kTagEmpty && item.values.empty();
      const bool start = !item.vendor && item.tag == kTagScopeStart;
      if (empty_item || start) {
        if (tree >= source_count_) {
          return fail(item, "more original scope trees than the " + std::to_string(source_count_) +
                                " sources");
        }
        if (empty_item) {
          ++tree;
          continue;
        }
        // Each top-level tree starts from (0, 0); name, kind and variable indices carry on.
        st.position = {};
        st.source = tree;
        source_begin_[tree] = static_cast<std::uint32_t>(out_.scopes.size());
        ++tree;
      } else {
        in_ranges = true;  // the first item that is neither 'A' nor 'B' starts TopLevelItemList
      }
    }
    if (!in_ranges) {
      if (!scope_item(item, st, false)) return false;
      source_size_[st.source] =
          static_cast<std::uint32_t>(out_.scopes.size()) - source_begin_[st.source];
      continue;
    }
    if (!range_item(item, rs, false)) return false;
  }
  if (!st.open.empty()) return fail_unclosed("original scope(s)", st.open.size());
  if (!rs.open.empty()) return fail_unclosed("generated range(s)", rs.open.size());
  return true;
}

bool Decoder::split(std::span<const std::optional<std::string_view>> scopes,
                    std::optional<std::string_view> ranges) {
  const std::size_t n = std::min<std::size_t>(scopes.size(), source_count_);
  Item item;
  for (std::size_t i = 0; i < n; ++i) {
    if (!scopes[i]) continue;
    start_string("scopes[" + std::to_string(i) + "]", *scopes[i]);
    ScopeState st;
    st.source = static_cast<std::uint32_t>(i);
    source_begin_[i] = static_cast<std::uint32_t>(out_.scopes.size());
    for (;;) {
      bool have = false;
      if (!next(item, have)) return false;
      if (!have) break;
      if (!scope_item(item, st, true)) return false;
    }
    if (!st.open.empty()) return fail_unclosed("original scope(s)", st.open.size());
    source_size_[i] = static_cast<std::uint32_t>(out_.scopes.size()) - source_begin_[i];
  }
  if (ranges) {
    start_string("ranges", *ranges);
    RangeState rs;
    for (;;) {
      bool have = false;
      if (!next(item, have)) return false;
      if (!have) break;
      if (!range_item(item, rs, true)) return false;
    }
    if (!rs.open.empty()) return fail_unclosed("generated range(s)", rs.open.size());
  }
  return true;
}

Result<Ok> finish(bool ok, Decoder& d, ScopesModel& out) {
  if (ok) return Ok{};
  out = ScopesModel{};
  return d.take_error();
}

}  // namespace

Result<Ok> decode_scopes_combined(std::string_view scopes, std::uint32_t source_count,
                                  std::uint32_t name_count, ScopesModel& out) {
  out = ScopesModel{};
  Decoder d(source_count, name_count, out);
  const bool ok = d.combined(scopes);
  return finish(ok, d, out);
}

Result<Ok> decode_scopes_split(std::span<const std::optional<std::string_view>> scopes,
                               std::optional<std::string_view> ranges, std::uint32_t source_count,
                               std::uint32_t name_count, ScopesModel& out) {
  out = ScopesModel{};
  Decoder d(source_count, name_count, out);
  const bool ok = d.split(scopes, ranges);
  return finish(ok, d, out);
}

}  // namespace smcache::detail
