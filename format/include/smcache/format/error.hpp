// Errors shared by converter, reader and bindings: one code enum, one error type, Result<T>.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <variant>

namespace smcache {

// Codes are grouped by what the caller does next; values are pinned (the C ABI and Python use the
// same numbers). This list is the catalogue: one line and an example message per code.
enum class Errc : std::uint16_t {
  ok = 0,
  // --- fix the source map (1xx) ---
  // The input is not well-formed JSON. "invalid json at byte 812: missing a comma or '}'"
  invalid_json = 100,
  // A field has the wrong type or value. "sources[3]: expected a string or null, got number"
  invalid_field = 101,
  // The mappings string is malformed. "mappings: line 12, segment 4: source index 7 out of range
  // (3 sources)"
  invalid_mappings = 102,
  // An index map's sections break the rules. "sections[2]: offset (3, 0) is before the end of
  // sections[1] (4, 17)"
  invalid_index_map = 103,
  // A configured resource limit was exceeded. "mappings: more than 100000000 segments (limit)"
  limit_exceeded = 104,
  // --- recompile the cache (2xx) ---
  // The bytes are not a cache file at all. "not an smcache file: bad magic 7b 0a 20 20"
  not_a_cache = 200,
  // The file ends before a structure it declares. "file is 90 bytes, header needs 128"
  truncated = 201,
  // A structural invariant does not hold. "section 'names' [offset 4096, size 812] overlaps ..."
  corrupt = 202,
  // A checksum does not match the bytes. "section 'token_data': checksum mismatch"
  checksum_mismatch = 203,
  // --- upgrade smcache (3xx) ---
  // The file's major version is not one this reader reads. "format version 2.0 (this reader
  // reads 1.x)"
  unsupported_version = 300,
  // The file requires a feature this reader lacks. "required feature bits 0x4 unknown"
  unsupported_feature = 301,
  // --- the file system (4xx) ---
  // Reading, mapping or writing a file failed. "open /x/a.map: No such file or directory"
  io = 400,
  // --- the caller (5xx) and bugs (9xx) ---
  // An argument is out of range or inconsistent. "source index 9 out of range (3 sources)"
  invalid_argument = 500,
  // A bug in smcache. "internal: std::bad_alloc"
  internal = 900,
};

// Short lower-case name of a code ("invalid_json"), for messages and the CLI.
constexpr const char* errc_name(Errc c) noexcept {
  switch (c) {
    case Errc::ok:
      return "ok";
    case Errc::invalid_json:
      return "invalid_json";
    case Errc::invalid_field:
      return "invalid_field";
    case Errc::invalid_mappings:
      return "invalid_mappings";
    case Errc::invalid_index_map:
      return "invalid_index_map";
    case Errc::limit_exceeded:
      return "limit_exceeded";
    case Errc::not_a_cache:
      return "not_a_cache";
    case Errc::truncated:
      return "truncated";
    case Errc::corrupt:
      return "corrupt";
    case Errc::checksum_mismatch:
      return "checksum_mismatch";
    case Errc::unsupported_version:
      return "unsupported_version";
    case Errc::unsupported_feature:
      return "unsupported_feature";
    case Errc::io:
      return "io";
    case Errc::invalid_argument:
      return "invalid_argument";
    case Errc::internal:
      return "internal";
  }
  return "unknown";
}

// Where in the input an error was found. Each field is max() when unknown. line and segment are
// 0-based positions in `mappings` (generated line, segment within that line).
struct Position {
  static constexpr std::uint64_t kUnknownOffset = std::numeric_limits<std::uint64_t>::max();
  static constexpr std::uint32_t kUnknown = std::numeric_limits<std::uint32_t>::max();
  std::uint64_t byte_offset = kUnknownOffset;
  std::uint32_t line = kUnknown;
  std::uint32_t segment = kUnknown;
};

struct Error {
  Errc code = Errc::internal;
  // Lower case, what, where, the value and the limit, no trailing period. The position, when
  // known, is in the message too.
  std::string message;
  Position where{};
  int os_errno = 0;  // for Errc::io, else 0
};

// Value or Error. A tiny stand-in for std::expected (C++23).
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT
  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

struct Ok {};  // the value of a Result that carries none: Result<Ok>

inline Error make_error(Errc code, std::string message, Position where = {}) {
  return Error{code, std::move(message), where, 0};
}

}  // namespace smcache
