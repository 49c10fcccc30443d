// `smcache verify CACHE...`: every checksum and cross-reference of each file, one line each.
// `smcache verify DIR`: the same for every cache of a `warm` directory, plus its index.
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <smcache/converter/discover.hpp>
#include <smcache/converter/warm.hpp>

#include "cli.hpp"
#include "progress.hpp"

namespace smcache::cli {
namespace {

namespace fs = std::filesystem;

constexpr OptionSpec kOptions[] = {
    {"sources", 0, true},
    {"threads", 'j', true},
    {"quiet", 'q', false},
};

constexpr std::string_view kHelp =
    "usage: smcache verify CACHE...\n"
    "       smcache verify DIR [--sources SRC]... [options]\n"
    "\n"
    "Open each CACHE and check every checksum and every cross-reference (line index, column\n"
    "order, indices in range, string offsets), in O(file size). Prints one line per file on\n"
    "standard output:\n"
    "  ok PATH\n"
    "  FAIL PATH: message\n"
    "\n"
    "Given a directory DIR written by 'smcache warm', checks every cache under DIR/caches the\n"
    "same way (in parallel), that each is named by the input hash in its header, and that every\n"
    "index entry (by-url/, by-debug-id/) is well-formed and points to a good cache with that\n"
    "key (debugId). With --sources SRC (the directories given to warm), also checks that every\n"
    "source map under SRC hashes to a cache in DIR and that its file's path is indexed to it.\n"
    "Prints 'FAIL PATH: message' for each problem (PATH relative to DIR, or the map's), then\n"
    "one line 'ok DIR: counts' or 'FAIL DIR: counts'. Leftover temporary files of an\n"
    "interrupted writer are notes on standard error, not failures.\n"
    "\n"
    "options:\n"
    "      --sources SRC  DIR only: the source directories DIR was warmed from (repeatable)\n"
    "  -j, --threads N    DIR only: check on N threads (default: the number of cores)\n"
    "  -q, --quiet        DIR only: no progress bar or log lines on standard error\n"
    "  -h, --help         print this help\n"
    "\n"
    "Exit status: 0 when every file is ok, 1 when any fails, 2 usage error.\n";

bool is_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::optional<std::string> read_small(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return s.str();
}

// The problem with one file of DIR, PATH relative to DIR.
struct Problem {
  std::string path;
  std::string message;
};

struct CacheResult {
  bool ok = false;
  std::optional<std::string> debug_id;  // canonical
  std::uint64_t size = 0;
};

class DirectoryCheck {
 public:
  DirectoryCheck(const fs::path& dir, unsigned threads, Progress& progress)
      : dir_(dir), threads_(threads), progress_(progress) {}

  void run(const std::vector<fs::path>& sources) {
    list();
    progress_.start(caches_.size() + entries_.size(), total_bytes_);
    check_caches();
    check_entries();
    if (!sources.empty()) check_sources(sources);
    std::sort(problems_.begin(), problems_.end(),
              [](const Problem& a, const Problem& b) { return a.path < b.path; });
  }

  const std::vector<Problem>& problems() const { return problems_; }
  const std::vector<std::string>& notes() const { return notes_; }
  std::size_t cache_count() const { return caches_.size(); }
  std::size_t entry_count() const { return entries_.size(); }
  std::size_t source_count() const { return source_inputs_; }

 private:
  void problem(std::string path, std::string message) {
    std::lock_guard<std::mutex> lock(mutex_);
    problems_.push_back({std::move(path), std::move(message)});
  }

  // One level of DIR/<sub>/: regular files go to `files`, anything else is a problem.
  std::vector<std::string> list_files(const std::string& sub) {
    std::vector<std::string> files;
    std::error_code ec;
    fs::directory_iterator it(dir_ / sub, ec);
    if (ec) {
      problem(sub, "cannot read directory: " + ec.message());
      return files;
    }
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      const std::string name = it->path().filename().string();
      const std::string rel = sub + "/" + name;
      if (name.starts_with('.') && name.find(".tmp-") != std::string::npos) {
        notes_.push_back(rel + ": leftover temporary file (an interrupted or running writer)");
        continue;
      }
      std::error_code sec;
      if (!it->is_regular_file(sec)) {
        problem(rel, "unexpected entry (not a regular file)");
        continue;
      }
      files.push_back(name);
    }
    if (ec) problem(sub, "cannot read directory: " + ec.message());
    std::sort(files.begin(), files.end());
    return files;
  }

  void list() {
    std::error_code ec;
    fs::directory_iterator it(dir_ / "caches", ec);
    if (ec) {
      problem("caches", "cannot read directory: " + ec.message());
    } else {
      std::vector<std::string> shards;
      for (; it != fs::directory_iterator(); it.increment(ec)) {
        const std::string name = it->path().filename().string();
        std::error_code sec;
        if (name.size() == 2 && is_hex(name) && it->is_directory(sec)) {
          shards.push_back(name);
        } else {
          problem("caches/" + name, "unexpected entry (caches/ holds two-hex-digit directories)");
        }
      }
      std::sort(shards.begin(), shards.end());
      for (const std::string& hh : shards) {
        for (const std::string& name : list_files("caches/" + hh)) {
          const std::string rel = "caches/" + hh + "/" + name;
          if (name.size() != 36 || !name.ends_with(".smc") || !is_hex(name.substr(0, 32))) {
            problem(rel, "unexpected file (caches are named <32 hex digits>.smc)");
          } else if (name.substr(0, 2) != hh) {
            problem(rel, "in the wrong directory (expected caches/" + name.substr(0, 2) + "/)");
          } else {
            caches_.push_back(rel);
          }
        }
      }
    }
    for (const char* sub : {"by-url", "by-debug-id"}) {
      for (const std::string& name : list_files(sub))
        entries_.push_back(std::string(sub) + "/" + name);
    }
    for (const std::string& rel : caches_) {
      struct stat st {};
      if (::stat((dir_ / rel).c_str(), &st) == 0)
        total_bytes_ += static_cast<std::uint64_t>(st.st_size);
    }
  }

  void tick(std::uint64_t bytes) {
    const std::uint64_t items = ++done_;
    const std::uint64_t b = bytes_ += bytes;
    progress_.update(items, b);
  }

  void check_caches() {
    std::vector<CacheResult> results(caches_.size());
    parallel_for(caches_.size(), threads_, [&](std::size_t i) {
      const std::string& rel = caches_[i];
      const std::string path = (dir_ / rel).string();
      CacheResult& r = results[i];
      auto cache = Cache::open(path);
      if (!cache) {
        std::string m = cache.error().message;
        if (m.starts_with(path + ": ")) m.erase(0, path.size() + 2);
        problem(rel, m);
        tick(0);
        return;
      }
      r.size = cache->bytes().size();
      if (auto v = cache->verify(); !v) {
        problem(rel, v.error().message);
        tick(r.size);
        return;
      }
      const CacheInfo info = cache->info();
      const std::string name = fs::path(rel).stem().string();
      if (hash_hex(info.input_hash) != name) {
        problem(rel,
                "header input_hash " + hash_hex(info.input_hash) + " does not match the file name");
        tick(r.size);
        return;
      }
      if (info.debug_id) r.debug_id = canonical_debug_id(*info.debug_id);
      r.ok = true;
      tick(r.size);
    });
    for (std::size_t i = 0; i < caches_.size(); ++i) cache_results_.emplace(caches_[i], results[i]);
  }

  // The cache an index entry names: must be a listed cache path that passed.
  bool check_target(const std::string& rel, const std::string& target) {
    const auto it = cache_results_.find(target);
    if (it == cache_results_.end()) {
      std::error_code ec;
      problem(rel, "points to " + target +
                       (fs::exists(dir_ / target, ec) ? ", which is not a cache name"
                                                      : ", which does not exist"));
      return false;
    }
    if (!it->second.ok) {
      problem(rel, "points to " + target + ", which fails verification");
      return false;
    }
    return true;
  }

  void check_entries() {
    parallel_for(entries_.size(), threads_, [&](std::size_t i) {
      const std::string& rel = entries_[i];
      check_entry(rel);
      tick(0);
    });
  }

  void check_entry(const std::string& rel) {
    const auto text = read_small(dir_ / rel);
    if (!text) {
      problem(rel, "cannot read");
      return;
    }
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text->size()) {
      const std::size_t nl = text->find('\n', start);
      if (nl == std::string::npos) {
        problem(rel, "last line has no newline");
        return;
      }
      lines.push_back(text->substr(start, nl - start));
      start = nl + 1;
    }
    const std::string name = fs::path(rel).filename().string();
    if (rel.starts_with("by-url/")) {
      if (name.size() != 16 || !is_hex(name)) {
        problem(rel, "unexpected file (by-url entries are named by 16 hex digits)");
        return;
      }
      if (lines.size() != 2) {
        problem(rel, "expected 2 lines (cache path, key), got " + std::to_string(lines.size()));
        return;
      }
      if (url_key_relative_path(lines[1]) != rel) {
        problem(rel, "key '" + lines[1] + "' hashes to " + url_key_relative_path(lines[1]));
        return;
      }
      check_target(rel, lines[0]);
      return;
    }
    const auto canonical = canonical_debug_id(name);
    if (!canonical || *canonical != name) {
      problem(rel, "unexpected file (by-debug-id entries are named by lowercase UUIDs)");
      return;
    }
    if (lines.size() != 1) {
      problem(rel, "expected 1 line (cache path), got " + std::to_string(lines.size()));
      return;
    }
    if (!check_target(rel, lines[0])) return;
    const CacheResult& target = cache_results_.at(lines[0]);
    if (target.debug_id != canonical) {
      problem(rel, "points to " + lines[0] + ", whose debugId is " +
                       (target.debug_id ? *target.debug_id : std::string("absent")));
    }
  }

  void check_sources(const std::vector<fs::path>& sources) {
    WarmOptions options;
    options.sources = sources;
    options.threads = threads_;
    auto plan = plan_warm(options);
    if (!plan) {
      problem(sources[0].string(), plan.error().message);
      return;
    }
    for (const WarmFailure& f : plan->failures) problem(f.path, f.error.message);
    source_inputs_ = plan->inputs.size();
    std::unordered_map<std::string, int> exact;  // generated names of several inputs
    for (const WarmInput& in : plan->inputs) ++exact[in.generated_name];
    parallel_for(plan->inputs.size(), threads_, [&](std::size_t i) {
      const WarmInput& in = plan->inputs[i];
      auto map = read_input_map(in);
      if (!map) {
        problem(in.shown_path, map.error().message);
        return;
      }
      // The cache warm made: with the input's JavaScript file in the input hash, when it has one.
      CompileOptions compile;
      const auto generated = read_generated_file(in, compile);
      if (generated) {
        compile.generated_code =
            std::string_view(reinterpret_cast<const char*>(generated->data()), generated->size());
      }
      const std::string cache = cache_relative_path(cache_input_hash(*map, compile));
      const auto it = cache_results_.find(cache);
      if (it == cache_results_.end()) {
        problem(in.shown_path, "no cache in DIR (expected " + cache + ")");
        return;
      }
      if (!it->second.ok) {
        problem(in.shown_path, "its cache " + cache + " fails verification");
        return;
      }
      if (exact.at(in.generated_name) > 1) return;  // the index holds one of them
      const std::string entry = url_key_relative_path(in.generated_name);
      const auto text = read_small(dir_ / entry);
      const std::string expected = cache + "\n" + in.generated_name + "\n";
      if (!text) {
        problem(in.shown_path, "'" + in.generated_name + "' is not indexed (no " + entry + ")");
      } else if (*text != expected) {
        problem(in.shown_path, "'" + in.generated_name + "' is indexed to " +
                                   text->substr(0, text->find('\n')) + ", not to " + cache);
      }
    });
  }

  fs::path dir_;
  unsigned threads_;
  Progress& progress_;
  std::mutex mutex_;
  std::vector<std::string> caches_, entries_;
  std::unordered_map<std::string, CacheResult> cache_results_;
  std::vector<Problem> problems_;
  std::vector<std::string> notes_;
  std::uint64_t total_bytes_ = 0;
  std::atomic<std::uint64_t> done_{0}, bytes_{0};
  std::size_t source_inputs_ = 0;
};

bool verify_directory(const std::string& dir, const std::vector<fs::path>& sources,
                      unsigned threads, bool quiet, Writer& out) {
  Progress progress("verify", "files", !quiet);
  DirectoryCheck check(dir, threads, progress);
  check.run(sources);
  progress.finish();
  for (const std::string& note : check.notes()) {
    progress.line(sanitize_text("smcache: verify: note: " + note));
  }
  for (const Problem& p : check.problems()) {
    out.put("FAIL ");
    out.put(sanitize_text(p.path));
    out.put(": ");
    out.put(sanitize_text(p.message));
    out.put('\n');
  }
  const bool ok = check.problems().empty();
  out.put(ok ? "ok " : "FAIL ");
  out.put(sanitize_text(dir));
  out.put(": ");
  out.put_u64(check.cache_count());
  out.put(" caches, ");
  out.put_u64(check.entry_count());
  out.put(" index entries");
  if (!sources.empty()) {
    out.put(", ");
    out.put_u64(check.source_count());
    out.put(" source maps");
  }
  if (!ok) {
    out.put(", ");
    out.put_u64(check.problems().size());
    out.put(check.problems().size() == 1 ? " problem" : " problems");
  }
  out.put('\n');
  flush_or_fail(out);
  return ok;
}

int run_verify(const ParsedArgs& args, Writer& out) {
  if (args.operands.empty()) usage_error("missing CACHE");
  std::vector<fs::path> sources;
  for (const auto& [name, value] : args.options) {
    if (name == "sources") {
      if (value.empty()) usage_error("empty --sources path");
      sources.emplace_back(value);
    }
  }
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  if (const auto t = args.value("threads")) {
    const auto n = parse_u32(*t);
    if (!n || *n == 0 || *n > 1024) usage_error("--threads must be 1..1024, got '" + *t + "'");
    threads = *n;
  }
  const bool quiet = args.has("quiet");
  bool any_dir = false;
  for (const std::string& path : args.operands) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) any_dir = true;
  }
  if (!sources.empty() && !any_dir) usage_error("--sources applies to a directory operand only");

  bool all_ok = true;
  for (const std::string& path : args.operands) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      if (!verify_directory(path, sources, threads, quiet, out)) all_ok = false;
      continue;
    }
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

const Command kVerifyCommand = {"verify",
                                "check every checksum and cross-reference of caches or a warm DIR",
                                kHelp, kOptions, run_verify};

}  // namespace smcache::cli
