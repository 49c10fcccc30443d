// Fuzz target: the base64 VLQ decoder of converter/src/vlq.hpp. Arbitrary bytes are decoded
// value by value by decode_vlq and compared with a slow reference decoder written from ECMA-426
// (status, value and end position), every decoded value is re-encoded by append_vlq and decoded
// back, and the bytes as a whole `mappings` string go through decode_mappings and a reference
// mappings decoder, which must agree on success and on every token.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "vlq.hpp"

namespace {

using smcache::RawToken;
using smcache::detail::VlqStatus;

// --- reference VLQ decoder: one digit at a time, no tables ---

int digit_of(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

struct RefValue {
  VlqStatus status;
  std::int64_t value;
  std::size_t end;  // index after the value (ok, overflow) or of the offending byte
};

// ECMA-426 VLQ: 5 value bits per digit, least significant first, bit 5 = continuation; the
// lowest value bit is the sign. The value must fit in a signed 32-bit integer; zero bits past
// the 32nd are harmless (vlq.hpp documents both choices).
RefValue ref_decode(std::string_view s, std::size_t at) {
  if (at == s.size()) return {VlqStatus::truncated, 0, at};
  std::uint64_t raw = 0;  // digit bits 0..39
  bool huge = false;      // a one bit at or past bit 40: far beyond 32-bit values
  std::size_t i = at;
  for (unsigned shift = 0;; shift += 5) {
    if (i == s.size()) return {VlqStatus::truncated, 0, i};
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const int d = digit_of(c);
    if (d < 0) {
      // Where the first digit should be, any non-digit is a bad character; where a continuation
      // digit should be, a separator means the value was cut short.
      if (i != at && (c == ',' || c == ';')) return {VlqStatus::truncated, 0, i};
      return {VlqStatus::bad_char, 0, i};
    }
    ++i;
    const unsigned bits = static_cast<unsigned>(d) & 31;
    if (shift < 40) {
      raw |= std::uint64_t{bits} << shift;
    } else if (bits != 0) {
      huge = true;
    }
    if ((d & 32) == 0) break;
  }
  const std::uint64_t magnitude = raw >> 1;
  const bool negative = (raw & 1) != 0;
  const std::uint64_t limit = negative ? std::uint64_t{1} << 31 : (std::uint64_t{1} << 31) - 1;
  if (huge || magnitude > limit) return {VlqStatus::overflow, 0, i};
  const auto m = static_cast<std::int64_t>(magnitude);
  return {VlqStatus::ok, negative ? -m : m, i};
}

const char* status_name(VlqStatus s) {
  switch (s) {
    case VlqStatus::ok:
      return "ok";
    case VlqStatus::bad_char:
      return "bad_char";
    case VlqStatus::truncated:
      return "truncated";
    case VlqStatus::overflow:
      return "overflow";
  }
  return "?";
}

void check_values(std::string_view s) {
  std::size_t at = 0;
  while (at < s.size()) {
    const char* p = s.data() + at;
    std::int64_t value = 0;
    const VlqStatus status = smcache::detail::decode_vlq(p, s.data() + s.size(), value);
    const auto end = static_cast<std::size_t>(p - s.data());
    const RefValue ref = ref_decode(s, at);
    SMCACHE_FUZZ_CHECK(status == ref.status, "at byte %zu: decode_vlq says %s, reference %s", at,
                       status_name(status), status_name(ref.status));
    SMCACHE_FUZZ_CHECK(end == ref.end, "at byte %zu (%s): decode_vlq ends at %zu, reference %zu",
                       at, status_name(status), end, ref.end);
    if (status == VlqStatus::ok) {
      SMCACHE_FUZZ_CHECK(value == ref.value, "at byte %zu: value %lld, reference %lld", at,
                         static_cast<long long>(value), static_cast<long long>(ref.value));
      SMCACHE_FUZZ_CHECK(value >= smcache::detail::kVlqMin && value <= smcache::detail::kVlqMax,
                         "value %lld out of range", static_cast<long long>(value));
      // Round trip: the shortest encoding decodes to the same value, and is no longer than
      // what was read.
      std::string encoded;
      smcache::detail::append_vlq(encoded, value);
      const char* q = encoded.data();
      std::int64_t again = 0;
      const VlqStatus s2 = smcache::detail::decode_vlq(q, encoded.data() + encoded.size(), again);
      SMCACHE_FUZZ_CHECK(
          s2 == VlqStatus::ok && again == value && q == encoded.data() + encoded.size(),
          "append_vlq(%lld) = '%s' does not decode back", static_cast<long long>(value),
          encoded.c_str());
      SMCACHE_FUZZ_CHECK(encoded.size() <= end - at || value == 0,
                         "append_vlq(%lld) = '%s' is longer than the %zu digits read",
                         static_cast<long long>(value), encoded.c_str(), end - at);
    }
    // Continue after the value, or past the offending byte.
    at = end > at ? end : at + 1;
  }
}

// --- reference mappings decoder (ECMA-426 §"Mappings structure"), naive and allocation-happy ---

struct RefMappings {
  bool ok = false;
  std::vector<RawToken> tokens;  // each line stable-sorted by generated column
  std::vector<std::uint32_t> line_offsets{0};
};

RefMappings ref_mappings(std::string_view s, std::uint32_t source_count, std::uint32_t name_count) {
  RefMappings out;
  std::int64_t source = 0, line = 0, column = 0, name = 0;
  std::size_t at = 0;
  for (;;) {  // one generated line per iteration
    const std::size_t line_end = std::min(s.find(';', at), s.size());
    const std::string_view text = s.substr(at, line_end - at);
    std::int64_t generated = 0;
    const std::size_t first = out.tokens.size();
    if (!text.empty()) {
      std::size_t seg_at = 0;
      for (;;) {  // one segment per iteration
        const std::size_t seg_end = std::min(text.find(',', seg_at), text.size());
        const std::string_view seg = text.substr(seg_at, seg_end - seg_at);
        if (seg.empty()) return out;  // empty segment
        std::int64_t v[6];
        int fields = 0;
        for (std::size_t k = 0; k < seg.size();) {
          if (fields == 6) return out;
          const RefValue r = ref_decode(seg, k);
          if (r.status != VlqStatus::ok) return out;
          v[fields++] = r.value;
          k = r.end;
        }
        if (fields != 1 && fields != 4 && fields != 5) return out;
        RawToken t;
        generated += v[0];
        if (generated < 0 || generated > 0xFFFFFFFFll) return out;
        t.generated_column = static_cast<std::uint32_t>(generated);
        if (fields >= 4) {
          source += v[1];
          line += v[2];
          column += v[3];
          if (source < 0 || source >= source_count) return out;
          if (line < 0 || line > 0xFFFFFFFFll || column < 0 || column > 0xFFFFFFFFll) return out;
          t.source_index = static_cast<std::uint32_t>(source);
          t.line = static_cast<std::uint32_t>(line);
          t.column = static_cast<std::uint32_t>(column);
          if (fields == 5) {
            name += v[4];
            if (name < 0 || name >= name_count) return out;
            t.name_index = static_cast<std::uint32_t>(name);
          }
        }
        out.tokens.push_back(t);
        if (seg_end == text.size()) break;
        seg_at = seg_end + 1;
      }
    }
    std::stable_sort(out.tokens.begin() + static_cast<std::ptrdiff_t>(first), out.tokens.end(),
                     [](const RawToken& a, const RawToken& b) {
                       return a.generated_column < b.generated_column;
                     });
    out.line_offsets.push_back(static_cast<std::uint32_t>(out.tokens.size()));
    if (line_end == s.size()) break;
    at = line_end + 1;
  }
  out.ok = true;
  return out;
}

void check_mappings(std::string_view bytes) {
  // decode_mappings needs a NUL right after the string (vlq.hpp); std::string provides it.
  const std::string mappings(bytes);
  constexpr std::uint32_t kSources = 3, kNames = 2;
  smcache::detail::MappingsParams params;
  params.source_count = kSources;
  params.name_count = kNames;
  std::vector<RawToken> tokens;
  std::vector<std::uint32_t> line_offsets{0};
  const auto r = smcache::detail::decode_mappings(mappings, params, tokens, line_offsets);
  const RefMappings ref = ref_mappings(mappings, kSources, kNames);
  SMCACHE_FUZZ_CHECK(r.ok() == ref.ok, "decode_mappings %s, reference %s (%s)",
                     r.ok() ? "accepts" : "rejects", ref.ok ? "accepts" : "rejects",
                     r.ok() ? "" : r.error().message.c_str());
  if (!r.ok()) {
    const smcache::Error& e = r.error();
    SMCACHE_FUZZ_CHECK(e.code == smcache::Errc::invalid_mappings, "code %d: %s",
                       static_cast<int>(e.code), e.message.c_str());
    SMCACHE_FUZZ_CHECK(e.message.rfind("mappings: line ", 0) == 0, "message '%s'",
                       e.message.c_str());
    SMCACHE_FUZZ_CHECK(e.where.byte_offset <= mappings.size(), "byte_offset %llu past %zu",
                       static_cast<unsigned long long>(e.where.byte_offset), mappings.size());
    return;
  }
  SMCACHE_FUZZ_CHECK(line_offsets == ref.line_offsets, "line offsets differ (%zu vs %zu lines)",
                     line_offsets.size(), ref.line_offsets.size());
  SMCACHE_FUZZ_CHECK(tokens == ref.tokens, "tokens differ (%zu vs %zu)", tokens.size(),
                     ref.tokens.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  check_values(bytes);
  check_mappings(bytes);
  return 0;
}
