// Buffered output to an fd or a string, JSON string escaping and plain-text sanitizing, shared
// by the smcache CLI and libsmcache.so.
#include <smcache/present/output.hpp>

#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace smcache::present {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// Decodes one UTF-8 sequence at [p, end). Returns its length and sets `cp`; for an invalid
// sequence returns the length of its maximal invalid subpart (>= 1, Unicode §3.9 "U+FFFD
// substitution of maximal subparts") and sets `cp` to kInvalid. Rejects overlongs, surrogates
// and code points above U+10FFFF.
constexpr std::uint32_t kInvalid = 0xFFFFFFFFu;

std::size_t decode_utf8(const unsigned char* p, const unsigned char* end, std::uint32_t& cp) {
  const unsigned char c = p[0];
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    cp = c & 0x1Fu;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    cp = c & 0x0Fu;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    cp = c & 0x07u;
    if (c == 0xF0) lo = 0x90;  // overlong
    if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    cp = kInvalid;
    return 1;
  }
  for (std::size_t i = 1; i < len; ++i) {
    if (p + i >= end) {
      cp = kInvalid;
      return i;
    }
    const unsigned char b = p[i];
    const unsigned char l = (i == 1) ? lo : 0x80, h = (i == 1) ? hi : 0xBF;
    if (b < l || b > h) {
      cp = kInvalid;
      return i;
    }
    cp = (cp << 6) | (b & 0x3Fu);
  }
  return len;
}

void append_u00(std::string& out, std::uint32_t cp) {
  const char esc[6] = {'\\', 'u', '0', '0', kHex[(cp >> 4) & 0xF], kHex[cp & 0xF]};
  out.append(esc, 6);
}

}  // namespace

Writer::Writer(int fd, std::size_t capacity)
    : fd_(fd), cap_(capacity < 64 ? 64 : capacity), buf_(new char[cap_]) {}

Writer::Writer(std::string& sink, std::size_t capacity)
    : sink_(&sink), cap_(capacity < 64 ? 64 : capacity), buf_(new char[cap_]) {}

Writer::~Writer() {
  try {
    flush();
  } catch (...) {  // a string sink that cannot grow (std::bad_alloc); the output is lost anyway
  }
}

void Writer::drain() {
  if (sink_ != nullptr) {
    sink_->append(buf_.get(), pos_);
    pos_ = 0;
    return;
  }
  std::size_t done = 0;
  while (done < pos_ && errno_ == 0) {
    const ssize_t n = ::write(fd_, buf_.get() + done, pos_ - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      errno_ = errno;
    } else {
      done += static_cast<std::size_t>(n);
    }
  }
  pos_ = 0;
}

void Writer::put_slow(std::string_view s) {
  while (!s.empty()) {
    if (pos_ == cap_) drain();
    const std::size_t n = std::min(s.size(), cap_ - pos_);
    std::memcpy(buf_.get() + pos_, s.data(), n);
    pos_ += n;
    s.remove_prefix(n);
  }
}

void Writer::put_hex64(std::uint64_t v) {
  char digits[16];
  for (int i = 15; i >= 0; --i) {
    digits[i] = kHex[v & 0xF];
    v >>= 4;
  }
  put(std::string_view(digits, 16));
}

void Writer::put_json_string(std::string_view s) {
  put('"');
  if (json_plain(s)) {
    put(s);
  } else {
    std::string escaped;
    json_escape_to(escaped, s);
    put(escaped);
  }
  put('"');
}

bool Writer::flush() {
  if (pos_ != 0) drain();
  return errno_ == 0;
}

void json_escape_to(std::string& out, std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c >= 0x20 && c < 0x7F) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(static_cast<char>(c));
      ++p;
      continue;
    }
    if (c < 0x80) {
      switch (c) {
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        default:
          append_u00(out, c);  // other C0 controls and DEL
          break;
      }
      ++p;
      continue;
    }
    std::uint32_t cp = 0;
    const std::size_t len = decode_utf8(p, end, cp);
    if (cp == kInvalid) {
      out += "\\ufffd";
    } else if (cp <= 0x9F) {
      append_u00(out, cp);  // C1 control
    } else {
      out.append(reinterpret_cast<const char*>(p), len);
    }
    p += len;
  }
}

std::string json_quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  json_escape_to(out, s);
  out.push_back('"');
  return out;
}

std::string sanitize_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  auto hex_byte = [&out](unsigned char b) {
    const char esc[4] = {'\\', 'x', kHex[b >> 4], kHex[b & 0xF]};
    out.append(esc, 4);
  };
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7F) {
        hex_byte(c);
      } else {
        out.push_back(static_cast<char>(c));
      }
      ++p;
      continue;
    }
    std::uint32_t cp = 0;
    const std::size_t len = decode_utf8(p, end, cp);
    if (cp == kInvalid) {
      for (std::size_t i = 0; i < len; ++i) hex_byte(p[i]);
    } else if (cp <= 0x9F) {
      append_u00(out, cp);
    } else {
      out.append(reinterpret_cast<const char*>(p), len);
    }
    p += len;
  }
  return out;
}

}  // namespace smcache::present
