// The source map of a generated JavaScript file: trailing-comment scan (ECMA-426 §11.1.2.1
// "without parsing", Debug ID proposal), data: URL decoding, confined path resolution, and the
// bytes-in/bytes-out compile_js().
//
// Decisions:
// - The scan walks lines back from the end of the file and stops at the first code, so it costs
//   O(trailing comments) whatever the file size, and a `//# sourceMappingURL=` followed by code
//   is not a link (the spec's result). `/* ... */` comments closed on their line are accepted too.
// - `//# debugId=` is looked for in the last 5 non-blank lines (the proposal's "last 5 lines";
//   blank lines a tool appends do not push it out of reach).
// - A map reference never triggers network access; `..` is allowed as long as the resolved file
//   (symbolic links followed) stays inside the root the caller gives.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <new>
#include <string>
#include <system_error>
#include <utility>

#include <smcache/converter/discover.hpp>
#include <smcache/converter/model.hpp>
#include <smcache/format/checksum.hpp>

namespace smcache {
namespace {

namespace fs = std::filesystem;

template <class F>
auto guard(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return make_error(Errc::limit_exceeded, "out of memory");
  } catch (const std::length_error& e) {
    return make_error(Errc::limit_exceeded, std::string("out of memory: ") + e.what());
  } catch (const std::exception& e) {
    return make_error(Errc::internal, std::string("internal: ") + e.what());
  } catch (...) {
    return make_error(Errc::internal, "internal: unknown exception");
  }
}

Error invalid(std::string message) {
  return make_error(Errc::invalid_argument, std::move(message));
}

// ---------------------------------------------------------------------------------------------
// Trailing comment scan
// ---------------------------------------------------------------------------------------------

unsigned char byte_at(std::string_view s, std::size_t i) noexcept {
  return static_cast<unsigned char>(s[i]);
}

// Length in bytes of the ECMAScript WhiteSpace (or LineTerminator, which `\s` also matches)
// starting at s[i], 0 if none. UTF-8: TAB VT FF SP, U+00A0, U+1680, U+2000-U+200A, U+2028,
// U+2029, U+202F, U+205F, U+3000, U+FEFF (CR and LF never occur inside a line).
std::size_t whitespace_length(std::string_view s, std::size_t i) noexcept {
  const unsigned char c = byte_at(s, i);
  if (c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\n' || c == '\r') return 1;
  if (c < 0xC2) return 0;
  const std::size_t left = s.size() - i;
  if (c == 0xC2) return left >= 2 && byte_at(s, i + 1) == 0xA0 ? 2 : 0;
  if (left < 3) return 0;
  const unsigned char c1 = byte_at(s, i + 1), c2 = byte_at(s, i + 2);
  if (c == 0xE1) return c1 == 0x9A && c2 == 0x80 ? 3 : 0;
  if (c == 0xE2) {
    if (c1 == 0x80)
      return (c2 >= 0x80 && c2 <= 0x8A) || c2 == 0xA8 || c2 == 0xA9 || c2 == 0xAF ? 3 : 0;
    return c1 == 0x81 && c2 == 0x9F ? 3 : 0;
  }
  if (c == 0xE3) return c1 == 0x80 && c2 == 0x80 ? 3 : 0;
  if (c == 0xEF) return c1 == 0xBB && c2 == 0xBF ? 3 : 0;
  return 0;
}

bool all_whitespace(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = whitespace_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string_view trim(std::string_view s) noexcept {
  std::size_t b = 0;
  while (b < s.size()) {
    const std::size_t n = whitespace_length(s, b);
    if (n == 0) break;
    b += n;
  }
  s.remove_prefix(b);
  // Trailing: step back over ASCII whitespace and the multi-byte forms (at most 3 bytes).
  for (;;) {
    bool cut = false;
    for (std::size_t n = 1; n <= 3 && n <= s.size(); ++n) {
      if (whitespace_length(s, s.size() - n) == n) {
        s.remove_suffix(n);
        cut = true;
        break;
      }
    }
    if (!cut) return s;
  }
}

// ECMA-426 MatchSourceMapURL: /^[@#]\s*sourceMappingURL=(\S*?)\s*$/ on the comment's text.
std::optional<std::string_view> match_source_map_url(std::string_view comment) noexcept {
  if (comment.empty() || (comment[0] != '@' && comment[0] != '#')) return std::nullopt;
  std::size_t p = 1;
  while (p < comment.size()) {
    const std::size_t n = whitespace_length(comment, p);
    if (n == 0) break;
    p += n;
  }
  constexpr std::string_view kKey = "sourceMappingURL=";
  if (comment.substr(p, kKey.size()) != kKey) return std::nullopt;
  p += kKey.size();
  const std::size_t url_start = p;
  while (p < comment.size() && whitespace_length(comment, p) == 0) ++p;
  const std::string_view url = comment.substr(url_start, p - url_start);
  if (!all_whitespace(comment.substr(p))) return std::nullopt;
  return url;
}

bool has_quote_or_close(std::string_view comment) noexcept {
  return comment.find_first_of("\"'`") != std::string_view::npos ||
         comment.find("*/") != std::string_view::npos;
}

// One line seen from the end of the file.
enum class LineVerdict { skip, url, stop };

// A line of the trailing region: only whitespace and comments may be on it. Returns the last
// matching annotation of the line in `url`.
LineVerdict examine_line(std::string_view line, std::string_view& url) noexcept {
  bool found = false;
  std::size_t p = 0;
  while (p < line.size()) {
    const char c = line[p];
    if (c == '/' && p + 1 < line.size()) {
      if (line[p + 1] == '/') {
        const std::string_view comment = line.substr(p + 2);
        if (has_quote_or_close(comment)) return LineVerdict::stop;
        if (auto m = match_source_map_url(comment)) {
          url = *m;
          found = true;
        }
        break;
      }
      if (line[p + 1] == '*') {  // extension: `/* ... */` closed on this line
        const std::size_t close = line.find("*/", p + 2);
        if (close == std::string_view::npos) return LineVerdict::stop;
        const std::string_view comment = line.substr(p + 2, close - (p + 2));
        if (comment.find_first_of("\"'`") != std::string_view::npos) return LineVerdict::stop;
        if (auto m = match_source_map_url(comment)) {
          url = *m;
          found = true;
        }
        p = close + 2;
        continue;
      }
      return LineVerdict::stop;
    }
    const std::size_t n = whitespace_length(line, p);
    if (n == 0) return LineVerdict::stop;
    p += n;
  }
  return found ? LineVerdict::url : LineVerdict::skip;
}

bool is_uuid(std::string_view s) noexcept {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

std::optional<std::string_view> match_debug_id(std::string_view line) noexcept {
  line = trim(line);
  constexpr std::string_view kKey = "//# debugId=";
  if (!line.starts_with(kKey)) return std::nullopt;
  const std::string_view id = trim(line.substr(kKey.size()));
  if (!is_uuid(id)) return std::nullopt;
  return id;
}

// Lines of `buf` from the last to the first, split at \r\n, \n, \r, U+2028, U+2029.
class ReverseLines {
 public:
  explicit ReverseLines(std::string_view buf) : buf_(buf), end_(buf.size()) {}
  // The next line back; `complete` is false for the first line of the buffer when the buffer is
  // a tail (its start may be cut). Returns false when every line was returned.
  bool next(std::string_view& line, bool& starts_buffer) {
    if (done_) return false;
    std::size_t i = end_;
    while (i > 0) {
      const unsigned char c = byte_at(buf_, i - 1);
      if (c == '\n' || c == '\r') {
        line = buf_.substr(i, end_ - i);
        starts_buffer = false;
        end_ = (c == '\n' && i >= 2 && buf_[i - 2] == '\r') ? i - 2 : i - 1;
        return true;
      }
      if ((c == 0xA8 || c == 0xA9) && i >= 3 && byte_at(buf_, i - 3) == 0xE2 &&
          byte_at(buf_, i - 2) == 0x80) {
        line = buf_.substr(i, end_ - i);
        starts_buffer = false;
        end_ = i - 3;
        return true;
      }
      --i;
    }
    line = buf_.substr(0, end_);
    starts_buffer = true;
    done_ = true;
    return true;
  }

 private:
  std::string_view buf_;
  std::size_t end_;
  bool done_ = false;
};

// Returns nullopt when `is_tail` and the answer depends on the cut first line.
std::optional<JsAnnotations> scan(std::string_view js, bool is_tail) noexcept {
  JsAnnotations out;
  bool url_done = false, id_done = false;
  {
    ReverseLines lines(js);
    std::string_view line;
    bool first;
    while (!url_done && lines.next(line, first)) {
      if (first && is_tail) return std::nullopt;
      std::string_view url;
      switch (examine_line(line, url)) {
        case LineVerdict::url:
          out.source_mapping_url = url;
          url_done = true;
          break;
        case LineVerdict::stop:
          url_done = true;
          break;
        case LineVerdict::skip:
          break;
      }
    }
  }
  {
    ReverseLines lines(js);
    std::string_view line;
    bool first;
    int non_blank = 0;
    while (!id_done && non_blank < 5 && lines.next(line, first)) {
      if (first && is_tail) return std::nullopt;
      if (all_whitespace(line)) continue;
      ++non_blank;
      if (auto id = match_debug_id(line)) {
        out.debug_id = *id;
        id_done = true;
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// URLs
// ---------------------------------------------------------------------------------------------

bool iequals_prefix(std::string_view s, std::string_view prefix) noexcept {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char a = s[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (a != prefix[i]) return false;
  }
  return true;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && iequals_prefix(a, b);
}

// For messages: a data: URL is shown as its header and size, other URLs cut at 200 bytes.
std::string shown_url(std::string_view url) {
  if (is_data_url(url)) {
    const std::size_t comma = url.find(',');
    const std::string_view head = url.substr(0, std::min<std::size_t>(comma, 80));
    return std::string(head) + ",... (" + std::to_string(url.size()) + " bytes)";
  }
  if (url.size() > 200) return std::string(url.substr(0, 200)) + "...";
  return std::string(url);
}

// prefix + 'url' for messages. Built by appending: GCC 12 warns falsely on "literal" + string&&
// (-Wrestrict, PR 105329).
std::string quoted_url(std::string_view prefix, std::string_view url) {
  std::string s(prefix);
  s += '\'';
  s += shown_url(url);
  s += '\'';
  return s;
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX -> byte. Errors name the offset in `what`.
Result<std::string> percent_decode(std::string_view s, std::string_view what) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    const int hi = i + 2 < s.size() ? hex_value(s[i + 1]) : -1;
    const int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      return invalid(std::string(what) + ": invalid percent-escape at byte " + std::to_string(i));
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

int base64_value(unsigned char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

// `offset` is where `data` starts in the URL, for messages.
Result<std::vector<std::uint8_t>> base64_decode(std::string_view data, std::size_t offset,
                                                std::uint64_t max_bytes) {
  std::size_t end = data.size();
  while (end > 0 && data[end - 1] == '=' && data.size() - end < 2) --end;
  if (end % 4 == 1) {
    return invalid("data URL: base64 data of " + std::to_string(end) +
                   " characters is truncated (a multiple of 4 minus 1 is never valid)");
  }
  const std::uint64_t decoded = end / 4 * 3 + (end % 4 == 0 ? 0 : end % 4 - 1);
  if (decoded > max_bytes) {
    return make_error(Errc::limit_exceeded, "data URL: map of " + std::to_string(decoded) +
                                                " bytes, more than the limit of " +
                                                std::to_string(max_bytes));
  }
  std::vector<std::uint8_t> out;
  out.reserve(static_cast<std::size_t>(decoded));
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < end; ++i) {
    const int v = base64_value(static_cast<unsigned char>(data[i]));
    if (v < 0) {
      return invalid("data URL: invalid base64 character " +
                     std::to_string(static_cast<unsigned char>(data[i])) + " at byte " +
                     std::to_string(offset + i));
    }
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  return out;
}

// The scheme of an absolute URL ("https"), empty for a relative reference.
std::string_view url_scheme(std::string_view url) noexcept {
  if (url.empty() || !((url[0] >= 'a' && url[0] <= 'z') || (url[0] >= 'A' && url[0] <= 'Z'))) {
    return {};
  }
  for (std::size_t i = 1; i < url.size(); ++i) {
    const char c = url[i];
    if (c == ':') return url.substr(0, i);
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '-' || c == '.';
    if (!ok) return {};
  }
  return {};
}

// `inner` is inside `outer` (both absolute and normalized), component by component.
bool path_within(const fs::path& inner, const fs::path& outer) {
  auto i = inner.begin();
  for (auto o = outer.begin(); o != outer.end(); ++o, ++i) {
    if (o->empty()) continue;  // a trailing separator gives an empty last component
    if (i == inner.end() || *i != *o) return false;
  }
  return true;
}

Result<std::vector<std::uint8_t>> read_map_file(const fs::path& path, std::string_view url,
                                                std::uint64_t max_bytes) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (!ec && size > max_bytes) {
    return make_error(Errc::limit_exceeded, quoted_url("sourceMappingURL ", url) + ": " +
                                                path.string() + ": " + std::to_string(size) +
                                                " bytes, more than the limit of " +
                                                std::to_string(max_bytes));
  }
  auto bytes = read_file(path);
  if (!bytes) {
    Error e = std::move(bytes).error();
    e.message = quoted_url("sourceMappingURL ", url) + ": " + e.message;
    return e;
  }
  return bytes;
}

}  // namespace

JsAnnotations scan_js_annotations(std::string_view js) noexcept {
  return *scan(js, false);
}

std::optional<JsAnnotations> scan_js_annotations_tail(std::string_view tail) noexcept {
  return scan(tail, true);
}

bool is_data_url(std::string_view url) noexcept {
  return iequals_prefix(url, "data:");
}

Result<std::vector<std::uint8_t>> decode_data_url(std::string_view url, std::uint64_t max_bytes) {
  return guard([&]() -> Result<std::vector<std::uint8_t>> {
    if (!is_data_url(url)) return invalid(quoted_url("", url) + " is not a data: URL");
    const std::size_t comma = url.find(',');
    if (comma == std::string_view::npos) {
      return invalid(quoted_url("data URL ", url) + ": no ',' before the data");
    }
    std::string_view header = url.substr(5, comma - 5);
    const std::string_view data = url.substr(comma + 1);
    bool base64 = false;
    std::string_view media_type = header.substr(0, header.find(';'));
    std::string_view params =
        header.find(';') == std::string_view::npos ? "" : header.substr(header.find(';') + 1);
    if (!iequals(media_type, "application/json")) {
      return invalid(quoted_url("data URL ", url) + ": media type '" + std::string(media_type) +
                     "' is not application/json");
    }
    while (!params.empty()) {
      const std::size_t semi = params.find(';');
      const std::string_view param = params.substr(0, semi);
      params = semi == std::string_view::npos ? "" : params.substr(semi + 1);
      if (iequals(param, "base64")) {
        if (!params.empty()) {
          return invalid(quoted_url("data URL ", url) + ": ';base64' must be the last parameter");
        }
        base64 = true;
      } else if (iequals_prefix(param, "charset=")) {
        const std::string_view charset = param.substr(8);
        if (!iequals(charset, "utf-8") && !iequals(charset, "utf8")) {
          return invalid(quoted_url("data URL ", url) + ": charset '" + std::string(charset) +
                         "' is not utf-8");
        }
      }
      // Other parameters (including the "charset:utf-8" typo some tools write) are ignored.
    }
    if (base64) return base64_decode(data, comma + 1, max_bytes);
    if (data.size() > max_bytes) {
      return make_error(Errc::limit_exceeded, "data URL: map of more than " +
                                                  std::to_string(max_bytes) + " bytes (limit)");
    }
    auto text = percent_decode(data, "data URL");
    if (!text) return std::move(text).error();
    return std::vector<std::uint8_t>(text->begin(), text->end());
  });
}

Result<fs::path> resolve_map_url(std::string_view url, const fs::path& js_path,
                                 const fs::path& root) {
  return guard([&]() -> Result<fs::path> {
    const std::string shown = quoted_url("sourceMappingURL ", url);
    if (url.empty()) return invalid("empty sourceMappingURL");
    if (is_data_url(url)) return invalid(shown + " is a data: URL, not a file");
    const std::string_view scheme = url_scheme(url);
    bool file_url = false;
    std::string_view rest = url;
    if (!scheme.empty()) {
      if (!iequals(scheme, "file")) {
        return invalid(shown + " is an absolute URL: only relative paths, file: and data: URLs " +
                       "are read (smcache never fetches from the network)");
      }
      rest = url.substr(5);
      if (rest.starts_with("//")) {
        rest.remove_prefix(2);
        const std::size_t slash = rest.find('/');
        const std::string_view host = rest.substr(0, slash);
        if (!host.empty() && !iequals(host, "localhost")) {
          return invalid(shown + " names host '" + std::string(host) +
                         "': only local file: URLs are read");
        }
        rest = slash == std::string_view::npos ? "" : rest.substr(slash);
      }
      file_url = true;
    } else if (url.starts_with("//")) {
      return invalid(shown + " is an absolute URL (scheme-relative): only relative paths, " +
                     "file: and data: URLs are read (smcache never fetches from the network)");
    }
    rest = rest.substr(0, rest.find_first_of("?#"));
    auto decoded = percent_decode(rest, shown);
    if (!decoded) return std::move(decoded).error();
    if (decoded->find('\0') != std::string::npos) return invalid(shown + ": NUL byte in the path");
    if (decoded->empty()) return invalid(shown + ": empty path");

    fs::path candidate;
    if (file_url) {
      if (!decoded->starts_with('/')) return invalid(shown + ": file: URL without a path");
      candidate = fs::path(*decoded);
    } else if (decoded->starts_with('/')) {
      if (root.empty()) {
        return invalid(shown + " is relative to the site root: give the directory it is " +
                       "relative to (the source root)");
      }
      candidate = root / fs::path(decoded->substr(1));
    } else {
      fs::path base = js_path.parent_path();
      if (base.empty()) base = ".";
      candidate = base / fs::path(*decoded);
    }
    candidate = candidate.lexically_normal();
    if (!root.empty()) {
      std::error_code ec;
      const fs::path real_root = fs::weakly_canonical(fs::absolute(root, ec), ec);
      if (ec) return invalid("source root " + root.string() + ": " + ec.message());
      const fs::path real = fs::weakly_canonical(fs::absolute(candidate, ec), ec);
      if (ec) return invalid(shown + ": " + candidate.string() + ": " + ec.message());
      if (!path_within(real, real_root)) {
        return invalid(shown + " resolves to " + real.string() + ", outside the source root " +
                       real_root.string() + ": refused");
      }
    }
    return candidate;
  });
}

Result<DiscoveredMap> discover_map(std::span<const std::uint8_t> js, const fs::path& js_path,
                                   const DiscoverOptions& options) {
  return guard([&]() -> Result<DiscoveredMap> {
    const std::string_view text(reinterpret_cast<const char*>(js.data()), js.size());
    const JsAnnotations notes = scan_js_annotations(text);
    DiscoveredMap out;
    if (notes.debug_id) out.js_debug_id = std::string(*notes.debug_id);
    if (!notes.source_mapping_url) {
      return invalid(
          "no sourceMappingURL comment at the end of the file (only comments and whitespace "
          "may follow it)");
    }
    const std::string_view url = *notes.source_mapping_url;
    out.url = shown_url(url);
    if (is_data_url(url)) {
      auto bytes = decode_data_url(url, options.max_map_bytes);
      if (!bytes) return std::move(bytes).error();
      out.map_json = std::move(*bytes);
      out.inline_map = true;
      return out;
    }
    auto path = resolve_map_url(url, js_path, options.root);
    if (!path) return std::move(path).error();
    auto bytes = read_map_file(*path, url, options.max_map_bytes);
    if (!bytes) return std::move(bytes).error();
    out.map_json = std::move(*bytes);
    out.map_path = std::move(*path);
    return out;
  });
}

std::optional<std::string> canonical_debug_id(std::string_view id) {
  if (!is_uuid(id)) return std::nullopt;
  std::string out(id);
  for (char& c : out) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Result<std::vector<std::uint8_t>> compile_with_debug_id(std::span<const std::uint8_t> map_json,
                                                        std::optional<std::string_view> js_debug_id,
                                                        const CompileOptions& options) {
  return guard([&]() -> Result<std::vector<std::uint8_t>> {
    auto model = parse_source_map(map_json, options);
    if (!model) return std::move(model).error();
    if (js_debug_id && is_uuid(*js_debug_id)) {
      if (!model->debug_id) {
        model->debug_id = std::string(*js_debug_id);
      } else if (*canonical_debug_id(*model->debug_id) != *canonical_debug_id(*js_debug_id)) {
        return make_error(Errc::invalid_field,
                          "debugId: the map's " + *model->debug_id +
                              " differs from the JavaScript file's //# debugId=" +
                              std::string(*js_debug_id) + " (map and file from different builds?)");
      }
    }
    const format::Hash128 hash = cache_input_hash(map_json, options);
    return build_cache(*model, hash, options);
  });
}

// `options` with the JavaScript file as the generated code (the generated-function table), unless
// the caller gave other code.
CompileOptions with_generated(const CompileOptions& options, std::string_view js) {
  CompileOptions o = options;
  if (!o.generated_code) o.generated_code = js;
  return o;
}

Result<std::vector<std::uint8_t>> compile_js(std::span<const std::uint8_t> js,
                                             std::span<const std::uint8_t> map_json,
                                             const CompileOptions& options) {
  const std::string_view text(reinterpret_cast<const char*>(js.data()), js.size());
  return compile_with_debug_id(map_json, scan_js_annotations(text).debug_id,
                               with_generated(options, text));
}

Result<std::vector<std::uint8_t>> compile_js(std::span<const std::uint8_t> js,
                                             const MapLoader& load_map,
                                             const CompileOptions& options) {
  return guard([&]() -> Result<std::vector<std::uint8_t>> {
    const std::string_view text(reinterpret_cast<const char*>(js.data()), js.size());
    const JsAnnotations notes = scan_js_annotations(text);
    if (!notes.source_mapping_url) {
      return invalid(
          "no sourceMappingURL comment at the end of the file (only comments and whitespace "
          "may follow it)");
    }
    const std::string_view url = *notes.source_mapping_url;
    std::vector<std::uint8_t> map;
    if (is_data_url(url)) {
      auto bytes = decode_data_url(url, options.max_input_bytes);
      if (!bytes) return std::move(bytes).error();
      map = std::move(*bytes);
    } else {
      if (!load_map) return invalid(quoted_url("sourceMappingURL ", url) + ": no map loader");
      auto bytes = load_map(url);
      if (!bytes) return std::move(bytes).error();
      map = std::move(*bytes);
    }
    return compile_with_debug_id(map, notes.debug_id, with_generated(options, text));
  });
}

}  // namespace smcache
