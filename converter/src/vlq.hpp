// Base64 VLQ: the value codec of the `mappings` string (ECMA-426 §"Mappings structure") and the
// decoder of a whole `mappings` string straight into SourceMapModel's token and line vectors.
//
// Not part of the public API: parse.cpp, tests, fuzzers and benchmarks include it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <smcache/converter/model.hpp>
#include <smcache/format/error.hpp>

namespace smcache::detail {

// Decoded value range. A value must fit in a signed 32-bit integer: -2^31 is accepted (its digits
// carry bit 32, but the value is representable), +2^31 is not ("ggggggE" in the conformance suite).
// Digits past the 32nd value bit are accepted while they carry only zero bits, so arbitrarily long
// zero continuations ("igggg...gA", conformance validMappingLargeVLQ) decode.
inline constexpr std::int64_t kVlqMin = -(std::int64_t{1} << 31);
inline constexpr std::int64_t kVlqMax = (std::int64_t{1} << 31) - 1;

enum class VlqStatus : std::uint8_t {
  ok,
  bad_char,   // a byte that is not a base64 digit (also '=' padding)
  truncated,  // the input ends, or ',' or ';' comes, while a digit's continuation bit is set
  overflow,   // the value does not fit in a signed 32-bit integer
};

// Per-byte class: 0..63 for a base64 digit (bit 5 = continuation, bits 0..4 = value bits), else
// one of the classes below.
inline constexpr std::uint8_t kVlqComma = 64;
inline constexpr std::uint8_t kVlqSemicolon = 65;
inline constexpr std::uint8_t kVlqNul = 66;
inline constexpr std::uint8_t kVlqInvalid = 67;
struct VlqTable {
  std::uint8_t v[256];
};
inline constexpr VlqTable kVlqTable = [] {
  VlqTable t{};
  for (auto& x : t.v) x = kVlqInvalid;
  constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (int i = 0; i < 64; ++i) {
    t.v[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::uint8_t>(i);
  }
  t.v[static_cast<unsigned char>(',')] = kVlqComma;
  t.v[static_cast<unsigned char>(';')] = kVlqSemicolon;
  t.v[0] = kVlqNul;
  return t;
}();

// What an error message says of a byte that is not a base64 digit: "invalid base64 character
// '!'" for printable ASCII, else "invalid byte 0xNN". Used by every base64 VLQ string's errors.
[[gnu::cold, gnu::noinline]] std::string describe_byte(char c);

// Slow path of decode_vlq: `d`, the first digit (already consumed), has its continuation bit set.
// `p` is at the second digit.
VlqStatus decode_vlq_continued(const char*& p, const char* end, unsigned d, std::int64_t& value);

// Decodes one VLQ value starting at `p` (p <= end). On ok, `p` is past the value's last digit.
// On bad_char or truncated, `p` points at the offending byte (or equals `end`); on overflow it is
// past the value. No allocation.
inline VlqStatus decode_vlq(const char*& p, const char* end, std::int64_t& value) {
  if (p == end) return VlqStatus::truncated;
  const unsigned d = kVlqTable.v[static_cast<unsigned char>(*p)];
  if (d >= 64) return VlqStatus::bad_char;
  ++p;
  if (d < 32) {  // one digit, no continuation: the common case
    const auto magnitude = static_cast<std::int64_t>(d >> 1);
    value = (d & 1) ? -magnitude : magnitude;
    return VlqStatus::ok;
  }
  return decode_vlq_continued(p, end, d, value);
}

// Appends the shortest base64 VLQ encoding of `value` (kVlqMin..kVlqMax) to `out`. For tests,
// fuzzers and benchmarks that build mappings strings.
void append_vlq(std::string& out, std::int64_t value);

struct MappingsParams {
  // Field path for messages: "mappings" or "sections[2].map.mappings".
  std::string_view field = "mappings";
  std::uint32_t source_count = 0;
  std::uint32_t name_count = 0;
  // Limit on tokens.size() after decoding (index-map sections share one budget).
  std::uint64_t max_tokens = std::uint64_t{500'000'000};
  // Index-map section offset: the mappings' line 0 is generated line `line_offset`, and the
  // generated columns of that first line only are shifted by `column_offset` (ECMA-426
  // DecodeIndexSourceMap). Both 0 for a regular map.
  std::uint32_t line_offset = 0;
  std::uint32_t column_offset = 0;
  // At most this many generated lines (regular maps: bounded by the input size anyway).
  std::uint64_t max_lines = 0xFFFFFFFEu;
};

// Decodes `mappings` (ECMA-426 grammar: lines separated by ';', segments by ',', each segment 1,
// 4 or 5 VLQ fields; empty lines allowed, empty segments not) and appends its tokens to `tokens`
// and its lines to `line_offsets` (SourceMapModel layout, closed form: line_offsets.back() ==
// tokens.size() before and after).
//
// Before the call, the last generated line already holding tokens must be < params.line_offset,
// or == params.line_offset with all its tokens at columns <= params.column_offset; trailing empty
// lines are allowed (they are reused). The new tokens of each line are stable-sorted by generated
// column when they are out of order (the sort is skipped when they are already sorted). Trailing
// empty lines of `mappings` are kept; the caller trims them.
//
// Errors (the model vectors then hold partial data):
//  - invalid_mappings naming line and segment, 0-based, of `mappings`, in the message and in
//    Error::where (byte_offset = byte index in `mappings`): bad base64, truncated or overflowing
//    values, 0, 2, 3 or more than 5 fields, negative values, source or name index out of range,
//    values past 2^32-1;
//  - limit_exceeded: more than params.max_tokens tokens or params.max_lines lines.
// Precondition: mappings.data()[mappings.size()] is readable and '\0' (std::string::c_str(),
// string literals and RapidJSON strings are): the terminator is the decoding loop's bounds check
// and lets it read one digit ahead. An embedded NUL is an invalid byte.
// Speed: one vectorized counting pass over the bytes (to reserve exactly), then one decoding pass
// with one- and two-digit values inline.
Result<Ok> decode_mappings(std::string_view mappings, const MappingsParams& params,
                           std::vector<RawToken>& tokens, std::vector<std::uint32_t>& line_offsets);

}  // namespace smcache::detail
