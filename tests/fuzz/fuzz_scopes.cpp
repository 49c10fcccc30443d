// Fuzz target: the `scopes` proposal decoder of converter/src/scopes.hpp, both encodings.
//
// Input: byte 0 picks the form (bit 0: split), the source count (bits 1-3) and the name count
// (bits 4-7); the rest is the combined `scopes` string, or for the split form '\n'-separated
// strings: first `ranges`, then `scopes[0]`, `scopes[1]`, ... ("~" alone: absent / null).
// Oracle: the decoder either fails with invalid_field, a message naming the field, a byte offset
// inside the string and an empty model, or returns a model whose every index is in range and
// whose trees are well nested (children inside parents, pre-order, bindings grouped by
// variable); decoding twice gives the same result; and, for printable ASCII input, the same
// string as a map's `scopes` field never makes parse_source_map() reject the map.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <smcache/converter/model.hpp>

#include "fuzz_support.hpp"
#include "scopes.hpp"

namespace {

using smcache::GeneratedRange;
using smcache::kNoScopeIndex;
using smcache::OriginalScope;
using smcache::ScopesModel;

void check_model(const ScopesModel& m, std::uint32_t source_count, std::uint32_t name_count) {
  const auto scope_count = m.scopes.size();
  for (std::size_t k = 0; k < scope_count; ++k) {
    const OriginalScope& s = m.scopes[k];
    SMCACHE_FUZZ_CHECK(s.source_index < source_count, "scope %zu: source %u of %u", k,
                       s.source_index, source_count);
    SMCACHE_FUZZ_CHECK(s.start <= s.end, "scope %zu ends before it starts", k);
    SMCACHE_FUZZ_CHECK(s.name_index == kNoScopeIndex || s.name_index < name_count,
                       "scope %zu: name %u", k, s.name_index);
    SMCACHE_FUZZ_CHECK(s.kind_index == kNoScopeIndex || s.kind_index < name_count,
                       "scope %zu: kind %u", k, s.kind_index);
    SMCACHE_FUZZ_CHECK(std::uint64_t{s.variables_offset} + s.variable_count <= m.variables.size(),
                       "scope %zu: variables past the end", k);
    for (std::uint32_t i = 0; i < s.variable_count; ++i) {
      SMCACHE_FUZZ_CHECK(m.variables[s.variables_offset + i] < name_count, "scope %zu: variable",
                         k);
    }
    if (k > 0) {
      const OriginalScope& prev = m.scopes[k - 1];
      SMCACHE_FUZZ_CHECK(prev.source_index <= s.source_index, "scopes not grouped by source");
      if (prev.source_index == s.source_index) {
        SMCACHE_FUZZ_CHECK(prev.start <= s.start, "scope %zu starts before scope %zu", k, k - 1);
      }
    }
    if (s.parent != kNoScopeIndex) {
      SMCACHE_FUZZ_CHECK(s.parent < k, "scope %zu: parent %u not before it", k, s.parent);
      const OriginalScope& p = m.scopes[s.parent];
      SMCACHE_FUZZ_CHECK(p.source_index == s.source_index, "scope %zu: parent in another source",
                         k);
      SMCACHE_FUZZ_CHECK(p.start <= s.start && s.end <= p.end, "scope %zu outside its parent", k);
    }
  }
  for (std::size_t k = 0; k < m.ranges.size(); ++k) {
    const GeneratedRange& r = m.ranges[k];
    SMCACHE_FUZZ_CHECK(r.start <= r.end, "range %zu ends before it starts", k);
    SMCACHE_FUZZ_CHECK(r.definition == kNoScopeIndex || r.definition < scope_count,
                       "range %zu: definition %u of %zu", k, r.definition, scope_count);
    SMCACHE_FUZZ_CHECK(!r.has_call_site || r.call_site_source < source_count,
                       "range %zu: call site source %u", k, r.call_site_source);
    if (k > 0) {
      SMCACHE_FUZZ_CHECK(m.ranges[k - 1].start <= r.start, "range %zu out of order", k);
    }
    if (r.parent != kNoScopeIndex) {
      SMCACHE_FUZZ_CHECK(r.parent < k, "range %zu: parent %u not before it", k, r.parent);
      const GeneratedRange& p = m.ranges[r.parent];
      SMCACHE_FUZZ_CHECK(p.start <= r.start && r.end <= p.end, "range %zu outside its parent", k);
    }
    SMCACHE_FUZZ_CHECK(std::uint64_t{r.bindings_offset} + r.binding_count <= m.bindings.size(),
                       "range %zu: bindings past the end", k);
    SMCACHE_FUZZ_CHECK(r.binding_count >= r.variable_count, "range %zu: %u bindings, %u variables",
                       k, r.binding_count, r.variable_count);
    for (std::uint32_t b = 0; b < r.binding_count; ++b) {
      const auto& rec = m.bindings[r.bindings_offset + b];
      SMCACHE_FUZZ_CHECK(rec.variable < r.variable_count, "range %zu: binding variable %u", k,
                         rec.variable);
      SMCACHE_FUZZ_CHECK(rec.expression_index == kNoScopeIndex || rec.expression_index < name_count,
                         "range %zu: expression %u", k, rec.expression_index);
      if (b > 0) {
        SMCACHE_FUZZ_CHECK(m.bindings[r.bindings_offset + b - 1].variable <= rec.variable,
                           "range %zu: bindings not grouped by variable", k);
      }
    }
  }
}

void check_error(const smcache::Error& e, const ScopesModel& out, std::size_t longest) {
  SMCACHE_FUZZ_CHECK(e.code == smcache::Errc::invalid_field, "code %d: %s",
                     static_cast<int>(e.code), e.message.c_str());
  SMCACHE_FUZZ_CHECK(e.message.rfind("scopes", 0) == 0 || e.message.rfind("ranges", 0) == 0,
                     "message '%s' does not start with the field", e.message.c_str());
  SMCACHE_FUZZ_CHECK(e.where.byte_offset <= longest, "byte %llu past %zu",
                     static_cast<unsigned long long>(e.where.byte_offset), longest);
  SMCACHE_FUZZ_CHECK(out.empty() && out.variables.empty() && out.bindings.empty(),
                     "model not cleared on error");
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool split = (data[0] & 1) != 0;
  const std::uint32_t source_count = (data[0] >> 1) & 7;
  const std::uint32_t name_count = data[0] >> 4;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  ScopesModel out, again;
  std::string json_scopes;  // the same input as JSON, for parse_source_map
  if (!split) {
    const auto r = smcache::detail::decode_scopes_combined(text, source_count, name_count, out);
    const auto r2 = smcache::detail::decode_scopes_combined(text, source_count, name_count, again);
    SMCACHE_FUZZ_CHECK(r.ok() == r2.ok() && out == again, "decoding twice differs");
    if (r.ok()) {
      check_model(out, source_count, name_count);
    } else {
      check_error(r.error(), out, text.size());
    }
    json_scopes = "\"scopes\":" + json_string(text);
  } else {
    std::vector<std::string_view> parts;
    std::size_t at = 0;
    for (;;) {
      const std::size_t nl = text.find('\n', at);
      parts.push_back(text.substr(at, nl == std::string_view::npos ? nl : nl - at));
      if (nl == std::string_view::npos) break;
      at = nl + 1;
    }
    auto value = [](std::string_view s) {
      return s == "~" ? std::optional<std::string_view>() : std::optional<std::string_view>(s);
    };
    const std::optional<std::string_view> ranges = value(parts[0]);
    std::vector<std::optional<std::string_view>> scopes;
    std::size_t longest = ranges ? ranges->size() : 0;
    json_scopes = "\"scopes\":[";
    for (std::size_t i = 1; i < parts.size(); ++i) {
      scopes.push_back(value(parts[i]));
      longest = std::max(longest, parts[i].size());
      if (i > 1) json_scopes += ',';
      json_scopes += scopes.back() ? json_string(*scopes.back()) : "null";
    }
    json_scopes += ']';
    if (ranges) json_scopes += ",\"ranges\":" + json_string(*ranges);
    const auto r =
        smcache::detail::decode_scopes_split(scopes, ranges, source_count, name_count, out);
    const auto r2 =
        smcache::detail::decode_scopes_split(scopes, ranges, source_count, name_count, again);
    SMCACHE_FUZZ_CHECK(r.ok() == r2.ok() && out == again, "decoding twice differs");
    if (r.ok()) {
      check_model(out, source_count, name_count);
    } else {
      check_error(r.error(), out, longest);
    }
  }

  // Through the JSON parser: the map compiles whatever `scopes` holds (printable ASCII only, so
  // that the JSON text stays valid).
  for (const char c : text) {
    if ((c != '\n' || !split) && (c < 0x20 || c > 0x7E)) return 0;
  }
  std::string json = "{\"version\":3,\"mappings\":\"\",\"sources\":[";
  for (std::uint32_t i = 0; i < source_count; ++i) json += i ? ",\"s\"" : "\"s\"";
  json += "],\"names\":[";
  for (std::uint32_t i = 0; i < name_count; ++i) json += i ? ",\"n\"" : "\"n\"";
  json += "]," + json_scopes + "}";
  const auto model = smcache::parse_source_map(std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(json.data()), json.size()));
  SMCACHE_FUZZ_CHECK(model.ok(), "the map was rejected for its scopes: %s",
                     model.ok() ? "" : model.error().message.c_str());
  SMCACHE_FUZZ_CHECK(model->warnings.size() <= 1, "%zu warnings", model->warnings.size());
  SMCACHE_FUZZ_CHECK(model->warnings.empty() || model->scopes.empty(),
                     "warning and scope data together");
  if (model->warnings.empty()) {
    SMCACHE_FUZZ_CHECK(model->scopes == out, "parse_source_map decoded other scopes");
  }
  return 0;
}
