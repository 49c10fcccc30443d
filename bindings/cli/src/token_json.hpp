// Tokens as JSON objects, for `lookup` and `dump`. Source names are escaped once per source.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <smcache/reader/cache.hpp>

#include "cli.hpp"

namespace smcache::cli {

class TokenJson {
 public:
  // `base` is added to every printed line and column: 0, or 1 for --one-based.
  TokenJson(const Cache& cache, std::uint32_t base);

  // {"source": "a.js", "line": 9, "column": 4, "name": "f"}, or null for a token without a
  // source. "source" is null for a source whose name is null; "name" null without a name.
  void original(Writer& out, const Token& t);

  // {"generated_line": 0, "generated_column": 4, "source": ..., "line": ..., "column": ...,
  // "name": ...}: source, line and column null for a token without a source.
  void full(Writer& out, const Token& t);

 private:
  // The JSON value of t's source name: "\"a.js\"" or "null".
  const std::string& source_json(const Token& t);

  const Cache& cache_;
  std::uint32_t base_;
  std::vector<std::string> source_json_;  // per source index; "" until first used
  std::string scratch_;
};

}  // namespace smcache::cli
