// `smcache dump CACHE`: every mapping (or with --sources every source) as JSON lines.
#include <string>

#include "cli.hpp"
#include "token_json.hpp"

namespace smcache::cli {
namespace {

constexpr OptionSpec kOptions[] = {
    {"sources", 0, false},
};

constexpr std::string_view kHelp =
    "usage: smcache dump [--sources] CACHE\n"
    "\n"
    "Print every mapping of CACHE as one JSON line, in generated order (line, then column;\n"
    "mappings at the same position keep their order in the map):\n"
    "  {\"generated_line\": 0, \"generated_column\": 4, \"source\": \"a.js\", \"line\": 0, "
    "\"column\": 0, \"name\": null}\n"
    "A segment without a source (1 field) has \"source\", \"line\" and \"column\" null; a source\n"
    "whose name is null has \"source\" null. All lines and columns are 0-based.\n"
    "\n"
    "options:\n"
    "      --sources   print the sources instead, one JSON line each, in index order:\n"
    "                  {\"index\": 0, \"name\": \"a.js\", \"ignored\": false, \"has_content\": "
    "true, "
    "\"line_count\": 12}\n"
    "                  (name null for a null source; line_count 0 without content)\n"
    "  -h, --help      print this help\n"
    "\n"
    "Exit status: 0 ok, 1 unreadable or corrupt cache, 2 usage error.\n";

void dump_sources(const Cache& cache, Writer& out) {
  const std::uint32_t n = cache.source_count();
  for (std::uint32_t i = 0; i < n; ++i) {
    const auto s = cache.source(i);
    if (!s) fail("source " + std::to_string(i) + ": corrupt record (run 'smcache verify')");
    out.put("{\"index\": ");
    out.put_u64(i);
    out.put(", \"name\": ");
    if (s->name) {
      out.put_json_string(*s->name);
    } else {
      out.put("null");
    }
    out.put(s->ignored ? ", \"ignored\": true" : ", \"ignored\": false");
    out.put(s->content ? ", \"has_content\": true" : ", \"has_content\": false");
    out.put(", \"line_count\": ");
    out.put_u64(s->line_count);
    out.put("}\n");
  }
}

int run_dump(const ParsedArgs& args, Writer& out) {
  if (args.operands.empty()) usage_error("missing CACHE");
  if (args.operands.size() > 1) usage_error("unexpected argument '" + args.operands[1] + "'");
  const Cache cache = open_cache_or_fail(args.operands[0]);
  if (args.has("sources")) {
    dump_sources(cache, out);
  } else {
    TokenJson json(cache, 0);
    std::uint32_t printed = 0;
    cache.for_each_token([&](const Token& t) {
      json.full(out, t);
      out.put('\n');
      ++printed;
      return !out.failed();
    });
    flush_or_fail(out);
    // for_each_token stops at a token it cannot read (a corrupt block).
    if (printed != cache.token_count()) {
      fail("token " + std::to_string(printed) + " of " + std::to_string(cache.token_count()) +
           ": corrupt (run 'smcache verify')");
    }
  }
  flush_or_fail(out);
  return kExitOk;
}

}  // namespace

const Command kDumpCommand = {"dump", "print every mapping (or every source) as JSON lines", kHelp,
                              kOptions, run_dump};

}  // namespace smcache::cli
