// Base64 VLQ decoding of `mappings`: table-driven, one digit per table load, no allocation per
// segment; tokens are appended to vectors reserved exactly from a counting pre-pass.
#include "vlq.hpp"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <limits>
#include <string>

namespace smcache::detail {
namespace {

constexpr std::int64_t kU32Max = std::numeric_limits<std::uint32_t>::max();
// line_offsets holds u32 token indices and the format counts lines and tokens in u32 with
// 0xFFFFFFFF reserved: both stay below it.
constexpr std::uint64_t kMaxCount = 0xFFFFFFFEu;

// Raw digit bits of the extreme values: +2^31-1 is 2^32-2, -2^31 is 2^32+1 (sign in bit 0).
constexpr std::uint64_t kRawPositiveOverflow = std::uint64_t{1} << 32;  // would be +2^31
constexpr std::uint64_t kRawMax = (std::uint64_t{1} << 32) + 1;         // -2^31

// Grows capacity geometrically: index maps append section by section, and an exact reserve per
// section would copy the whole vector each time.
template <class T>
void reserve_for(std::vector<T>& v, std::size_t needed) {
  if (needed > v.capacity()) v.reserve(std::max(needed, v.capacity() + v.capacity() / 2));
}

[[gnu::cold, gnu::noinline]] Error mappings_error(const MappingsParams& params, std::uint32_t line,
                                                  std::uint32_t segment, std::size_t byte_offset,
                                                  const std::string& what) {
  std::string message;
  message.reserve(params.field.size() + what.size() + 40);
  message.append(params.field);
  message += ": line " + std::to_string(line) + ", segment " + std::to_string(segment) + ": ";
  message += what;
  return make_error(Errc::invalid_mappings, std::move(message),
                    Position{byte_offset, line, segment});
}

[[gnu::cold, gnu::noinline]] std::string describe_status(VlqStatus s, char c) {
  switch (s) {
    case VlqStatus::bad_char:
      return describe_byte(c);
    case VlqStatus::truncated:
      return "vlq value truncated (continuation bit set on its last digit)";
    case VlqStatus::overflow:
      return "vlq value does not fit in 32 bits";
    case VlqStatus::ok:
      break;
  }
  return "internal: unexpected vlq status";
}

[[gnu::cold, gnu::noinline]] Error limit_error(std::string message) {
  return make_error(Errc::limit_exceeded, std::move(message));
}

}  // namespace

VlqStatus decode_vlq_continued(const char*& p, const char* end, unsigned d, std::int64_t& value) {
  std::uint64_t raw = d & 31;
  unsigned shift = 5;
  auto stop = [&](unsigned c) {  // a non-digit where a continuation digit must be
    return c == kVlqComma || c == kVlqSemicolon ? VlqStatus::truncated : VlqStatus::bad_char;
  };
  for (;;) {
    if (p == end) return VlqStatus::truncated;
    const unsigned c = kVlqTable.v[static_cast<unsigned char>(*p)];
    if (c >= 64) return stop(c);
    ++p;
    const std::uint64_t bits = c & 31;
    if (shift < 35) {
      raw |= bits << shift;  // shift <= 30: bits land in 0..34, no loss
      shift += 5;
    } else if (bits != 0) {
      // Keep consuming so that `p` ends past the value, as documented.
      for (unsigned k = c; k & 32;) {
        if (p == end) return VlqStatus::truncated;
        k = kVlqTable.v[static_cast<unsigned char>(*p)];
        if (k >= 64) return stop(k);
        ++p;
      }
      return VlqStatus::overflow;
    }
    if (!(c & 32)) break;
  }
  if (raw > kRawMax || raw == kRawPositiveOverflow) return VlqStatus::overflow;
  const auto magnitude = static_cast<std::int64_t>(raw >> 1);
  value = (raw & 1) ? -magnitude : magnitude;
  return VlqStatus::ok;
}

void append_vlq(std::string& out, std::int64_t value) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::uint64_t raw = value < 0 ? (static_cast<std::uint64_t>(-value) << 1) | 1
                                : static_cast<std::uint64_t>(value) << 1;
  do {
    unsigned digit = static_cast<unsigned>(raw & 31);
    raw >>= 5;
    if (raw != 0) digit |= 32;
    out.push_back(kAlphabet[digit]);
  } while (raw != 0);
}

Result<Ok> decode_mappings(std::string_view mappings, const MappingsParams& params,
                           std::vector<RawToken>& tokens,
                           std::vector<std::uint32_t>& line_offsets) {
  const char* const begin = mappings.data();
  const char* const end = begin + mappings.size();
  assert(*end == '\0');  // the precondition in vlq.hpp
  const std::size_t n = mappings.size();

  // Pre-pass: lines = ';' + 1, segments = maximal runs of non-separator bytes (exact for any
  // input: an empty segment has no run). No loop-carried state besides the sums, so the compiler
  // vectorizes it; 255-byte chunks keep the per-lane counters in bytes.
  std::size_t semicolons = 0;
  std::size_t segments = 0;
  {
    const auto* u = reinterpret_cast<const unsigned char*>(begin);
    auto is_sep = [](unsigned char c) -> unsigned char { return (c == ';') | (c == ','); };
    if (n > 0) segments = !is_sep(u[0]);
    for (std::size_t i = 1; i < n;) {
      const std::size_t chunk_end = std::min(n, i + 255);
      unsigned char semi_count = 0, start_count = 0;
      for (; i < chunk_end; ++i) {
        semi_count += u[i] == ';';
        start_count += static_cast<unsigned char>(is_sep(u[i - 1]) & (is_sep(u[i]) ^ 1));
      }
      semicolons += semi_count;
      segments += start_count;
    }
    if (n > 0) semicolons += u[0] == ';';
  }

  const std::uint64_t max_tokens = std::min<std::uint64_t>(params.max_tokens, kMaxCount);
  if (tokens.size() + segments > max_tokens) {
    return limit_error(std::string(params.field) + ": " + std::to_string(tokens.size() + segments) +
                       " segments, more than the limit of " + std::to_string(max_tokens));
  }
  const std::uint64_t line_base = params.line_offset;
  const std::uint64_t max_lines = std::min<std::uint64_t>(params.max_lines, kMaxCount);
  if (line_base + semicolons + 1 > max_lines) {
    return limit_error(std::string(params.field) + ": " +
                       std::to_string(line_base + semicolons + 1) +
                       " generated lines, more than the limit of " + std::to_string(max_lines));
  }

  // Open generated line `line_base`: reuse it when the previous content ends on it, else pad
  // empty lines up to it. Trailing empty lines of earlier content are dropped first.
  if (line_offsets.empty()) line_offsets.push_back(0);
  while (line_offsets.size() >= 2 && line_offsets[line_offsets.size() - 2] == line_offsets.back() &&
         line_offsets.size() - 1 > line_base) {
    line_offsets.pop_back();
  }
  if (line_offsets.size() - 1 > line_base + 1) {
    return make_error(Errc::internal, std::string(params.field) +
                                          ": internal: earlier tokens past the section offset");
  }
  reserve_for(line_offsets, line_base + semicolons + 2);
  if (line_offsets.size() - 1 == line_base + 1) {
    line_offsets.pop_back();
  } else {
    while (line_offsets.size() < line_base + 1) {
      line_offsets.push_back(static_cast<std::uint32_t>(tokens.size()));
    }
  }
  reserve_for(tokens, tokens.size() + segments);

  const auto source_count = static_cast<std::int64_t>(params.source_count);
  const auto name_count = static_cast<std::int64_t>(params.name_count);
  std::uint32_t line = 0;
  std::uint32_t segment = 0;
  std::int64_t column = 0;  // relative to the line, before column_shift
  std::int64_t column_shift = params.column_offset;
  std::int64_t source = 0, original_line = 0, original_column = 0, name = 0;
  std::size_t line_first_new = tokens.size();  // first token of this line decoded here
  std::uint32_t prev_column = 0;
  bool sorted = true;

  auto close_line = [&] {
    if (!sorted) {
      // Stable: segments at one generated position keep their `mappings` order.
      std::stable_sort(tokens.begin() + static_cast<std::ptrdiff_t>(line_first_new), tokens.end(),
                       [](const RawToken& a, const RawToken& b) {
                         return a.generated_column < b.generated_column;
                       });
    }
    line_offsets.push_back(static_cast<std::uint32_t>(tokens.size()));
    line_first_new = tokens.size();
    prev_column = 0;
    sorted = true;
    column = 0;
    column_shift = 0;
    segment = 0;
    ++line;
  };

  // The loop reads through `u`, relying on the terminating NUL (see vlq.hpp): a digit is never
  // the last byte read, so looking one byte past a digit stays in bounds.
  const auto* const ubegin = reinterpret_cast<const unsigned char*>(begin);
  const auto* const uend = ubegin + n;
  const auto* u = ubegin;
  const auto offset_of = [&](const unsigned char* at) {
    return static_cast<std::size_t>(at - ubegin);
  };

  // Decodes the value at `u` (whose first byte is a digit) into `out`. One- and two-digit values
  // (|v| < 512, nearly all of them) are decoded inline, longer ones by the slow path. The length
  // test is a branch on purpose: a branch-free `u += 1 + two` chains every table load on the one
  // before it, and measured 35% slower on real maps than the well-predicted branch.
  const auto value = [&](std::int64_t& out) -> VlqStatus {
    const unsigned d0 = kVlqTable.v[u[0]];
    const unsigned d1 = kVlqTable.v[u[1]];
    if (d0 >= 32 && d1 >= 32) [[unlikely]] {
      const char* q = reinterpret_cast<const char*>(u) + 1;
      const VlqStatus s = decode_vlq_continued(q, end, d0, out);
      u = reinterpret_cast<const unsigned char*>(q);
      return s;
    }
    std::int64_t raw;
    if (d0 < 32) {
      raw = d0;
      u += 1;
    } else {
      raw = (d0 & 31) | (d1 << 5);
      u += 2;
    }
    const auto magnitude = raw >> 1;
    out = (raw & 1) ? -magnitude : magnitude;
    return VlqStatus::ok;
  };

  for (;;) {
    // At the start of a generated line.
    unsigned c = kVlqTable.v[*u];
    if (c >= 64) {
      if (c == kVlqSemicolon) {  // empty line
        close_line();
        ++u;
        continue;
      }
      if (c == kVlqNul && u == uend) break;
      if (c == kVlqComma) {
        return mappings_error(params, line, segment, offset_of(u), "empty segment (no fields)");
      }
      return mappings_error(params, line, segment, offset_of(u),
                            describe_byte(static_cast<char>(*u)));
    }
    // A non-empty line: Mapping (',' Mapping)*; `u` is at a digit.
    for (;;) {
      const unsigned char* const segment_begin = u;
      std::int64_t v[5] = {0, 0, 0, 0, 0};
      int fields = 0;
      for (;;) {
        const unsigned char* const value_begin = u;
        const VlqStatus s = value(v[fields]);
        if (s != VlqStatus::ok) [[unlikely]] {
          const unsigned char* at = s == VlqStatus::bad_char ? u : value_begin;
          return mappings_error(params, line, segment, offset_of(at),
                                describe_status(s, static_cast<char>(*u)));
        }
        ++fields;
        c = kVlqTable.v[*u];
        if (c >= 64) break;
        if (fields == 5) [[unlikely]] {
          return mappings_error(params, line, segment, offset_of(segment_begin),
                                "segment has more than 5 fields");
        }
      }
      if (c == kVlqInvalid || (c == kVlqNul && u != uend)) [[unlikely]] {
        return mappings_error(params, line, segment, offset_of(u),
                              describe_byte(static_cast<char>(*u)));
      }
      const std::int64_t v0 = v[0], v1 = v[1], v2 = v[2], v3 = v[3], v4 = v[4];
      if (fields == 2 || fields == 3) [[unlikely]] {
        return mappings_error(
            params, line, segment, offset_of(segment_begin),
            "segment has " + std::to_string(fields) + " fields (must be 1, 4 or 5)");
      }

      RawToken t;
      column += v0;
      const std::int64_t generated_column = column + column_shift;
      if (column < 0 || generated_column > kU32Max) [[unlikely]] {
        return mappings_error(params, line, segment, offset_of(segment_begin),
                              "generated column " + std::to_string(generated_column) +
                                  (column < 0 ? " is negative" : " is past 4294967295"));
      }
      t.generated_column = static_cast<std::uint32_t>(generated_column);
      if (fields >= 4) {
        source += v1;
        original_line += v2;
        original_column += v3;
        if (source < 0 || source >= source_count) [[unlikely]] {
          return mappings_error(params, line, segment, offset_of(segment_begin),
                                "source index " + std::to_string(source) + " out of range (" +
                                    std::to_string(source_count) + " sources)");
        }
        if (original_line < 0 || original_line > kU32Max) [[unlikely]] {
          return mappings_error(params, line, segment, offset_of(segment_begin),
                                "original line " + std::to_string(original_line) +
                                    (original_line < 0 ? " is negative" : " is past 4294967295"));
        }
        if (original_column < 0 || original_column > kU32Max) [[unlikely]] {
          return mappings_error(params, line, segment, offset_of(segment_begin),
                                "original column " + std::to_string(original_column) +
                                    (original_column < 0 ? " is negative" : " is past 4294967295"));
        }
        t.source_index = static_cast<std::uint32_t>(source);
        t.line = static_cast<std::uint32_t>(original_line);
        t.column = static_cast<std::uint32_t>(original_column);
        if (fields == 5) {
          name += v4;
          if (name < 0 || name >= name_count) [[unlikely]] {
            return mappings_error(params, line, segment, offset_of(segment_begin),
                                  "name index " + std::to_string(name) + " out of range (" +
                                      std::to_string(name_count) + " names)");
          }
          t.name_index = static_cast<std::uint32_t>(name);
        }
      }
      sorted &= t.generated_column >= prev_column;
      prev_column = t.generated_column;
      tokens.push_back(t);

      // `c` is the class of the byte after the segment: ',', ';' or the terminating NUL.
      if (c == kVlqComma) {
        ++u;
        ++segment;
        const unsigned next = kVlqTable.v[*u];
        if (next >= 64) [[unlikely]] {
          if (next == kVlqInvalid || (next == kVlqNul && u != uend)) {
            return mappings_error(params, line, segment, offset_of(u),
                                  describe_byte(static_cast<char>(*u)));
          }
          return mappings_error(params, line, segment, offset_of(u), "empty segment (no fields)");
        }
        continue;
      }
      if (c == kVlqSemicolon) {
        close_line();
        ++u;
        break;
      }
      // The terminating NUL.
      close_line();
      return Ok{};
    }
  }
  // The last line (empty) has no terminating ';'.
  close_line();
  return Ok{};
}

std::string describe_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  char buf[40];
  if (u >= 0x21 && u < 0x7F) {
    std::snprintf(buf, sizeof buf, "invalid base64 character '%c'", c);
  } else {
    std::snprintf(buf, sizeof buf, "invalid byte 0x%02x", u);
  }
  return buf;
}

}  // namespace smcache::detail
