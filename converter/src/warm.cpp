// The warming job (warm.hpp): walk, scan, plan (every shard the same), compile this shard's
// inputs on a thread pool, then write the index entries this shard's inputs win.
//
// Every output is a pure function of the source tree and the options, never of timing or order:
// inputs are sorted, claims resolved by a total order, and nothing but caches and index entries
// is written. That is what lets N shards fill one directory with no merge.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <new>
#include <set>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <utility>

#include <smcache/converter/discover.hpp>
#include <smcache/converter/warm.hpp>
#include <smcache/format/layout.hpp>

#include "unique_fd.hpp"

namespace smcache {
namespace {

namespace fs = std::filesystem;

// Bytes read from the end of a JavaScript file to find its comments; the whole file is read only
// when a comment line starts before them (an inline data: URL).
constexpr std::size_t kTailBytes = 64 * 1024;

template <class F>
auto guard(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return make_error(Errc::limit_exceeded, "out of memory");
  } catch (const std::exception& e) {
    return make_error(Errc::internal, std::string("internal: ") + e.what());
  } catch (...) {
    return make_error(Errc::internal, "internal: unknown exception");
  }
}

Error io_error(std::string what, const fs::path& path, int err) {
  Error e =
      make_error(Errc::io, what + " " + path.string() + ": " + std::system_category().message(err));
  e.os_errno = err;
  return e;
}

std::string hex64(std::uint64_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i) {
    s[static_cast<std::size_t>(i)] = kDigits[v & 0xF];
    v >>= 4;
  }
  return s;
}

enum class FileKind { none, map, js };

FileKind classify(std::string_view name) {
  auto ends = [&](std::string_view ext) { return name.size() > ext.size() && name.ends_with(ext); };
  if (ends(".map")) return FileKind::map;
  if (ends(".js") || ends(".mjs") || ends(".cjs")) return FileKind::js;
  return FileKind::none;
}

struct Candidate {
  std::uint32_t source_index = 0;
  std::string rel;
  std::string shown;
  fs::path path;
  FileKind kind = FileKind::none;
};

struct PlanError {
  std::uint32_t source_index;
  std::string rel;
  std::string shown;
  Error error;
};

// A relative path that climbs out of its base ("../x").
bool escapes(const fs::path& rel) {
  return !rel.empty() && *rel.begin() == "..";
}

std::string join_rel(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : dir + "/" + name;
}

std::string shown_of(const std::string& shown_root, const std::string& rel) {
  if (shown_root.empty() || shown_root == ".") return rel;
  if (shown_root.ends_with('/')) return shown_root + rel;
  return shown_root + "/" + rel;
}

// Depth-first walk of `dir` (relative name `rel`), skipping hidden names and the directory whose
// real path is `skip` (DIR itself, when it lies inside a source). Directory symlinks are not
// followed (no cycles); file symlinks are.
void walk(const fs::path& dir, const std::string& rel, std::uint32_t source_index,
          const std::string& shown_root, const fs::path& skip, std::vector<Candidate>& out,
          std::vector<PlanError>& errors) {
  std::vector<std::pair<fs::path, std::string>> stack{{dir, rel}};
  while (!stack.empty()) {
    auto [d, r] = std::move(stack.back());
    stack.pop_back();
    std::error_code ec;
    fs::directory_iterator it(d, ec);
    if (ec) {
      errors.push_back(
          {source_index, r, shown_of(shown_root, r), io_error("read directory", d, ec.value())});
      continue;
    }
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      const fs::path& p = it->path();
      const std::string name = p.filename().string();
      if (name.empty() || name[0] == '.') continue;
      const std::string child_rel = join_rel(r, name);
      std::error_code sec;
      const fs::file_status link = it->symlink_status(sec);
      if (sec) continue;
      if (fs::is_directory(link)) {
        if (!skip.empty() && fs::weakly_canonical(p, sec) == skip) continue;
        stack.emplace_back(p, child_rel);
        continue;
      }
      const FileKind kind = classify(name);
      if (kind == FileKind::none) continue;
      if (!fs::is_regular_file(it->status(sec)) || sec) continue;
      out.push_back({source_index, child_rel, shown_of(shown_root, child_rel), p, kind});
    }
    if (ec) {
      errors.push_back(
          {source_index, r, shown_of(shown_root, r), io_error("read directory", d, ec.value())});
    }
  }
}

using detail::Fd;

bool pread_all(int fd, std::uint64_t offset, std::size_t n, std::uint8_t* out) {
  while (n > 0) {
    const ssize_t r = ::pread(fd, out, n, static_cast<off_t>(offset));
    if (r < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (r == 0) {
      errno = EIO;  // the file shrank under us
      return false;
    }
    out += r;
    offset += static_cast<std::uint64_t>(r);
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

// What scanning a JavaScript file found.
struct JsScan {
  bool has_url = false;
  bool inline_map = false;
  std::string url;
  std::optional<std::string> debug_id;
  std::uint64_t size = 0;
};

Result<JsScan> scan_js_file(const fs::path& path) {
  int raw;
  do {
    raw = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (raw < 0 && errno == EINTR);
  if (raw < 0) return io_error("open", path, errno);
  Fd fd(raw);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return io_error("stat", path, errno);
  const auto size = static_cast<std::uint64_t>(st.st_size);
  JsScan out;
  out.size = size;
  auto take = [&](const JsAnnotations& a) {
    if (a.source_mapping_url) {
      out.has_url = true;
      out.inline_map = is_data_url(*a.source_mapping_url);
      if (!out.inline_map) out.url = std::string(*a.source_mapping_url);
    }
    if (a.debug_id) out.debug_id = std::string(*a.debug_id);
  };
  const std::size_t tail = static_cast<std::size_t>(std::min<std::uint64_t>(size, kTailBytes));
  std::vector<std::uint8_t> buf(tail);
  if (!pread_all(fd.get(), size - tail, tail, buf.data())) return io_error("read", path, errno);
  const std::string_view text(reinterpret_cast<const char*>(buf.data()), buf.size());
  if (tail == size) {
    take(scan_js_annotations(text));
    return out;
  }
  if (auto a = scan_js_annotations_tail(text)) {
    take(*a);
    return out;
  }
  auto whole = read_file(path);
  if (!whole) return std::move(whole).error();
  take(scan_js_annotations(
      std::string_view(reinterpret_cast<const char*>(whole->data()), whole->size())));
  out.size = whole->size();
  return out;
}

// ---------------------------------------------------------------------------------------------
// Cache probe: header + directory + two strings, bounds-checked
// ---------------------------------------------------------------------------------------------

Error probe_error(Errc code, std::string message) {
  return make_error(code, std::move(message));
}

template <class ReadAt>
Result<CacheProbe> probe_impl(std::uint64_t size, ReadAt&& read_at) {
  namespace f = format;
  if (size < sizeof(f::FileHeader)) {
    return probe_error(Errc::truncated,
                       "file is " + std::to_string(size) + " bytes, the header needs 128");
  }
  std::uint8_t raw[sizeof(f::FileHeader)];
  if (!read_at(0, sizeof raw, raw)) return probe_error(Errc::io, "read failed");
  const f::FileHeader h = f::load_header(raw);
  if (std::memcmp(h.magic, f::kMagic.data(), 8) != 0) {
    return probe_error(Errc::not_a_cache, "not an smcache file: bad magic");
  }
  if (h.format_major != f::kFormatMajor) {
    return probe_error(Errc::unsupported_version,
                       "format version " + std::to_string(h.format_major) + "." +
                           std::to_string(h.format_minor) + " (this build writes " +
                           std::to_string(f::kFormatMajor) + ".x)");
  }
  if (h.byte_order_mark != f::kByteOrderMark) {
    return probe_error(Errc::corrupt, "header: bad byte_order_mark");
  }
  if ((h.required_features & ~f::kKnownRequiredFeatures) != 0) {
    return probe_error(Errc::unsupported_feature, "header: unknown required feature bits");
  }
  if (h.file_size != size) {
    return probe_error(h.file_size > size ? Errc::truncated : Errc::corrupt,
                       "header: file_size " + std::to_string(h.file_size) + ", file is " +
                           std::to_string(size) + " bytes");
  }
  if (h.header_size < sizeof(f::FileHeader) || h.header_size > 65536 || h.section_count > 4096) {
    return probe_error(Errc::corrupt, "header: implausible header_size or section_count");
  }
  const std::uint64_t dir_end = std::uint64_t{h.header_size} + 32ull * h.section_count;
  if (dir_end > size) return probe_error(Errc::corrupt, "directory ends past the end of file");
  std::vector<std::uint8_t> head(static_cast<std::size_t>(dir_end));
  if (!read_at(0, head.size(), head.data())) return probe_error(Errc::io, "read failed");
  if (f::header_checksum(head.data(), head.size()) != h.header_checksum) {
    return probe_error(Errc::checksum_mismatch, "header: checksum mismatch");
  }
  f::SectionEntry offsets{}, data{};
  bool have_offsets = false, have_data = false;
  for (std::uint32_t i = 0; i < h.section_count; ++i) {
    const f::SectionEntry e = f::load_section_entry(head.data() + h.header_size + 32ull * i);
    if (e.offset > size || e.size > size - e.offset) {
      return probe_error(Errc::corrupt, "section " + std::to_string(e.id) + " out of bounds");
    }
    if (e.id == static_cast<std::uint32_t>(f::SectionId::string_offsets)) {
      offsets = e;
      have_offsets = true;
    } else if (e.id == static_cast<std::uint32_t>(f::SectionId::string_data)) {
      data = e;
      have_data = true;
    }
  }
  if (!have_offsets || !have_data) return probe_error(Errc::corrupt, "string sections missing");
  const std::uint32_t w = h.string_offset_width;
  if (w != 1 && w != 2 && w != 4) return probe_error(Errc::corrupt, "bad string_offset_width");
  auto string_at = [&](std::uint32_t index) -> Result<std::optional<std::string>> {
    if (index == f::kNone) return std::optional<std::string>{};
    if (index >= h.string_count) return probe_error(Errc::corrupt, "string index out of range");
    const std::uint64_t at = std::uint64_t{w} * index;
    if (at + 2ull * w > offsets.size) return probe_error(Errc::corrupt, "string offsets short");
    std::uint8_t two[8];
    if (!read_at(offsets.offset + at, 2ull * w, two)) return probe_error(Errc::io, "read failed");
    const std::uint32_t start = f::load_le_width(two, w), end = f::load_le_width(two + w, w);
    if (start > end || end > data.size || end - start > (1u << 20)) {
      return probe_error(Errc::corrupt, "string offsets out of range");
    }
    std::string s(end - start, '\0');
    if (!read_at(data.offset + start, s.size(), reinterpret_cast<std::uint8_t*>(s.data()))) {
      return probe_error(Errc::io, "read failed");
    }
    return std::optional<std::string>(std::move(s));
  };
  CacheProbe out;
  out.semantics_version = h.semantics_version;
  out.input_hash = format::Hash128{h.input_hash_low, h.input_hash_high};
  out.file_size = size;
  auto debug_id = string_at(h.debug_id_string_index);
  if (!debug_id) return std::move(debug_id).error();
  out.debug_id = std::move(*debug_id);
  auto file = string_at(h.file_string_index);
  if (!file) return std::move(file).error();
  out.file = std::move(*file);
  return out;
}

// The last path segment of a `file` field ("https://x/static/app.js?v=1" -> "app.js").
std::string file_basename(std::string_view file) {
  file = file.substr(0, file.find_first_of("?#"));
  const std::size_t slash = file.find_last_of("/\\");
  if (slash != std::string_view::npos) file.remove_prefix(slash + 1);
  return std::string(file);
}

std::string last_segment(std::string_view rel) {
  const std::size_t slash = rel.rfind('/');
  return std::string(slash == std::string_view::npos ? rel : rel.substr(slash + 1));
}

// Reads a small index entry; nullopt when absent or unreadable (then it is rewritten).
std::optional<std::string> read_small(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return s.str();
}

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Writes caches on a few threads of its own: a write is mostly waiting for fsync, and the
// journal commits concurrent fsyncs together, so overlapping them with compiling (and with each
// other) is what makes warming on a slow disk CPU-bound again.
constexpr unsigned kIoThreads = 8;
// Compiled caches waiting to be written, at most (plus one, whatever its size).
constexpr std::uint64_t kMaxPendingBytes = std::uint64_t{256} << 20;

class AsyncWriter {
 public:
  using Done = std::function<void(std::uint64_t size, Result<Ok> written)>;

  AsyncWriter(unsigned threads, std::uint64_t max_pending_bytes) : max_pending_(max_pending_bytes) {
    for (unsigned t = 0; t < threads; ++t) threads_.emplace_back([this] { work(); });
  }
  AsyncWriter(const AsyncWriter&) = delete;
  AsyncWriter& operator=(const AsyncWriter&) = delete;
  ~AsyncWriter() { finish(); }

  // Queues `bytes` for `path` (its directory created first); blocks while too many bytes wait.
  // `done` runs on a writer thread.
  void submit(fs::path path, std::vector<std::uint8_t> bytes, Done done) {
    std::unique_lock<std::mutex> lock(mutex_);
    space_.wait(lock, [&] { return pending_ == 0 || pending_ + bytes.size() <= max_pending_; });
    pending_ += bytes.size();
    jobs_.push_back(Job{std::move(path), std::move(bytes), std::move(done)});
    ready_.notify_one();
  }

  // Waits until every queued write is done, then stops the threads.
  void finish() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) return;
      stopping_ = true;
    }
    ready_.notify_all();
    for (auto& t : threads_) t.join();
  }

 private:
  struct Job {
    fs::path path;
    std::vector<std::uint8_t> bytes;
    Done done;
  };

  void work() {
    for (;;) {
      Job job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        ready_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // stopping and drained
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      std::error_code ec;
      fs::create_directories(job.path.parent_path(), ec);
      Result<Ok> written = write_file_atomic(job.path, job.bytes);
      const std::uint64_t size = job.bytes.size();
      std::vector<std::uint8_t>().swap(job.bytes);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        pending_ -= size;
      }
      space_.notify_all();
      try {
        job.done(size, std::move(written));
      } catch (...) {  // bookkeeping only allocates; losing one report beats std::terminate
      }
    }
  }

  std::uint64_t max_pending_;
  std::mutex mutex_;
  std::condition_variable ready_, space_;
  std::deque<Job> jobs_;
  std::uint64_t pending_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// Total order of the claims on one by-url key: fewest segments dropped, then generated path,
// then SRC order, then the input's own path.
struct Claim {
  std::uint32_t dropped;
  const WarmInput* input;
  std::size_t index;
  bool operator<(const Claim& o) const {
    return std::tie(dropped, input->generated_name, input->source_index, input->rel_path) <
           std::tie(o.dropped, o.input->generated_name, o.input->source_index, o.input->rel_path);
  }
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------

std::string hash_hex(const format::Hash128& hash) {
  return hex64(hash.high) + hex64(hash.low);
}

std::string cache_relative_path(const format::Hash128& hash) {
  const std::string hex = hash_hex(hash);
  return "caches/" + hex.substr(0, 2) + "/" + hex + ".smc";
}

std::string url_key_relative_path(std::string_view key) {
  return "by-url/" + hex64(format::checksum64(key.data(), key.size()));
}

std::string debug_id_relative_path(std::string_view canonical) {
  return "by-debug-id/" + std::string(canonical);
}

std::vector<std::string> url_keys(std::string_view generated_name) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= generated_name.size()) {
    const std::size_t slash = generated_name.find('/', start);
    const std::size_t end = slash == std::string_view::npos ? generated_name.size() : slash;
    if (end > start) segments.emplace_back(generated_name.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  std::vector<std::string> keys;
  for (std::size_t first = 0; first < segments.size(); ++first) {
    std::string key;
    for (std::size_t i = first; i < segments.size(); ++i) {
      if (i > first) key += '/';
      key += segments[i];
    }
    keys.push_back(std::move(key));
  }
  return keys;
}

std::optional<std::vector<std::uint8_t>> read_generated_file(const WarmInput& in,
                                                             const CompileOptions& options) {
  if (!options.generated_function_table) return std::nullopt;
  fs::path js = in.path;
  if (in.kind == WarmInput::Kind::map) {
    if (!in.path.string().ends_with(".map")) return std::nullopt;
    js.replace_extension();
    const fs::path ext = js.extension();  // X.css.map beside X.css is not JavaScript
    if (ext != ".js" && ext != ".mjs" && ext != ".cjs") return std::nullopt;
  }
  std::error_code ec;
  if (!fs::is_regular_file(js, ec)) return std::nullopt;
  // As `compile MAP --generated JS` reads it: the same bytes give the same cache, even when the
  // file is empty or too large to scan (then the section is empty and a warning says why).
  auto bytes = read_file(js, options.max_input_bytes);
  if (!bytes) return std::nullopt;
  return std::move(*bytes);
}

std::uint32_t shard_of(std::string_view rel_path, std::uint32_t shard_count) {
  if (shard_count <= 1) return 0;
  return static_cast<std::uint32_t>(format::checksum64(rel_path.data(), rel_path.size()) %
                                    shard_count);
}

Result<CacheProbe> probe_cache(std::span<const std::uint8_t> bytes) {
  return guard([&]() -> Result<CacheProbe> {
    return probe_impl(bytes.size(), [&](std::uint64_t off, std::size_t n, std::uint8_t* out) {
      if (off > bytes.size() || n > bytes.size() - off) return false;
      std::memcpy(out, bytes.data() + off, n);
      return true;
    });
  });
}

Result<CacheProbe> probe_cache_file(const fs::path& path) {
  return guard([&]() -> Result<CacheProbe> {
    int raw;
    do {
      raw = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    } while (raw < 0 && errno == EINTR);
    if (raw < 0) return io_error("open", path, errno);
    Fd fd(raw);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return io_error("stat", path, errno);
    auto r = probe_impl(static_cast<std::uint64_t>(st.st_size),
                        [&](std::uint64_t off, std::size_t n, std::uint8_t* out) {
                          return pread_all(fd.get(), off, n, out);
                        });
    if (!r) {
      Error e = std::move(r).error();
      e.message = path.string() + ": " + e.message;
      return e;
    }
    return r;
  });
}

void parallel_for(std::size_t count, unsigned threads, const std::function<void(std::size_t)>& fn) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t workers = std::min<std::size_t>(threads, count);
  if (workers <= 1) {
    for (std::size_t i = 0; i < count; ++i) fn(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::exception_ptr first_error;
  std::mutex error_mutex;
  auto work = [&] {
    for (;;) {
      const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= count) return;
      try {
        fn(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!first_error) first_error = std::current_exception();
        next.store(count, std::memory_order_relaxed);  // stop handing out work
        return;
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (std::size_t t = 1; t < workers; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  if (first_error) std::rethrow_exception(first_error);
}

// ---------------------------------------------------------------------------------------------
// Planning
// ---------------------------------------------------------------------------------------------

Result<WarmPlan> plan_warm(const WarmOptions& options) {
  return guard([&]() -> Result<WarmPlan> {
    if (options.shard_count == 0 || options.shard_index >= options.shard_count) {
      return make_error(Errc::invalid_argument, "shard " + std::to_string(options.shard_index) +
                                                    "/" + std::to_string(options.shard_count) +
                                                    ": need 0 <= K < N");
    }
    if (options.sources.empty() && options.manifest.empty()) {
      return make_error(Errc::invalid_argument, "no source directory and no manifest");
    }
    if (!options.manifest.empty() && options.sources.size() > 1) {
      return make_error(Errc::invalid_argument,
                        "a manifest takes at most one source directory (its root), got " +
                            std::to_string(options.sources.size()));
    }
    WarmPlan plan;
    std::error_code ec;
    plan.out = options.out.lexically_normal();
    // DIR is skipped when it lies inside a source: compare real paths.
    const fs::path out_real = fs::weakly_canonical(fs::absolute(options.out, ec), ec);
    std::vector<std::string> shown_roots;
    if (options.sources.empty()) {
      fs::path root = options.manifest.parent_path();
      if (root.empty()) root = ".";
      plan.roots.push_back(root.lexically_normal());
      shown_roots.push_back(root.string());
    }
    for (const fs::path& src : options.sources) {
      if (!fs::is_directory(src, ec)) {
        return io_error("source", src, ec ? ec.value() : ENOTDIR);
      }
      plan.roots.push_back(src.lexically_normal());
      shown_roots.push_back(src.string());
    }
    for (auto& root : plan.roots) {  // "a/b/" normalizes to "a/b/" with an empty last element
      if (!root.has_filename() && root.has_parent_path() && root != root.root_path()) {
        root = root.parent_path();
      }
    }

    std::vector<Candidate> candidates;
    std::vector<PlanError> errors;
    if (options.manifest.empty()) {
      for (std::uint32_t i = 0; i < plan.roots.size(); ++i) {
        walk(plan.roots[i], "", i, shown_roots[i], out_real, candidates, errors);
      }
    } else {
      auto text = read_file(options.manifest);
      if (!text) return std::move(text).error();
      const fs::path& root = plan.roots[0];
      std::string_view rest(reinterpret_cast<const char*>(text->data()), text->size());
      while (!rest.empty()) {
        const std::size_t nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
        if (line.ends_with('\r')) line.remove_suffix(1);
        if (line.empty() || line[0] == '#') continue;
        fs::path p(line);
        fs::path rel =
            p.is_absolute()
                ? p.lexically_normal().lexically_relative(fs::absolute(root, ec).lexically_normal())
                : p.lexically_normal();
        std::string rel_s = rel.generic_string();
        if (rel_s == ".") rel_s.clear();
        if (rel.empty() || escapes(rel)) {
          errors.push_back(
              {0, std::string(line), std::string(line),
               make_error(Errc::invalid_argument,
                          "listed in the manifest but outside the root " + root.string())});
          continue;
        }
        const fs::path full = rel_s.empty() ? root : root / rel;
        const std::string shown = shown_of(shown_roots[0], rel_s);
        std::error_code sec;
        const fs::file_status st = fs::status(full, sec);
        if (fs::is_directory(st)) {
          walk(full, rel_s, 0, shown_roots[0], out_real, candidates, errors);
        } else if (fs::is_regular_file(st)) {
          const FileKind kind = classify(rel_s) == FileKind::js ? FileKind::js : FileKind::map;
          candidates.push_back({0, rel_s, shown, full, kind});
        } else {
          errors.push_back(
              {0, rel_s, shown,
               sec ? io_error("stat", full, sec.value()) : io_error("stat", full, ENOENT)});
        }
      }
    }
    // One candidate per (source, path): a manifest may list a file and its directory.
    std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
      return std::tie(a.source_index, a.rel) < std::tie(b.source_index, b.rel);
    });
    candidates.erase(std::unique(candidates.begin(), candidates.end(),
                                 [](const Candidate& a, const Candidate& b) {
                                   return a.source_index == b.source_index && a.rel == b.rel;
                                 }),
                     candidates.end());
    plan.files_seen = candidates.size();

    // Scan every JavaScript file (all shards do: the referenced maps and the keys depend on it).
    std::vector<std::size_t> js;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      if (candidates[i].kind == FileKind::js) js.push_back(i);
    }
    std::vector<std::optional<Result<JsScan>>> scans(js.size());
    parallel_for(js.size(), options.threads,
                 [&](std::size_t k) { scans[k] = scan_js_file(candidates[js[k]].path); });

    std::set<std::pair<std::uint32_t, std::string>> referenced;
    for (std::size_t k = 0; k < js.size(); ++k) {
      const Candidate& c = candidates[js[k]];
      Result<JsScan>& r = *scans[k];
      if (!r) {
        errors.push_back({c.source_index, c.rel, c.shown, std::move(r).error()});
        continue;
      }
      if (!r->has_url) {
        ++plan.js_without_map;
        continue;
      }
      WarmInput in;
      in.kind = WarmInput::Kind::js;
      in.source_index = c.source_index;
      in.rel_path = c.rel;
      in.shown_path = c.shown;
      in.path = c.path;
      in.js_debug_id = r->debug_id;
      in.generated_name = c.rel;
      if (r->inline_map) {
        in.inline_map = true;
        in.size_bytes = r->size;
      } else {
        const fs::path& root = plan.roots[c.source_index];
        auto map = resolve_map_url(r->url, c.path, root);
        if (!map) {
          errors.push_back({c.source_index, c.rel, c.shown, std::move(map).error()});
          continue;
        }
        in.map_path = *map;
        in.map_url = r->url;
        std::error_code sec;
        const auto size = fs::file_size(in.map_path, sec);
        in.size_bytes = sec ? 0 : size;
        const std::string map_rel = in.map_path.lexically_relative(root).generic_string();
        if (!map_rel.empty() && !escapes(fs::path(map_rel))) {
          referenced.emplace(c.source_index, map_rel);
        }
      }
      plan.inputs.push_back(std::move(in));
    }
    for (const Candidate& c : candidates) {
      if (c.kind != FileKind::map || referenced.count({c.source_index, c.rel}) != 0) continue;
      WarmInput in;
      in.kind = WarmInput::Kind::map;
      in.source_index = c.source_index;
      in.rel_path = c.rel;
      in.shown_path = c.shown;
      in.path = c.path;
      in.map_path = c.path;
      in.generated_name = c.rel.ends_with(".map") ? c.rel.substr(0, c.rel.size() - 4) : c.rel;
      std::error_code sec;
      const auto size = fs::file_size(c.path, sec);
      in.size_bytes = sec ? 0 : size;
      plan.inputs.push_back(std::move(in));
    }
    std::sort(plan.inputs.begin(), plan.inputs.end(), [](const WarmInput& a, const WarmInput& b) {
      return std::tie(a.source_index, a.rel_path) < std::tie(b.source_index, b.rel_path);
    });
    for (WarmInput& in : plan.inputs) in.shard = shard_of(in.rel_path, options.shard_count);
    std::sort(errors.begin(), errors.end(), [](const PlanError& a, const PlanError& b) {
      return std::tie(a.source_index, a.rel) < std::tie(b.source_index, b.rel);
    });
    for (PlanError& e : errors) {
      plan.failure_shards.push_back(shard_of(e.rel, options.shard_count));
      plan.failures.push_back({std::move(e.shown), std::move(e.error)});
    }
    return plan;
  });
}

Result<std::vector<std::uint8_t>> read_input_map(const WarmInput& input,
                                                 const CompileOptions& options) {
  return guard([&]() -> Result<std::vector<std::uint8_t>> {
    if (input.inline_map) {
      auto js = read_file(input.path);
      if (!js) return std::move(js).error();
      const JsAnnotations notes = scan_js_annotations(
          std::string_view(reinterpret_cast<const char*>(js->data()), js->size()));
      if (!notes.source_mapping_url || !is_data_url(*notes.source_mapping_url)) {
        return make_error(Errc::invalid_argument,
                          "the inline sourceMappingURL changed while warming");
      }
      return decode_data_url(*notes.source_mapping_url, options.max_input_bytes);
    }
    std::error_code ec;
    const auto size = fs::file_size(input.map_path, ec);
    if (!ec && size > options.max_input_bytes) {
      return make_error(Errc::limit_exceeded, "input " + input.map_path.string() + ": " +
                                                  std::to_string(size) +
                                                  " bytes, more than the limit of " +
                                                  std::to_string(options.max_input_bytes));
    }
    return read_file(input.map_path);
  });
}

// ---------------------------------------------------------------------------------------------
// The job
// ---------------------------------------------------------------------------------------------

Result<WarmReport> warm(const WarmOptions& options, WarmObserver* observer) {
  return guard([&]() -> Result<WarmReport> {
    const auto started = std::chrono::steady_clock::now();
    auto planned = plan_warm(options);
    if (!planned) return std::move(planned).error();
    const WarmPlan& plan = *planned;

    std::error_code ec;
    for (const char* sub : {"caches", "by-url", "by-debug-id"}) {
      fs::create_directories(plan.out / sub, ec);
      if (ec && !fs::is_directory(plan.out / sub)) {
        return io_error("create directory", plan.out / sub, ec.value());
      }
    }

    WarmReport report;
    report.js_without_map = plan.js_without_map;
    std::mutex mutex;  // guards report, progress and observer calls
    WarmProgress progress;
    auto fail = [&](std::string path, Error error) {
      std::lock_guard<std::mutex> lock(mutex);
      WarmFailure f{std::move(path), std::move(error)};
      if (observer != nullptr) observer->on_failure(f);
      report.failures.push_back(std::move(f));
    };

    std::vector<std::size_t> mine;
    for (std::size_t i = 0; i < plan.inputs.size(); ++i) {
      if (plan.inputs[i].shard == options.shard_index) {
        mine.push_back(i);
        progress.bytes_total += plan.inputs[i].size_bytes;
      }
    }
    // Largest first: a big map started last would leave the other threads idle at the end.
    std::stable_sort(mine.begin(), mine.end(), [&](std::size_t a, std::size_t b) {
      return plan.inputs[a].size_bytes > plan.inputs[b].size_bytes;
    });
    report.other_shards = plan.inputs.size() - mine.size();
    progress.inputs_total = mine.size();
    for (std::size_t j = 0; j < plan.failures.size(); ++j) {
      if (plan.failure_shards[j] != options.shard_index) continue;
      ++progress.inputs_total;
      ++progress.failed;
      ++progress.inputs_done;
      fail(plan.failures[j].path, plan.failures[j].error);
    }
    if (observer != nullptr) {
      std::lock_guard<std::mutex> lock(mutex);
      observer->on_planned(plan, progress);
    }

    // Compile this shard's inputs on `threads` threads; their caches are written (fsync and
    // all) on the I/O threads, so compiling goes on while the disk syncs.
    struct Outcome {
      bool ok = false;
      std::string cache_rel;
      std::optional<std::string> debug_id;  // canonical
      std::optional<std::string> file_key;  // basename of `file`
      std::vector<std::string> warnings;    // the compile's (CompileOptions::on_warning)
    };
    enum class Status { compiled, up_to_date, failed };
    std::vector<Outcome> outcomes(plan.inputs.size());
    auto complete = [&](std::size_t i, Status status, std::uint64_t read, std::uint64_t written,
                        std::optional<Error> error) {
      if (error) fail(plan.inputs[i].shown_path, std::move(*error));
      std::lock_guard<std::mutex> lock(mutex);
      ++progress.inputs_done;
      progress.bytes_done += read ? read : plan.inputs[i].size_bytes;
      report.bytes_in += read;
      report.bytes_out += written;
      if (status == Status::compiled) ++progress.compiled;
      if (status == Status::up_to_date) ++progress.up_to_date;
      if (status == Status::failed) ++progress.failed;
      if (observer != nullptr) observer->on_progress(progress);
    };
    // Records what the index needs from a cache's header.
    auto describe = [&](std::size_t i, const CacheProbe& probe) {
      Outcome& out = outcomes[i];
      out.ok = true;
      if (probe.debug_id) out.debug_id = canonical_debug_id(*probe.debug_id);
      const WarmInput& in = plan.inputs[i];
      if (in.kind == WarmInput::Kind::map && probe.file) {
        std::string b = file_basename(*probe.file);
        if (!b.empty() && b != last_segment(in.generated_name)) out.file_key = std::move(b);
      }
    };
    {
      AsyncWriter writer(kIoThreads, kMaxPendingBytes);
      parallel_for(mine.size(), options.threads, [&](std::size_t k) {
        const std::size_t i = mine[k];
        const WarmInput& in = plan.inputs[i];
        auto map = read_input_map(in, options.compile);
        if (!map) {
          Error e = std::move(map).error();
          if (!in.map_url.empty())
            e.message = "sourceMappingURL '" + in.map_url + "': " + e.message;
          complete(i, Status::failed, 0, 0, std::move(e));
          return;
        }
        const std::uint64_t read = map->size();
        // The generated file, for the generated-function table. It is part of the input hash:
        // a cache compiled before the JavaScript file was beside its map is another cache.
        CompileOptions compile = options.compile;
        // Only this thread touches outcomes[i]; the report's notes carry them.
        compile.on_warning = [&w = outcomes[i].warnings](std::string_view m) { w.emplace_back(m); };
        std::vector<std::uint8_t> generated;
        if (auto g = read_generated_file(in, compile)) {
          generated = std::move(*g);
          compile.generated_code =
              std::string_view(reinterpret_cast<const char*>(generated.data()), generated.size());
        }
        const format::Hash128 hash = cache_input_hash(*map, compile);
        outcomes[i].cache_rel = cache_relative_path(hash);
        fs::path target = plan.out / outcomes[i].cache_rel;
        if (!options.force) {
          const std::optional<std::string> js_id =
              in.js_debug_id ? canonical_debug_id(*in.js_debug_id) : std::nullopt;
          if (auto p = probe_cache_file(target);
              p && p->semantics_version == format::kSemanticsVersion && p->input_hash == hash &&
              (!js_id || (p->debug_id && canonical_debug_id(*p->debug_id) == js_id))) {
            describe(i, *p);
            complete(i, Status::up_to_date, read, 0, std::nullopt);
            return;
          }
        }
        auto cache = compile_with_debug_id(*map, in.js_debug_id, compile);
        std::vector<std::uint8_t>().swap(generated);
        std::vector<std::uint8_t>().swap(*map);
        if (!cache) {
          complete(i, Status::failed, read, 0, std::move(cache).error());
          return;
        }
        auto probe = probe_cache(*cache);
        if (!probe) {
          complete(i, Status::failed, read, 0, std::move(probe).error());
          return;
        }
        describe(i, *probe);
        writer.submit(std::move(target), std::move(*cache),
                      [&, i, read](std::uint64_t size, Result<Ok> written) {
                        if (!written) {
                          outcomes[i].ok = false;
                          complete(i, Status::failed, read, 0, std::move(written).error());
                        } else {
                          complete(i, Status::compiled, read, size, std::nullopt);
                        }
                      });
      });
      writer.finish();
    }

    // Index: resolve the claims of every input (all shards), keep the entries this shard wins.
    std::unordered_map<std::string, Claim> winners;
    std::unordered_map<std::string, std::uint32_t> claimants, exact_claimants;
    for (std::size_t i = 0; i < plan.inputs.size(); ++i) {
      const std::vector<std::string> keys = url_keys(plan.inputs[i].generated_name);
      for (std::size_t d = 0; d < keys.size(); ++d) {
        const Claim claim{static_cast<std::uint32_t>(d), &plan.inputs[i], i};
        auto [it, fresh] = winners.try_emplace(keys[d], claim);
        if (!fresh && claim < it->second) it->second = claim;
        ++claimants[keys[d]];
        if (d == 0) ++exact_claimants[keys[d]];
      }
    }
    std::vector<std::string> notes;
    for (std::size_t i = 0; i < plan.inputs.size(); ++i) {
      for (const std::string& w : outcomes[i].warnings) {
        notes.push_back("warning: " + plan.inputs[i].shown_path + ": " + w);
      }
    }
    std::map<std::string, std::string> entries;  // relative path -> content
    auto add_entry = [&](std::string path, std::string content, std::string_view what) {
      auto [it, fresh] = entries.try_emplace(path, content);
      if (!fresh && it->second != content) {  // a 64-bit key hash collision
        notes.push_back("index: " + std::string(what) + " collides with another key at " + path +
                        ": the first one is kept");
      }
    };
    auto representable = [](std::string_view key) {
      return key.find_first_of("\n\r") == std::string_view::npos;
    };
    std::map<std::string, std::pair<std::tuple<std::string, std::uint32_t>, std::size_t>> secondary;
    std::map<std::string, std::vector<std::size_t>> by_debug_id;
    std::sort(mine.begin(), mine.end());  // back to input order: the index is built in order
    for (const std::size_t i : mine) {
      const Outcome& o = outcomes[i];
      if (!o.ok) continue;
      const WarmInput& in = plan.inputs[i];
      for (const std::string& key : url_keys(in.generated_name)) {
        const Claim& w = winners.at(key);
        if (w.index != i) continue;
        if (claimants[key] > 1) ++report.contested_keys;
        // Suffix keys shared by many files ("index.js") are expected; the same whole path from
        // two sources is worth a note.
        if (exact_claimants[key] > 1) {
          notes.push_back("index: '" + key + "' is the path of " +
                          std::to_string(exact_claimants[key]) + " inputs; " + in.shown_path +
                          " wins (the first source)");
        }
        if (!representable(key)) continue;
        add_entry(url_key_relative_path(key), o.cache_rel + "\n" + key + "\n", "'" + key + "'");
      }
      if (o.file_key && winners.count(*o.file_key) == 0 && representable(*o.file_key)) {
        auto rank = std::make_tuple(in.generated_name, in.source_index);
        auto [it, fresh] = secondary.try_emplace(*o.file_key, rank, i);
        if (!fresh) {
          notes.push_back("index: 'file' name '" + *o.file_key + "' is named by several maps (" +
                          in.shown_path + ", " + plan.inputs[it->second.second].shown_path +
                          "): the first path wins");
          if (rank < it->second.first) it->second = {rank, i};
        }
      }
      if (o.debug_id) by_debug_id[*o.debug_id].push_back(i);
    }
    for (const auto& [key, chosen] : secondary) {
      add_entry(url_key_relative_path(key), outcomes[chosen.second].cache_rel + "\n" + key + "\n",
                "'" + key + "'");
    }
    for (auto& [id, users] : by_debug_id) {
      std::sort(users.begin(), users.end(), [&](std::size_t a, std::size_t b) {
        return std::tie(plan.inputs[a].rel_path, plan.inputs[a].source_index) <
               std::tie(plan.inputs[b].rel_path, plan.inputs[b].source_index);
      });
      const std::string& cache = outcomes[users[0]].cache_rel;
      for (std::size_t u = 1; u < users.size(); ++u) {
        if (outcomes[users[u]].cache_rel != cache) {
          notes.push_back("index: debugId " + id + " names different maps (" +
                          plan.inputs[users[0]].shown_path + ", " +
                          plan.inputs[users[u]].shown_path + "): the first path wins");
        }
      }
      add_entry(debug_id_relative_path(id), cache + "\n", "debugId " + id);
    }

    std::vector<std::pair<std::string, std::string>> todo(entries.begin(), entries.end());
    std::vector<char> state(todo.size(), 0);  // 0 unchanged, 1 written, 2 replaced, 3 failed
    std::vector<std::string> replaced_from(todo.size());
    parallel_for(todo.size(), std::max(options.threads, kIoThreads), [&](std::size_t k) {
      const fs::path path = plan.out / todo[k].first;
      const std::optional<std::string> old = read_small(path);
      if (old && *old == todo[k].second) return;
      if (auto w = write_file_atomic(path, bytes_of(todo[k].second)); !w) {
        state[k] = 3;
        fail(path.string(), std::move(w).error());
        return;
      }
      state[k] = old ? 2 : 1;
      if (old) replaced_from[k] = old->substr(0, old->find('\n'));
    });
    for (std::size_t k = 0; k < todo.size(); ++k) {
      if (state[k] == 0) ++report.index_unchanged;
      if (state[k] == 1 || state[k] == 2) ++report.index_written;
      if (state[k] == 2) {
        ++report.index_replaced;
        notes.push_back("index: " + todo[k].first + " now points to " +
                        todo[k].second.substr(0, todo[k].second.find('\n')) + " (was " +
                        replaced_from[k] + ")");
      }
    }

    report.inputs = progress.inputs_total;
    report.compiled = progress.compiled;
    report.up_to_date = progress.up_to_date;
    report.failed = progress.failed;
    std::sort(report.failures.begin(), report.failures.end(),
              [](const WarmFailure& a, const WarmFailure& b) { return a.path < b.path; });
    std::sort(notes.begin(), notes.end());
    if (notes.size() > 20) {
      const std::size_t more = notes.size() - 20;
      notes.resize(20);
      notes.push_back("... and " + std::to_string(more) + " more notes");
    }
    report.notes = std::move(notes);
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
  });
}

}  // namespace smcache
