// Tokens as JSON objects for `lookup` and `dump`.
#include "token_json.hpp"

namespace smcache::cli {

TokenJson::TokenJson(const Cache& cache, std::uint32_t base)
    : cache_(cache), base_(base), source_json_(cache.source_count()) {}

const std::string& TokenJson::source_json(const Token& t) {
  if (t.source_index < source_json_.size()) {
    std::string& s = source_json_[t.source_index];
    if (s.empty()) {
      const auto info = cache_.source(t.source_index);
      if (info && !info->name) {
        s = "null";
      } else {
        s = json_quote(info ? *info->name : t.source);
      }
    }
    return s;
  }
  scratch_ = json_quote(t.source);  // not reached for a token the cache returned
  return scratch_;
}

void TokenJson::original(Writer& out, const Token& t) {
  if (!t.has_source()) {
    out.put("null");
    return;
  }
  out.put("{\"source\": ");
  out.put(source_json(t));
  out.put(", \"line\": ");
  out.put_u64(std::uint64_t{t.line} + base_);
  out.put(", \"column\": ");
  out.put_u64(std::uint64_t{t.column} + base_);
  out.put(", \"name\": ");
  if (t.name) {
    out.put_json_string(*t.name);
  } else {
    out.put("null");
  }
  out.put('}');
}

void TokenJson::full(Writer& out, const Token& t) {
  out.put("{\"generated_line\": ");
  out.put_u64(std::uint64_t{t.generated_line} + base_);
  out.put(", \"generated_column\": ");
  out.put_u64(std::uint64_t{t.generated_column} + base_);
  if (t.has_source()) {
    out.put(", \"source\": ");
    out.put(source_json(t));
    out.put(", \"line\": ");
    out.put_u64(std::uint64_t{t.line} + base_);
    out.put(", \"column\": ");
    out.put_u64(std::uint64_t{t.column} + base_);
  } else {
    out.put(", \"source\": null, \"line\": null, \"column\": null");
  }
  out.put(", \"name\": ");
  if (t.name) {
    out.put_json_string(*t.name);
  } else {
    out.put("null");
  }
  out.put('}');
}

}  // namespace smcache::cli
