// The C ABI of smcache.h over the C++ reader and converter: argument checks, the exception
// firewall (guard) and the mapping of smcache::Error into smcache_error. No logic of its own.
#include "smcache.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>

#include <smcache/converter/compile.hpp>
#include <smcache/format/error.hpp>
#include <smcache/format/layout.hpp>
#include <smcache/reader/cache.hpp>

#ifndef SMCACHE_LIBRARY_VERSION
#define SMCACHE_LIBRARY_VERSION "unknown"
#endif

// The handle behind the opaque smcache_cache*.
struct smcache_cache {
  smcache::Cache cache;
};

namespace {

using smcache::Errc;

// The numbers are one table shared by C++, C and Python; a drift here would be silent.
static_assert(SMCACHE_OK == static_cast<int>(Errc::ok));
static_assert(SMCACHE_E_INVALID_JSON == static_cast<int>(Errc::invalid_json));
static_assert(SMCACHE_E_INVALID_FIELD == static_cast<int>(Errc::invalid_field));
static_assert(SMCACHE_E_INVALID_MAPPINGS == static_cast<int>(Errc::invalid_mappings));
static_assert(SMCACHE_E_INVALID_INDEX_MAP == static_cast<int>(Errc::invalid_index_map));
static_assert(SMCACHE_E_LIMIT_EXCEEDED == static_cast<int>(Errc::limit_exceeded));
static_assert(SMCACHE_E_NOT_A_CACHE == static_cast<int>(Errc::not_a_cache));
static_assert(SMCACHE_E_TRUNCATED == static_cast<int>(Errc::truncated));
static_assert(SMCACHE_E_CORRUPT == static_cast<int>(Errc::corrupt));
static_assert(SMCACHE_E_CHECKSUM_MISMATCH == static_cast<int>(Errc::checksum_mismatch));
static_assert(SMCACHE_E_UNSUPPORTED_VERSION == static_cast<int>(Errc::unsupported_version));
static_assert(SMCACHE_E_UNSUPPORTED_FEATURE == static_cast<int>(Errc::unsupported_feature));
static_assert(SMCACHE_E_IO == static_cast<int>(Errc::io));
static_assert(SMCACHE_E_INVALID_ARGUMENT == static_cast<int>(Errc::invalid_argument));
static_assert(SMCACHE_E_INTERNAL == static_cast<int>(Errc::internal));
static_assert(SMCACHE_NONE == smcache::format::kNone);
static_assert(SMCACHE_BIAS_GREATEST_LOWER_BOUND ==
              static_cast<int>(smcache::Bias::greatest_lower_bound));
static_assert(SMCACHE_BIAS_LEAST_UPPER_BOUND == static_cast<int>(smcache::Bias::least_upper_bound));
static_assert(std::is_same_v<std::underlying_type_t<Errc>, std::uint16_t>);

constexpr std::uint64_t kUnknownOffset = smcache::Position::kUnknownOffset;
constexpr std::uint32_t kUnknown = smcache::Position::kUnknown;

// Writes the message without allocating: the error path must work when memory is exhausted.
void set_message(smcache_error* err, std::string_view message) noexcept {
  const std::size_t n = std::min(message.size(), sizeof(err->message) - 1);
  std::memcpy(err->message, message.data(), n);
  err->message[n] = '\0';
}

void set_error(smcache_error* err, int32_t code, std::string_view message) noexcept {
  if (err == nullptr) return;
  err->code = code;
  err->os_errno = 0;
  err->byte_offset = kUnknownOffset;
  err->line = kUnknown;
  err->segment = kUnknown;
  set_message(err, message);
}

void set_error(smcache_error* err, const smcache::Error& e) noexcept {
  if (err == nullptr) return;
  err->code = static_cast<int32_t>(e.code);
  err->os_errno = e.os_errno;
  err->byte_offset = e.where.byte_offset;
  err->line = e.where.line;
  err->segment = e.where.segment;
  set_message(err, e.message);
}

// Argument errors: "<function>: <what>" into *err. Returns nothing; callers return their
// failure value right after.
void invalid_argument(smcache_error* err, const char* function, const char* what) noexcept {
  if (err == nullptr) return;
  char buffer[sizeof(err->message)];
  std::snprintf(buffer, sizeof(buffer), "%s: %s", function, what);
  set_error(err, SMCACHE_E_INVALID_ARGUMENT, buffer);
}

template <class R>
constexpr R failure_value() noexcept {
  if constexpr (std::is_pointer_v<R>) {
    return nullptr;
  } else {
    return static_cast<R>(-1);
  }
}

// The exception firewall: every extern "C" body runs inside guard(), so no exception (bad_alloc
// from a vector, filesystem_error from a path, anything else) ever unwinds into C. Returns f()'s
// value, or the function's failure value (-1 or NULL) with SMCACHE_E_INTERNAL in *err.
template <class F>
auto guard(smcache_error* err, F&& f) noexcept -> decltype(f()) {
  using R = decltype(f());
  try {
    return std::forward<F>(f)();
  } catch (const std::bad_alloc&) {
    set_error(err, SMCACHE_E_INTERNAL, "internal: out of memory");
  } catch (const std::exception& e) {
    char buffer[sizeof(smcache_error::message)];
    std::snprintf(buffer, sizeof(buffer), "internal: %s", e.what());
    set_error(err, SMCACHE_E_INTERNAL, buffer);
  } catch (...) {
    set_error(err, SMCACHE_E_INTERNAL, "internal: unknown exception");
  }
  return failure_value<R>();
}

std::optional<smcache::Bias> to_bias(int32_t bias) noexcept {
  switch (bias) {
    case SMCACHE_BIAS_GREATEST_LOWER_BOUND:
      return smcache::Bias::greatest_lower_bound;
    case SMCACHE_BIAS_LEAST_UPPER_BOUND:
      return smcache::Bias::least_upper_bound;
    default:
      return std::nullopt;
  }
}

// A non-NULL pointer for every string with a value, so C callers never see NULL with a length
// and Python can unpack without a special case (a string_view of length 0 may carry nullptr).
const char* non_null(std::string_view s) noexcept {
  return s.data() != nullptr ? s.data() : "";
}

void fill_token(const smcache::Token& t, smcache_token* out) noexcept {
  out->generated_line = t.generated_line;
  out->generated_column = t.generated_column;
  out->source_index = t.source_index;
  out->line = t.line;
  out->column = t.column;
  out->has_name = t.name.has_value() ? 1 : 0;
  out->ignored = t.ignored ? 1 : 0;
  out->reserved[0] = 0;
  out->reserved[1] = 0;
  out->source = non_null(t.source);
  out->source_len = t.source.size();
  out->name = t.name ? non_null(*t.name) : nullptr;
  out->name_len = t.name ? t.name->size() : 0;
}

bool options_from(const smcache_compile_options* in, smcache::CompileOptions* out,
                  smcache_error* err, const char* function) noexcept {
  if (in == nullptr) return true;  // defaults
  if (in->version != SMCACHE_COMPILE_OPTIONS_VERSION) {
    invalid_argument(err, function,
                     "options->version is not SMCACHE_COMPILE_OPTIONS_VERSION (call "
                     "smcache_compile_options_init)");
    return false;
  }
  if (in->reserved != 0) {
    invalid_argument(err, function, "options->reserved is not zero");
    return false;
  }
  const std::uint32_t b = in->block_token_count;
  if (b == 0 || b > smcache::format::kMaxBlockTokenCount || (b & (b - 1)) != 0) {
    invalid_argument(err, function, "options->block_token_count is not a power of two in 1..4096");
    return false;
  }
  out->block_token_count = b;
  out->max_input_bytes = in->max_input_bytes;
  out->max_tokens = in->max_tokens;
  out->include_sources_content = in->include_sources_content != 0;
  return true;
}

}  // namespace

extern "C" {

// ---- versions ----------------------------------------------------------------------------

SMCACHE_API uint32_t smcache_abi_version(void) {
  return SMCACHE_ABI_VERSION;
}

SMCACHE_API uint32_t smcache_format_version(void) {
  return (std::uint32_t{smcache::format::kFormatMajor} << 16) | smcache::format::kFormatMinor;
}

SMCACHE_API const char* smcache_library_version(void) {
  return SMCACHE_LIBRARY_VERSION;
}

SMCACHE_API const char* smcache_error_code_name(int32_t code) {
  // errc_name() answers "unknown" for values outside the enum; keep the cast in range first.
  if (code < 0 || code > 0xFFFF) return "unknown";
  return smcache::errc_name(static_cast<Errc>(code));
}

// ---- compile -----------------------------------------------------------------------------

SMCACHE_API void smcache_compile_options_init(smcache_compile_options* options) {
  if (options == nullptr) return;
  const smcache::CompileOptions defaults;
  *options = smcache_compile_options{};
  options->version = SMCACHE_COMPILE_OPTIONS_VERSION;
  options->block_token_count = defaults.block_token_count;
  options->max_input_bytes = defaults.max_input_bytes;
  options->max_tokens = defaults.max_tokens;
  options->include_sources_content = defaults.include_sources_content ? 1 : 0;
  options->reserved = 0;
}

SMCACHE_API int32_t smcache_compile(const uint8_t* map_bytes, size_t map_len,
                                    const smcache_compile_options* options, uint8_t** out_bytes,
                                    size_t* out_len, smcache_error* err) {
  return guard(err, [&]() -> int32_t {
    constexpr const char* kFn = "smcache_compile";
    if (out_bytes == nullptr || out_len == nullptr) {
      invalid_argument(err, kFn, "out_bytes and out_len must not be NULL");
      return -1;
    }
    *out_bytes = nullptr;
    *out_len = 0;
    if (map_bytes == nullptr && map_len != 0) {
      invalid_argument(err, kFn, "map_bytes is NULL");
      return -1;
    }
    smcache::CompileOptions opts;
    if (!options_from(options, &opts, err, kFn)) return -1;
    static constexpr std::uint8_t kEmpty[1] = {0};
    auto result = smcache::compile(
        std::span<const std::uint8_t>(map_bytes != nullptr ? map_bytes : kEmpty, map_len), opts);
    if (!result) {
      set_error(err, result.error());
      return -1;
    }
    const std::vector<std::uint8_t>& bytes = result.value();
    // malloc, not new[]: the caller may be C, and smcache_bytes_free() is free().
    auto* buffer = static_cast<uint8_t*>(std::malloc(bytes.empty() ? 1 : bytes.size()));
    if (buffer == nullptr) {
      set_error(err, SMCACHE_E_INTERNAL, "internal: out of memory");
      return -1;
    }
    if (!bytes.empty()) std::memcpy(buffer, bytes.data(), bytes.size());
    *out_bytes = buffer;
    *out_len = bytes.size();
    return 0;
  });
}

SMCACHE_API void smcache_bytes_free(uint8_t* bytes) {
  std::free(bytes);
}

SMCACHE_API int32_t smcache_compile_file(const char* map_path, const char* cache_path,
                                         const smcache_compile_options* options,
                                         smcache_error* err) {
  return guard(err, [&]() -> int32_t {
    constexpr const char* kFn = "smcache_compile_file";
    if (map_path == nullptr || cache_path == nullptr) {
      invalid_argument(err, kFn, "map_path and cache_path must not be NULL");
      return -1;
    }
    smcache::CompileOptions opts;
    if (!options_from(options, &opts, err, kFn)) return -1;
    auto result = smcache::compile_file(map_path, cache_path, opts);
    if (!result) {
      set_error(err, result.error());
      return -1;
    }
    return 0;
  });
}

// ---- open and close ----------------------------------------------------------------------

SMCACHE_API smcache_cache* smcache_cache_open_path(const char* path, smcache_error* err) {
  return guard(err, [&]() -> smcache_cache* {
    if (path == nullptr) {
      invalid_argument(err, "smcache_cache_open_path", "path is NULL");
      return nullptr;
    }
    auto result = smcache::Cache::open(path);
    if (!result) {
      set_error(err, result.error());
      return nullptr;
    }
    return new smcache_cache{std::move(result).value()};
  });
}

SMCACHE_API smcache_cache* smcache_cache_open_bytes(const uint8_t* bytes, size_t len,
                                                    smcache_error* err) {
  return guard(err, [&]() -> smcache_cache* {
    if (bytes == nullptr) {
      invalid_argument(err, "smcache_cache_open_bytes", "bytes is NULL");
      return nullptr;
    }
    auto result = smcache::Cache::from_bytes(std::span<const std::uint8_t>(bytes, len));
    if (!result) {
      set_error(err, result.error());
      return nullptr;
    }
    return new smcache_cache{std::move(result).value()};
  });
}

SMCACHE_API void smcache_cache_close(smcache_cache* cache) {
  // ~Cache() unmaps; it does not throw, but the firewall costs nothing here.
  (void)guard(nullptr, [&]() -> int32_t {
    delete cache;
    return 0;
  });
}

// ---- lookups -----------------------------------------------------------------------------

SMCACHE_API int32_t smcache_cache_lookup(const smcache_cache* cache, uint32_t line, uint32_t column,
                                         int32_t bias, smcache_token* out, smcache_error* err) {
  return guard(err, [&]() -> int32_t {
    constexpr const char* kFn = "smcache_cache_lookup";
    if (cache == nullptr || out == nullptr) {
      invalid_argument(err, kFn, "cache and out must not be NULL");
      return -1;
    }
    const auto b = to_bias(bias);
    if (!b) {
      invalid_argument(err, kFn, "bias is not an smcache_bias value");
      return -1;
    }
    const auto token = cache->cache.lookup(line, column, *b);
    if (!token) return 0;
    fill_token(*token, out);
    return 1;
  });
}

SMCACHE_API int64_t smcache_cache_lookup_many(const smcache_cache* cache, const uint32_t* lines,
                                              const uint32_t* columns, size_t count, int32_t bias,
                                              smcache_token* out_tokens, uint8_t* out_found,
                                              smcache_error* err) {
  return guard(err, [&]() -> int64_t {
    constexpr const char* kFn = "smcache_cache_lookup_many";
    if (cache == nullptr) {
      invalid_argument(err, kFn, "cache is NULL");
      return -1;
    }
    if (count != 0 &&
        (lines == nullptr || columns == nullptr || out_tokens == nullptr || out_found == nullptr)) {
      invalid_argument(err, kFn, "an array is NULL with count > 0");
      return -1;
    }
    const auto b = to_bias(bias);
    if (!b) {
      invalid_argument(err, kFn, "bias is not an smcache_bias value");
      return -1;
    }
    int64_t found = 0;
    for (size_t i = 0; i < count; ++i) {
      const auto token = cache->cache.lookup(lines[i], columns[i], *b);
      if (token) {
        fill_token(*token, &out_tokens[i]);
        out_found[i] = 1;
        ++found;
      } else {
        out_tokens[i] = smcache_token{};
        out_found[i] = 0;
      }
    }
    return found;
  });
}

SMCACHE_API int64_t smcache_cache_original_positions(const smcache_cache* cache, uint32_t line,
                                                     uint32_t column, uint32_t* out_first,
                                                     uint32_t* out_last, smcache_error* err) {
  return guard(err, [&]() -> int64_t {
    if (cache == nullptr || out_first == nullptr || out_last == nullptr) {
      invalid_argument(err, "smcache_cache_original_positions",
                       "cache, out_first and out_last must not be NULL");
      return -1;
    }
    const auto range = cache->cache.original_positions(line, column);
    *out_first = range.empty() ? 0 : range.first;
    *out_last = range.empty() ? 0 : range.last;
    return range.size();
  });
}

// ---- iteration ---------------------------------------------------------------------------

SMCACHE_API uint32_t smcache_cache_token_count(const smcache_cache* cache) {
  return cache == nullptr ? 0 : cache->cache.token_count();
}

SMCACHE_API int32_t smcache_cache_token_get(const smcache_cache* cache, uint32_t index,
                                            smcache_token* out, smcache_error* err) {
  return guard(err, [&]() -> int32_t {
    constexpr const char* kFn = "smcache_cache_token_get";
    if (cache == nullptr || out == nullptr) {
      invalid_argument(err, kFn, "cache and out must not be NULL");
      return -1;
    }
    const std::uint32_t count = cache->cache.token_count();
    if (index >= count) {
      char what[128];
      std::snprintf(what, sizeof(what), "token index %u out of range (%u tokens)", index, count);
      invalid_argument(err, kFn, what);
      return -1;
    }
    const auto token = cache->cache.token(index);
    if (!token) return 0;
    fill_token(*token, out);
    return 1;
  });
}

// ---- sources -----------------------------------------------------------------------------

SMCACHE_API uint32_t smcache_cache_source_count(const smcache_cache* cache) {
  return cache == nullptr ? 0 : cache->cache.source_count();
}

SMCACHE_API int32_t smcache_cache_source_get(const smcache_cache* cache, uint32_t index,
                                             smcache_source* out, smcache_error* err) {
  return guard(err, [&]() -> int32_t {
    constexpr const char* kFn = "smcache_cache_source_get";
    if (cache == nullptr || out == nullptr) {
      invalid_argument(err, kFn, "cache and out must not be NULL");
      return -1;
    }
    const std::uint32_t count = cache->cache.source_count();
    if (index >= count) {
      char what[128];
      std::snprintf(what, sizeof(what), "source index %u out of range (%u sources)", index, count);
      invalid_argument(err, kFn, what);
      return -1;
    }
    const auto source = cache->cache.source(index);
    if (!source) return 0;
    *out = smcache_source{};
    out->index = source->index;
    out->line_count = source->line_count;
    out->has_name = source->name ? 1 : 0;
    out->has_content = source->content ? 1 : 0;
    out->ignored = source->ignored ? 1 : 0;
    out->name = source->name ? non_null(*source->name) : nullptr;
    out->name_len = source->name ? source->name->size() : 0;
    out->content = source->content ? non_null(*source->content) : nullptr;
    out->content_len = source->content ? source->content->size() : 0;
    return 1;
  });
}

SMCACHE_API int32_t smcache_cache_source_line(const smcache_cache* cache, uint32_t source_index,
                                              uint32_t line, const char** out_line, size_t* out_len,
                                              smcache_error* err) {
  return guard(err, [&]() -> int32_t {
    constexpr const char* kFn = "smcache_cache_source_line";
    if (cache == nullptr || out_line == nullptr || out_len == nullptr) {
      invalid_argument(err, kFn, "cache, out_line and out_len must not be NULL");
      return -1;
    }
    const std::uint32_t count = cache->cache.source_count();
    if (source_index >= count) {
      char what[128];
      std::snprintf(what, sizeof(what), "source index %u out of range (%u sources)", source_index,
                    count);
      invalid_argument(err, kFn, what);
      return -1;
    }
    const auto text = cache->cache.source_line(source_index, line);
    if (!text) return 0;
    *out_line = non_null(*text);
    *out_len = text->size();
    return 1;
  });
}

// ---- info and verification ---------------------------------------------------------------

SMCACHE_API int32_t smcache_cache_info(const smcache_cache* cache, smcache_info* out,
                                       smcache_error* err) {
  return guard(err, [&]() -> int32_t {
    if (cache == nullptr || out == nullptr) {
      invalid_argument(err, "smcache_cache_info", "cache and out must not be NULL");
      return -1;
    }
    const smcache::CacheInfo info = cache->cache.info();
    *out = smcache_info{};
    out->format_major = info.format_major;
    out->format_minor = info.format_minor;
    out->semantics_version = info.semantics_version;
    out->file_size = info.file_size;
    out->generated_line_count = info.generated_line_count;
    out->token_count = info.token_count;
    out->source_count = info.source_count;
    out->string_count = info.string_count;
    out->name_count = info.name_count;
    out->block_token_count = info.block_token_count;
    out->input_hash_low = info.input_hash.low;
    out->input_hash_high = info.input_hash.high;
    out->file = info.file ? non_null(*info.file) : nullptr;
    out->file_len = info.file ? info.file->size() : 0;
    out->debug_id = info.debug_id ? non_null(*info.debug_id) : nullptr;
    out->debug_id_len = info.debug_id ? info.debug_id->size() : 0;
    return 0;
  });
}

SMCACHE_API int32_t smcache_cache_verify(const smcache_cache* cache, smcache_error* err) {
  return guard(err, [&]() -> int32_t {
    if (cache == nullptr) {
      invalid_argument(err, "smcache_cache_verify", "cache is NULL");
      return -1;
    }
    auto result = cache->cache.verify();
    if (!result) {
      set_error(err, result.error());
      return -1;
    }
    return 0;
  });
}

}  // extern "C"
