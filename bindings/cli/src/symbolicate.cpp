// `smcache symbolicate`: a JavaScript stack trace in, the original frames out (function, source,
// line, column, source context), as text for people or one JSON document for programs.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <smcache/converter/compile.hpp>
#include <smcache/present/trace_render.hpp>
#include <smcache/reader/cache_directory.hpp>
#include <smcache/reader/stack_trace.hpp>
#include <smcache/reader/symbolicate.hpp>

#include "cli.hpp"

namespace smcache::cli {
namespace {

constexpr OptionSpec kOptions[] = {
    {"cache", 0, true},     {"cache-dir", 0, true}, {"context", 'C', true}, {"json", 0, false},
    {"prefault", 0, false}, {"debug-id", 0, true},  {"rules", 0, true},
};

constexpr std::uint32_t kMaxContext = 1000;
constexpr std::size_t kMaxTraceBytes = std::size_t{64} << 20;

constexpr std::string_view kHelp =
    "usage: smcache symbolicate (--cache CACHE | --cache-dir DIR) [options] [TRACE|-]\n"
    "\n"
    "Read a JavaScript stack trace (from the file TRACE, or standard input when TRACE is '-' or\n"
    "absent) as V8 (Chrome, Node), Firefox or Safari print it, and print each frame's original\n"
    "function, source, line and column. Lines that are not frames (the error message) are\n"
    "printed unchanged. Frames that cannot be mapped are kept as printed and marked\n"
    "[unresolved: why]: native code, no cache for the script, no mapping at the position...\n"
    "\n"
    "Where each frame's cache comes from:\n"
    "  --cache CACHE     one cache file for every frame (a trace from one bundle); frames of\n"
    "                    node:internal/..., <anonymous> and other non-files are not mapped\n"
    "  --cache-dir DIR   a directory written by 'smcache warm': each frame's cache is found by\n"
    "                    its URL or path (scheme, host, query and fragment dropped; the longest\n"
    "                    whole-segment suffix that DIR indexes wins)\n"
    "\n"
    "Function names: the name at a frame's own position names what is called there, so it is\n"
    "never used. In order, a frame is named by: the map's scopes (ECMA-426) around its\n"
    "position; the innermost function of the original source around its mapped position (the\n"
    "cache's function table, scanned from sourcesContent at compile time); the innermost\n"
    "function of the generated file around its position (the generated-function table, built\n"
    "when the cache was compiled from the JavaScript file, each function named through the\n"
    "map); the mapping that starts exactly at its caller's position (the next frame); for\n"
    "'new X' and 'await f()' call sites, the mapping just after the keyword when\n"
    "sourcesContent shows a direct call. Otherwise the trace's own (minified) name is shown and\n"
    "marked [minified].\n"
    "\n"
    "Inlined frames: when the map has ECMA-426 'scopes' with call sites (a minifier inlined a\n"
    "function), the frame is the inlined function at its own position, marked [inlined], and\n"
    "the calls that inlining removed follow it, one line each at the call site that was\n"
    "inlined; the last is the function the engine ran. '--json' lists them in the frame's\n"
    "\"inlined_callers\" ({\"source\", \"line\", \"column\", \"function\", \"display_function\",\n"
    "\"function_rule\", \"inlined\"}), with \"inlined\": true on the frame.\n"
    "\n"
    "Lines and columns are 1-based in the input and in the output, as engines print them\n"
    "(columns count UTF-16 code units). '--json' prints them 1-based too.\n"
    "\n"
    "options:\n"
    "      --cache CACHE   resolve every frame through this cache file\n"
    "      --cache-dir DIR resolve frames through the caches of a warm directory\n"
    "  -C, --context N     print N source lines before and after each frame's line (from\n"
    "                      sourcesContent; 0 prints the line alone), 0..1000\n"
    "      --json          print one JSON document: {\"lines\": [...], \"frame_count\": F,\n"
    "                      \"resolved_count\": R}; each line is {\"kind\": \"text\", \"raw\"} or\n"
    "                      {\"kind\": \"frame\", \"raw\", \"generated\": {\"url\", \"line\",\n"
    "                      \"column\", \"function\", \"alias\", \"async\", \"constructor\",\n"
    "                      \"native\", \"eval\"}, \"resolved\", \"unresolved_reason\",\n"
    "                      \"unresolved_detail\", \"source\", \"line\", \"column\", \"function\",\n"
    "                      \"display_function\", \"function_rule\"} plus, with --context,\n"
    "                      \"pre_context\", \"context_line\", \"post_context\"; function_rule is\n"
    "                      scopes, original-function, generated-function,\n"
    "                      caller-call-site, caller-call-site-next-token, minified,\n"
    "                      as-printed (unresolved frames) or none\n"
    "      --rules LIST    name frames with these rules only (comma-separated, in any order;\n"
    "                      they are still tried in the order above): scopes,\n"
    "                      original-function, generated-function, caller-call-site,\n"
    "                      caller-call-site-next-token, minified; default all. To measure\n"
    "                      one rule alone: a frame no listed rule names gets no name\n"
    "      --debug-id URL=ID\n"
    "                      with --cache-dir: frames of the script URL (exactly as the trace\n"
    "                      prints it, or without its ?query and #fragment) are resolved by the\n"
    "                      debugId ID (a UUID) first, then by URL; repeatable, one per script.\n"
    "                      Error trackers receive these ids with the event (debug_meta)\n"
    "      --prefault      with --cache: read the whole cache into memory before symbolicating\n"
    "  -h, --help          print this help\n"
    "\n"
    "Exit status: 0 when the trace was read and symbolicated, also when some frames stay\n"
    "unresolved; 1 when the trace cannot be read or holds no stack frame, the cache cannot be\n"
    "opened, or a cache found in DIR is unreadable or corrupt (the output is printed first);\n"
    "2 usage error.\n";

std::string read_stdin_text() {
  std::string text;
  std::size_t size = 0;
  text.resize(std::size_t{1} << 16);
  for (;;) {
    if (size == text.size()) {
      if (text.size() >= kMaxTraceBytes) fail("<stdin>: trace larger than 64 MiB");
      text.resize(text.size() * 2);
    }
    const ssize_t n = ::read(0, text.data() + size, text.size() - size);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(std::string("read standard input: ") + std::strerror(errno));
    }
    if (n == 0) break;
    size += static_cast<std::size_t>(n);
  }
  text.resize(size);
  return text;
}

// --- the command -------------------------------------------------------------------------------

int run_symbolicate(const ParsedArgs& args, Writer& out) {
  const auto& ops = args.operands;
  if (ops.size() > 1) usage_error("unexpected argument '" + ops[1] + "'");
  const auto cache_file = args.value("cache");
  const auto cache_dir = args.value("cache-dir");
  if (cache_file && cache_dir) usage_error("--cache and --cache-dir cannot be combined");
  if (!cache_file && !cache_dir) usage_error("missing --cache CACHE or --cache-dir DIR");
  if ((cache_file && cache_file->empty()) || (cache_dir && cache_dir->empty())) {
    usage_error("empty cache path");
  }
  SymbolicateOptions options;
  if (const auto c = args.value("context")) {
    const auto n = parse_u32(*c);
    if (!n || *n > kMaxContext)
      usage_error("--context must be an integer 0..1000, got '" + *c + "'");
    options.include_context = true;
    options.context_lines = *n;
  }
  if (const auto list = args.value("rules")) {
    options.function_rules = 0;
    std::string_view rest = *list;
    while (true) {
      const std::size_t comma = rest.find(',');
      const std::string_view name = rest.substr(0, comma);
      FunctionRule rule = FunctionRule::none;
      if (!function_rule_from_name(name, rule) || rule == FunctionRule::none ||
          rule == FunctionRule::as_printed) {
        usage_error("--rules: unknown rule '" + std::string(name) +
                    "' (scopes, original-function, generated-function, caller-call-site, "
                    "caller-call-site-next-token, minified)");
      }
      options.function_rules |= function_rule_bit(rule);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  const bool json = args.has("json");

  // --debug-id URL=ID, repeatable: the ID is the part after the last '=' (a URL may hold '=').
  std::unordered_map<std::string, std::string> debug_ids;
  for (const auto& [name, value] : args.options) {
    if (name != "debug-id") continue;
    const std::size_t eq = value.rfind('=');
    if (eq == std::string::npos || eq == 0) {
      usage_error("--debug-id must be URL=ID, got '" + value + "'");
    }
    const auto id = CacheDirectory::canonical_debug_id(std::string_view(value).substr(eq + 1));
    if (!id) usage_error("--debug-id: '" + value.substr(eq + 1) + "' is not a UUID");
    debug_ids[value.substr(0, eq)] = *id;
  }
  if (!debug_ids.empty() && !cache_dir) usage_error("--debug-id needs --cache-dir");
  auto debug_id_of = [&](std::string_view url) -> std::string_view {
    if (debug_ids.empty()) return {};
    auto it = debug_ids.find(std::string(url));
    if (it == debug_ids.end()) {
      it = debug_ids.find(std::string(url.substr(0, url.find_first_of("?#"))));
    }
    return it == debug_ids.end() ? std::string_view() : std::string_view(it->second);
  };

  // The caches first: a wrong --cache path fails before reading a trace from a terminal.
  std::optional<Cache> single;
  std::optional<CacheDirectory> dir;
  if (cache_file) {
    single.emplace(open_cache_or_fail(*cache_file));
    if (args.has("prefault")) single->prefault();
  } else {
    auto d = CacheDirectory::open(*cache_dir);
    if (!d) fail(message_with_path(d.error(), *cache_dir));
    dir.emplace(std::move(d).value());
  }

  const bool from_stdin = ops.empty() || ops[0] == "-";
  const std::string shown = from_stdin ? "<stdin>" : ops[0];
  std::string text;
  if (from_stdin) {
    text = read_stdin_text();
  } else {
    auto r = read_file(ops[0]);
    if (!r) fail(message_with_path(r.error(), ops[0]));
    if (r->size() > kMaxTraceBytes) fail(shown + ": trace larger than 64 MiB");
    text.assign(r->begin(), r->end());
  }

  const std::vector<TraceLine> lines = parse_stack_trace(text);
  if (std::none_of(lines.begin(), lines.end(), [](const TraceLine& l) { return l.is_frame; })) {
    fail(shown +
         ": no stack frame found (expected lines such as '    at fn (app.js:1:2)' or "
         "'fn@app.js:1:2')");
  }

  // One resolution per distinct URL; the first cache error is reported after the output.
  std::unordered_map<std::string_view, CacheResolution> memo;
  std::string first_error;
  std::size_t error_count = 0;
  auto resolve = [&](const StackFrame& frame) -> CacheResolution {
    const auto it = memo.find(frame.url);
    if (it != memo.end()) return it->second;
    CacheResolution r;
    if (single) {
      if (!CacheDirectory::url_keys(frame.url).empty())
        r.cache = &*single;  // not node:internal, <anonymous>
    } else {
      r = dir->resolve(frame, debug_id_of(frame.url));
      if (!r.error.empty()) {
        if (error_count++ == 0) first_error = r.error;
      }
    }
    memo.emplace(frame.url, r);
    return r;
  };
  const std::vector<SymbolicatedFrame> frames =
      symbolicate(std::span<const TraceLine>(lines), resolve, options);

  if (json) {
    present::render_trace_json(out, frames, options.include_context);
  } else {
    present::render_trace_text(out, frames, options.include_context);
  }
  flush_or_fail(out);
  if (error_count > 0) {
    std::string message = first_error;
    if (error_count > 1) message += " (and " + std::to_string(error_count - 1) + " more)";
    fail(message);
  }
  return kExitOk;
}

}  // namespace

const Command kSymbolicateCommand = {"symbolicate",
                                     "original functions, files and lines of a JS stack trace",
                                     kHelp, kOptions, run_symbolicate};

}  // namespace smcache::cli
