// `smcache verify CACHE...`: every checksum and cross-reference of each file, one line each.
#include <string>

#include "cli.hpp"
#include "output.hpp"

namespace smcache::cli {
namespace {

constexpr std::string_view kHelp =
    "usage: smcache verify CACHE...\n"
    "\n"
    "Open each CACHE and check every checksum and every cross-reference (line index, column\n"
    "order, indices in range, string offsets), in O(file size). Prints one line per file on\n"
    "standard output:\n"
    "  ok PATH\n"
    "  FAIL PATH: message\n"
    "\n"
    "options:\n"
    "  -h, --help   print this help\n"
    "\n"
    "Exit status: 0 when every file is ok, 1 when any fails, 2 usage error.\n";

int run_verify(const ParsedArgs& args, Writer& out) {
  if (args.operands.empty()) usage_error("missing CACHE");
  bool all_ok = true;
  for (const std::string& path : args.operands) {
    const std::string shown = sanitize_text(path);
    std::string problem;
    if (auto cache = Cache::open(path)) {
      if (auto r = cache->verify(); !r) problem = r.error().message;
    } else {
      problem = cache.error().message;
      // The open error usually starts with the path already: do not print it twice.
      if (problem.starts_with(path + ": ")) problem.erase(0, path.size() + 2);
    }
    if (problem.empty()) {
      out.put("ok ");
      out.put(shown);
      out.put('\n');
    } else {
      all_ok = false;
      out.put("FAIL ");
      out.put(shown);
      out.put(": ");
      out.put(sanitize_text(problem));
      out.put('\n');
    }
    flush_or_fail(out);  // one line per file as soon as it is known
  }
  return all_ok ? kExitOk : kExitFailure;
}

}  // namespace

const Command kVerifyCommand = {
    "verify", "check every checksum and cross-reference of caches", kHelp, {}, run_verify};

}  // namespace smcache::cli
