// smcache_bench: the core Google Benchmark suite.
//
//   BM_Lookup/<input>          one GLB lookup per iteration at random positions (ns per lookup)
//   BM_LookupBatch/<input>     per iteration a batch of 32 stack traces x 24 frames, answers
//                              stored in an array (ns per lookup: items_per_second)
//   BM_OpenFirstLookup/<input> Cache::open(path) + one lookup, page cache warm (us)
//   BM_Compile/<input>         smcache::compile(json bytes) with default options (ms)
//
// Inputs: synthetic maps made in code (synth_1KB .. synth_30MB) and the real maps pinned in
// bench/maps.tsv, fetched by scripts/fetch-maps.sh into bench/.data/maps (skipped loudly when
// absent). Every benchmark checks its answers against an independent reference decoder (see
// bench_common.hpp) and fails with SkipWithError on any difference; the exit status is then 1
// (a missing real map is a loud skip, not a failure).
//
// Extra flags (after Google Benchmark's own):
//   --inputs=synth,real     which input families (default both)
//   --maps=ID[,ID...]       only these real maps
//   --synth=1KB,1MB,...     only these synthetic sizes
//   --data-dir=DIR          fetched data (default SMCACHE_BENCH_DATA or <source>/bench/.data)
//   --queries=N             random queries per input, rounded up to a power of two (65536)
// Typical: smcache_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <set>

#include <smcache/converter/compile.hpp>
#include <smcache/reader/cache.hpp>

#include "bench_common.hpp"

namespace sb = smcache::bench;

namespace {

struct InputSpec {
  std::string label;        // "synth_1MB", "babylonjs"
  std::size_t synth_bytes;  // 0 for a real map
  std::filesystem::path path;
};

// One loaded input: JSON, reference, queries and the compiled cache (bytes and a file).
struct Input {
  std::string label;
  std::vector<std::uint8_t> json;
  sb::ReferenceMap ref;
  sb::QuerySet queries;
  std::vector<std::uint8_t> cache_bytes;
  std::filesystem::path cache_path;
  std::string error;  // non-empty: every benchmark of this input fails with it
};

std::filesystem::path g_tmp_dir;
int g_failures = 0;  // benchmarks that failed a check: the exit status is 1 when any did

void fail(benchmark::State& state, const std::string& message) {
  ++g_failures;
  state.SkipWithError(message.c_str());
}
std::size_t g_query_count = 1 << 16;

// Benchmarks run in registration order, all of one input together: keep one input loaded.
std::unique_ptr<Input> g_input;

const Input& load(const InputSpec& spec) {
  if (g_input && g_input->label == spec.label) return *g_input;
  g_input.reset();  // free the previous one first
  auto in = std::make_unique<Input>();
  in->label = spec.label;
  if (spec.synth_bytes) {
    sb::SyntheticMap m = sb::make_synthetic(spec.synth_bytes, 0x5EED0000 + spec.synth_bytes);
    in->json.assign(m.json.begin(), m.json.end());
    in->ref = std::move(m.ref);
  } else {
    auto bytes = sb::read_bytes(spec.path);
    if (!bytes) {
      in->error = "cannot read " + spec.path.string();
    } else {
      in->json = std::move(*bytes);
      std::string err;
      auto ref = sb::decode_reference(in->json, err);
      if (!ref) {
        in->error = err;
      } else {
        in->ref = std::move(*ref);
      }
    }
  }
  if (in->error.empty()) {
    auto compiled = smcache::compile(in->json);
    if (!compiled) {
      in->error = "compile: " + compiled.error().message;
    } else {
      in->cache_bytes = std::move(compiled.value());
    }
  }
  if (in->error.empty()) {
    in->cache_path = g_tmp_dir / (spec.label + ".smc");
    if (!sb::write_bytes(in->cache_path, in->cache_bytes)) {
      in->error = "cannot write " + in->cache_path.string();
    }
  }
  if (in->error.empty()) {
    auto cache = smcache::Cache::from_bytes(in->cache_bytes);
    if (!cache) {
      in->error = "open compiled bytes: " + cache.error().message;
    } else if (auto v = cache->verify(); !v) {
      in->error = "verify: " + v.error().message;
    } else if (std::string diff = sb::compare_all_tokens(in->ref, *cache); !diff.empty()) {
      in->error = "tokens differ from the reference: " + diff;
    } else {
      in->queries = sb::make_queries(in->ref, g_query_count, 0xC0FFEE);
    }
  }
  if (!in->error.empty()) {
    std::fprintf(stderr, "smcache_bench: %s: %s\n", spec.label.c_str(), in->error.c_str());
  }
  g_input = std::move(in);
  return *g_input;
}

void set_counters(benchmark::State& state, const Input& in) {
  state.counters["json_bytes"] = static_cast<double>(in.json.size());
  state.counters["tokens"] = static_cast<double>(in.ref.tokens.size());
  state.counters["cache_bytes"] = static_cast<double>(in.cache_bytes.size());
}

// Opens the input's cache file; on failure or a wrong answer, SkipWithError and nullopt.
std::optional<smcache::Cache> open_checked(benchmark::State& state, const Input& in) {
  if (!in.error.empty()) {
    fail(state, in.error);
    return std::nullopt;
  }
  auto cache = smcache::Cache::open(in.cache_path);
  if (!cache) {
    fail(state, "open: " + cache.error().message);
    return std::nullopt;
  }
  if (std::string diff = sb::check_queries(in.ref, in.queries, *cache); !diff.empty()) {
    fail(state, "answer differs from the reference: " + diff);
    return std::nullopt;
  }
  return std::move(cache.value());
}

void BM_Lookup(benchmark::State& state, const InputSpec& spec) {
  const Input& in = load(spec);
  auto cache = open_checked(state, in);
  if (!cache) return;
  const sb::Query* q = in.queries.queries.data();
  const std::size_t mask = in.queries.queries.size() - 1;
  std::uint64_t sum = 0, n = 0;
  for (auto _ : state) {
    const sb::Query& x = q[n & mask];
    sum += sb::fold(cache->lookup(x.line, x.column));
    ++n;
  }
  benchmark::DoNotOptimize(sum);
  if (sum != in.queries.expected_sum(n)) {
    fail(state, "timed answers differ from the reference (checksum)");
    return;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(n));
  set_counters(state, in);
}

constexpr std::size_t kFramesPerTrace = 24;
constexpr std::size_t kTracesPerBatch = 32;
constexpr std::size_t kBatch = kFramesPerTrace * kTracesPerBatch;

void BM_LookupBatch(benchmark::State& state, const InputSpec& spec) {
  const Input& in = load(spec);
  auto cache = open_checked(state, in);
  if (!cache) return;
  const sb::Query* q = in.queries.queries.data();
  const std::size_t mask = in.queries.queries.size() - 1;
  static_assert(kBatch <= (1 << 16));
  std::array<std::optional<smcache::Token>, kFramesPerTrace> frames;
  std::uint64_t sum = 0, n = 0;
  for (auto _ : state) {
    for (std::size_t t = 0; t < kTracesPerBatch; ++t) {
      for (std::size_t f = 0; f < kFramesPerTrace; ++f) {
        const sb::Query& x = q[(n + f) & mask];
        frames[f] = cache->lookup(x.line, x.column);
      }
      for (const auto& fr : frames) sum += sb::fold(fr);
      n += kFramesPerTrace;
    }
    benchmark::DoNotOptimize(frames);
  }
  if (sum != in.queries.expected_sum(n)) {
    fail(state, "timed answers differ from the reference (checksum)");
    return;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(n));
  state.counters["lookups_per_iteration"] = static_cast<double>(kBatch);
  set_counters(state, in);
}

void BM_OpenFirstLookup(benchmark::State& state, const InputSpec& spec) {
  const Input& in = load(spec);
  if (!open_checked(state, in)) return;
  // A query with an answer when the map has one, like a first stack frame.
  std::size_t k = 0;
  while (k + 1 < in.queries.queries.size() && !in.queries.expected[k]) ++k;
  const sb::Query x = in.queries.queries[k];
  const std::uint64_t want = sb::fold(in.queries.expected[k]);
  std::uint64_t n = 0, bad = 0;
  for (auto _ : state) {
    auto cache = smcache::Cache::open(in.cache_path);
    if (!cache) {
      fail(state, "open: " + cache.error().message);
      break;
    }
    bad += sb::fold(cache->lookup(x.line, x.column)) != want;
    ++n;
  }
  if (bad) {
    fail(state, "first lookup after open differs from the reference");
    return;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(n));
  set_counters(state, in);
}

void BM_Compile(benchmark::State& state, const InputSpec& spec) {
  const Input& in = load(spec);
  if (!in.error.empty()) {
    fail(state, in.error);
    return;
  }
  bool same_size = true;
  for (auto _ : state) {
    auto r = smcache::compile(in.json);
    if (!r) {
      fail(state, "compile: " + r.error().message);
      return;
    }
    same_size = same_size && r->size() == in.cache_bytes.size();
    benchmark::DoNotOptimize(r->data());
  }
  // The first compile was checked token by token against the reference; the timed ones must
  // give the same bytes (one more, untimed, is compared byte for byte).
  auto again = smcache::compile(in.json);
  if (!same_size || !again || again.value() != in.cache_bytes) {
    fail(state, "compile output differs from the checked first compile");
    return;
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * in.json.size()));
  set_counters(state, in);
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t comma = s.find(',', start);
    std::string item =
        s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::size_t parse_size(const std::string& s) {
  char* end = nullptr;
  const unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  const std::string unit = end ? end : "";
  if (unit == "KB") return v << 10;
  if (unit == "MB") return v << 20;
  if (unit == "B" || unit.empty()) return v;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::printf(
          "smcache_bench: lookup, batch lookup, open + first lookup and compile benchmarks\n"
          "  --inputs=synth,real  --maps=ID,...  --synth=1KB,1MB,...  --data-dir=DIR  "
          "--queries=N\n"
          "Real maps: scripts/fetch-maps.sh. Google Benchmark's flags:\n");
    }
  }
  benchmark::Initialize(&argc, argv);
  std::set<std::string> families{"synth", "real"};
  std::set<std::string> only_maps;
  std::vector<std::string> synth_sizes{"1KB", "10KB", "100KB", "1MB", "10MB", "30MB"};
  std::filesystem::path data_dir = sb::default_data_dir();
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* flag) -> std::optional<std::string> {
      const std::size_t len = std::strlen(flag);
      if (a.compare(0, len, flag) == 0) return a.substr(len);
      return std::nullopt;
    };
    if (auto v = value("--inputs=")) {
      auto l = split(*v);
      families = std::set<std::string>(l.begin(), l.end());
    } else if (auto v = value("--maps=")) {
      auto l = split(*v);
      only_maps = std::set<std::string>(l.begin(), l.end());
    } else if (auto v = value("--synth=")) {
      synth_sizes = split(*v);
    } else if (auto v = value("--data-dir=")) {
      data_dir = *v;
    } else if (auto v = value("--queries=")) {
      std::size_t n = std::strtoull(v->c_str(), nullptr, 10);
      g_query_count = 1;
      while (g_query_count < n) g_query_count <<= 1;
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;

  std::vector<InputSpec> specs;
  if (families.count("synth")) {
    for (const std::string& s : synth_sizes) {
      const std::size_t bytes = parse_size(s);
      if (!bytes) {
        std::fprintf(stderr, "smcache_bench: --synth: bad size %s (e.g. 10KB, 1MB)\n", s.c_str());
        return 2;
      }
      specs.push_back({"synth_" + sb::format_size(bytes), bytes, {}});
    }
  }
  if (families.count("real")) {
    std::string err;
    auto pins = sb::read_pins(sb::default_pins_path(), err);
    if (!err.empty()) {
      std::fprintf(stderr, "smcache_bench: %s\n", err.c_str());
      return 2;
    }
    std::size_t missing = 0;
    for (const auto& p : pins) {
      if (!only_maps.empty() && !only_maps.count(p.id)) continue;
      const auto path = sb::map_path(data_dir, p);
      if (!std::filesystem::exists(path)) {
        ++missing;
        continue;
      }
      specs.push_back({p.id, 0, path});
    }
    for (const auto& id : only_maps) {
      bool known = false;
      for (const auto& p : pins) known = known || p.id == id;
      if (!known) {
        std::fprintf(stderr, "smcache_bench: --maps: unknown map id %s\n", id.c_str());
        return 2;
      }
    }
    if (missing) {
      std::fprintf(stderr,
                   "\n*** smcache_bench: SKIPPING %zu real map(s): not found in %s/maps.\n"
                   "*** Run scripts/fetch-maps.sh (npm pack of the pins in bench/maps.tsv) to "
                   "fetch them.\n\n",
                   missing, data_dir.c_str());
      benchmark::RegisterBenchmark("BM_RealMaps/missing", [missing](benchmark::State& state) {
        const std::string msg =
            std::to_string(missing) + " real maps missing: run scripts/fetch-maps.sh";
        state.SkipWithError(msg.c_str());
        for (auto _ : state) {
        }
      })->Iterations(1);
    }
  }

  g_tmp_dir = std::filesystem::temp_directory_path() /
              ("smcache-bench-" + std::to_string(static_cast<long>(::getpid())));
  std::filesystem::create_directories(g_tmp_dir);

  for (const InputSpec& spec : specs) {
    benchmark::RegisterBenchmark(("BM_Lookup/" + spec.label).c_str(), BM_Lookup, spec)
        ->Unit(benchmark::kNanosecond);
    benchmark::RegisterBenchmark(("BM_LookupBatch/" + spec.label).c_str(), BM_LookupBatch, spec)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_OpenFirstLookup/" + spec.label).c_str(), BM_OpenFirstLookup,
                                 spec)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_Compile/" + spec.label).c_str(), BM_Compile, spec)
        ->Unit(benchmark::kMillisecond);
  }

  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  g_input.reset();
  std::error_code ec;
  std::filesystem::remove_all(g_tmp_dir, ec);
  if (g_failures) {
    std::fprintf(stderr, "smcache_bench: %d benchmark(s) FAILED a check (see error_message)\n",
                 g_failures);
    return 1;
  }
  return 0;
}
