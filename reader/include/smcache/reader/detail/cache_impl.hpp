// Implementation of smcache::Cache (cache.hpp): mapping, validation on open, lookups, sources,
// verify(). Header-only; included at the end of cache.hpp.
//
// Three depths of checking (SPEC.md §8): open() checks the header and directory, O(sections),
// in the order of SPEC §8.1; every value read from a section is checked before it is used as an
// index, offset or size (R-USE-1: a failed check gives "no answer", never UB); verify() checks
// every checksum and cross-reference, O(file size). Integer bounds are written as
// `size <= total && offset <= total - size`, never `offset + size <= total`.
#pragma once

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/interprocess/exceptions.hpp>
#include <boost/interprocess/file_mapping.hpp>
#include <boost/interprocess/mapped_region.hpp>

#include <smcache/format/checksum.hpp>
#include <smcache/format/error.hpp>
#include <smcache/format/layout.hpp>
#include <smcache/reader/cache.hpp>

namespace smcache {
namespace detail {

// --- message building (validation failures only: never on the lookup path) ---

inline void append_part(std::string& s, std::string_view v) {
  s.append(v);
}
inline void append_part(std::string& s, const char* v) {
  s.append(v);
}
inline void append_part(std::string& s, const std::string& v) {
  s.append(v);
}
template <class T>
requires std::is_integral_v<T>
inline void append_part(std::string& s, T v) {
  s.append(std::to_string(v));
}

template <class... Parts>
std::string cat(const Parts&... parts) {
  std::string s;
  (append_part(s, parts), ...);
  return s;
}

inline std::string hex(std::uint64_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  char buf[18];  // "0x" and up to 16 digits, filled from the end
  std::size_t at = sizeof buf;
  do {
    buf[--at] = kDigits[v & 0xF];
    v >>= 4;
  } while (v != 0);
  buf[--at] = 'x';
  buf[--at] = '0';
  return std::string(buf + at, sizeof buf - at);
}

inline std::string hex_bytes(const std::uint8_t* p, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) s.push_back(' ');
    s.push_back(kDigits[p[i] >> 4]);
    s.push_back(kDigits[p[i] & 0xF]);
  }
  return s;
}

// "section 'token_data' [offset 4096, size 812]": how every section is named in messages.
inline std::string section_label(std::uint32_t id, std::uint64_t offset, std::uint64_t size) {
  const std::string_view name = format::section_name(id);
  std::string who = name == "unknown" ? cat("section id ", id) : cat("section '", name, "'");
  return cat(who, " [offset ", offset, ", size ", size, "]");
}

// Every failure of open() and verify() passes through check(): one breakpoint, one message
// format. The message is built only when the check fails.
class Validator {
 public:
  template <class MakeMessage>
  bool check(bool ok, Errc code, MakeMessage&& make_message) {
    if (ok) [[likely]]
      return true;
    fail(code, make_message());
    return false;
  }
  Error take() && { return std::move(error_); }

 private:
  void fail(Errc code, std::string message) {
    if (!failed_) error_ = make_error(code, std::move(message));
    failed_ = true;
  }
  bool failed_ = false;
  Error error_{};
};

inline std::string_view view(const std::uint8_t* p, std::uint64_t n) noexcept {
  return std::string_view(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
}

// Bytes of the terminator that ends `line` (the bytes of a line up to the next line start):
// "\r\n" 2, "\n" or "\r" 1, U+2028/U+2029 (E2 80 A8/A9) 3, none 0 (R-SRC-2).
inline std::size_t terminator_size(std::string_view line) noexcept {
  const std::size_t n = line.size();
  if (n >= 2 && line[n - 2] == '\r' && line[n - 1] == '\n') return 2;
  if (n >= 1 && (line[n - 1] == '\n' || line[n - 1] == '\r')) return 1;
  if (n >= 3 && static_cast<unsigned char>(line[n - 3]) == 0xE2 &&
      static_cast<unsigned char>(line[n - 2]) == 0x80 &&
      (static_cast<unsigned char>(line[n - 1]) == 0xA8 ||
       static_cast<unsigned char>(line[n - 1]) == 0xA9)) {
    return 3;
  }
  return 0;
}

// Length of the line terminator starting at p[i] (0 if none), same terminators as above.
inline std::size_t terminator_at(const std::uint8_t* p, std::size_t i, std::size_t n) noexcept {
  if (p[i] == '\n') return 1;
  if (p[i] == '\r') return (i + 1 < n && p[i + 1] == '\n') ? 2 : 1;
  if (p[i] == 0xE2 && i + 2 < n && p[i + 1] == 0x80 && (p[i + 2] == 0xA8 || p[i + 2] == 0xA9)) {
    return 3;
  }
  return 0;
}

// One token block, decoded once and then read token by token. Valid only after
// Cache::Impl::open_block() returned true for it, which proved every field read in bounds.
struct BlockReader {
  const std::uint8_t* data = nullptr;                 // token_data
  std::uint64_t field_bit[format::kFieldCount] = {};  // bit of field f of token 0
  std::uint32_t base[format::kFieldCount] = {};
  std::uint32_t width[format::kFieldCount] = {};
  std::uint32_t first = 0;  // index of token 0 of the block
  std::uint32_t count = 0;  // tokens in the block

  std::uint32_t field(std::uint32_t f, std::uint32_t j) const noexcept {
    return base[f] + format::load_bits(
                         data, field_bit[f] + static_cast<std::uint64_t>(j) * width[f], width[f]);
  }
};

}  // namespace detail

struct Cache::Impl {
  // The mapping (open) or nothing (from_bytes: the caller owns the bytes).
  boost::interprocess::mapped_region region;
  const std::uint8_t* data = nullptr;
  std::uint64_t size = 0;
  format::FileHeader header{};
  std::vector<SectionView> sections;  // the whole directory, in file order

  // Required sections by id (index 0 unused), and the per-file constants lookups need.
  struct Span {
    const std::uint8_t* p = nullptr;
    std::uint64_t size = 0;
  };
  Span section[format::kRequiredSectionCount + 1];
  std::size_t section_position[format::kRequiredSectionCount + 1] = {};  // into `sections`
  const std::uint8_t* line_index = nullptr;
  const std::uint8_t* blocks = nullptr;
  const std::uint8_t* token_data = nullptr;
  std::uint64_t token_payload = 0;  // token_data size minus the padding: a field must start below
  std::uint64_t line_start_count = 0;
  std::uint32_t token_count = 0;
  std::uint32_t line_count = 0;
  std::uint32_t source_count = 0;
  std::uint32_t string_count = 0;
  std::uint32_t string_width = 0;
  std::uint32_t block_size = 0;
  std::uint32_t block_shift = 0;
  std::uint32_t block_mask = 0;
  std::uint32_t block_count = 0;
  // The optional `functions` section (format 1.1, id 9): null and 0 when the file has none.
  const std::uint8_t* functions = nullptr;
  std::uint32_t function_count = 0;
  std::size_t functions_position = 0;  // into `sections`, when functions != nullptr
  // The optional `scope_ranges` section (format 1.2, id 10): null and 0 when the file has none.
  const std::uint8_t* scope_ranges = nullptr;
  std::uint32_t scope_range_count = 0;
  std::size_t scope_ranges_position = 0;  // into `sections`, when scope_ranges != nullptr
  // The optional `generated_functions` section (format 1.3, id 11): null and 0 when none.
  const std::uint8_t* generated_functions = nullptr;
  std::uint32_t generated_function_count = 0;
  std::size_t generated_functions_position = 0;  // into `sections`, when present

  Result<Ok> init(const std::uint8_t* bytes, std::uint64_t byte_count);
  Result<Ok> verify() const;

  // --- at-use accessors: each checks what it reads from the file, false/nullopt if corrupt ---

  // line_index[k], k <= line_count (the section size was checked on open).
  std::uint32_t line_entry(std::uint32_t k) const noexcept {
    return format::load_le<std::uint32_t>(line_index + 4 * static_cast<std::size_t>(k));
  }

  // Tokens [lo, hi) of generated line `line`; false past the end or if line_index is corrupt.
  bool line_range(std::uint32_t line, std::uint32_t& lo, std::uint32_t& hi) const noexcept {
    if (line >= line_count) return false;
    lo = line_entry(line);
    hi = line_entry(line + 1);
    return lo <= hi && hi <= token_count;
  }

  // The generated line of token i (i < token_count): the last line whose first token is <= i.
  bool line_of(std::uint32_t i, std::uint32_t& line) const noexcept {
    std::uint32_t first = 0, count = line_count + 1;  // entries 0..line_count
    while (count > 0) {
      const std::uint32_t step = count / 2;
      if (line_entry(first + step) <= i) {
        first += step + 1;
        count -= step + 1;
      } else {
        count = step;
      }
    }
    if (first == 0 || first > line_count) return false;  // li[0] > i or i past li[last]
    line = first - 1;
    return true;
  }

  // Generated column of token i (i < token_count), reading only field 0 of its block: the hot
  // path decodes three header words, not the whole block record.
  bool column(std::uint32_t i, std::uint32_t& out) const noexcept {
    const std::uint8_t* b = blocks + (static_cast<std::size_t>(i >> block_shift) << 5);
    const std::uint32_t w = b[24];
    const std::uint64_t bit = static_cast<std::uint64_t>(format::load_le<std::uint32_t>(b)) * 8 +
                              static_cast<std::uint64_t>(i & block_mask) * w;
    // R-TOK-1 at use: 8 bytes from the field's first byte stay inside token_data.
    if (w > format::kMaxFieldWidth || (bit >> 3) > token_payload) [[unlikely]]
      return false;
    out = format::load_le<std::uint32_t>(b + 4) + format::load_bits(token_data, bit, w);
    return true;
  }

  // First index p in [lo, hi) with column(p) > col (kUpper) or >= col (!kUpper); hi if none.
  // Columns are sorted within a line (R-TOK-2). Two levels, so that a probe over a long line
  // touches one 32-byte block record instead of a record and the token data:
  //  1. over the blocks that lie wholly inside [lo, hi), keyed by base[0]. base[0] is the
  //     block's minimum column (value = base + bits, R-TOK-7), which for a block whose tokens
  //     all lie on this line is its first token's column (SPEC §6.7: base is the minimum). The
  //     first block whose key is not before col starts at or after the answer (its first
  //     column >= its key); the block before it holds the answer unless its first token is
  //     not before col, which is read to be exact whatever the bases are. The partial blocks
  //     at the ends of [lo, hi) (shared with other lines, so their base is not this line's)
  //     are never keyed: they are left to step 2.
  //  2. over what remains, usually one block: its column header is decoded once. A range that
  //     still spans blocks (the last whole block and the partial one after it, or a file whose
  //     bases are below their blocks' minimum) is probed token by token until it lies in one.
  template <bool kUpper>
  bool partition(std::uint32_t lo, std::uint32_t hi, std::uint32_t col,
                 std::uint32_t& out) const noexcept {
    const auto before = [col](std::uint32_t v) { return kUpper ? v <= col : v < col; };
    // Blocks [whole_first, whole_end) lie wholly inside [lo, hi) (hi <= token_count, so each is
    // < block_count and its record inside token_blocks, R-SEC-1).
    const std::uint32_t whole_first = (lo >> block_shift) + ((lo & block_mask) != 0 ? 1 : 0);
    const std::uint32_t whole_end = hi >> block_shift;
    if (whole_first + 1 < whole_end) {  // one whole block: nothing to gain
      // Branch-free (the comparisons are unpredictable), prefetching the records of the next
      // two probes whichever way the comparisons go (6 records): the records of a long line do
      // not stay in the cache between lookups. (One probe ahead, or three, measured slower.)
      const std::uint8_t* const keys = blocks + 4;  // base[0] of record b at keys + 32 * b
      const auto key = [keys](std::uint32_t b) {
        return format::load_le<std::uint32_t>(keys + (static_cast<std::size_t>(b) << 5));
      };
      std::uint32_t b_first = whole_first, b_count = whole_end - whole_first;
      while (b_count > 1) {
        const std::uint32_t half = b_count / 2;
        const std::uint32_t h1 = (b_count - half) / 2;
        const std::uint32_t h2 = (b_count - half - h1) / 2;
        __builtin_prefetch(keys + (static_cast<std::size_t>(b_first + h1) << 5));
        __builtin_prefetch(keys + (static_cast<std::size_t>(b_first + half + h1) << 5));
        __builtin_prefetch(keys + (static_cast<std::size_t>(b_first + h2) << 5));
        __builtin_prefetch(keys + (static_cast<std::size_t>(b_first + h1 + h2) << 5));
        __builtin_prefetch(keys + (static_cast<std::size_t>(b_first + half + h2) << 5));
        __builtin_prefetch(keys + (static_cast<std::size_t>(b_first + half + h1 + h2) << 5));
        b_first = before(key(b_first + half)) ? b_first + half : b_first;
        b_count -= half;
      }
      b_first += before(key(b_first)) ? 1 : 0;
      // Tokens from block b_first on are not before col: the answer is <= its first token.
      if (b_first < whole_end) hi = b_first << block_shift;
      if (b_first > whole_first) {
        // Search from block b_first - 1's first token t on: in a well-formed file t's column
        // is the block's key, which is before col, so the answer is after t and this search is
        // the last. Otherwise (a base below its block's minimum) the answer is at or before t.
        // Searching first and checking t after keeps t's load off the critical path.
        const std::uint32_t t = (b_first - 1) << block_shift;
        std::uint32_t p;
        if (!partition_range<kUpper>(t, hi, col, p)) return false;
        if (p > t) {
          out = p;  // t's column is before col, and so is every column of [lo, t] (sorted)
          return true;
        }
        hi = t;  // t's column is not before col: the answer is in [lo, t]
      }
    }
    return partition_range<kUpper>(lo, hi, col, out);
  }

  // partition() over [lo, hi) probing token by token while the range spans blocks, then within
  // one block with its column header decoded once.
  template <bool kUpper>
  bool partition_range(std::uint32_t lo, std::uint32_t hi, std::uint32_t col,
                       std::uint32_t& out) const noexcept {
    const auto before = [col](std::uint32_t v) { return kUpper ? v <= col : v < col; };
    std::uint32_t first = lo, count = hi - lo;
    while (count > 0) {
      const std::uint32_t last = first + count - 1;
      if ((first >> block_shift) == (last >> block_shift)) {
        const std::uint8_t* b = blocks + (static_cast<std::size_t>(first >> block_shift) << 5);
        const std::uint32_t w = b[24];
        const std::uint32_t base = format::load_le<std::uint32_t>(b + 4);
        const std::uint64_t bit0 =
            static_cast<std::uint64_t>(format::load_le<std::uint32_t>(b)) * 8;
        const std::uint64_t last_bit = bit0 + static_cast<std::uint64_t>(last & block_mask) * w;
        if (w > format::kMaxFieldWidth || (last_bit >> 3) > token_payload) [[unlikely]]
          return false;
        const auto value = [&](std::uint32_t it) {
          return base + format::load_bits(
                            token_data, bit0 + static_cast<std::uint64_t>(it & block_mask) * w, w);
        };
        while (count > 1) {  // branch-free, as in partition()
          const std::uint32_t half = count / 2;
          first = before(value(first + half)) ? first + half : first;
          count -= half;
        }
        first += before(value(first)) ? 1 : 0;  // count is 1 here
        break;
      }
      const std::uint32_t step = count / 2;
      const std::uint32_t it = first + step;
      std::uint32_t v;
      if (!column(it, v)) return false;
      if (before(v)) {
        first = it + 1;
        count -= step + 1;
      } else {
        count = step;
      }
    }
    out = first;
    return true;
  }

  // Decodes block b's record and proves every field of every token in it readable
  // (R-TOK-1 at use: widths <= 32, data inside token_data minus the padding).
  bool open_block(std::uint32_t b, detail::BlockReader& r) const noexcept {
    if (b >= block_count) return false;
    const format::TokenBlock blk =
        format::load_token_block(blocks + static_cast<std::size_t>(b) * 32);
    r.data = token_data;
    r.first = b << block_shift;
    r.count = std::min(block_size, token_count - r.first);
    std::uint64_t bits = static_cast<std::uint64_t>(blk.data_offset) * 8;
    for (std::uint32_t f = 0; f < format::kFieldCount; ++f) {
      if (blk.width[f] > format::kMaxFieldWidth) return false;
      r.base[f] = blk.base[f];
      r.width[f] = blk.width[f];
      r.field_bit[f] = bits;
      bits += static_cast<std::uint64_t>(blk.width[f]) * r.count;
    }
    return blk.data_offset <= token_payload &&
           format::block_data_size(blk.width, r.count) <= token_payload - blk.data_offset;
  }

  // String i of the string table (R-STR-1 at use).
  bool string(std::uint32_t i, std::string_view& out) const noexcept {
    if (i >= string_count) return false;
    const std::uint8_t* p = section[1].p + static_cast<std::size_t>(i) * string_width;
    const std::uint32_t start = format::load_le_width(p, string_width);
    const std::uint32_t end = format::load_le_width(p + string_width, string_width);
    if (start > end || end > section[2].size) return false;
    out = detail::view(section[2].p + start, end - start);
    return true;
  }

  // A string index that may be kNone (an optional name): nullopt for kNone, else string i;
  // false if i is unreadable.
  bool optional_string(std::uint32_t i, std::optional<std::string_view>& out) const noexcept {
    out.reset();
    if (i == format::kNone) return true;
    std::string_view v;
    if (!string(i, v)) return false;
    out = v;
    return true;
  }

  format::SourceRecord source_record(std::uint32_t index) const noexcept {
    return format::load_source_record(section[3].p + static_cast<std::size_t>(index) * 32);
  }

  // The content of a source record, if it has content that lies inside source_content.
  bool content(const format::SourceRecord& r, std::string_view& out) const noexcept {
    if (!(r.flags & format::kSourceHasContent)) return false;
    const std::uint64_t total = section[5].size;
    if (r.content_size > total || r.content_offset > total - r.content_size) return false;
    out = detail::view(section[5].p + r.content_offset, r.content_size);
    return true;
  }

  // The source part of a token (name, ignored) for source index s < source_count; false if its
  // name is unreadable. Iteration memoizes it: consecutive tokens mostly share a source.
  struct SourceMemo {
    std::uint32_t index = format::kNone;
    std::string_view name;
    bool ignored = false;
  };
  bool resolve_source(std::uint32_t s, SourceMemo& memo) const noexcept {
    if (memo.index == s) return true;
    const format::SourceRecord rec = source_record(s);
    std::string_view name;
    if (rec.name_string_index != format::kNone && !string(rec.name_string_index, name)) {
      return false;
    }
    memo = SourceMemo{s, name, (rec.flags & format::kSourceIgnored) != 0};
    return true;
  }

  // Token j of an opened block, on generated line `line`. False if an index it holds is out of
  // range (R-TOK-3 at use) or its strings are unreadable (R-STR-1, R-SRC-1 at use).
  bool decode(const detail::BlockReader& r, std::uint32_t j, std::uint32_t line, Token& t,
              SourceMemo& memo) const noexcept {
    t.generated_line = line;
    t.generated_column = r.field(format::kFieldGeneratedColumn, j);
    const std::uint32_t source_field = r.field(format::kFieldSource, j);
    const std::uint32_t name_field = r.field(format::kFieldName, j);
    if (source_field != 0) {
      const std::uint32_t s = source_field - 1;
      if (s >= source_count || !resolve_source(s, memo)) return false;
      t.source_index = s;
      t.line = r.field(format::kFieldLine, j);
      t.column = r.field(format::kFieldColumn, j);
      t.source = memo.name;
      t.ignored = memo.ignored;
    } else {
      t.source_index = format::kNone;
      t.line = 0;
      t.column = 0;
      t.source = {};
      t.ignored = false;
    }
    if (name_field != 0) {
      std::string_view name;
      if (!string(name_field - 1, name)) return false;
      t.name = name;
    } else {
      t.name.reset();
    }
    return true;
  }

  bool decode(std::uint32_t i, std::uint32_t line, Token& t) const noexcept {
    if (i >= token_count) return false;
    detail::BlockReader r;
    SourceMemo memo;
    return open_block(i >> block_shift, r) && decode(r, i & block_mask, line, t, memo);
  }

  // Function record i < function_count (the section size was checked on open).
  format::FunctionRecord function_record(std::uint32_t i) const noexcept {
    return format::load_function_record(functions + static_cast<std::size_t>(i) * 32);
  }

  // Scope range record i < scope_range_count (the section size was checked on open).
  format::ScopeRangeRecord scope_range_record(std::uint32_t i) const noexcept {
    return format::load_scope_range_record(scope_ranges + static_cast<std::size_t>(i) *
                                                              sizeof(format::ScopeRangeRecord));
  }

  // Generated function record i < generated_function_count (size checked on open).
  format::GeneratedFunctionRecord generated_function_record(std::uint32_t i) const noexcept {
    return format::load_generated_function_record(generated_functions +
                                                  static_cast<std::size_t>(i) *
                                                      sizeof(format::GeneratedFunctionRecord));
  }

  // Record i as a GeneratedFunction; false if its name is unreadable (R-GFN-2, R-STR-1 at use).
  bool generated_function_info(std::uint32_t i, const format::GeneratedFunctionRecord& r,
                               GeneratedFunction& out) const noexcept {
    out.index = i;
    out.start_line = r.start_line;
    out.start_column = r.start_column;
    out.end_line = r.end_line;
    out.end_column = r.end_column;
    out.parent = r.parent;
    return optional_string(r.name_string_index, out.name);
  }

  // Record i as a ScopeRange; false if its name is unreadable (R-SCP-2, R-STR-1 at use).
  bool scope_range_info(std::uint32_t i, const format::ScopeRangeRecord& r,
                        ScopeRange& out) const noexcept {
    out.index = i;
    out.start_line = r.start_line;
    out.start_column = r.start_column;
    out.end_line = r.end_line;
    out.end_column = r.end_column;
    out.parent = r.parent;
    out.call_site_source_index = r.call_site_source_index;
    out.call_site_line = r.call_site_line;
    out.call_site_column = r.call_site_column;
    out.flags = r.flags;
    return optional_string(r.name_string_index, out.name);
  }

  // Record i as a FunctionInfo; false if its name is unreadable (R-FN-2, R-STR-1 at use).
  bool function_info(std::uint32_t i, const format::FunctionRecord& r,
                     FunctionInfo& out) const noexcept {
    out.index = i;
    out.source_index = r.source_index;
    out.start_line = r.start_line;
    out.start_column = r.start_column;
    out.end_line = r.end_line;
    out.end_column = r.end_column;
    out.parent = r.parent;
    return optional_string(r.name_string_index, out.name);
  }
};

namespace detail {
// (line, column) order of original positions.
inline bool position_less(std::uint32_t line_a, std::uint32_t column_a, std::uint32_t line_b,
                          std::uint32_t column_b) noexcept {
  return line_a < line_b || (line_a == line_b && column_a < column_b);
}

// The innermost of `count` nested ranges sorted by start (scope ranges, generated functions) that
// contains (line, column): the last record that starts at or before it, then up its parents
// (only to smaller indices, at most `max_depth` steps: a corrupt chain ends) to the first that
// contains it. `record(i)` loads record i. O(log count + max_depth). The index, or nullopt.
template <class Load>
std::optional<std::uint32_t> innermost_range(std::uint32_t count, std::uint32_t line,
                                             std::uint32_t column, std::uint32_t max_depth,
                                             const Load& record) noexcept {
  std::uint32_t first = 0;
  while (count > 0) {  // first record that starts after (line, column)
    const std::uint32_t step = count / 2;
    const auto r = record(first + step);
    if (!position_less(line, column, r.start_line, r.start_column)) {
      first += step + 1;
      count -= step + 1;
    } else {
      count = step;
    }
  }
  if (first == 0) return std::nullopt;
  std::uint32_t i = first - 1;
  for (std::uint32_t steps = 0; steps < max_depth; ++steps) {
    const auto r = record(i);
    if (!position_less(line, column, r.start_line, r.start_column) &&
        position_less(line, column, r.end_line, r.end_column)) {
      return i;
    }
    if (r.parent == format::kNone || r.parent >= i) return std::nullopt;
    i = r.parent;
  }
  return std::nullopt;
}
}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Open: header and directory only, O(sections)
// ---------------------------------------------------------------------------------------------
inline Result<Ok> Cache::Impl::init(const std::uint8_t* bytes, std::uint64_t byte_count) {
  using format::kMagic;
  detail::Validator v;
  data = bytes;
  size = byte_count;

  // R-HDR-1: the magic first, over what there is of it, so that a short text file is
  // "not a cache" rather than "truncated". An empty file is truncated.
  const std::size_t magic_bytes = static_cast<std::size_t>(std::min<std::uint64_t>(size, 8));
  if (!v.check(std::equal(data, data + magic_bytes, kMagic.begin()), Errc::not_a_cache, [&] {
        return detail::cat("not an smcache file: bad magic ", detail::hex_bytes(data, magic_bytes));
      })) {
    return std::move(v).take();
  }
  if (!v.check(size >= sizeof(format::FileHeader), Errc::truncated, [&] {
        return detail::cat("file is ", size, " bytes, header needs ", sizeof(format::FileHeader));
      })) {
    return std::move(v).take();
  }
  const format::FileHeader& h = header = format::load_header(data);

  // R-HDR-2
  if (!v.check(h.format_major == format::kFormatMajor, Errc::unsupported_version, [&] {
        return detail::cat("format version ", h.format_major, ".", h.format_minor,
                           " (this reader reads ", format::kFormatMajor, ".x)");
      })) {
    return std::move(v).take();
  }
  // R-HDR-3
  if (!v.check(h.byte_order_mark == format::kByteOrderMark, Errc::corrupt, [&] {
        return detail::cat("header: byte order mark ", detail::hex(h.byte_order_mark),
                           ", expected ", detail::hex(format::kByteOrderMark));
      })) {
    return std::move(v).take();
  }
  // R-HDR-4: a later minor may grow the header; this reader reads the first 128 bytes and finds
  // the directory at header_size.
  if (!v.check(h.header_size >= sizeof(format::FileHeader), Errc::corrupt, [&] {
        return detail::cat("header: header_size ", h.header_size, " is less than ",
                           sizeof(format::FileHeader));
      })) {
    return std::move(v).take();
  }
  // R-HDR-5
  const std::uint32_t unknown_features = h.required_features & ~format::kKnownRequiredFeatures;
  if (!v.check(unknown_features == 0, Errc::unsupported_feature, [&] {
        return detail::cat("required feature bits ", detail::hex(unknown_features), " unknown");
      })) {
    return std::move(v).take();
  }
  // R-HDR-6
  if (!v.check(
          h.file_size <= size, Errc::truncated,
          [&] { return detail::cat("file is ", size, " bytes, header says ", h.file_size); }) ||
      !v.check(h.file_size == size, Errc::corrupt,
               [&] {
                 return detail::cat("file is ", size, " bytes, header says ", h.file_size,
                                    " (trailing bytes)");
               }) ||
      !v.check(h.file_size % format::kSectionAlignment == 0, Errc::corrupt, [&] {
        return detail::cat("header: file_size ", h.file_size, " is not a multiple of ",
                           format::kSectionAlignment);
      })) {
    return std::move(v).take();
  }
  // R-HDR-7: reserved bytes are zero in minor 0; a later minor may give them a meaning.
  if (h.format_minor == 0) {
    std::size_t nonzero = sizeof h.reserved;
    for (std::size_t i = 0; i < sizeof h.reserved; ++i) {
      if (h.reserved[i] != 0) {
        nonzero = i;
        break;
      }
    }
    if (!v.check(nonzero == sizeof h.reserved, Errc::corrupt, [&] {
          return detail::cat("header: reserved byte ",
                             offsetof(format::FileHeader, reserved) + nonzero, " is ",
                             h.reserved[nonzero], ", must be 0");
        })) {
      return std::move(v).take();
    }
  }
  // R-HDR-8
  if (!v.check(h.block_token_count >= 1 && h.block_token_count <= format::kMaxBlockTokenCount &&
                   std::has_single_bit(h.block_token_count),
               Errc::corrupt,
               [&] {
                 return detail::cat("header: block_token_count ", h.block_token_count,
                                    " is not a power of two in 1..", format::kMaxBlockTokenCount);
               }) ||
      !v.check(
          h.string_offset_width == 1 || h.string_offset_width == 2 || h.string_offset_width == 4,
          Errc::corrupt, [&] {
            return detail::cat("header: string_offset_width ", h.string_offset_width,
                               " is not 1, 2 or 4");
          })) {
    return std::move(v).take();
  }
  // R-DIR-1: division, not multiplication, so a huge section_count cannot wrap.
  const std::uint64_t directory_offset = h.header_size;
  if (!v.check(directory_offset <= size && h.section_count <= (size - directory_offset) / 32,
               Errc::truncated, [&] {
                 return detail::cat("directory of ", h.section_count, " sections at offset ",
                                    directory_offset, " ends past end of file (", size, " bytes)");
               })) {
    return std::move(v).take();
  }
  const std::uint64_t directory_end = directory_offset + 32ull * h.section_count;
  // R-HDR-9
  const std::uint64_t computed =
      format::header_checksum(data, static_cast<std::size_t>(directory_end));
  if (!v.check(computed == h.header_checksum, Errc::checksum_mismatch, [&] {
        return detail::cat("header: checksum mismatch (stored ", detail::hex(h.header_checksum),
                           ", computed ", detail::hex(computed), ")");
      })) {
    return std::move(v).take();
  }
  // R-HDR-10
  const auto string_ok = [&](std::uint32_t i) { return i == format::kNone || i < h.string_count; };
  if (!v.check(string_ok(h.file_string_index), Errc::corrupt,
               [&] {
                 return detail::cat("header: file_string_index ", h.file_string_index,
                                    " out of range (", h.string_count, " strings)");
               }) ||
      !v.check(string_ok(h.debug_id_string_index), Errc::corrupt, [&] {
        return detail::cat("header: debug_id_string_index ", h.debug_id_string_index,
                           " out of range (", h.string_count, " strings)");
      })) {
    return std::move(v).take();
  }

  // --- directory ---
  sections.reserve(h.section_count);
  std::uint64_t previous_end = directory_end;
  std::uint32_t previous_id = 0;
  for (std::uint32_t k = 0; k < h.section_count; ++k) {
    const format::SectionEntry e = format::load_section_entry(data + directory_offset + 32ull * k);
    const auto label = [&] { return detail::section_label(e.id, e.offset, e.size); };
    // R-DIR-2
    if (!v.check(k == 0 || e.id > previous_id, Errc::corrupt,
                 [&] {
                   return detail::cat("directory entry ", k, ": section id ", e.id, " after id ",
                                      previous_id, " (ids must increase)");
                 }) ||
        // R-DIR-4
        !v.check(
            e.reserved0 == 0, Errc::corrupt,
            [&] { return detail::cat(label(), ": reserved0 is ", e.reserved0, ", must be 0"); }) ||
        // R-DIR-3
        !v.check(e.offset % format::kSectionAlignment == 0, Errc::corrupt,
                 [&] { return detail::cat(label(), " is not 8-aligned"); }) ||
        !v.check(
            e.size <= size && e.offset <= size - e.size, Errc::truncated,
            [&] { return detail::cat(label(), " ends past end of file (", size, " bytes)"); }) ||
        // R-DIR-5: in directory order after the directory, so no two can overlap.
        !v.check(e.offset >= previous_end, Errc::corrupt, [&] {
          return detail::cat(
              label(), " overlaps ",
              k == 0 ? std::string("the header and directory")
                     : detail::cat("the previous section (ends at ", previous_end, ")"));
        })) {
      return std::move(v).take();
    }
    previous_end = e.offset + e.size;
    previous_id = e.id;
    sections.push_back(SectionView{e.id, format::section_name(e.id), e.offset, e.size, e.checksum});
    // R-CMP-1: a section of an unknown id passed the checks above and is otherwise ignored.
    if (e.id >= 1 && e.id <= format::kRequiredSectionCount) {
      section[e.id] = Span{data + e.offset, e.size};
      section_position[e.id] = sections.size();  // 1-based: 0 = missing
    } else if (e.id == static_cast<std::uint32_t>(format::SectionId::functions)) {
      functions = data + e.offset;
      functions_position = sections.size() - 1;
    } else if (e.id == static_cast<std::uint32_t>(format::SectionId::scope_ranges)) {
      scope_ranges = data + e.offset;
      scope_ranges_position = sections.size() - 1;
    } else if (e.id == static_cast<std::uint32_t>(format::SectionId::generated_functions)) {
      generated_functions = data + e.offset;
      generated_functions_position = sections.size() - 1;
    }
  }
  // R-DIR-6
  for (std::uint32_t id = 1; id <= format::kRequiredSectionCount; ++id) {
    if (!v.check(section_position[id] != 0, Errc::corrupt, [&] {
          return detail::cat("missing section '", format::section_name(id), "' (id ", id, ")");
        })) {
      return std::move(v).take();
    }
    --section_position[id];
  }

  // R-SEC-1: exact sizes. Counts are u32 and widths small, so the products fit in u64.
  block_size = h.block_token_count;
  block_shift = static_cast<std::uint32_t>(std::countr_zero(block_size));
  block_mask = block_size - 1;
  block_count = (h.token_count >> block_shift) + ((h.token_count & block_mask) != 0 ? 1 : 0);
  // `why` builds the explanation only when the size is wrong.
  const auto expect_size = [&](std::uint32_t id, std::uint64_t expected, auto why) {
    const SectionView& s = sections[section_position[id]];
    return v.check(s.size == expected, Errc::corrupt, [&] {
      return detail::cat(detail::section_label(id, s.offset, s.size), ": size must be ", expected,
                         " (", why(), ")");
    });
  };
  if (!expect_size(1, std::uint64_t{h.string_offset_width} * (std::uint64_t{h.string_count} + 1),
                   [&] {
                     return detail::cat(h.string_offset_width, " x (", h.string_count,
                                        " strings + 1)");
                   }) ||
      !expect_size(3, 32ull * h.source_count,
                   [&] { return detail::cat("32 x ", h.source_count, " sources"); }) ||
      !expect_size(6, 4ull * (std::uint64_t{h.generated_line_count} + 1),
                   [&] { return detail::cat("4 x (", h.generated_line_count, " lines + 1)"); }) ||
      !expect_size(7, 32ull * block_count, [&] {
        return detail::cat("32 x ", block_count, " blocks of ", block_size, " tokens");
      })) {
    return std::move(v).take();
  }
  if (!v.check(section[4].size % 4 == 0, Errc::corrupt,
               [&] {
                 const SectionView& s = sections[section_position[4]];
                 return detail::cat(detail::section_label(4, s.offset, s.size),
                                    ": size is not a multiple of 4");
               }) ||
      !v.check(section[8].size >= format::kTokenDataPadding, Errc::corrupt, [&] {
        const SectionView& s = sections[section_position[8]];
        return detail::cat(detail::section_label(8, s.offset, s.size), ": size is less than ",
                           format::kTokenDataPadding, " (the padding)");
      })) {
    return std::move(v).take();
  }

  // R-FN-1, R-SCP-1, R-GFN-1: each optional table section holds whole records (of 32, 40 and 32
  // bytes), fewer than kNone of them.
  const auto record_count = [&](const std::uint8_t* data, std::size_t position,
                                std::size_t record_size, std::uint32_t& count) {
    if (data == nullptr) return true;
    const SectionView& s = sections[position];
    if (!v.check(
            s.size % record_size == 0 && s.size / record_size < format::kNone, Errc::corrupt, [&] {
              return detail::cat(detail::section_label(s.id, s.offset, s.size),
                                 ": size is not a multiple of ", record_size, " (whole records)");
            })) {
      return false;
    }
    count = static_cast<std::uint32_t>(s.size / record_size);
    return true;
  };
  if (!record_count(functions, functions_position, sizeof(format::FunctionRecord),
                    function_count) ||
      !record_count(scope_ranges, scope_ranges_position, sizeof(format::ScopeRangeRecord),
                    scope_range_count) ||
      !record_count(generated_functions, generated_functions_position,
                    sizeof(format::GeneratedFunctionRecord), generated_function_count)) {
    return std::move(v).take();
  }

  line_index = section[6].p;
  blocks = section[7].p;
  token_data = section[8].p;
  token_payload = section[8].size - format::kTokenDataPadding;
  line_start_count = section[4].size / 4;
  token_count = h.token_count;
  line_count = h.generated_line_count;
  source_count = h.source_count;
  string_count = h.string_count;
  string_width = h.string_offset_width;
  return Ok{};
}

// ---------------------------------------------------------------------------------------------
// verify(): every checksum and cross-reference, O(file size)
// ---------------------------------------------------------------------------------------------
inline Result<Ok> Cache::Impl::verify() const {
  detail::Validator v;
  const format::FileHeader& h = header;
  const std::uint64_t directory_end = std::uint64_t{h.header_size} + 32ull * h.section_count;

  // R-HDR-9 again (cheap), then R-SUM-1, each section's checksum (unknown ids too): a flipped
  // bit anywhere in the header, directory or section data is reported as a checksum mismatch
  // before anything it breaks.
  const std::uint64_t header_sum =
      format::header_checksum(data, static_cast<std::size_t>(directory_end));
  if (!v.check(header_sum == h.header_checksum, Errc::checksum_mismatch, [&] {
        return detail::cat("header: checksum mismatch (stored ", detail::hex(h.header_checksum),
                           ", computed ", detail::hex(header_sum), ")");
      })) {
    return std::move(v).take();
  }
  for (const SectionView& s : sections) {
    const std::uint64_t sum = format::checksum64(data + s.offset, static_cast<std::size_t>(s.size));
    if (!v.check(sum == s.checksum, Errc::checksum_mismatch, [&] {
          return detail::cat(detail::section_label(s.id, s.offset, s.size),
                             ": checksum mismatch (stored ", detail::hex(s.checksum), ", computed ",
                             detail::hex(sum), ")");
        })) {
      return std::move(v).take();
    }
  }
  // R-DIR-7: gaps (between the directory, the sections and the end of the file) are zero.
  {
    std::uint64_t cursor = directory_end;
    const auto zero_gap = [&](std::uint64_t end) {
      for (std::uint64_t k = cursor; k < end; ++k) {
        if (!v.check(data[k] == 0, Errc::corrupt, [&] {
              return detail::cat("byte ", k, " between sections is ", data[k], ", must be 0");
            })) {
          return false;
        }
      }
      return true;
    };
    for (const SectionView& s : sections) {
      if (!zero_gap(s.offset)) return std::move(v).take();
      cursor = s.offset + s.size;
    }
    if (!zero_gap(size)) return std::move(v).take();
  }

  // R-STR-1: offsets start at 0, never decrease, and end at size(string_data).
  {
    std::uint32_t previous = 0;
    for (std::uint64_t i = 0; i <= string_count; ++i) {
      const std::uint32_t off = format::load_le_width(
          section[1].p + static_cast<std::size_t>(i) * string_width, string_width);
      if (!v.check(i != 0 || off == 0, Errc::corrupt,
                   [&] { return detail::cat("string_offsets[0] is ", off, ", must be 0"); }) ||
          !v.check(off >= previous, Errc::corrupt,
                   [&] {
                     return detail::cat("string_offsets[", i, "] is ", off,
                                        ", less than the previous ", previous);
                   }) ||
          !v.check(i != string_count || off == section[2].size, Errc::corrupt, [&] {
            return detail::cat("string_offsets[", i, "] (the end) is ", off, ", string_data has ",
                               section[2].size, " bytes");
          })) {
        return std::move(v).take();
      }
      previous = off;
    }
  }

  // R-SRC-1, R-SRC-2: source records, their content and line starts. The stored line starts
  // must be exactly those of the content (lines split at \n, \r\n, \r, U+2028, U+2029).
  for (std::uint32_t s = 0; s < source_count; ++s) {
    const format::SourceRecord r = source_record(s);
    const auto where = [&] { return detail::cat("sources[", s, "]: "); };
    const bool has_content = (r.flags & format::kSourceHasContent) != 0;
    if (!v.check(r.name_string_index == format::kNone || r.name_string_index < string_count,
                 Errc::corrupt,
                 [&] {
                   return detail::cat(where(), "name_string_index ", r.name_string_index,
                                      " out of range (", string_count, " strings)");
                 }) ||
        !v.check((r.flags & ~format::kKnownSourceFlags) == 0, Errc::corrupt,
                 [&] { return detail::cat(where(), "unknown flags ", detail::hex(r.flags)); }) ||
        !v.check(r.reserved == 0, Errc::corrupt,
                 [&] { return detail::cat(where(), "reserved is ", r.reserved, ", must be 0"); })) {
      return std::move(v).take();
    }
    if (!has_content) {
      if (!v.check(r.content_offset == 0 && r.content_size == 0 && r.line_start_index == 0 &&
                       r.line_count == 0,
                   Errc::corrupt, [&] {
                     return detail::cat(where(), "no content but content_offset ", r.content_offset,
                                        ", content_size ", r.content_size, ", line_start_index ",
                                        r.line_start_index, ", line_count ", r.line_count,
                                        " (must be 0)");
                   })) {
        return std::move(v).take();
      }
      continue;
    }
    std::string_view text;
    if (!v.check(content(r, text), Errc::corrupt,
                 [&] {
                   return detail::cat(where(), "content [offset ", r.content_offset, ", size ",
                                      r.content_size, "] ends past source_content (",
                                      section[5].size, " bytes)");
                 }) ||
        !v.check(r.line_count >= 1, Errc::corrupt,
                 [&] { return detail::cat(where(), "has content but line_count 0"); }) ||
        !v.check(r.line_count <= line_start_count &&
                     r.line_start_index <= line_start_count - r.line_count,
                 Errc::corrupt, [&] {
                   return detail::cat(where(), "line starts [", r.line_start_index, ", +",
                                      r.line_count, ") past source_line_starts (", line_start_count,
                                      " entries)");
                 })) {
      return std::move(v).take();
    }
    const std::uint8_t* starts = section[4].p + 4 * static_cast<std::size_t>(r.line_start_index);
    const auto* c = reinterpret_cast<const std::uint8_t*>(text.data());
    std::uint32_t line = 0;
    std::uint64_t expected = 0;  // start of the next line, per the content
    for (std::size_t k = 0;; ++k) {
      // Next line start at k (a line begins at 0 and after each terminator).
      if (k == 0 || k == expected) {
        const std::uint32_t got =
            line < r.line_count ? format::load_le<std::uint32_t>(starts + 4 * std::size_t{line})
                                : 0;
        if (!v.check(line < r.line_count && got == expected, Errc::corrupt, [&] {
              return line < r.line_count ? detail::cat(where(), "line ", line, " starts at ", got,
                                                       ", content has it at ", expected)
                                         : detail::cat(where(), "line_count ", r.line_count,
                                                       ", content has more lines");
            })) {
          return std::move(v).take();
        }
        ++line;
      }
      if (k >= text.size()) break;
      const std::size_t t = detail::terminator_at(c, k, text.size());
      if (t != 0) {
        expected = k + t;
        k += t - 1;
      }
    }
    if (!v.check(line == r.line_count, Errc::corrupt, [&] {
          return detail::cat(where(), "line_count ", r.line_count, ", content has ", line,
                             " lines");
        })) {
      return std::move(v).take();
    }
  }

  // R-LIN-1: line_index starts at 0, never decreases, ends at token_count; the last line has a
  // token (trailing empty lines are dropped).
  for (std::uint64_t k = 0; k <= line_count; ++k) {
    const std::uint32_t cur = line_entry(static_cast<std::uint32_t>(k));
    const std::uint32_t prev = k == 0 ? 0 : line_entry(static_cast<std::uint32_t>(k - 1));
    if (!v.check(k != 0 || cur == 0, Errc::corrupt,
                 [&] { return detail::cat("line_index[0] is ", cur, ", must be 0"); }) ||
        !v.check(cur >= prev, Errc::corrupt,
                 [&] {
                   return detail::cat("line_index[", k, "] is ", cur, ", less than line_index[",
                                      k - 1, "] ", prev);
                 }) ||
        !v.check(k != line_count || cur == token_count, Errc::corrupt,
                 [&] {
                   return detail::cat("line_index[", k, "] (the end) is ", cur, ", token_count is ",
                                      token_count);
                 }) ||
        !v.check(k != line_count || k == 0 || cur > prev, Errc::corrupt, [&] {
          return detail::cat("generated line ", k - 1, " is the last but has no token");
        })) {
      return std::move(v).take();
    }
  }

  // Tokens, block by block: R-TOK-1, R-TOK-6 per block, R-TOK-2/3/4 per token, R-TOK-5 after.
  std::uint64_t data_end = 0;
  std::uint32_t line = 0;
  std::uint64_t line_end = line_count > 0 ? line_entry(1) : ~std::uint64_t{0};
  std::uint32_t previous_column = 0;
  for (std::uint32_t b = 0; b < block_count; ++b) {
    const format::TokenBlock blk =
        format::load_token_block(blocks + static_cast<std::size_t>(b) * 32);
    const auto where = [&] { return detail::cat("token block ", b, ": "); };
    std::uint32_t bad_width = format::kFieldCount;
    for (std::uint32_t f = 0; f < format::kFieldCount; ++f) {
      if (blk.width[f] > format::kMaxFieldWidth) bad_width = f;
    }
    const std::uint32_t n = std::min(block_size, token_count - (b << block_shift));
    if (!v.check(bad_width == format::kFieldCount, Errc::corrupt,
                 [&] {
                   return detail::cat(where(), "field ", bad_width, " width ", blk.width[bad_width],
                                      " exceeds ", format::kMaxFieldWidth);
                 }) ||
        !v.check(blk.reserved[0] == 0 && blk.reserved[1] == 0 && blk.reserved[2] == 0,
                 Errc::corrupt, [&] { return detail::cat(where(), "reserved bytes not 0"); }) ||
        !v.check(blk.data_offset == data_end, Errc::corrupt,
                 [&] {
                   return detail::cat(where(), "data_offset ", blk.data_offset,
                                      ", the previous block ends at ", data_end);
                 }) ||
        !v.check(
            format::block_data_size(blk.width, n) <= token_payload - data_end, Errc::corrupt, [&] {
              return detail::cat(where(), "data [offset ", blk.data_offset, ", size ",
                                 format::block_data_size(blk.width, n), "] ends past token_data (",
                                 token_payload, " bytes before the padding)");
            })) {
      return std::move(v).take();
    }
    data_end += format::block_data_size(blk.width, n);
    detail::BlockReader r;
    if (!v.check(open_block(b, r), Errc::internal,
                 [&] { return detail::cat(where(), "unreadable after checks"); })) {
      return std::move(v).take();
    }
    for (std::uint32_t j = 0; j < n; ++j) {
      const std::uint32_t i = r.first + j;
      bool new_line = false;
      while (i >= line_end) {  // line_index is monotone (checked above): this terminates
        ++line;
        line_end = line < line_count ? line_entry(line + 1) : ~std::uint64_t{0};
        new_line = true;
      }
      std::uint64_t value[format::kFieldCount];
      for (std::uint32_t f = 0; f < format::kFieldCount; ++f) {
        value[f] = std::uint64_t{blk.base[f]} +
                   format::load_bits(token_data, r.field_bit[f] + std::uint64_t{j} * r.width[f],
                                     r.width[f]);
      }
      const auto at = [&] {
        return detail::cat("token ", i, " (generated line ", line, ", block ", b, "): ");
      };
      // R-TOK-7: base + bits fits in 32 bits (readers compute it modulo 2^32 at use).
      std::uint32_t wrapped = format::kFieldCount;
      for (std::uint32_t f = 0; f < format::kFieldCount; ++f) {
        if (value[f] > 0xFFFFFFFFu) wrapped = f;
      }
      if (!v.check(wrapped == format::kFieldCount, Errc::corrupt,
                   [&] {
                     return detail::cat(at(), "field ", wrapped, " base + bits ", value[wrapped],
                                        " exceeds 32 bits");
                   }) ||
          // R-TOK-2
          !v.check(new_line || i == 0 || value[0] >= previous_column, Errc::corrupt,
                   [&] {
                     return detail::cat(at(), "column ", value[0], " before the previous ",
                                        previous_column);
                   }) ||
          // R-TOK-3
          !v.check(value[1] <= source_count, Errc::corrupt,
                   [&] {
                     return detail::cat(at(), "source index ", value[1] - 1, " out of range (",
                                        source_count, " sources)");
                   }) ||
          !v.check(value[4] <= string_count, Errc::corrupt,
                   [&] {
                     return detail::cat(at(), "name string index ", value[4] - 1, " out of range (",
                                        string_count, " strings)");
                   }) ||
          // R-TOK-4
          !v.check(value[1] != 0 || (value[2] == 0 && value[3] == 0), Errc::corrupt, [&] {
            return detail::cat(at(), "no source but original line ", value[2], ", column ",
                               value[3], " (must be 0)");
          })) {
        return std::move(v).take();
      }
      previous_column = static_cast<std::uint32_t>(value[0]);
    }
  }
  // R-TOK-5: the blocks are followed by exactly the zero padding.
  const SectionView& td = sections[section_position[8]];
  if (!v.check(data_end == token_payload, Errc::corrupt, [&] {
        return detail::cat(detail::section_label(8, td.offset, td.size), ": blocks end at ",
                           data_end, ", expected ", token_payload, " (size minus padding)");
      })) {
    return std::move(v).take();
  }
  for (std::uint64_t k = token_payload; k < section[8].size; ++k) {
    if (!v.check(token_data[k] == 0, Errc::corrupt, [&] {
          return detail::cat(detail::section_label(8, td.offset, td.size), ": padding byte ",
                             k - token_payload, " is ", token_data[k], ", must be 0");
        })) {
      return std::move(v).take();
    }
  }

  // R-FN-2..5: function records, in order, with a stack of the records that enclose the current
  // one: its parent must be the innermost of them, and it must end inside it.
  std::vector<std::uint32_t> open;
  // R-FN-4/5 and R-SCP-4/5: record i, `r`, nests in the records still open (those of its group,
  // `same_group`, that have not ended at its start): its parent is the innermost of them, it ends
  // inside that one, and at most `max_depth` records are open. Pushes i.
  const auto check_nesting = [&](const auto& r, std::uint32_t i, auto record_of, auto same_group,
                                 std::size_t max_depth, const auto& at) -> bool {
    while (!open.empty()) {
      const auto o = record_of(open.back());
      if (same_group(o) &&
          detail::position_less(r.start_line, r.start_column, o.end_line, o.end_column)) {
        break;
      }
      open.pop_back();
    }
    const std::uint32_t expected = open.empty() ? format::kNone : open.back();
    if (!v.check(r.parent == expected, Errc::corrupt, [&] {
          return detail::cat(at(), "parent ", r.parent, ", the innermost enclosing record is ",
                             expected);
        })) {
      return false;
    }
    if (!open.empty()) {
      const auto o = record_of(open.back());
      if (!v.check(!detail::position_less(o.end_line, o.end_column, r.end_line, r.end_column),
                   Errc::corrupt, [&] {
                     return detail::cat(at(), "ends at ", r.end_line, ":", r.end_column,
                                        ", after its parent ", open.back(), " (ends at ",
                                        o.end_line, ":", o.end_column, ")");
                   })) {
        return false;
      }
    }
    if (!v.check(open.size() < max_depth, Errc::corrupt, [&] {
          return detail::cat(at(), "nested ", open.size() + 1, " deep, more than ", max_depth);
        })) {
      return false;
    }
    open.push_back(i);
    return true;
  };
  for (std::uint32_t i = 0; i < function_count; ++i) {
    const format::FunctionRecord r = function_record(i);
    const auto at = [&] { return detail::cat("functions[", i, "]: "); };
    // R-FN-2
    if (!v.check(r.source_index < source_count, Errc::corrupt,
                 [&] {
                   return detail::cat(at(), "source index ", r.source_index, " out of range (",
                                      source_count, " sources)");
                 }) ||
        !v.check(r.name_string_index == format::kNone || r.name_string_index < string_count,
                 Errc::corrupt,
                 [&] {
                   return detail::cat(at(), "name_string_index ", r.name_string_index,
                                      " out of range (", string_count, " strings)");
                 }) ||
        !v.check(r.reserved == 0, Errc::corrupt,
                 [&] { return detail::cat(at(), "reserved is ", r.reserved, ", must be 0"); }) ||
        !v.check(detail::position_less(r.start_line, r.start_column, r.end_line, r.end_column),
                 Errc::corrupt, [&] {
                   return detail::cat(at(), "end ", r.end_line, ":", r.end_column,
                                      " not after start ", r.start_line, ":", r.start_column);
                 })) {
      return std::move(v).take();
    }
    // R-FN-3: sorted by (source, start), an enclosing record first (longer first on a tie).
    if (i > 0) {
      const format::FunctionRecord q = function_record(i - 1);
      const bool ordered =
          q.source_index < r.source_index ||
          (q.source_index == r.source_index &&
           (detail::position_less(q.start_line, q.start_column, r.start_line, r.start_column) ||
            (q.start_line == r.start_line && q.start_column == r.start_column &&
             !detail::position_less(q.end_line, q.end_column, r.end_line, r.end_column))));
      if (!v.check(ordered, Errc::corrupt, [&] {
            return detail::cat(at(), "source ", r.source_index, " start ", r.start_line, ":",
                               r.start_column, " sorts before the previous record's (source ",
                               q.source_index, " start ", q.start_line, ":", q.start_column, ")");
          })) {
        return std::move(v).take();
      }
    }
    // The records still open are those of the same source that have not ended at r's start.
    if (!check_nesting(
            r, i, [&](std::uint32_t j) { return function_record(j); },
            [&](const format::FunctionRecord& o) { return o.source_index == r.source_index; },
            format::kMaxFunctionDepth, at)) {
      return std::move(v).take();
    }
  }

  // R-SCP-2..5: scope range records, checked like the function records above.
  open.clear();
  for (std::uint32_t i = 0; i < scope_range_count; ++i) {
    const format::ScopeRangeRecord r = scope_range_record(i);
    const auto at = [&] { return detail::cat("scope_ranges[", i, "]: "); };
    const bool inlined = r.call_site_source_index != format::kNone;
    // R-SCP-2
    if (!v.check(r.name_string_index == format::kNone || r.name_string_index < string_count,
                 Errc::corrupt,
                 [&] {
                   return detail::cat(at(), "name_string_index ", r.name_string_index,
                                      " out of range (", string_count, " strings)");
                 }) ||
        !v.check(!inlined || r.call_site_source_index < source_count, Errc::corrupt,
                 [&] {
                   return detail::cat(at(), "call_site_source_index ", r.call_site_source_index,
                                      " out of range (", source_count, " sources)");
                 }) ||
        !v.check(inlined || (r.call_site_line == 0 && r.call_site_column == 0), Errc::corrupt,
                 [&] {
                   return detail::cat(at(), "call site ", r.call_site_line, ":", r.call_site_column,
                                      " without a source, must be 0:0");
                 }) ||
        !v.check((r.flags & ~format::kKnownScopeRangeFlags) == 0 &&
                     ((r.flags & format::kScopeRangeFunction) == 0 ||
                      (r.flags & format::kScopeRangeDefined) != 0) &&
                     (r.name_string_index == format::kNone ||
                      (r.flags & format::kScopeRangeFunction) != 0),
                 Errc::corrupt, [&] { return detail::cat(at(), "flags ", r.flags, " invalid"); }) ||
        !v.check(detail::position_less(r.start_line, r.start_column, r.end_line, r.end_column),
                 Errc::corrupt, [&] {
                   return detail::cat(at(), "end ", r.end_line, ":", r.end_column,
                                      " not after start ", r.start_line, ":", r.start_column);
                 })) {
      return std::move(v).take();
    }
    // R-SCP-3: sorted by start, an enclosing record first (longer first on a tie).
    if (i > 0) {
      const format::ScopeRangeRecord q = scope_range_record(i - 1);
      const bool ordered =
          detail::position_less(q.start_line, q.start_column, r.start_line, r.start_column) ||
          (q.start_line == r.start_line && q.start_column == r.start_column &&
           !detail::position_less(q.end_line, q.end_column, r.end_line, r.end_column));
      if (!v.check(ordered, Errc::corrupt, [&] {
            return detail::cat(at(), "start ", r.start_line, ":", r.start_column,
                               " sorts before the previous record's (", q.start_line, ":",
                               q.start_column, ")");
          })) {
        return std::move(v).take();
      }
    }
    if (!check_nesting(
            r, i, [&](std::uint32_t j) { return scope_range_record(j); },
            [](const format::ScopeRangeRecord&) { return true; }, format::kMaxScopeRangeDepth,
            at)) {
      return std::move(v).take();
    }
  }

  // R-GFN-2..5: generated function records, checked like the scope range records above.
  open.clear();
  for (std::uint32_t i = 0; i < generated_function_count; ++i) {
    const format::GeneratedFunctionRecord r = generated_function_record(i);
    const auto at = [&] { return detail::cat("generated_functions[", i, "]: "); };
    // R-GFN-2
    if (!v.check(r.name_string_index == format::kNone || r.name_string_index < string_count,
                 Errc::corrupt,
                 [&] {
                   return detail::cat(at(), "name_string_index ", r.name_string_index,
                                      " out of range (", string_count, " strings)");
                 }) ||
        !v.check(r.reserved0 == 0 && r.reserved1 == 0, Errc::corrupt,
                 [&] {
                   return detail::cat(at(), "reserved is ", r.reserved0, ", ", r.reserved1,
                                      ", must be 0");
                 }) ||
        !v.check(detail::position_less(r.start_line, r.start_column, r.end_line, r.end_column),
                 Errc::corrupt, [&] {
                   return detail::cat(at(), "end ", r.end_line, ":", r.end_column,
                                      " not after start ", r.start_line, ":", r.start_column);
                 })) {
      return std::move(v).take();
    }
    // R-GFN-3: sorted by start, an enclosing record first (longer first on a tie).
    if (i > 0) {
      const format::GeneratedFunctionRecord q = generated_function_record(i - 1);
      const bool ordered =
          detail::position_less(q.start_line, q.start_column, r.start_line, r.start_column) ||
          (q.start_line == r.start_line && q.start_column == r.start_column &&
           !detail::position_less(q.end_line, q.end_column, r.end_line, r.end_column));
      if (!v.check(ordered, Errc::corrupt, [&] {
            return detail::cat(at(), "start ", r.start_line, ":", r.start_column,
                               " sorts before the previous record's (", q.start_line, ":",
                               q.start_column, ")");
          })) {
        return std::move(v).take();
      }
    }
    // R-GFN-4/5
    if (!check_nesting(
            r, i, [&](std::uint32_t j) { return generated_function_record(j); },
            [](const format::GeneratedFunctionRecord&) { return true; },
            format::kMaxGeneratedFunctionDepth, at)) {
      return std::move(v).take();
    }
  }
  return Ok{};
}

// ---------------------------------------------------------------------------------------------
// Cache
// ---------------------------------------------------------------------------------------------
inline Cache::Cache(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
inline Cache::Cache(Cache&&) noexcept = default;
inline Cache& Cache::operator=(Cache&&) noexcept = default;
inline Cache::~Cache() = default;

inline Result<Cache> Cache::from_bytes(std::span<const std::uint8_t> bytes) {
  auto impl = std::make_unique<Impl>();
  static constexpr std::uint8_t kNoBytes[1] = {};
  Result<Ok> r = impl->init(bytes.empty() ? kNoBytes : bytes.data(), bytes.size());
  if (!r) return std::move(r).error();
  return Cache(std::move(impl));
}

inline Result<Cache> Cache::open(const std::filesystem::path& path) {
  namespace bip = boost::interprocess;
  const auto io_error = [&](int os_errno, std::string_view what) {
    Error e = make_error(Errc::io, detail::cat("open ", path.string(), ": ", what));
    e.os_errno = os_errno;
    return e;
  };
  // Boost.Interprocess and the standard library report failures by throwing; this is the one
  // function that catches them.
  try {
    bip::file_mapping file(path.c_str(), bip::read_only);
    // An empty file cannot be mapped (mmap of 0 bytes fails): validate it as zero bytes, which
    // reports it as truncated.
    std::error_code ec;
    const std::uintmax_t file_bytes = std::filesystem::file_size(path, ec);
    if (ec) return io_error(ec.value(), ec.message());
    if (file_bytes == 0) return from_bytes({});
    auto impl = std::make_unique<Impl>();
    impl->region = bip::mapped_region(file, bip::read_only);
    Result<Ok> r = impl->init(static_cast<const std::uint8_t*>(impl->region.get_address()),
                              impl->region.get_size());
    if (!r) return std::move(r).error();
    return Cache(std::move(impl));
  } catch (const bip::interprocess_exception& e) {
    const int os_errno = static_cast<int>(e.get_native_error());
    return io_error(
        os_errno, os_errno != 0 ? std::system_category().message(os_errno) : std::string(e.what()));
  } catch (const std::system_error& e) {
    return io_error(e.code().value(), e.code().message());
  } catch (const std::exception& e) {
    return io_error(0, e.what());
  }
}

inline std::optional<Token> Cache::lookup(std::uint32_t line, std::uint32_t column,
                                          Bias bias) const noexcept {
  const Impl& m = *impl_;
  std::uint32_t lo, hi;
  if (!m.line_range(line, lo, hi) || lo == hi) return std::nullopt;
  std::uint32_t answer;
  if (bias == Bias::least_upper_bound) {
    // First column >= query, then the last token at that same column.
    std::uint32_t first, end, c;
    if (!m.partition<false>(lo, hi, column, first) || first == hi) return std::nullopt;
    if (!m.column(first, c) || !m.partition<true>(first, hi, c, end)) return std::nullopt;
    answer = end > first ? end - 1 : first;
  } else {
    // Greatest column <= query, the last of its ties: upper_bound, then one step back.
    std::uint32_t end;
    if (!m.partition<true>(lo, hi, column, end) || end == lo) return std::nullopt;
    answer = end - 1;
  }
  Token t;
  if (!m.decode(answer, line, t) || !t.has_source()) return std::nullopt;
  return t;
}

inline Cache::TokenRange Cache::original_positions(std::uint32_t line,
                                                   std::uint32_t column) const noexcept {
  const Impl& m = *impl_;
  if (m.token_count == 0) return {};
  std::uint32_t lo = m.token_count, hi = m.token_count;  // past the last line: all tokens before
  if (line < m.line_count && !m.line_range(line, lo, hi)) return {};
  std::uint32_t end = lo;
  if (line < m.line_count && !m.partition<true>(lo, hi, column, end)) return {};
  if (end > lo) {
    // The query's line has a token at or before the column: the ties at the greatest column.
    std::uint32_t c, first;
    if (!m.column(end - 1, c) || !m.partition<false>(lo, end, c, first)) return {};
    return {first, end};
  }
  // Nothing before the column on this line: the last token of an earlier line, and its ties.
  if (lo == 0) return {};
  const std::uint32_t last = lo - 1;
  std::uint32_t last_line, line_lo, line_hi, c, first;
  if (!m.line_of(last, last_line) || !m.line_range(last_line, line_lo, line_hi) || line_lo > last ||
      !m.column(last, c) || !m.partition<false>(line_lo, lo, c, first)) {
    return {};
  }
  return {first, lo};
}

inline std::optional<Token> Cache::token(std::uint32_t i) const noexcept {
  const Impl& m = *impl_;
  std::uint32_t line;
  Token t;
  if (i >= m.token_count || !m.line_of(i, line) || !m.decode(i, line, t)) return std::nullopt;
  return t;
}

inline std::uint32_t Cache::token_count() const noexcept {
  return impl_->token_count;
}

// Walks the blocks in order, decoding each block record once and following line_index
// alongside. Stops at the first token that fails its at-use checks (R-USE-1).
template <class F>
void Cache::for_each_token(F&& f) const {
  const Impl& m = *impl_;
  std::uint32_t line = 0;
  std::uint64_t line_end = m.line_count > 0 ? m.line_entry(1) : ~std::uint64_t{0};
  Impl::SourceMemo memo;
  for (std::uint32_t b = 0; b < m.block_count; ++b) {
    detail::BlockReader r;
    if (!m.open_block(b, r)) return;
    for (std::uint32_t j = 0; j < r.count; ++j) {
      const std::uint32_t i = r.first + j;
      // Advance to the line holding token i. Bounded by line_count even if line_index is
      // corrupt (then tokens may be reported on a wrong line, but never out of bounds).
      while (i >= line_end && line < m.line_count) {
        ++line;
        line_end = line < m.line_count ? m.line_entry(line + 1) : ~std::uint64_t{0};
      }
      Token t;
      if (!m.decode(r, j, line, t, memo)) return;
      if constexpr (std::is_void_v<std::invoke_result_t<F&, const Token&>>) {
        f(static_cast<const Token&>(t));
      } else {
        if (!f(static_cast<const Token&>(t))) return;
      }
    }
  }
}

inline std::uint32_t Cache::source_count() const noexcept {
  return impl_->source_count;
}

inline std::optional<SourceInfo> Cache::source(std::uint32_t index) const noexcept {
  const Impl& m = *impl_;
  if (index >= m.source_count) return std::nullopt;
  const format::SourceRecord r = m.source_record(index);
  SourceInfo s;
  s.index = index;
  s.ignored = (r.flags & format::kSourceIgnored) != 0;
  if (!m.optional_string(r.name_string_index, s.name)) return std::nullopt;
  if (r.flags & format::kSourceHasContent) {
    std::string_view text;
    if (!m.content(r, text)) return std::nullopt;
    s.content = text;
    s.line_count = r.line_count;
  }
  return s;
}

inline std::optional<std::string_view> Cache::source_line(std::uint32_t index,
                                                          std::uint32_t line) const noexcept {
  const Impl& m = *impl_;
  if (index >= m.source_count) return std::nullopt;
  const format::SourceRecord r = m.source_record(index);
  std::string_view text;
  if (!m.content(r, text) || line >= r.line_count) return std::nullopt;
  // R-SRC-1 at use: the record's line starts lie inside source_line_starts.
  if (r.line_count > m.line_start_count || r.line_start_index > m.line_start_count - r.line_count) {
    return std::nullopt;
  }
  const std::uint8_t* starts = m.section[4].p + 4 * static_cast<std::size_t>(r.line_start_index);
  const bool last = line + 1 == r.line_count;
  const std::uint32_t start = format::load_le<std::uint32_t>(starts + 4 * std::size_t{line});
  const std::uint32_t end =
      last ? r.content_size : format::load_le<std::uint32_t>(starts + 4 * std::size_t{line + 1});
  if (start > end || end > r.content_size) return std::nullopt;  // R-SRC-2 at use
  std::string_view s = text.substr(start, end - start);
  // Every line but the last ends in its terminator; the last has none by construction.
  if (!last) s.remove_suffix(detail::terminator_size(s));
  return s;
}

inline std::uint32_t Cache::function_count() const noexcept {
  return impl_->function_count;
}

inline std::optional<FunctionInfo> Cache::function(std::uint32_t index) const noexcept {
  const Impl& m = *impl_;
  if (index >= m.function_count) return std::nullopt;
  FunctionInfo f;
  if (!m.function_info(index, m.function_record(index), f)) return std::nullopt;
  return f;
}

// The last record of `source_index` that starts at or before the position, then up its parents
// to the first that contains the position. In a well-formed file ranges nest (R-FN-4), so the
// innermost function containing the position is that record or one of its ancestors. Each step
// up must go to a smaller index (R-FN-4 at use) and there are at most kMaxFunctionDepth of them
// (R-FN-5), so a corrupt file cannot make this loop: O(log F + 64).
inline std::optional<FunctionInfo> Cache::enclosing_function(std::uint32_t source_index,
                                                             std::uint32_t line,
                                                             std::uint32_t column) const noexcept {
  const Impl& m = *impl_;
  std::uint32_t first = 0, count = m.function_count;
  while (count > 0) {  // first record that starts after (source_index, line, column)
    const std::uint32_t step = count / 2;
    const format::FunctionRecord r = m.function_record(first + step);
    const bool after = r.source_index > source_index ||
                       (r.source_index == source_index &&
                        detail::position_less(line, column, r.start_line, r.start_column));
    if (!after) {
      first += step + 1;
      count -= step + 1;
    } else {
      count = step;
    }
  }
  if (first == 0) return std::nullopt;
  std::uint32_t i = first - 1;
  for (std::uint32_t steps = 0; steps < format::kMaxFunctionDepth; ++steps) {
    const format::FunctionRecord r = m.function_record(i);
    if (r.source_index != source_index) return std::nullopt;
    const bool contains = !detail::position_less(line, column, r.start_line, r.start_column) &&
                          detail::position_less(line, column, r.end_line, r.end_column);
    if (contains) {
      FunctionInfo f;
      if (!m.function_info(i, r, f)) return std::nullopt;
      return f;
    }
    if (r.parent == format::kNone || r.parent >= i) return std::nullopt;
    i = r.parent;
  }
  return std::nullopt;
}

inline std::uint32_t Cache::scope_range_count() const noexcept {
  return impl_->scope_range_count;
}

inline std::optional<ScopeRange> Cache::scope_range(std::uint32_t index) const noexcept {
  const Impl& m = *impl_;
  if (index >= m.scope_range_count) return std::nullopt;
  ScopeRange r;
  if (!m.scope_range_info(index, m.scope_range_record(index), r)) return std::nullopt;
  return r;
}

inline std::optional<ScopeRange> Cache::parent_scope_range(const ScopeRange& range) const noexcept {
  if (range.parent == format::kNone || range.parent >= range.index) return std::nullopt;
  return scope_range(range.parent);  // R-SCP-4 at use: strictly decreasing, so chains end
}

// As enclosing_function: the last record that starts at or before the position, then up its
// parents (smaller indices, R-SCP-4 at use; at most kMaxScopeRangeDepth, R-SCP-5) to the first
// that contains it. O(log R + 64).
inline std::optional<ScopeRange> Cache::enclosing_scope_range(std::uint32_t line,
                                                              std::uint32_t column) const noexcept {
  const Impl& m = *impl_;
  const auto i =
      detail::innermost_range(m.scope_range_count, line, column, format::kMaxScopeRangeDepth,
                              [&m](std::uint32_t k) { return m.scope_range_record(k); });
  ScopeRange out;
  if (!i || !m.scope_range_info(*i, m.scope_range_record(*i), out)) return std::nullopt;
  return out;
}

inline std::uint32_t Cache::generated_function_count() const noexcept {
  return impl_->generated_function_count;
}

inline std::optional<GeneratedFunction> Cache::generated_function(
    std::uint32_t index) const noexcept {
  const Impl& m = *impl_;
  if (index >= m.generated_function_count) return std::nullopt;
  GeneratedFunction f;
  if (!m.generated_function_info(index, m.generated_function_record(index), f)) {
    return std::nullopt;
  }
  return f;
}

// As enclosing_scope_range: the last record that starts at or before the position, then up its
// parents (smaller indices, R-GFN-4 at use; at most kMaxGeneratedFunctionDepth, R-GFN-5) to the
// first that contains it. O(log G + 64).
inline std::optional<GeneratedFunction> Cache::generated_function_at(
    std::uint32_t line, std::uint32_t column) const noexcept {
  const Impl& m = *impl_;
  const auto i = detail::innermost_range(
      m.generated_function_count, line, column, format::kMaxGeneratedFunctionDepth,
      [&m](std::uint32_t k) { return m.generated_function_record(k); });
  GeneratedFunction out;
  if (!i || !m.generated_function_info(*i, m.generated_function_record(*i), out)) {
    return std::nullopt;
  }
  return out;
}

inline CacheInfo Cache::info() const noexcept {
  const Impl& m = *impl_;
  const format::FileHeader& h = m.header;
  CacheInfo i;
  i.format_major = h.format_major;
  i.format_minor = h.format_minor;
  i.semantics_version = h.semantics_version;
  i.file_size = h.file_size;
  i.generated_line_count = h.generated_line_count;
  i.token_count = h.token_count;
  i.source_count = h.source_count;
  i.string_count = h.string_count;
  i.name_count = h.name_count;
  i.block_token_count = h.block_token_count;
  std::string_view s;
  if (h.file_string_index != format::kNone && m.string(h.file_string_index, s)) i.file = s;
  if (h.debug_id_string_index != format::kNone && m.string(h.debug_id_string_index, s)) {
    i.debug_id = s;
  }
  i.input_hash = format::Hash128{h.input_hash_low, h.input_hash_high};
  return i;
}

inline std::span<const SectionView> Cache::sections() const noexcept {
  return impl_->sections;
}

inline std::span<const std::uint8_t> Cache::bytes() const noexcept {
  return {impl_->data, static_cast<std::size_t>(impl_->size)};
}

inline std::uint64_t Cache::prefault() const noexcept {
  const Impl& m = *impl_;
  if (m.region.get_address() != nullptr) {
    // Read-ahead hint first: the kernel can fetch the whole range in large I/Os. advise() is
    // non-const in Boost but changes nothing about the mapping's contents.
    const_cast<boost::interprocess::mapped_region&>(m.region).advise(
        boost::interprocess::mapped_region::advice_willneed);
  }
  constexpr std::uint64_t kPage = 4096;  // touching at a finer grain than the real page is harmless
  std::uint64_t pages = 0;
  volatile std::uint8_t sink = 0;
  for (std::uint64_t off = 0; off < m.size; off += kPage, ++pages) sink = sink ^ m.data[off];
  (void)sink;
  return pages;
}

inline Result<Ok> Cache::verify() const {
  return impl_->verify();
}

}  // namespace smcache
