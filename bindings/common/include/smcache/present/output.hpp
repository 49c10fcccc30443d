// Output shared by the smcache CLI and libsmcache.so (bindings/common): a buffered writer to a
// file descriptor or a string, JSON string escaping and the escaping of control characters in
// plain text (terminal lines, stderr messages).
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

namespace smcache::present {

// Writes through one large buffer: no iostreams, no per-line flush (batch lookups print millions
// of lines). The sink is a file descriptor (the CLI's standard output) or a string (the C
// library renders into memory). Write errors are sticky: once a write fails, later output is
// dropped and failed() / error_number() report it; the caller checks after flush(). A string sink
// does not fail that way; growing the string may throw std::bad_alloc from any put or flush.
class Writer {
 public:
  explicit Writer(int fd, std::size_t capacity = std::size_t{1} << 16);
  // Appends to `sink`, which must outlive the Writer; call flush() before reading it.
  explicit Writer(std::string& sink, std::size_t capacity = std::size_t{1} << 16);
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  ~Writer();  // flushes; errors at this point are lost, so call flush() first

  void put(char c) {
    if (pos_ == cap_) drain();
    buf_[pos_++] = c;
  }
  void put(std::string_view s) {
    if (s.empty()) return;  // s.data() may be null; memcpy's pointers must not be
    if (s.size() <= cap_ - pos_) {
      std::memcpy(buf_.get() + pos_, s.data(), s.size());
      pos_ += s.size();
    } else {
      put_slow(s);
    }
  }
  void put_u64(std::uint64_t v) {
    if (cap_ - pos_ < 20) drain();
    pos_ = static_cast<std::size_t>(std::to_chars(buf_.get() + pos_, buf_.get() + cap_, v).ptr -
                                    buf_.get());
  }
  // 16 lowercase hex digits, zero-padded.
  void put_hex64(std::uint64_t v);
  // `s` as a JSON string with its quotes (see json_escape_to).
  void put_json_string(std::string_view s);

  // Writes out the buffer. Returns false if this or an earlier write failed.
  bool flush();
  bool failed() const noexcept { return errno_ != 0; }
  int error_number() const noexcept { return errno_; }

 private:
  void drain();  // writes the buffer out, pos_ = 0
  void put_slow(std::string_view s);

  int fd_ = -1;
  std::string* sink_ = nullptr;  // set: append here instead of writing to fd_
  std::size_t cap_;
  std::size_t pos_ = 0;
  std::unique_ptr<char[]> buf_;
  int errno_ = 0;
};

// Appends `s` as the body of a JSON string (no quotes): `"` and `\` escaped, control characters
// (C0, DEL, and the C1 range U+0080..U+009F, which some terminals obey) as \n, \t, ... or
// \u00XX, valid UTF-8 kept as is, each maximal invalid UTF-8 subsequence as \ufffd. The result is
// always valid UTF-8 and valid JSON, whatever the bytes.
void json_escape_to(std::string& out, std::string_view s);
std::string json_quote(std::string_view s);  // "..." with json_escape_to inside

// True when `s` needs no JSON escaping at all (printable ASCII without `"` and `\`): the fast
// path of put_json_string.
inline bool json_plain(std::string_view s) noexcept {
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') return false;
  }
  return true;
}

// `s` for a plain-text line on a terminal: control characters (C0, DEL, C1) and invalid UTF-8
// bytes become \xNN (C1 code points \u0080..\u009F), so no byte of a source map or a file name
// can move the cursor, change colours or retitle the terminal. Valid printable UTF-8 is kept.
std::string sanitize_text(std::string_view s);

}  // namespace smcache::present
