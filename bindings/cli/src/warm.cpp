// `smcache warm SRC... --out DIR`: compile every source map under the sources into a
// content-addressed cache directory with its index; sharded, incremental, progress on stderr.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include <smcache/converter/warm.hpp>

#include "cli.hpp"
#include "progress.hpp"

namespace smcache::cli {
namespace {

constexpr OptionSpec kOptions[] = {
    {"out", 'o', true},           {"manifest", 0, true},   {"threads", 'j', true},
    {"shard", 0, true},           {"force", 0, false},     {"quiet", 'q', false},
    {"max-input-bytes", 0, true}, {"max-tokens", 0, true},
};

constexpr std::string_view kHelp =
    "usage: smcache warm SRC... -o DIR [options]\n"
    "       smcache warm [SRC] --manifest FILE -o DIR [options]\n"
    "\n"
    "Compile every source map under the directories SRC into the cache directory DIR, in\n"
    "parallel: every *.map file, and the map of every *.js, *.mjs and *.cjs file that ends with a\n"
    "sourceMappingURL comment (a relative path inside SRC, or an inline data: URL; absolute URLs\n"
    "are refused). A map a JavaScript file references is compiled once, under that file's name.\n"
    "Names starting with '.' are skipped.\n"
    "\n"
    "DIR gets (every file written atomically; nothing else is written):\n"
    "  caches/<hh>/<hash>.smc  one cache per map, named by its input hash: the XXH3-128 of the\n"
    "                          map's bytes, and of its JavaScript file's when there is one\n"
    "  by-url/<k>              index by generated file path relative to SRC and each shorter\n"
    "                          suffix of whole segments (js/app.js, app.js); <k> = XXH3-64 of it\n"
    "  by-debug-id/<uuid>      index by debugId (the map's, or the //# debugId= comment's)\n"
    "An input whose cache exists, opens and has the current semantics version is not compiled\n"
    "again ('up to date'); a second run over the same files compiles nothing. A cache made\n"
    "before the JavaScript file was beside its map is compiled again once it is (for the\n"
    "generated-function table).\n"
    "\n"
    "options:\n"
    "  -o, --out DIR        the cache directory (created if missing; required)\n"
    "      --manifest FILE  warm only the paths listed in FILE, one per line (files or\n"
    "                       directories; '#' comments), relative to SRC, or to FILE's directory\n"
    "                       when no SRC is given\n"
    "  -j, --threads N      compile on N threads (default: the number of cores); files are\n"
    "                       written and synced on a few more threads, which wait for the disk\n"
    "      --shard K/N      warm only shard K (0-based) of N; each input belongs to the shard\n"
    "                       XXH3-64(its path relative to SRC) mod N\n"
    "      --force          recompile inputs whose cache is up to date\n"
    "      --max-input-bytes N\n"
    "                       skip (as a failure) a map larger than N bytes (K, M, G suffixes;\n"
    "                       default 2G)\n"
    "      --max-tokens N   the same for a map with more than N mappings (default 500000000)\n"
    "  -q, --quiet          no progress, notes or summary (failures are still printed)\n"
    "  -h, --help           print this help\n"
    "\n"
    "Sharding: N runs with --shard 0/N .. N-1/N into the same DIR (N pods, GNU parallel, an\n"
    "array job) give byte for byte the DIR one run gives: no merge step. Without --shard, a\n"
    "Kubernetes Indexed Job's JOB_COMPLETION_INDEX is the shard and SMCACHE_SHARD_COUNT (set it\n"
    "to the Job's completions) the count.\n"
    "\n"
    "On a terminal, standard error shows a progress bar (count, maps/s, MB/s of JSON, ETA);\n"
    "otherwise (after 2 s) a log line every 10% or 5 seconds. At the end: each failure as\n"
    "'smcache: warm: FAIL PATH: message', then one summary line. Standard output stays empty.\n"
    "Exit status: 0 every input compiled or up to date, 1 any failure, 2 usage error.\n";

struct Shard {
  std::uint32_t index = 0, count = 1;
  std::string origin;  // "" (no sharding), "--shard", "JOB_COMPLETION_INDEX"
};

Shard parse_shard(const ParsedArgs& args) {
  Shard s;
  if (const auto v = args.value("shard")) {
    const std::size_t slash = v->find('/');
    const auto k = parse_u32(v->substr(0, slash == std::string::npos ? v->size() : slash));
    const auto n = slash == std::string::npos ? std::nullopt : parse_u32(v->substr(slash + 1));
    if (!k || !n || *n == 0 || *k >= *n) {
      usage_error("--shard must be K/N with 0 <= K < N, got '" + *v + "'");
    }
    s.index = *k;
    s.count = *n;
    s.origin = "--shard";
    return s;
  }
  const char* index = std::getenv("JOB_COMPLETION_INDEX");
  const char* count = std::getenv("SMCACHE_SHARD_COUNT");
  const bool has_index = index != nullptr && *index != '\0';
  const bool has_count = count != nullptr && *count != '\0';
  if (!has_index && !has_count) return s;
  if (!has_count) {
    usage_error(
        "JOB_COMPLETION_INDEX is set but SMCACHE_SHARD_COUNT is not (set it to the Job's "
        "completions, or pass --shard K/N)");
  }
  if (!has_index) {
    usage_error(
        "SMCACHE_SHARD_COUNT is set but JOB_COMPLETION_INDEX is not (outside an Indexed Job, "
        "pass --shard K/N)");
  }
  const auto k = parse_u32(index);
  const auto n = parse_u32(count);
  if (!n || *n == 0)
    usage_error(std::string("SMCACHE_SHARD_COUNT must be >= 1, got '") + count + "'");
  if (!k || *k >= *n) {
    usage_error(std::string("JOB_COMPLETION_INDEX must be 0..") + std::to_string(*n - 1) +
                " (SMCACHE_SHARD_COUNT " + count + "), got '" + index + "'");
  }
  s.index = *k;
  s.count = *n;
  s.origin = "JOB_COMPLETION_INDEX";
  return s;
}

class Observer final : public WarmObserver {
 public:
  Observer(Progress& progress, bool quiet, const Shard& shard, unsigned threads)
      : progress_(progress), quiet_(quiet), shard_(shard), threads_(threads) {}

  void on_planned(const WarmPlan& plan, const WarmProgress& p) override {
    if (!quiet_) {
      std::string s = "smcache: warm: ";
      if (shard_.count > 1) {
        s += "shard " + std::to_string(shard_.index) + "/" + std::to_string(shard_.count) + " (" +
             shard_.origin + "): ";
      }
      s += std::to_string(p.inputs_total) + " inputs";
      if (shard_.count > 1) s += " of " + std::to_string(plan.inputs.size() + plan.failures.size());
      s += ", " + human_bytes(p.bytes_total) + " of JSON, " + std::to_string(threads_) +
           (threads_ == 1 ? " thread" : " threads");
      if (plan.js_without_map != 0) {
        s += " (" + std::to_string(plan.js_without_map) +
             (plan.js_without_map == 1 ? " JavaScript file" : " JavaScript files") +
             " without sourceMappingURL ignored)";
      }
      progress_.line(sanitize_text(s));
    }
    progress_.start(p.inputs_total, p.bytes_total);
    progress_.update(p.inputs_done, p.bytes_done);
  }
  void on_progress(const WarmProgress& p) override {
    progress_.update(p.inputs_done, p.bytes_done);
  }

 private:
  Progress& progress_;
  bool quiet_;
  Shard shard_;
  unsigned threads_;
};

int run_warm(const ParsedArgs& args, Writer& /*out*/) {
  WarmOptions options;
  const auto out = args.value("out");
  if (!out) usage_error("missing -o DIR");
  if (out->empty()) usage_error("empty DIR path");
  options.out = *out;
  if (const auto m = args.value("manifest")) {
    if (m->empty()) usage_error("empty manifest path");
    options.manifest = *m;
  }
  if (args.operands.empty() && options.manifest.empty()) usage_error("missing SRC");
  if (!options.manifest.empty() && args.operands.size() > 1) {
    usage_error("--manifest takes at most one SRC (the root its paths are relative to)");
  }
  for (const std::string& src : args.operands) {
    if (src.empty()) usage_error("empty SRC path");
    options.sources.emplace_back(src);
  }
  options.threads = std::max(1u, std::thread::hardware_concurrency());
  if (const auto t = args.value("threads")) {
    const auto n = parse_u32(*t);
    if (!n || *n == 0 || *n > 1024) usage_error("--threads must be 1..1024, got '" + *t + "'");
    options.threads = *n;
  }
  const Shard shard = parse_shard(args);
  options.shard_index = shard.index;
  options.shard_count = shard.count;
  options.force = args.has("force");
  apply_limits(args, options.compile);
  const bool quiet = args.has("quiet");

  Progress progress("warm", "maps", !quiet);
  Observer observer(progress, quiet, shard, options.threads);
  auto result = warm(options, &observer);
  progress.finish();
  if (!result) {
    const Error& e = result.error();
    if (e.code == Errc::invalid_argument) usage_error(e.message);
    fail(e.message);
  }
  const WarmReport& r = *result;
  for (const WarmFailure& f : r.failures) {
    progress.line(sanitize_text("smcache: warm: FAIL " + f.path + ": " + f.error.message));
  }
  if (!quiet) {
    for (const std::string& note : r.notes) {
      progress.line(sanitize_text("smcache: warm: note: " + note));
    }
    const double secs = r.seconds;
    const double done = static_cast<double>(r.compiled + r.up_to_date + r.failed);
    std::string s = "smcache: warm: " + std::to_string(r.compiled) + " compiled, " +
                    std::to_string(r.up_to_date) + " up to date, " + std::to_string(r.failed) +
                    " failed";
    if (r.other_shards != 0) s += " (" + std::to_string(r.other_shards) + " for other shards)";
    const std::uint64_t index_failures =
        r.failures.size() > r.failed ? r.failures.size() - r.failed : 0;
    if (index_failures != 0) s += ", " + std::to_string(index_failures) + " index writes failed";
    s += "; " + human_bytes(r.bytes_in) + " in, " + human_bytes(r.bytes_out) + " out; " +
         std::to_string(r.index_written) + " index entries written";
    char tail[128];
    std::snprintf(tail, sizeof tail, "; %.2f s, %.1f maps/s, %.1f MB/s", secs,
                  secs > 0 ? done / secs : 0.0,
                  secs > 0 ? static_cast<double>(r.bytes_in) / 1e6 / secs : 0.0);
    s += tail;
    progress.line(s);
  }
  return r.failures.empty() ? kExitOk : kExitFailure;
}

}  // namespace

const Command kWarmCommand = {"warm", "compile every source map under directories into a cache DIR",
                              kHelp, kOptions, run_warm};

}  // namespace smcache::cli
