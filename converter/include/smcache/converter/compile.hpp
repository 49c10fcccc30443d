// Public converter API: JSON source map bytes -> smcache file bytes, and path -> path.
//
// Thread safety: every function here is reentrant; calls on different inputs may run in parallel.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <smcache/format/checksum.hpp>
#include <smcache/format/error.hpp>

namespace smcache {

struct CompileOptions {
  // Inputs larger than this are rejected with Errc::limit_exceeded before parsing.
  std::uint64_t max_input_bytes = std::uint64_t{1} << 31;  // 2 GiB
  // Segments across all lines (index-map sections included). Must stay below 2^32 - 1.
  std::uint64_t max_tokens = 500'000'000;
  // Copy `sourcesContent` into the cache (and index its lines). Off: names only.
  bool include_sources_content = true;
  // Tokens per packed block (power of two, 1..4096). Smaller: faster lookup, larger file.
  std::uint32_t block_token_count = 64;
  // Scan each JavaScript source's `sourcesContent` for its functions and store their ranges and
  // names (the `functions` section, SPEC.md §6.10), so that a stack frame can be named by the
  // original function it is in. A map without content or without functions gets no section.
  bool function_table = true;
  // The generated (minified) JavaScript file the map describes, when it is known (`smcache
  // compile bundle.js`, `warm`): it is scanned for its functions and each is named through the
  // map (the `generated_functions` section, SPEC.md §6.12), so that a frame can be named by the
  // generated function it is in even without sourcesContent. The view must stay valid during
  // compile(). Empty (nullopt): no generated-function table.
  std::optional<std::string_view> generated_code;
  // Build the generated-function table when generated_code is given.
  bool generated_function_table = true;
  // A larger generated file is not scanned (a warning says so); the compile goes on without it.
  std::uint64_t max_generated_bytes = std::uint64_t{256} << 20;  // 256 MiB
  // Called once per warning, in input order, on the calling thread, before compile() returns: a
  // problem that does not stop the compile, such as a `scopes` field that does not decode (the
  // scope data is then left out). The message is lower case, names the field and position, and
  // ends with what was left out. Empty: warnings are dropped.
  std::function<void(std::string_view message)> on_warning;
};

// The `input_hash` a cache of `map_json` compiled with `options` records (SPEC §4.9): the map's
// bytes alone, or with the generated code too when the generated-function table is built from
// it. `warm` names caches by it, so a map compiled with and without its JavaScript file gives
// two caches, never one that depends on which input came last.
inline format::Hash128 cache_input_hash(std::span<const std::uint8_t> map_json,
                                        const CompileOptions& options) noexcept {
  if (options.generated_function_table && options.generated_code) {
    return format::input_hash(map_json.data(), map_json.size(), options.generated_code->data(),
                              options.generated_code->size());
  }
  return format::input_hash(map_json.data(), map_json.size());
}

// Compiles one source map (a regular map or an index map, ECMA-426) into cache bytes.
// Errors: invalid_json, invalid_field, invalid_mappings, invalid_index_map, limit_exceeded, with
// the field and position in the message and in Error::where. Deterministic: the same input and
// options give the same bytes.
Result<std::vector<std::uint8_t>> compile(std::span<const std::uint8_t> map_json,
                                          const CompileOptions& options = {});

// compile() that takes the input and frees it as soon as it is parsed, before the cache bytes are
// laid out: the input and the output are never in memory together (lower peak memory). The same
// bytes and errors as compile(); `map_json` is left empty either way.
Result<std::vector<std::uint8_t>> compile_consuming(std::vector<std::uint8_t>&& map_json,
                                                    const CompileOptions& options = {});

// Reads `map_path`, compiles it and writes `cache_path` atomically (temporary file in the same
// directory, fsync, rename): `cache_path` never holds a partial file. Errors: those of compile(),
// plus io (with the path and errno).
Result<Ok> compile_file(const std::filesystem::path& map_path,
                        const std::filesystem::path& cache_path,
                        const CompileOptions& options = {});

// Reads a whole file. A regular file larger than `max_bytes` is refused from its size, before
// anything is read (Errc::limit_exceeded); other files stop being read past it. Errors: io,
// limit_exceeded.
Result<std::vector<std::uint8_t>> read_file(
    const std::filesystem::path& path,
    std::uint64_t max_bytes = std::numeric_limits<std::uint64_t>::max());

// Writes `bytes` to `path` atomically: a temporary file beside it, fsync, rename, fsync of the
// directory. On any error the temporary file is removed and `path` is untouched. A symbolic link
// at `path` is replaced itself (never followed, as mv does); a directory, device, FIFO or socket
// there is an error (io), never replaced or written. Errors: io.
Result<Ok> write_file_atomic(const std::filesystem::path& path,
                             std::span<const std::uint8_t> bytes);

// For a command's output file (`smcache compile -o PATH`): a character device or FIFO that PATH
// names, through links too (/dev/null, /dev/stdout on a pipe), is written in place, not replaced
// (as root, renaming over /dev/null would replace it); anything else as write_file_atomic().
Result<Ok> write_output_file(const std::filesystem::path& path,
                             std::span<const std::uint8_t> bytes);

}  // namespace smcache
