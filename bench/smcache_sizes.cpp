// smcache_sizes: per real map (bench/maps.tsv, fetched by scripts/fetch-maps.sh), the sizes and
// compile costs that a Google Benchmark cannot show:
//   JSON size; the text of `mappings` + `names` + `sources` (compact JSON of the three values,
//   measured with RapidJSON); the cache with and without sourcesContent; the ratio of the cache
//   without content to that text; compile time (median of --runs in-process compiles from bytes);
//   peak RSS of a compile (a fresh child process runs compile_file path -> path and reports its
//   VmHWM); token, line, source and name counts.
// Every compiled cache is opened and verified, and the child's file must equal the in-process
// bytes; a failure is reported and makes the exit status 1.
//
// Usage: smcache_sizes [--runs=5] [--maps=ID,...] [--data-dir=DIR] [--json=FILE]
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include <smcache/converter/compile.hpp>
#include <smcache/reader/cache.hpp>

#include "bench_common.hpp"

extern char** environ;

namespace sb = smcache::bench;

namespace {

long read_status_kb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::size_t len = std::strlen(key);
  while (std::getline(in, line)) {
    if (line.compare(0, len, key) == 0 && line.size() > len && line[len] == ':') {
      return std::strtol(line.c_str() + len + 1, nullptr, 10);
    }
  }
  return -1;
}

// The child: compile_file(map, out) in a fresh process; prints its peak RSS.
int compile_child(const char* map, const char* out, bool content) {
  const long baseline = read_status_kb("VmHWM");
  smcache::CompileOptions opt;
  opt.include_sources_content = content;
  auto r = smcache::compile_file(map, out, opt);
  if (!r) {
    std::fprintf(stderr, "smcache_sizes: compile %s: %s\n", map, r.error().message.c_str());
    return 1;
  }
  std::printf("vmhwm_kb=%ld baseline_kb=%ld\n", read_status_kb("VmHWM"), baseline);
  return 0;
}

struct ChildResult {
  long vmhwm_kb = -1, baseline_kb = -1;
  std::string error;
};

ChildResult run_child(const std::filesystem::path& map, const std::filesystem::path& out) {
  ChildResult res;
  int fds[2];
  if (::pipe(fds) != 0) {
    res.error = "pipe failed";
    return res;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  std::string a1 = "--compile-child", a2 = map.string(), a3 = out.string();
  char* argv[] = {self.data(), a1.data(), a2.data(), a3.data(), nullptr};
  pid_t pid;
  const int rc = posix_spawn(&pid, self.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    res.error = std::string("posix_spawn: ") + std::strerror(rc);
    return res;
  }
  std::string text;
  char buf[256];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    res.error = "compile child failed";
    return res;
  }
  if (std::sscanf(text.c_str(), "vmhwm_kb=%ld baseline_kb=%ld", &res.vmhwm_kb, &res.baseline_kb) !=
      2) {
    res.error = "compile child printed '" + text + "'";
  }
  return res;
}

std::size_t json_text_size(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return buf.GetSize();
}

struct Row {
  sb::MapPin pin;
  std::uint64_t json_bytes = 0, mappings_bytes = 0, names_bytes = 0, sources_bytes = 0,
                content_bytes = 0;
  std::uint64_t cache_bytes = 0, cache_no_content_bytes = 0;
  std::uint32_t tokens = 0, lines = 0, sources = 0, names = 0;
  double compile_ms_median = 0, compile_ms_min = 0, compile_ms_max = 0;
  double compile_cpu_ms_median = 0;  // process CPU time: robust to a busy machine
  double peak_rss_mb = 0, baseline_rss_mb = 0;
  std::string error;
  std::uint64_t text_bytes() const { return mappings_bytes + names_bytes + sources_bytes; }
};

std::string json_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    o += c;
  }
  return o;
}

Row measure(const sb::MapPin& pin, const std::filesystem::path& path,
            const std::filesystem::path& tmp, int runs) {
  Row row;
  row.pin = pin;
  auto bytes = sb::read_bytes(path);
  if (!bytes) {
    row.error = "cannot read " + path.string();
    return row;
  }
  row.json_bytes = bytes->size();
  {
    rapidjson::Document doc;
    doc.Parse(reinterpret_cast<const char*>(bytes->data()), bytes->size());
    if (doc.HasParseError() || !doc.IsObject()) {
      row.error = "invalid json";
      return row;
    }
    if (auto it = doc.FindMember("mappings"); it != doc.MemberEnd()) {
      row.mappings_bytes = json_text_size(it->value);
    }
    if (auto it = doc.FindMember("names"); it != doc.MemberEnd()) {
      row.names_bytes = json_text_size(it->value);
    }
    if (auto it = doc.FindMember("sources"); it != doc.MemberEnd()) {
      row.sources_bytes = json_text_size(it->value);
    }
    if (auto it = doc.FindMember("sourcesContent"); it != doc.MemberEnd()) {
      row.content_bytes = json_text_size(it->value);
    }
  }
  std::vector<double> ms, cpu_ms;
  std::vector<std::uint8_t> with;
  auto cpu_now = [] {
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
  };
  for (int i = 0; i < runs; ++i) {
    const double c0 = cpu_now();
    const auto t0 = std::chrono::steady_clock::now();
    auto r = smcache::compile(*bytes);
    const auto t1 = std::chrono::steady_clock::now();
    cpu_ms.push_back(cpu_now() - c0);
    if (!r) {
      row.error = "compile: " + r.error().message;
      return row;
    }
    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    if (i == 0) {
      with = std::move(r.value());
    } else if (r.value() != with) {
      row.error = "compile is not deterministic";
      return row;
    }
  }
  std::sort(ms.begin(), ms.end());
  std::sort(cpu_ms.begin(), cpu_ms.end());
  row.compile_cpu_ms_median = cpu_ms[cpu_ms.size() / 2];
  row.compile_ms_median = ms[ms.size() / 2];
  row.compile_ms_min = ms.front();
  row.compile_ms_max = ms.back();
  row.cache_bytes = with.size();
  smcache::CompileOptions no_content;
  no_content.include_sources_content = false;
  auto without = smcache::compile(*bytes, no_content);
  if (!without) {
    row.error = "compile without content: " + without.error().message;
    return row;
  }
  row.cache_no_content_bytes = without->size();
  for (const auto* b : {&with, &without.value()}) {
    auto cache = smcache::Cache::from_bytes(*b);
    if (!cache) {
      row.error = "open: " + cache.error().message;
      return row;
    }
    if (auto v = cache->verify(); !v) {
      row.error = "verify: " + v.error().message;
      return row;
    }
    const auto info = cache->info();
    row.tokens = info.token_count;
    row.lines = info.generated_line_count;
    row.sources = info.source_count;
    row.names = info.name_count;
  }
  const auto out = tmp / (pin.id + ".smc");
  ChildResult child = run_child(path, out);
  if (!child.error.empty()) {
    row.error = child.error;
    return row;
  }
  auto written = sb::read_bytes(out);
  std::error_code ec;
  std::filesystem::remove(out, ec);
  if (!written || *written != with) {
    row.error = "compile_file wrote different bytes than compile()";
    return row;
  }
  row.peak_rss_mb = static_cast<double>(child.vmhwm_kb) / 1024.0;
  row.baseline_rss_mb = static_cast<double>(child.baseline_kb) / 1024.0;
  return row;
}

std::string mb(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 4 && std::strcmp(argv[1], "--compile-child") == 0) {
    return compile_child(argv[2], argv[3], true);
  }
  int runs = 5;
  std::set<std::string> only;
  std::filesystem::path data_dir = sb::default_data_dir();
  std::string json_out;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--runs=", 0) == 0) {
      runs = std::max(1, std::atoi(a.c_str() + 7));
    } else if (a.rfind("--maps=", 0) == 0) {
      std::stringstream ss(a.substr(7));
      std::string id;
      while (std::getline(ss, id, ',')) {
        if (!id.empty()) only.insert(id);
      }
    } else if (a.rfind("--data-dir=", 0) == 0) {
      data_dir = a.substr(11);
    } else if (a.rfind("--json=", 0) == 0) {
      json_out = a.substr(7);
    } else if (a == "-h" || a == "--help") {
      std::printf(
          "usage: smcache_sizes [--runs=5] [--maps=ID,...] [--data-dir=DIR] [--json=FILE]\n");
      return 0;
    } else {
      std::fprintf(stderr, "smcache_sizes: unknown argument %s (see --help)\n", a.c_str());
      return 2;
    }
  }
  std::string err;
  auto pins = sb::read_pins(sb::default_pins_path(), err);
  if (!err.empty()) {
    std::fprintf(stderr, "smcache_sizes: %s\n", err.c_str());
    return 2;
  }
  const auto tmp = std::filesystem::temp_directory_path() /
                   ("smcache-sizes-" + std::to_string(static_cast<long>(::getpid())));
  std::filesystem::create_directories(tmp);

  std::vector<Row> rows;
  std::size_t missing = 0;
  int status = 0;
  for (const auto& pin : pins) {
    if (!only.empty() && !only.count(pin.id)) continue;
    const auto path = sb::map_path(data_dir, pin);
    if (!std::filesystem::exists(path)) {
      ++missing;
      continue;
    }
    std::fprintf(stderr, "smcache_sizes: %s...\n", pin.id.c_str());
    rows.push_back(measure(pin, path, tmp, runs));
    if (!rows.back().error.empty()) {
      std::fprintf(stderr, "smcache_sizes: %s: %s\n", pin.id.c_str(), rows.back().error.c_str());
      status = 1;
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(tmp, ec);
  if (missing) {
    std::fprintf(stderr,
                 "\n*** smcache_sizes: SKIPPED %zu real map(s) not found in %s/maps: run "
                 "scripts/fetch-maps.sh\n\n",
                 missing, data_dir.c_str());
  }

  std::printf(
      "| map | JSON MB | m+n+s MB | tokens | compile ms wall / cpu (median of %d) | peak RSS MB | "
      "cache MB | "
      "cache no content MB | no content / m+n+s |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
      runs);
  for (const Row& r : rows) {
    if (!r.error.empty()) {
      std::printf("| %s | error: %s |||||||\n", r.pin.id.c_str(), r.error.c_str());
      continue;
    }
    std::printf("| %s | %s | %s | %u | %.1f / %.1f | %.1f | %s | %s | %.3f |\n", r.pin.id.c_str(),
                mb(r.json_bytes).c_str(), mb(r.text_bytes()).c_str(), r.tokens, r.compile_ms_median,
                r.compile_cpu_ms_median, r.peak_rss_mb, mb(r.cache_bytes).c_str(),
                mb(r.cache_no_content_bytes).c_str(),
                static_cast<double>(r.cache_no_content_bytes) /
                    static_cast<double>(std::max<std::uint64_t>(1, r.text_bytes())));
  }

  if (!json_out.empty()) {
    std::ofstream o(json_out);
    o << "{\"runs\": " << runs << ", \"maps\": [\n";
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const Row& r = rows[i];
      o << "  {\"id\": \"" << json_escape(r.pin.id) << "\", \"package\": \""
        << json_escape(r.pin.package) << "\", \"version\": \"" << json_escape(r.pin.version)
        << "\", \"path\": \"" << json_escape(r.pin.path) << "\", \"sha256\": \"" << r.pin.sha256
        << "\", \"producer\": \"" << json_escape(r.pin.producer) << "\", \"sources_content\": \""
        << r.pin.sources_content << "\", \"shape\": \"" << r.pin.shape << "\", \"error\": \""
        << json_escape(r.error) << "\", \"json_bytes\": " << r.json_bytes
        << ", \"mappings_bytes\": " << r.mappings_bytes << ", \"names_bytes\": " << r.names_bytes
        << ", \"sources_bytes\": " << r.sources_bytes
        << ", \"sources_content_bytes\": " << r.content_bytes
        << ", \"cache_bytes\": " << r.cache_bytes
        << ", \"cache_no_content_bytes\": " << r.cache_no_content_bytes
        << ", \"tokens\": " << r.tokens << ", \"generated_lines\": " << r.lines
        << ", \"source_count\": " << r.sources << ", \"name_count\": " << r.names
        << ", \"compile_ms_median\": " << r.compile_ms_median
        << ", \"compile_cpu_ms_median\": " << r.compile_cpu_ms_median
        << ", \"compile_ms_min\": " << r.compile_ms_min
        << ", \"compile_ms_max\": " << r.compile_ms_max << ", \"peak_rss_mb\": " << r.peak_rss_mb
        << ", \"baseline_rss_mb\": " << r.baseline_rss_mb << "}"
        << (i + 1 < rows.size() ? ",\n" : "\n");
    }
    o << "]}\n";
    if (!o) {
      std::fprintf(stderr, "smcache_sizes: cannot write %s\n", json_out.c_str());
      return 1;
    }
  }
  return status;
}
