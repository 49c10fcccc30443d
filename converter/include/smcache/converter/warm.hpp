// Cache warming as a library: find every source map under source directories (or listed in a
// manifest), compile each once, in parallel, into a content-addressed cache directory with an
// index by generated file name/URL and by debugId; shardable across machines with no merge step.
//
// Directory layout (DIR = WarmOptions::out; every file written atomically: temporary file, fsync,
// rename, fsync of the directory):
//   DIR/caches/<hh>/<hash>.smc  the cache whose input hash (XXH3-128 of the map's bytes, and of
//                               its JavaScript file's when warm has it: SPEC §4.9) is <hash>: 32
//                               lowercase hex digits, high 64 bits first; <hh> its first 2.
//   DIR/by-debug-id/<id>        "caches/<hh>/<hash>.smc\n"; <id> = the cache's debugId in
//                               canonical form (lowercase 8-4-4-4-12); non-UUID ids get no entry.
//   DIR/by-url/<k>              "caches/<hh>/<hash>.smc\n<key>\n"; <k> = 16 lowercase hex digits
//                               of XXH3-64 (seed 0) of <key> (line 2 detects collisions).
// Keys of by-url: the generated file's path relative to its SRC root with '/' separators, and
// every shorter suffix of whole segments ("static/js/app.js", "js/app.js", "app.js"). The
// generated file of a JavaScript input is the file itself; of a bare map ("x.js.map" found with no
// JavaScript file pointing to it) its path minus ".map", plus the basename of the map's `file`
// field as a secondary key when that differs from the path-derived basename.
//
// Inputs: every *.map file and every *.js / *.mjs / *.cjs file with a sourceMappingURL comment
// (discover.hpp). A map that a JavaScript file references is compiled once, as that JavaScript
// input (its keys come from the JavaScript file's name, its debugId from either file). Files and
// directories whose name starts with '.' are skipped.
//
// Determinism, so that N shards give byte for byte the directory one run gives:
// - Every shard walks and scans the whole tree (cheap: the tails of JavaScript files), so all
//   know every input and every path-derived key. Input i belongs to shard
//   XXH3_64(relative path of i) % shard_count, whatever the discovery order.
// - A key claimed by several inputs goes to the claim with the fewest segments dropped (an exact
//   path beats a suffix), then the smaller generated path, then the earlier SRC. That winner's
//   shard writes the entry, or nobody if its compile fails.
// - Secondary keys (a map's `file`) are used only where no path-derived key exists; two maps
//   of different shards naming the same `file` (or two different maps with one debugId) are the
//   one case where shards may differ from one run: the run reports such clashes it can see.
//
// Thread safety: warm() and plan_warm() may run concurrently on different or the same DIR (this is
// how shards run); the functions below are reentrant.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <smcache/converter/compile.hpp>
#include <smcache/format/checksum.hpp>
#include <smcache/format/error.hpp>

namespace smcache {

struct WarmOptions {
  // Source directories: each is the root of its inputs' relative names (by-url keys) and
  // JavaScript files' map references must stay inside it.
  std::vector<std::filesystem::path> sources;
  // Optional manifest: one path per line (files or directories; empty lines and lines starting
  // with '#' skipped), relative to the root or absolute inside it. The root is sources[0] (at most
  // one source with a manifest), or the manifest's directory when there is none. Only the listed
  // files (and the maps they reference) are warmed.
  std::filesystem::path manifest;
  std::filesystem::path out;  // DIR, created if missing
  // Compiling threads (0: std::thread::hardware_concurrency()). Cache and index files are
  // written (fsync included) on up to 8 more threads, which mostly wait for the disk.
  unsigned threads = 0;
  std::uint32_t shard_index = 0;
  std::uint32_t shard_count = 1;
  bool force = false;  // recompile even when an up-to-date cache exists
  CompileOptions compile;
};

// One thing to compile.
struct WarmInput {
  enum class Kind : std::uint8_t { map, js };
  Kind kind = Kind::map;
  std::uint32_t source_index = 0;  // into WarmOptions::sources (0 with a manifest and no source)
  std::string rel_path;            // the map or JavaScript file, '/'-separated, from its root
  std::string shown_path;          // the same as given on the command line, for messages
  std::filesystem::path path;      // the map or JavaScript file
  std::filesystem::path map_path;  // the map file (== path for Kind::map; empty if inline)
  std::string map_url;             // Kind::js with a map file: the sourceMappingURL as written
  bool inline_map = false;         // Kind::js whose map is a data: URL
  std::optional<std::string> js_debug_id;  // Kind::js: its `//# debugId=` comment
  std::string generated_name;              // key source: rel_path, or the map's minus ".map"
  std::uint64_t size_bytes = 0;            // of the map (inline: of the JavaScript file)
  std::uint32_t shard = 0;                 // shard_of(rel_path, shard_count)
};

struct WarmFailure {
  std::string path;  // shown_path of the input
  Error error;
};

struct WarmPlan {
  std::filesystem::path out;
  std::vector<std::filesystem::path> roots;   // as given, normalized; index = source_index
  std::vector<WarmInput> inputs;              // sorted by (source_index, rel_path), all shards
  std::vector<WarmFailure> failures;          // inputs that could not be planned, all shards
  std::vector<std::uint32_t> failure_shards;  // shard of each failure
  std::uint64_t files_seen = 0;               // candidate files (*.map, *.js, ...)
  std::uint64_t js_without_map = 0;           // JavaScript files without sourceMappingURL
};

// Walks the sources / manifest and scans the JavaScript files (threads in parallel). Errors: only
// for the whole job (no source, unreadable manifest, a SRC that is not a directory, bad shard);
// per-file problems are in WarmPlan::failures.
Result<WarmPlan> plan_warm(const WarmOptions& options);

// The map JSON bytes of an input (reads the map file, or the JavaScript file and decodes its data:
// URL). Errors: io, limit_exceeded, invalid_argument (data URL).
Result<std::vector<std::uint8_t>> read_input_map(const WarmInput& input,
                                                 const CompileOptions& options = {});

struct WarmProgress {
  std::uint64_t inputs_done = 0, inputs_total = 0;  // this shard's
  std::uint64_t bytes_done = 0, bytes_total = 0;    // map JSON (estimated before reading)
  std::uint64_t compiled = 0, up_to_date = 0, failed = 0;
};

// Callbacks of warm(). Called one at a time (under a lock), from worker threads: keep them cheap.
class WarmObserver {
 public:
  virtual ~WarmObserver() = default;
  virtual void on_planned(const WarmPlan& /*plan*/, const WarmProgress& /*start*/) {}
  virtual void on_progress(const WarmProgress& /*progress*/) {}
  virtual void on_failure(const WarmFailure& /*failure*/) {}
};

struct WarmReport {
  std::uint64_t inputs = 0;  // of this shard, failed discovery included
  std::uint64_t compiled = 0, up_to_date = 0, failed = 0;
  std::uint64_t other_shards = 0;  // inputs left to other shards
  std::uint64_t js_without_map = 0;
  std::uint64_t bytes_in = 0;   // map JSON read
  std::uint64_t bytes_out = 0;  // cache bytes written
  std::uint64_t index_written = 0, index_unchanged = 0, index_replaced = 0;
  std::uint64_t contested_keys = 0;  // keys several inputs claim (this shard's winners)
  double seconds = 0;
  std::vector<WarmFailure> failures;  // of this shard, sorted by path
  // Clashes and replaced entries, and the compiles' warnings ("warning: PATH: message", e.g.
  // `scopes` that did not decode; CompileOptions::on_warning is not called), sorted, at most 20.
  std::vector<std::string> notes;
};

// Runs the job. Per-input failures do not stop it: they are in the report (and on_failure).
// Errors: those of plan_warm, and io when DIR cannot be created.
Result<WarmReport> warm(const WarmOptions& options, WarmObserver* observer = nullptr);

// ---------------------------------------------------------------------------------------------
// Pieces shared with `smcache verify DIR` and the reader side (same rules, see the layout above)
// ---------------------------------------------------------------------------------------------
std::string hash_hex(const format::Hash128& hash);               // 32 hex digits, high first
std::string cache_relative_path(const format::Hash128& hash);    // "caches/ab/ab...cd.smc"
std::string url_key_relative_path(std::string_view key);         // "by-url/0123456789abcdef"
std::string debug_id_relative_path(std::string_view canonical);  // "by-debug-id/<id>"
// "static/js/app.js" -> {"static/js/app.js", "js/app.js", "app.js"}; empty segments dropped.
std::vector<std::string> url_keys(std::string_view generated_name);
std::uint32_t shard_of(std::string_view rel_path, std::uint32_t shard_count);

// What the header and string table of a cache say, read without the reader (converter/ and
// reader/ never include each other): magic, version, sizes and the header checksum are checked.
struct CacheProbe {
  std::uint32_t semantics_version = 0;
  format::Hash128 input_hash;
  std::optional<std::string> debug_id;
  std::optional<std::string> file;
  std::uint64_t file_size = 0;
};
// The generated file `warm` compiles `in` with (the generated-function table, SPEC §6.12): a
// JavaScript input itself, or for a bare map X.js.map (.mjs, .cjs) the file X.js beside it, read
// as `compile MAP --generated` reads it (CompileOptions::max_input_bytes). nullopt when the table
// is off or there is no such readable file (the map alone then).
std::optional<std::vector<std::uint8_t>> read_generated_file(const WarmInput& in,
                                                             const CompileOptions& options);

Result<CacheProbe> probe_cache(std::span<const std::uint8_t> bytes);
Result<CacheProbe> probe_cache_file(const std::filesystem::path& path);

// Runs fn(0) .. fn(count - 1) on `threads` threads (0: hardware_concurrency); each index once.
void parallel_for(std::size_t count, unsigned threads, const std::function<void(std::size_t)>& fn);

}  // namespace smcache
