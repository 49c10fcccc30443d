// Opening caches from a directory written by `smcache warm --out DIR`: a frame's script found by
// debugId or by URL/path suffix through DIR's small index files, each cache file opened once and
// shared (a thread-safe memo from cache path to open Cache).
//
// Header-only. Layout of DIR (written by the converter's warm job; nothing here writes it):
//   caches/<hh>/<hash>.smc   content-addressed caches (hash: the input map's XXH3_128, 32 hex)
//   by-debug-id/<id>         one line: the cache path relative to DIR. <id>: canonical_debug_id()
//   by-url/<k>               line 1: the cache path relative to DIR; line 2: the key itself (a
//                            hash collision is then a miss, not a wrong answer). <k>: 16 lowercase
//                            hex digits of XXH3_64(key), url_key_file_name().
// Keys for by-url are the generated file's path relative to warm's SRC root, '/'-separated, and
// every shorter suffix of whole segments ("static/js/app.min.js", "js/app.min.js",
// "app.min.js"). A frame's URL is turned into the same kind of keys by url_keys(): scheme and host
// (http(s)://host, file://, webpack://<ns>/, app:///), query and fragment removed, then the
// remaining path and each shorter whole-segment suffix, longest first; the first key with an entry
// wins. A debugId, when the caller has one, is tried before any URL key.
//
// Thread safety: every member function is const and may be called from any number of threads.
// Index files are read on every query (warm may update them; cache files themselves never
// change in place: they are content-addressed and replaced by rename only).
#pragma once

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <smcache/format/checksum.hpp>
#include <smcache/format/error.hpp>
#include <smcache/reader/cache.hpp>
#include <smcache/reader/stack_trace.hpp>
#include <smcache/reader/symbolicate.hpp>

namespace smcache {

namespace detail::cache_dir {

inline bool is_hex(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
inline int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// %XX escapes decoded (URLs only; a '%' not followed by two hex digits stays).
inline std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && is_hex(s[i + 1]) && is_hex(s[i + 2])) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Reads a small index file. nullopt when it does not exist; Error(io) for any other failure.
inline Result<std::optional<std::string>> read_small_file(const std::filesystem::path& path) {
  constexpr std::size_t kMax = 64 * 1024;  // index files hold one or two short lines
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    const int e = errno;
    if (e == ENOENT || e == ENOTDIR) return std::optional<std::string>();
    Error err{Errc::io, path.string() + ": " + std::strerror(e), {}, e};
    return err;
  }
  std::string data;
  char buf[4096];
  for (;;) {
    const std::size_t n = std::fread(buf, 1, sizeof buf, f);
    data.append(buf, n);
    if (data.size() > kMax) {
      std::fclose(f);
      return Error{Errc::corrupt, path.string() + ": index file larger than 65536 bytes", {}, 0};
    }
    if (n < sizeof buf) break;
  }
  const bool failed = std::ferror(f) != 0;
  const int e = errno;
  std::fclose(f);
  if (failed) return Error{Errc::io, path.string() + ": " + std::strerror(e), {}, e};
  return std::optional<std::string>(std::move(data));
}

// Line `index` (0-based) of `text`, without its terminator ("" when missing).
inline std::string_view nth_line(std::string_view text, int index) {
  for (int i = 0; i < index; ++i) {
    const std::size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return {};
    text.remove_prefix(nl + 1);
  }
  std::string_view line = text.substr(0, text.find('\n'));
  if (line.ends_with('\r')) line.remove_suffix(1);
  return line;
}

// A cache path from an index file must stay inside DIR: relative, no "..", no empty segment.
inline bool safe_relative_path(std::string_view p) {
  if (p.empty() || p.front() == '/' || p.find('\\') != std::string_view::npos ||
      p.find('\0') != std::string_view::npos) {
    return false;
  }
  std::size_t pos = 0;
  while (pos <= p.size()) {
    const std::size_t slash = std::min(p.find('/', pos), p.size());
    const std::string_view seg = p.substr(pos, slash - pos);
    if (seg.empty() || seg == "..") return false;
    pos = slash + 1;
  }
  return true;
}

}  // namespace detail::cache_dir

class CacheDirectory {
 public:
  // Which index entry answered.
  struct Entry {
    std::string cache_path;  // relative to DIR, as the index file says
    std::string key;         // the debugId or the URL key that matched
    bool by_debug_id = false;
  };
  struct Found {
    std::shared_ptr<const Cache> cache;  // shared with the memo; lives as long as either
    Entry entry;
  };

  // --- the index's keys (static; the same rules as the converter's warm job) ---
  // They are members, not free functions: converter/ has free functions of the same names
  // (smcache::url_keys, smcache::canonical_debug_id) for the writer's side, and an inline
  // definition next to an out-of-line one of the same signature would break the ODR.

  // debugId in the form DIR's by-debug-id/ uses: the 32 hex digits of a UUID, lowercased, as
  // 8-4-4-4-12. Accepts that form in any case and the 32 digits without dashes (surrounding blanks
  // ignored); nullopt for anything else (such ids are not indexed).
  static std::optional<std::string> canonical_debug_id(std::string_view id) {
    while (!id.empty() && std::string_view(" \t\r\n").find(id.front()) != std::string_view::npos) {
      id.remove_prefix(1);
    }
    while (!id.empty() && std::string_view(" \t\r\n").find(id.back()) != std::string_view::npos) {
      id.remove_suffix(1);
    }
    std::string hex;
    if (id.size() == 36) {
      for (std::size_t i = 0; i < id.size(); ++i) {
        const bool dash_here = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash_here != (id[i] == '-')) return std::nullopt;
        if (!dash_here) hex += id[i];
      }
    } else if (id.size() == 32) {
      hex = std::string(id);
    } else {
      return std::nullopt;
    }
    std::string out;
    for (std::size_t i = 0; i < hex.size(); ++i) {
      const char c = hex[i];
      if (!detail::cache_dir::is_hex(c)) return std::nullopt;
      if (i == 8 || i == 12 || i == 16 || i == 20) out += '-';
      out += (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
  }

  // The file name of `key` under by-url/: 16 lowercase hex digits of XXH3_64(key), seed 0.
  static std::string url_key_file_name(std::string_view key) {
    static constexpr char kDigits[] = "0123456789abcdef";
    const std::uint64_t h = format::checksum64(key.data(), key.size());
    std::string s(16, '0');
    for (int i = 0; i < 16; ++i) s[15 - i] = kDigits[(h >> (4 * i)) & 0xF];
    return s;
  }

  // The by-url keys a frame URL or path is looked up under, longest first (see the top of this
  // file). Empty for URLs that name no file (node:internal/..., data:, <anonymous>).
  //   "https://cdn.example.com/static/js/app.min.js?v=3#x" -> "static/js/app.min.js",
  //       "js/app.min.js", "app.min.js"
  //   "webpack://shop/./src/w.js" -> "src/w.js", "w.js";  "C:\app\dist\a.js" -> "app/dist/a.js",
  //   ...
  static std::vector<std::string> url_keys(std::string_view url) {
    std::vector<std::string> keys;
    std::string_view u = detail::trace::trim(url);
    if (const std::size_t q = u.find_first_of("?#"); q != std::string_view::npos) {
      u = u.substr(0, q);
    }
    bool is_url = false;
    if (const std::size_t sep = u.find("://"); sep != std::string_view::npos && sep > 1) {
      // scheme://host/path: file:///p (empty host), app:///p, webpack://<ns>/p, http(s)://h/p.
      const std::size_t path = u.find('/', sep + 3);
      u = path == std::string_view::npos ? std::string_view() : u.substr(path);
      is_url = true;
    } else if (u.size() >= 2 && ((u[0] >= 'A' && u[0] <= 'Z') || (u[0] >= 'a' && u[0] <= 'z')) &&
               u[1] == ':' && (u.size() == 2 || u[2] == '\\' || u[2] == '/')) {
      u = u.substr(2);  // a Windows drive letter
    } else if (u.find(':') != std::string_view::npos || u.starts_with('<')) {
      return keys;  // node:internal/..., data:..., blob:..., <anonymous>: no file behind them
    }
    std::string path = is_url ? detail::cache_dir::percent_decode(u) : std::string(u);
    for (char& c : path) {
      if (c == '\\') c = '/';
    }
    std::vector<std::string_view> segments;
    std::string_view rest = path;
    while (!rest.empty()) {
      const std::size_t slash = rest.find('/');
      const std::string_view seg = rest.substr(0, slash);
      if (!seg.empty() && seg != ".") segments.push_back(seg);
      if (slash == std::string_view::npos) break;
      rest.remove_prefix(slash + 1);
    }
    for (std::size_t i = 0; i < segments.size(); ++i) {
      std::string key;
      for (std::size_t j = i; j < segments.size(); ++j) {
        if (j != i) key += '/';
        key += segments[j];
      }
      keys.push_back(std::move(key));
    }
    return keys;
  }

  // Checks that `dir` is a directory. Errors: io (with the path).
  static Result<CacheDirectory> open(const std::filesystem::path& dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
      const std::string why = ec ? ec.message() : "not a directory";
      return Error{Errc::io, dir.string() + ": " + why, {}, ec ? ec.value() : ENOTDIR};
    }
    return CacheDirectory(dir);
  }

  const std::filesystem::path& path() const noexcept { return state_->dir; }

  // The index entry for a script: by `debug_id` first (when it is a UUID), then by url_keys(url),
  // longest first. nullopt when nothing matches. Errors: io reading an index file, corrupt when an
  // entry's cache path is not a safe path inside DIR.
  Result<std::optional<Entry>> find_entry(std::string_view url,
                                          std::string_view debug_id = {}) const {
    using namespace detail::cache_dir;
    if (const auto id = canonical_debug_id(debug_id)) {
      const std::filesystem::path p = state_->dir / "by-debug-id" / *id;
      auto text = read_small_file(p);
      if (!text) return std::move(text).error();
      if (*text) {
        const std::string cache_path(nth_line(**text, 0));
        if (!safe_relative_path(cache_path)) return unsafe(p, cache_path);
        return std::optional<Entry>(Entry{cache_path, *id, true});
      }
    }
    for (std::string& key : url_keys(url)) {
      const std::filesystem::path p = state_->dir / "by-url" / url_key_file_name(key);
      auto text = read_small_file(p);
      if (!text) return std::move(text).error();
      if (!*text) continue;
      if (nth_line(**text, 1) != key) continue;  // another key with the same hash
      const std::string cache_path(nth_line(**text, 0));
      if (!safe_relative_path(cache_path)) return unsafe(p, cache_path);
      return std::optional<Entry>(Entry{cache_path, std::move(key), false});
    }
    return std::optional<Entry>();
  }

  // Opens DIR/`relative_path`, or returns the Cache already opened for it. Errors: those of
  // Cache::open (io, not_a_cache, truncated, unsupported_version, corrupt ...), with the path.
  Result<std::shared_ptr<const Cache>> open_cache(const std::string& relative_path) const {
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      if (const auto it = state_->open.find(relative_path); it != state_->open.end()) {
        return it->second;
      }
    }
    // Opened outside the lock (an mmap and a header check); a concurrent open of the same file
    // loses the race below and its copy is dropped.
    const std::filesystem::path full = state_->dir / relative_path;
    auto cache = Cache::open(full);
    if (!cache) {
      Error e = std::move(cache).error();
      if (e.message.find(full.string()) == std::string::npos) {
        e.message = full.string() + ": " + e.message;
      }
      return e;
    }
    auto shared = std::make_shared<const Cache>(std::move(cache).value());
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->open.try_emplace(relative_path, std::move(shared)).first->second;
  }

  // find_entry() then open_cache(). nullopt when no entry matches.
  Result<std::optional<Found>> find(std::string_view url, std::string_view debug_id = {}) const {
    auto entry = find_entry(url, debug_id);
    if (!entry) return std::move(entry).error();
    if (!*entry) return std::optional<Found>();
    auto cache = open_cache((*entry)->cache_path);
    if (!cache) return std::move(cache).error();
    return std::optional<Found>(Found{std::move(cache).value(), std::move(**entry)});
  }

  // A resolver for symbolicate(): the frame's cache by its URL, or an error message. The Cache
  // stays open as long as this CacheDirectory lives.
  CacheResolution resolve(const StackFrame& frame, std::string_view debug_id = {}) const {
    auto found = find(frame.url, debug_id);
    if (!found) return CacheResolution{nullptr, found.error().message};
    if (!*found) return CacheResolution{};
    return CacheResolution{(*found)->cache.get(), {}};
  }

  // The number of caches opened so far.
  std::size_t open_count() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->open.size();
  }

 private:
  struct State {
    std::filesystem::path dir;
    mutable std::mutex mutex;
    std::map<std::string, std::shared_ptr<const Cache>, std::less<>> open;
  };

  explicit CacheDirectory(std::filesystem::path dir) : state_(std::make_unique<State>()) {
    state_->dir = std::move(dir);
  }

  static Error unsafe(const std::filesystem::path& index_file, std::string_view cache_path) {
    return Error{Errc::corrupt,
                 index_file.string() + ": cache path '" + std::string(cache_path) +
                     "' is not a relative path inside the directory",
                 {},
                 0};
  }

  std::unique_ptr<State> state_;
};

}  // namespace smcache
