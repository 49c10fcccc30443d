// `smcache compile MAP|JS -o CACHE`: source map JSON (or a generated JavaScript file, whose map
// is discovered) -> cache file, written atomically.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <smcache/converter/compile.hpp>
#include <smcache/converter/discover.hpp>

#include "cli.hpp"

namespace smcache::cli {
namespace {

constexpr OptionSpec kOptions[] = {
    {"output", 'o', true},
    {"no-sources-content", 0, false},
    {"block-size", 0, true},
    {"verbose", 'v', false},
    {"root", 0, true},
    {"no-function-table", 0, false},
    {"no-generated-function-table", 0, false},
    {"generated", 0, true},
    {"max-input-bytes", 0, true},
    {"max-tokens", 0, true},
};

constexpr std::string_view kHelp =
    "usage: smcache compile MAP -o CACHE [options]\n"
    "       smcache compile JS -o CACHE [options]\n"
    "\n"
    "Compile the source map MAP (a regular or an index map, ECMA-426) into the cache file\n"
    "CACHE. MAP '-' reads the map from standard input.\n"
    "\n"
    "Given a generated JavaScript file JS instead (a name ending in .js, .mjs or .cjs, or any\n"
    "input that does not start with '{'), its map is found from the sourceMappingURL comment at\n"
    "its end: a path relative to JS's directory, or an inline data:application/json;base64 URL\n"
    "decoded in memory. Absolute URLs (https:, //host/) are never fetched. The debugId is the\n"
    "map's, or the JavaScript file's '//# debugId=' comment's when the map has none; both present\n"
    "and different is an error (map and file from different builds).\n"
    "\n"
    "CACHE is written atomically (a temporary file beside it, fsync, rename): it never holds a\n"
    "partial file, and a failed compile leaves an existing CACHE untouched. CACHE '-' writes the\n"
    "cache to standard output, which must not be a terminal (usage error if it is). A device or\n"
    "FIFO CACHE (/dev/null) is written in place, never replaced; a symbolic link is replaced.\n"
    "\n"
    "options:\n"
    "  -o, --output CACHE      the cache file to write (required)\n"
    "      --no-sources-content\n"
    "                          leave sourcesContent out of the cache (source names only)\n"
    "      --no-function-table leave out the original functions found in sourcesContent,\n"
    "                          which name symbolicated frames (SPEC.md 6.10)\n"
    "      --generated FILE    MAP only: the generated JavaScript file MAP describes; its\n"
    "                          functions, named through the map, are stored (SPEC.md 6.12).\n"
    "                          A JS input is its own generated file\n"
    "      --no-generated-function-table\n"
    "                          leave out the functions of the generated file\n"
    "      --block-size N      tokens per packed block, a power of two 1..4096 (default 64):\n"
    "                          smaller is faster to look up and larger on disk\n"
    "      --root DIR          JS only: the map must lie inside DIR ('..' may not leave it), and\n"
    "                          '/path' URLs are relative to DIR (the site root)\n"
    "      --max-input-bytes N refuse a map larger than N bytes (K, M, G suffixes; default 2G)\n"
    "      --max-tokens N      refuse a map with more than N mappings (default 500000000)\n"
    "  -v, --verbose           print sizes, counts and the time taken to standard error\n"
    "  -h, --help              print this help\n"
    "\n"
    "Prints nothing on success unless -v. Errors name the map and, for invalid JSON, the byte\n"
    "offset; for invalid mappings, the generated line and segment (0-based).\n"
    "Exit status: 0 ok, 1 invalid source map, no map found or I/O error, 2 usage error.\n";

// A generated JavaScript file rather than a map: by extension, else by its first byte (a map is
// a JSON object, possibly after a BOM or the ")]}'" XSSI guard).
bool is_javascript(const std::string& path, std::span<const std::uint8_t> bytes) {
  for (const std::string_view ext : {".js", ".mjs", ".cjs"}) {
    if (path.size() > ext.size() && path.ends_with(ext)) return true;
  }
  for (const std::string_view ext : {".map", ".json"}) {
    if (path.size() > ext.size() && path.ends_with(ext)) return false;
  }
  std::size_t i = 0;
  if (bytes.size() >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) i = 3;
  while (i < bytes.size() &&
         (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\n' || bytes[i] == '\r')) {
    ++i;
  }
  if (i == bytes.size()) return false;  // empty: let the map parser say so
  if (bytes[i] == '{') return false;
  if (bytes.size() - i >= 4 && std::memcmp(bytes.data() + i, ")]}'", 4) == 0) return false;
  return true;
}

// Reads standard input, refusing more than `max_bytes` (CompileOptions::max_input_bytes) before
// holding much more than that in memory.
std::vector<std::uint8_t> read_stdin(std::uint64_t max_bytes) {
  std::vector<std::uint8_t> bytes;
  std::size_t size = 0;
  bytes.resize(
      static_cast<std::size_t>(std::min<std::uint64_t>(std::uint64_t{1} << 16, max_bytes + 1)));
  for (;;) {
    if (size > max_bytes) {
      fail("<stdin>: input: more than the limit of " + std::to_string(max_bytes) + " bytes");
    }
    if (size == bytes.size()) {
      // Grow, but never past limit + 1 bytes: one byte more than the limit proves it exceeded.
      const std::uint64_t cap = max_bytes + 1;
      bytes.resize(static_cast<std::size_t>(std::min<std::uint64_t>(bytes.size() * 2, cap)));
    }
    const ssize_t n = ::read(0, bytes.data() + size, bytes.size() - size);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(std::string("read standard input: ") + std::strerror(errno));
    }
    if (n == 0) break;
    size += static_cast<std::size_t>(n);
  }
  bytes.resize(size);
  return bytes;
}

void write_stdout(std::span<const std::uint8_t> bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(1, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(std::string("write to standard output: ") + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
}

int run_compile(const ParsedArgs& args, Writer& /*out*/) {
  if (args.operands.empty()) usage_error("missing MAP");
  if (args.operands.size() > 1) usage_error("unexpected argument '" + args.operands[1] + "'");
  const auto output = args.value("output");
  if (!output) usage_error("missing -o CACHE");
  if (output->empty()) usage_error("empty CACHE path");
  const std::string& map_path = args.operands[0];
  if (map_path.empty()) usage_error("empty MAP path");

  CompileOptions options;
  options.include_sources_content = !args.has("no-sources-content");
  options.function_table = !args.has("no-function-table");
  options.generated_function_table = !args.has("no-generated-function-table");
  if (const auto block = args.value("block-size")) {
    const auto n = parse_u32(*block);
    if (!n || *n == 0 || *n > 4096 || (*n & (*n - 1)) != 0) {
      usage_error("--block-size must be a power of two 1..4096, got '" + *block + "'");
    }
    options.block_token_count = *n;
  }
  apply_limits(args, options);
  const bool to_stdout = *output == "-";
  if (to_stdout && ::isatty(1)) {
    usage_error("refusing to write a binary cache to a terminal (redirect standard output)");
  }

  const auto start = std::chrono::steady_clock::now();
  const bool from_stdin = map_path == "-";
  const std::string shown_map = from_stdin ? "<stdin>" : map_path;
  options.on_warning = [&](std::string_view message) {
    const std::string line = "smcache: compile: " + sanitize_text(shown_map) +
                             ": warning: " + sanitize_text(message) + "\n";
    std::fputs(line.c_str(), stderr);
  };
  std::vector<std::uint8_t> input;
  if (from_stdin) {
    input = read_stdin(options.max_input_bytes);
  } else {
    auto r = read_file(map_path, options.max_input_bytes);
    if (!r) fail(message_with_path(r.error(), map_path));
    input = std::move(r).value();
  }
  const auto root = args.value("root");
  std::string map_note;  // for -v: where the map of a JavaScript input came from
  Result<std::vector<std::uint8_t>> cache = std::vector<std::uint8_t>();
  std::size_t input_size = 0;  // of the map compiled, for -v
  const auto generated_path = args.value("generated");
  std::vector<std::uint8_t> generated;  // the code options.generated_code views
  if (is_javascript(map_path, input)) {
    if (generated_path) usage_error("--generated applies to a MAP input only");
    DiscoverOptions discover;
    if (root) discover.root = *root;
    discover.max_map_bytes = options.max_input_bytes;
    auto found = discover_map(input, from_stdin ? std::string() : map_path, discover);
    if (!found) fail(message_with_path(found.error(), shown_map));
    map_note =
        found->inline_map ? "inline " + found->url : found->url + " -> " + found->map_path.string();
    if (found->js_debug_id) map_note += ", //# debugId=" + *found->js_debug_id;
    options.generated_code =
        std::string_view(reinterpret_cast<const char*>(input.data()), input.size());
    cache = compile_with_debug_id(found->map_json, found->js_debug_id, options);
    if (!cache) {
      const std::string shown =
          found->inline_map ? shown_map + " (inline map)" : found->map_path.string();
      fail(shown + ": " + cache.error().message);
    }
    input_size = found->map_json.size();  // sizes below are the map's
  } else {
    if (root) usage_error("--root applies to a JavaScript input only");
    if (generated_path) {
      auto g = read_file(*generated_path, options.max_input_bytes);
      if (!g) fail(message_with_path(g.error(), *generated_path));
      generated = std::move(g).value();
      options.generated_code =
          std::string_view(reinterpret_cast<const char*>(generated.data()), generated.size());
    }
    input_size = input.size();
    cache = compile_consuming(std::move(input), options);  // frees the input once it is parsed
    if (!cache) fail(shown_map + ": " + cache.error().message);
  }
  if (to_stdout) {
    write_stdout(*cache);
  } else {
    auto w = write_output_file(*output, *cache);
    if (!w) fail(message_with_path(w.error(), *output));
  }
  if (args.has("verbose")) {
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::string counts;
    if (auto c = Cache::from_bytes(*cache)) {
      const CacheInfo info = c->info();
      counts = ", " + std::to_string(info.token_count) + " tokens, " +
               std::to_string(info.source_count) + " sources, " +
               std::to_string(info.generated_line_count) + " generated lines";
    }
    const double ratio =
        input_size == 0 ? 0.0 : 100.0 * static_cast<double>(cache->size()) / input_size;
    char line[256];
    std::snprintf(line, sizeof line, " bytes (%.1f%%)%s, %.3f ms", ratio, counts.c_str(), ms);
    const std::string message =
        "smcache: compile: " + sanitize_text(shown_map) + ": " + std::to_string(input_size) +
        " bytes -> " + sanitize_text(to_stdout ? "<stdout>" : *output) + ": " +
        std::to_string(cache->size()) + line + "\n" +
        (map_note.empty() ? std::string()
                          : "smcache: compile: map: " + sanitize_text(map_note) + "\n");
    std::fwrite(message.data(), 1, message.size(), stderr);
  }
  return kExitOk;
}

}  // namespace

const Command kCompileCommand = {
    "compile", "compile a source map, or a JavaScript file's map, into a cache file", kHelp,
    kOptions, run_compile};

}  // namespace smcache::cli
