// The C ABI of smcache.h over the C++ reader and converter: argument checks, the exception
// firewall (guard) and the mapping of smcache::Error into smcache_error. No logic of its own.
#include "smcache.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <filesystem>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include <smcache/converter/compile.hpp>
#include <smcache/converter/discover.hpp>
#include <smcache/format/error.hpp>
#include <smcache/format/layout.hpp>
#include <smcache/present/trace_render.hpp>
#include <smcache/reader/cache.hpp>
#include <smcache/reader/cache_directory.hpp>
#include <smcache/reader/stack_trace.hpp>
#include <smcache/reader/symbolicate.hpp>

#ifndef SMCACHE_LIBRARY_VERSION
#define SMCACHE_LIBRARY_VERSION "unknown"
#endif

// The handle behind the opaque smcache_cache*. The Cache is shared: smcache_cache_dir_find()
// hands out handles to the directory's memoized caches, which live as long as any holder.
struct smcache_cache {
  std::shared_ptr<const smcache::Cache> owner;
  const smcache::Cache& cache;  // *owner
};

// An open warm directory (its memo of opened caches is inside CacheDirectory).
struct smcache_cache_dir {
  smcache::CacheDirectory dir;
};

// A parsed trace: its own copy of the text, the C++ lines (views into text) and their C form.
// Never moved after construction: the views point into `text`.
struct smcache_trace {
  std::string text;
  std::vector<smcache::TraceLine> lines;
  std::vector<smcache_trace_line> c_lines;
};

// A symbolication: the C++ frames with every view re-pointed into storage owned here (the trace
// text copied once, strings from the caches copied one by one), and their C form. Never moved
// after construction.
struct smcache_symbolication {
  std::string text;                                // copy of the trace's text
  std::deque<std::string> strings;                 // other strings (deque: stable addresses)
  std::vector<smcache::SymbolicatedFrame> frames;  // cache pointers cleared
  std::vector<smcache_symbolicated_frame> c_frames;
  std::vector<smcache_text> context;  // every frame's context lines, back to back
  bool with_context = false;
  // Every frame's inlined callers back to back; frame i's are [inlined_first[i],
  // inlined_first[i + 1]).
  std::vector<smcache_inlined_frame> inlined;
  std::vector<std::size_t> inlined_first;
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
static_assert(SMCACHE_FRAME_V8 == static_cast<int>(smcache::FrameStyle::v8));
static_assert(SMCACHE_FRAME_GECKO == static_cast<int>(smcache::FrameStyle::gecko));
static_assert(SMCACHE_FRAME_BARE == static_cast<int>(smcache::FrameStyle::bare));
static_assert(SMCACHE_FUNCTION_NONE == static_cast<int>(smcache::FunctionRule::none));
static_assert(SMCACHE_FUNCTION_CALLER_CALL_SITE ==
              static_cast<int>(smcache::FunctionRule::caller_call_site));
static_assert(SMCACHE_FUNCTION_CALLER_CALL_SITE_NEXT_TOKEN ==
              static_cast<int>(smcache::FunctionRule::caller_call_site_next_token));
static_assert(SMCACHE_FUNCTION_MINIFIED == static_cast<int>(smcache::FunctionRule::minified));
static_assert(SMCACHE_FUNCTION_AS_PRINTED == static_cast<int>(smcache::FunctionRule::as_printed));
static_assert(SMCACHE_FUNCTION_ORIGINAL_FUNCTION ==
              static_cast<int>(smcache::FunctionRule::original_function));
static_assert(SMCACHE_FUNCTION_SCOPES == static_cast<int>(smcache::FunctionRule::scopes));
static_assert(SMCACHE_FUNCTION_GENERATED_FUNCTION ==
              static_cast<int>(smcache::FunctionRule::generated_function));
static_assert(SMCACHE_UNRESOLVED_NONE == static_cast<int>(smcache::UnresolvedReason::none));
static_assert(SMCACHE_UNRESOLVED_NATIVE == static_cast<int>(smcache::UnresolvedReason::native));
static_assert(SMCACHE_UNRESOLVED_NO_POSITION ==
              static_cast<int>(smcache::UnresolvedReason::no_position));
static_assert(SMCACHE_UNRESOLVED_NO_COLUMN ==
              static_cast<int>(smcache::UnresolvedReason::no_column));
static_assert(SMCACHE_UNRESOLVED_NO_CACHE == static_cast<int>(smcache::UnresolvedReason::no_cache));
static_assert(SMCACHE_UNRESOLVED_CACHE_ERROR ==
              static_cast<int>(smcache::UnresolvedReason::cache_error));
static_assert(SMCACHE_UNRESOLVED_NO_MAPPING ==
              static_cast<int>(smcache::UnresolvedReason::no_mapping));
static_assert(std::is_same_v<std::underlying_type_t<smcache::FunctionRule>, std::uint8_t>);
static_assert(std::is_same_v<std::underlying_type_t<smcache::UnresolvedReason>, std::uint8_t>);
static_assert(std::is_same_v<std::underlying_type_t<smcache::FrameStyle>, std::uint8_t>);

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
  if ((in->flags &
       ~(SMCACHE_COMPILE_NO_FUNCTION_TABLE | SMCACHE_COMPILE_NO_GENERATED_FUNCTION_TABLE)) != 0) {
    invalid_argument(err, function, "options->flags has unknown bits");
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
  out->function_table = (in->flags & SMCACHE_COMPILE_NO_FUNCTION_TABLE) == 0;
  out->generated_function_table = (in->flags & SMCACHE_COMPILE_NO_GENERATED_FUNCTION_TABLE) == 0;
  return true;
}

smcache_cache* new_handle(smcache::Cache&& cache) {
  auto shared = std::make_shared<const smcache::Cache>(std::move(cache));
  const smcache::Cache& ref = *shared;
  return new smcache_cache{std::move(shared), ref};
}

// Copies `bytes` into a malloc'd buffer for the caller (smcache_bytes_free() frees it).
int32_t give_bytes(std::string_view bytes, uint8_t** out_bytes, size_t* out_len,
                   smcache_error* err) noexcept {
  auto* buffer = static_cast<uint8_t*>(std::malloc(bytes.empty() ? 1 : bytes.size()));
  if (buffer == nullptr) {
    set_error(err, SMCACHE_E_INTERNAL, "internal: out of memory");
    return -1;
  }
  if (!bytes.empty()) std::memcpy(buffer, bytes.data(), bytes.size());
  *out_bytes = buffer;
  *out_len = bytes.size();
  return 0;
}

std::string_view as_view(const std::vector<std::uint8_t>& v) noexcept {
  return {reinterpret_cast<const char*>(v.data()), v.size()};
}

// A view as a C string pointer: never NULL ("" for an empty view).
void put_string(std::string_view s, const char** data, size_t* len) noexcept {
  *data = non_null(s);
  *len = s.size();
}

smcache_trace_line c_trace_line(std::string_view raw, bool is_frame,
                                const smcache::StackFrame& f) noexcept {
  smcache_trace_line out{};
  put_string(raw, &out.raw, &out.raw_len);
  out.is_frame = is_frame ? 1 : 0;
  const smcache::StackFrame none;
  const smcache::StackFrame& g = is_frame ? f : none;
  out.style = static_cast<uint8_t>(g.style);
  out.has_line = g.has_line ? 1 : 0;
  out.has_column = g.has_column ? 1 : 0;
  out.is_async = g.is_async ? 1 : 0;
  out.is_constructor = g.is_constructor ? 1 : 0;
  out.is_native = g.is_native ? 1 : 0;
  out.is_eval = g.is_eval ? 1 : 0;
  out.line = g.has_line ? g.line : 0;
  out.column = g.has_column ? g.column : 0;
  put_string(g.function, &out.function, &out.function_len);
  put_string(g.alias, &out.alias, &out.alias_len);
  put_string(g.async_cause, &out.async_cause, &out.async_cause_len);
  put_string(g.url, &out.url, &out.url_len);
  return out;
}

// The line of `trace` that `p` points into. symbolicate() hands its resolver a copy of a line's
// StackFrame, whose views still point into the trace's text: this finds the line it came from
// without relying on the order of the calls.
std::size_t line_of(const smcache_trace& trace, const char* p) {
  const auto& lines = trace.lines;
  const auto it = std::upper_bound(
      lines.begin(), lines.end(), p,
      [](const char* q, const smcache::TraceLine& l) { return std::less<>()(q, l.raw.data()); });
  return it == lines.begin() ? 0 : static_cast<std::size_t>(it - lines.begin() - 1);
}

bool context_from(int32_t context_lines, smcache::SymbolicateOptions* options, smcache_error* err,
                  const char* function) noexcept {
  if (context_lines < -1) {
    invalid_argument(err, function, "context_lines must be -1 (no context) or >= 0");
    return false;
  }
  options->include_context = context_lines >= 0;
  options->context_lines = context_lines >= 0 ? static_cast<std::uint32_t>(context_lines) : 0;
  return true;
}

bool check_trace(const smcache_trace* trace, smcache_error* err, const char* function) noexcept {
  if (trace == nullptr) {
    invalid_argument(err, function, "trace is NULL");
    return false;
  }
  return true;
}

// Turns symbolicate()'s frames (views into the trace and into the caches) into a result that
// owns everything, so that neither needs to outlive it.
smcache_symbolication* make_result(const smcache_trace& trace,
                                   std::vector<smcache::SymbolicatedFrame> frames,
                                   bool with_context) {
  auto r = std::make_unique<smcache_symbolication>();
  smcache_symbolication& res = *r;
  res.text = trace.text;
  res.with_context = with_context;
  const char* const old_begin = trace.text.data();
  const char* const old_end = old_begin + trace.text.size();
  // Views into the trace text move to the copy; any other view (a cache's bytes) is copied.
  auto own = [&res, old_begin, old_end](std::string_view s) -> std::string_view {
    if (s.empty()) return {};
    const std::less<> before;
    if (!before(s.data(), old_begin) && !before(old_end, s.data() + s.size())) {
      return {res.text.data() + (s.data() - old_begin), s.size()};
    }
    return res.strings.emplace_back(s);
  };
  std::size_t context_total = 0;
  for (smcache::SymbolicatedFrame& f : frames) {
    f.raw = own(f.raw);
    f.frame.function = own(f.frame.function);
    f.frame.alias = own(f.frame.alias);
    f.frame.async_cause = own(f.frame.async_cause);
    f.frame.url = own(f.frame.url);
    f.source = own(f.source);
    f.function = own(f.function);
    for (std::string_view& line : f.context) line = own(line);
    for (smcache::InlinedFrame& c : f.inlined_callers) {
      c.source = own(c.source);
      c.function = own(c.function);
    }
    f.cache = nullptr;
    context_total += f.context.size();
  }
  res.frames = std::move(frames);
  res.context.reserve(context_total);  // no reallocation below: frames point into it
  res.c_frames.reserve(res.frames.size());
  for (const smcache::SymbolicatedFrame& f : res.frames) {
    smcache_symbolicated_frame c{};
    c.generated = c_trace_line(f.raw, f.is_frame, f.frame);
    c.resolved = f.resolved ? 1 : 0;
    c.unresolved_reason = static_cast<uint8_t>(f.unresolved_reason);
    c.function_rule = static_cast<uint8_t>(f.function_rule);
    c.source_index = f.resolved ? f.source_index : SMCACHE_NONE;
    c.line = f.resolved ? f.line : 0;
    c.column = f.resolved ? f.column : 0;
    put_string(f.resolved ? f.source : std::string_view(), &c.source, &c.source_len);
    put_string(f.function, &c.function, &c.function_len);
    std::string display = smcache::display_function(f);
    const std::string_view shown =
        display.empty() ? std::string_view()
                        : std::string_view(res.strings.emplace_back(std::move(display)));
    put_string(shown, &c.display_function, &c.display_function_len);
    put_string(f.unresolved_detail, &c.unresolved_detail, &c.unresolved_detail_len);
    c.context_first_line = f.context.empty() ? 0 : f.context_first_line;
    c.context_count = static_cast<uint32_t>(f.context.size());
    c.context = nullptr;
    if (!f.context.empty()) {
      c.context = res.context.data() + res.context.size();
      for (const std::string_view line : f.context) {
        smcache_text t{};
        put_string(line, &t.data, &t.len);
        res.context.push_back(t);
      }
    }
    res.c_frames.push_back(c);
  }
  res.inlined_first.reserve(res.frames.size() + 1);
  for (const smcache::SymbolicatedFrame& f : res.frames) {
    res.inlined_first.push_back(res.inlined.size());
    for (std::size_t k = 0; k < f.inlined_callers.size(); ++k) {
      const smcache::InlinedFrame& c = f.inlined_callers[k];
      smcache_inlined_frame ci{};
      ci.source_index = c.source_index;
      ci.line = c.line;
      ci.column = c.column;
      ci.function_rule = static_cast<uint8_t>(c.function_rule);
      ci.inlined = f.is_inlined_caller(k) ? 1 : 0;
      put_string(c.source, &ci.source, &ci.source_len);
      put_string(c.function, &ci.function, &ci.function_len);
      std::string display = smcache::display_inlined_function(f, k);
      const std::string_view shown =
          display.empty() ? std::string_view()
                          : std::string_view(res.strings.emplace_back(std::move(display)));
      put_string(shown, &ci.display_function, &ci.display_function_len);
      res.inlined.push_back(ci);
    }
  }
  res.inlined_first.push_back(res.inlined.size());
  return r.release();
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
  options->flags = defaults.function_table ? 0u : SMCACHE_COMPILE_NO_FUNCTION_TABLE;
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
    return new_handle(std::move(result).value());
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
    return new_handle(std::move(result).value());
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

// ---- compile a generated JavaScript file -------------------------------------------------

SMCACHE_API int32_t smcache_js_scan(const uint8_t* js, size_t js_len, smcache_js_annotations* out,
                                    smcache_error* err) {
  return guard(err, [&]() -> int32_t {
    if (out == nullptr || (js == nullptr && js_len != 0)) {
      invalid_argument(err, "smcache_js_scan", "out is NULL, or js is NULL with js_len > 0");
      return -1;
    }
    *out = smcache_js_annotations{};
    const smcache::JsAnnotations a = smcache::scan_js_annotations(
        js == nullptr ? std::string_view()
                      : std::string_view(reinterpret_cast<const char*>(js), js_len));
    out->has_source_mapping_url = a.source_mapping_url ? 1 : 0;
    out->has_debug_id = a.debug_id ? 1 : 0;
    put_string(a.source_mapping_url.value_or(std::string_view()), &out->source_mapping_url,
               &out->source_mapping_url_len);
    put_string(a.debug_id.value_or(std::string_view()), &out->debug_id, &out->debug_id_len);
    return 0;
  });
}

SMCACHE_API int32_t smcache_compile_js(const uint8_t* js, size_t js_len, const uint8_t* map_bytes,
                                       size_t map_len, const char* js_path, const char* root,
                                       const smcache_compile_options* options, uint8_t** out_bytes,
                                       size_t* out_len, smcache_error* err) {
  return guard(err, [&]() -> int32_t {
    constexpr const char* kFn = "smcache_compile_js";
    if (out_bytes == nullptr || out_len == nullptr) {
      invalid_argument(err, kFn, "out_bytes and out_len must not be NULL");
      return -1;
    }
    *out_bytes = nullptr;
    *out_len = 0;
    if (js == nullptr && js_len != 0) {
      invalid_argument(err, kFn, "js is NULL with js_len > 0");
      return -1;
    }
    smcache::CompileOptions opts;
    if (!options_from(options, &opts, err, kFn)) return -1;
    static constexpr std::uint8_t kEmpty[1] = {0};
    const std::span<const std::uint8_t> js_span(js != nullptr ? js : kEmpty, js_len);
    smcache::Result<std::vector<std::uint8_t>> cache = std::vector<std::uint8_t>();
    if (map_bytes != nullptr) {
      cache = smcache::compile_js(js_span, std::span<const std::uint8_t>(map_bytes, map_len), opts);
    } else {
      const smcache::JsAnnotations a = smcache::scan_js_annotations(
          std::string_view(reinterpret_cast<const char*>(js_span.data()), js_span.size()));
      if (js_path == nullptr && a.source_mapping_url &&
          !smcache::is_data_url(*a.source_mapping_url)) {
        const std::string what = "sourceMappingURL '" +
                                 std::string(a.source_mapping_url->substr(0, 200)) +
                                 "' is not an inline data: URL; pass the map bytes or js_path";
        set_error(err, SMCACHE_E_INVALID_ARGUMENT, what);
        return -1;
      }
      smcache::DiscoverOptions discover;
      if (root != nullptr) discover.root = root;
      discover.max_map_bytes = opts.max_input_bytes;
      auto found = smcache::discover_map(js_span, js_path != nullptr ? js_path : "", discover);
      if (!found) {
        set_error(err, found.error());
        return -1;
      }
      // The JavaScript file is the generated code, as compile_js() takes it with map bytes.
      opts.generated_code =
          std::string_view(reinterpret_cast<const char*>(js_span.data()), js_span.size());
      cache = smcache::compile_with_debug_id(found->map_json, found->js_debug_id, opts);
    }
    if (!cache) {
      set_error(err, cache.error());
      return -1;
    }
    return give_bytes(as_view(cache.value()), out_bytes, out_len, err);
  });
}

// ---- cache directories -------------------------------------------------------------------

SMCACHE_API smcache_cache_dir* smcache_cache_dir_open(const char* path, smcache_error* err) {
  return guard(err, [&]() -> smcache_cache_dir* {
    if (path == nullptr) {
      invalid_argument(err, "smcache_cache_dir_open", "path is NULL");
      return nullptr;
    }
    auto dir = smcache::CacheDirectory::open(path);
    if (!dir) {
      set_error(err, dir.error());
      return nullptr;
    }
    return new smcache_cache_dir{std::move(dir).value()};
  });
}

SMCACHE_API int32_t smcache_cache_dir_find(const smcache_cache_dir* dir, const char* url,
                                           size_t url_len, const char* debug_id,
                                           size_t debug_id_len, smcache_cache** out_cache,
                                           smcache_error* err) {
  return guard(err, [&]() -> int32_t {
    constexpr const char* kFn = "smcache_cache_dir_find";
    if (dir == nullptr || out_cache == nullptr) {
      invalid_argument(err, kFn, "dir and out_cache must not be NULL");
      return -1;
    }
    *out_cache = nullptr;
    if ((url == nullptr && url_len != 0) || (debug_id == nullptr && debug_id_len != 0)) {
      invalid_argument(err, kFn, "url or debug_id is NULL with a length > 0");
      return -1;
    }
    const std::string_view u = url == nullptr ? std::string_view() : std::string_view(url, url_len);
    const std::string_view id =
        debug_id == nullptr ? std::string_view() : std::string_view(debug_id, debug_id_len);
    auto found = dir->dir.find(u, id);
    if (!found) {
      set_error(err, found.error());
      return -1;
    }
    if (!*found) return 0;
    std::shared_ptr<const smcache::Cache> shared = std::move((*found)->cache);
    const smcache::Cache& ref = *shared;
    *out_cache = new smcache_cache{std::move(shared), ref};
    return 1;
  });
}

SMCACHE_API void smcache_cache_dir_close(smcache_cache_dir* dir) {
  (void)guard(nullptr, [&]() -> int32_t {
    delete dir;
    return 0;
  });
}

// ---- stack traces ------------------------------------------------------------------------

SMCACHE_API smcache_trace* smcache_trace_parse(const char* text, size_t len, smcache_error* err) {
  return guard(err, [&]() -> smcache_trace* {
    if (text == nullptr && len != 0) {
      invalid_argument(err, "smcache_trace_parse", "text is NULL with len > 0");
      return nullptr;
    }
    auto trace = std::make_unique<smcache_trace>();
    if (len != 0) trace->text.assign(text, len);
    trace->lines = smcache::parse_stack_trace(trace->text);
    trace->c_lines.reserve(trace->lines.size());
    for (const smcache::TraceLine& line : trace->lines) {
      trace->c_lines.push_back(c_trace_line(line.raw, line.is_frame, line.frame));
    }
    return trace.release();
  });
}

SMCACHE_API int64_t smcache_trace_lines(const smcache_trace* trace,
                                        const smcache_trace_line** out_lines, smcache_error* err) {
  return guard(err, [&]() -> int64_t {
    if (trace == nullptr || out_lines == nullptr) {
      invalid_argument(err, "smcache_trace_lines", "trace and out_lines must not be NULL");
      return -1;
    }
    *out_lines = trace->c_lines.data();
    return static_cast<int64_t>(trace->c_lines.size());
  });
}

SMCACHE_API void smcache_trace_free(smcache_trace* trace) {
  (void)guard(nullptr, [&]() -> int32_t {
    delete trace;
    return 0;
  });
}

// ---- symbolication -----------------------------------------------------------------------

SMCACHE_API const char* smcache_function_rule_name(int32_t rule) {
  if (rule < 0 || rule > SMCACHE_FUNCTION_GENERATED_FUNCTION) return "unknown";
  // function_rule_name() returns views of string literals: NUL-terminated.
  return smcache::function_rule_name(static_cast<smcache::FunctionRule>(rule)).data();
}

SMCACHE_API const char* smcache_unresolved_reason_name(int32_t reason) {
  if (reason < 0 || reason > SMCACHE_UNRESOLVED_NO_MAPPING) return "unknown";
  return smcache::unresolved_reason_name(static_cast<smcache::UnresolvedReason>(reason)).data();
}

SMCACHE_API smcache_symbolication* smcache_trace_symbolicate(const smcache_trace* trace,
                                                             const smcache_cache* const* caches,
                                                             size_t cache_count,
                                                             int32_t context_lines,
                                                             smcache_error* err) {
  return guard(err, [&]() -> smcache_symbolication* {
    constexpr const char* kFn = "smcache_trace_symbolicate";
    if (!check_trace(trace, err, kFn)) return nullptr;
    if (cache_count != trace->lines.size()) {
      char what[160];
      std::snprintf(what, sizeof(what), "cache_count %zu is not the trace's line count %zu",
                    cache_count, trace->lines.size());
      invalid_argument(err, kFn, what);
      return nullptr;
    }
    if (caches == nullptr && cache_count != 0) {
      invalid_argument(err, kFn, "caches is NULL with cache_count > 0");
      return nullptr;
    }
    smcache::SymbolicateOptions options;
    if (!context_from(context_lines, &options, err, kFn)) return nullptr;
    auto resolve = [&](const smcache::StackFrame& frame) -> const smcache::Cache* {
      const smcache_cache* c = caches[line_of(*trace, frame.url.data())];
      return c == nullptr ? nullptr : &c->cache;
    };
    auto frames =
        smcache::symbolicate(std::span<const smcache::TraceLine>(trace->lines), resolve, options);
    return make_result(*trace, std::move(frames), options.include_context);
  });
}

SMCACHE_API smcache_symbolication* smcache_trace_symbolicate_cache(const smcache_trace* trace,
                                                                   const smcache_cache* cache,
                                                                   int32_t context_lines,
                                                                   smcache_error* err) {
  return guard(err, [&]() -> smcache_symbolication* {
    constexpr const char* kFn = "smcache_trace_symbolicate_cache";
    if (!check_trace(trace, err, kFn)) return nullptr;
    if (cache == nullptr) {
      invalid_argument(err, kFn, "cache is NULL");
      return nullptr;
    }
    smcache::SymbolicateOptions options;
    if (!context_from(context_lines, &options, err, kFn)) return nullptr;
    // As `smcache symbolicate --cache`: frames of node:internal/..., <anonymous>, data: ... name
    // no file, so the bundle's cache is not theirs.
    auto resolve = [&](const smcache::StackFrame& frame) -> const smcache::Cache* {
      return smcache::CacheDirectory::url_keys(frame.url).empty() ? nullptr : &cache->cache;
    };
    auto frames =
        smcache::symbolicate(std::span<const smcache::TraceLine>(trace->lines), resolve, options);
    return make_result(*trace, std::move(frames), options.include_context);
  });
}

SMCACHE_API smcache_symbolication* smcache_trace_symbolicate_dir(const smcache_trace* trace,
                                                                 const smcache_cache_dir* dir,
                                                                 int32_t context_lines,
                                                                 smcache_error* err) {
  return guard(err, [&]() -> smcache_symbolication* {
    constexpr const char* kFn = "smcache_trace_symbolicate_dir";
    if (!check_trace(trace, err, kFn)) return nullptr;
    if (dir == nullptr) {
      invalid_argument(err, kFn, "dir is NULL");
      return nullptr;
    }
    smcache::SymbolicateOptions options;
    if (!context_from(context_lines, &options, err, kFn)) return nullptr;
    // As `smcache symbolicate --cache-dir`: one resolution per distinct URL.
    std::unordered_map<std::string_view, smcache::CacheResolution> memo;
    auto resolve = [&](const smcache::StackFrame& frame) -> smcache::CacheResolution {
      if (const auto it = memo.find(frame.url); it != memo.end()) return it->second;
      smcache::CacheResolution r = dir->dir.resolve(frame);
      memo.emplace(frame.url, r);
      return r;
    };
    auto frames =
        smcache::symbolicate(std::span<const smcache::TraceLine>(trace->lines), resolve, options);
    return make_result(*trace, std::move(frames), options.include_context);
  });
}

SMCACHE_API int64_t smcache_symbolication_frames(const smcache_symbolication* result,
                                                 const smcache_symbolicated_frame** out_frames,
                                                 smcache_error* err) {
  return guard(err, [&]() -> int64_t {
    if (result == nullptr || out_frames == nullptr) {
      invalid_argument(err, "smcache_symbolication_frames",
                       "result and out_frames must not be NULL");
      return -1;
    }
    *out_frames = result->c_frames.data();
    return static_cast<int64_t>(result->c_frames.size());
  });
}

SMCACHE_API int64_t smcache_symbolication_inlined_callers(const smcache_symbolication* result,
                                                          size_t index,
                                                          const smcache_inlined_frame** out_frames,
                                                          smcache_error* err) {
  return guard(err, [&]() -> int64_t {
    constexpr const char* kFn = "smcache_symbolication_inlined_callers";
    if (result == nullptr || out_frames == nullptr) {
      invalid_argument(err, kFn, "result and out_frames must not be NULL");
      return -1;
    }
    *out_frames = nullptr;
    if (index >= result->frames.size()) {
      invalid_argument(err, kFn, "index is past the last line");
      return -1;
    }
    const std::size_t first = result->inlined_first[index];
    const std::size_t n = result->inlined_first[index + 1] - first;
    if (n != 0) *out_frames = result->inlined.data() + first;
    return static_cast<int64_t>(n);
  });
}

SMCACHE_API int32_t smcache_symbolication_render(const smcache_symbolication* result,
                                                 int32_t format, uint8_t** out_bytes,
                                                 size_t* out_len, smcache_error* err) {
  return guard(err, [&]() -> int32_t {
    constexpr const char* kFn = "smcache_symbolication_render";
    if (result == nullptr || out_bytes == nullptr || out_len == nullptr) {
      invalid_argument(err, kFn, "result, out_bytes and out_len must not be NULL");
      return -1;
    }
    *out_bytes = nullptr;
    *out_len = 0;
    // The code `smcache symbolicate` prints with, writing into memory: the same bytes.
    std::string text;
    smcache::present::Writer out(text);
    switch (format) {
      case SMCACHE_RENDER_TEXT:
        smcache::present::render_trace_text(out, result->frames, result->with_context);
        break;
      case SMCACHE_RENDER_JSON:
        smcache::present::render_trace_json(out, result->frames, result->with_context);
        break;
      default:
        invalid_argument(err, kFn, "format is not an smcache_render_format value");
        return -1;
    }
    out.flush();
    return give_bytes(text, out_bytes, out_len, err);
  });
}

SMCACHE_API void smcache_symbolication_free(smcache_symbolication* result) {
  (void)guard(nullptr, [&]() -> int32_t {
    delete result;
    return 0;
  });
}

}  // extern "C"
