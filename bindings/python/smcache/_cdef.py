"""The CFFI declarations of smcache.h (the C ABI), for ABI-mode loading of libsmcache.so.

This is smcache.h without comments, preprocessor guards and the SMCACHE_API marker. ABI mode
trusts these declarations blindly (a wrong one crashes rather than failing to compile), so
tests/bindings/python/test_cdef.py parses both this text and the real header and fails on any
difference. Change smcache.h and this file together.
"""

CDEF = r"""
#define SMCACHE_ABI_VERSION 1
#define SMCACHE_NONE 0xFFFFFFFFu
#define SMCACHE_COMPILE_OPTIONS_VERSION 1

enum smcache_errc {
  SMCACHE_OK = 0,
  SMCACHE_E_INVALID_JSON = 100,
  SMCACHE_E_INVALID_FIELD = 101,
  SMCACHE_E_INVALID_MAPPINGS = 102,
  SMCACHE_E_INVALID_INDEX_MAP = 103,
  SMCACHE_E_LIMIT_EXCEEDED = 104,
  SMCACHE_E_NOT_A_CACHE = 200,
  SMCACHE_E_TRUNCATED = 201,
  SMCACHE_E_CORRUPT = 202,
  SMCACHE_E_CHECKSUM_MISMATCH = 203,
  SMCACHE_E_UNSUPPORTED_VERSION = 300,
  SMCACHE_E_UNSUPPORTED_FEATURE = 301,
  SMCACHE_E_IO = 400,
  SMCACHE_E_INVALID_ARGUMENT = 500,
  SMCACHE_E_INTERNAL = 900
};

enum smcache_bias {
  SMCACHE_BIAS_GREATEST_LOWER_BOUND = 0,
  SMCACHE_BIAS_LEAST_UPPER_BOUND = 1
};

typedef struct smcache_error {
  int32_t code;
  int32_t os_errno;
  uint64_t byte_offset;
  uint32_t line;
  uint32_t segment;
  char message[512];
} smcache_error;

typedef struct smcache_compile_options {
  uint32_t version;
  uint32_t block_token_count;
  uint64_t max_input_bytes;
  uint64_t max_tokens;
  int32_t include_sources_content;
  uint32_t flags;
} smcache_compile_options;

#define SMCACHE_COMPILE_NO_FUNCTION_TABLE 0x1u
#define SMCACHE_COMPILE_NO_GENERATED_FUNCTION_TABLE 0x2u

typedef struct smcache_token {
  uint32_t generated_line;
  uint32_t generated_column;
  uint32_t source_index;
  uint32_t line;
  uint32_t column;
  uint8_t has_name;
  uint8_t ignored;
  uint8_t reserved[2];
  const char *source;
  size_t source_len;
  const char *name;
  size_t name_len;
} smcache_token;

typedef struct smcache_source {
  uint32_t index;
  uint32_t line_count;
  uint8_t has_name;
  uint8_t has_content;
  uint8_t ignored;
  uint8_t reserved[5];
  const char *name;
  size_t name_len;
  const char *content;
  size_t content_len;
} smcache_source;

typedef struct smcache_info {
  uint16_t format_major;
  uint16_t format_minor;
  uint32_t semantics_version;
  uint64_t file_size;
  uint32_t generated_line_count;
  uint32_t token_count;
  uint32_t source_count;
  uint32_t string_count;
  uint32_t name_count;
  uint32_t block_token_count;
  uint64_t input_hash_low;
  uint64_t input_hash_high;
  const char *file;
  size_t file_len;
  const char *debug_id;
  size_t debug_id_len;
} smcache_info;

typedef struct smcache_cache smcache_cache;

uint32_t smcache_abi_version(void);
uint32_t smcache_format_version(void);
const char *smcache_library_version(void);
const char *smcache_error_code_name(int32_t code);

void smcache_compile_options_init(smcache_compile_options *options);
int32_t smcache_compile(const uint8_t *map_bytes, size_t map_len,
                        const smcache_compile_options *options, uint8_t **out_bytes,
                        size_t *out_len, smcache_error *err);
void smcache_bytes_free(uint8_t *bytes);
int32_t smcache_compile_file(const char *map_path, const char *cache_path,
                             const smcache_compile_options *options, smcache_error *err);

smcache_cache *smcache_cache_open_path(const char *path, smcache_error *err);
smcache_cache *smcache_cache_open_bytes(const uint8_t *bytes, size_t len, smcache_error *err);
void smcache_cache_close(smcache_cache *cache);

int32_t smcache_cache_lookup(const smcache_cache *cache, uint32_t line, uint32_t column,
                             int32_t bias, smcache_token *out, smcache_error *err);
int64_t smcache_cache_lookup_many(const smcache_cache *cache, const uint32_t *lines,
                                  const uint32_t *columns, size_t count, int32_t bias,
                                  smcache_token *out_tokens, uint8_t *out_found,
                                  smcache_error *err);
int64_t smcache_cache_original_positions(const smcache_cache *cache, uint32_t line,
                                         uint32_t column, uint32_t *out_first,
                                         uint32_t *out_last, smcache_error *err);

uint32_t smcache_cache_token_count(const smcache_cache *cache);
int32_t smcache_cache_token_get(const smcache_cache *cache, uint32_t index, smcache_token *out,
                                smcache_error *err);

uint32_t smcache_cache_source_count(const smcache_cache *cache);
int32_t smcache_cache_source_get(const smcache_cache *cache, uint32_t index, smcache_source *out,
                                 smcache_error *err);
int32_t smcache_cache_source_line(const smcache_cache *cache, uint32_t source_index,
                                  uint32_t line, const char **out_line, size_t *out_len,
                                  smcache_error *err);

int32_t smcache_cache_info(const smcache_cache *cache, smcache_info *out, smcache_error *err);
int32_t smcache_cache_verify(const smcache_cache *cache, smcache_error *err);
typedef struct smcache_js_annotations {
  uint8_t has_source_mapping_url;
  uint8_t has_debug_id;
  uint8_t reserved[6];
  const char *source_mapping_url;
  size_t source_mapping_url_len;
  const char *debug_id;
  size_t debug_id_len;
} smcache_js_annotations;

int32_t smcache_js_scan(const uint8_t *js, size_t js_len, smcache_js_annotations *out,
                        smcache_error *err);
int32_t smcache_compile_js(const uint8_t *js, size_t js_len, const uint8_t *map_bytes,
                           size_t map_len, const char *js_path, const char *root,
                           const smcache_compile_options *options, uint8_t **out_bytes,
                           size_t *out_len, smcache_error *err);

typedef struct smcache_cache_dir smcache_cache_dir;

smcache_cache_dir *smcache_cache_dir_open(const char *path, smcache_error *err);
int32_t smcache_cache_dir_find(const smcache_cache_dir *dir, const char *url, size_t url_len,
                               const char *debug_id, size_t debug_id_len,
                               smcache_cache **out_cache, smcache_error *err);
void smcache_cache_dir_close(smcache_cache_dir *dir);

enum smcache_frame_style {
  SMCACHE_FRAME_V8 = 0,
  SMCACHE_FRAME_GECKO = 1,
  SMCACHE_FRAME_BARE = 2
};

typedef struct smcache_trace_line {
  const char *raw;
  size_t raw_len;
  uint8_t is_frame;
  uint8_t style;
  uint8_t has_line;
  uint8_t has_column;
  uint8_t is_async;
  uint8_t is_constructor;
  uint8_t is_native;
  uint8_t is_eval;
  uint32_t line;
  uint32_t column;
  const char *function;
  size_t function_len;
  const char *alias;
  size_t alias_len;
  const char *async_cause;
  size_t async_cause_len;
  const char *url;
  size_t url_len;
} smcache_trace_line;

typedef struct smcache_trace smcache_trace;

smcache_trace *smcache_trace_parse(const char *text, size_t len, smcache_error *err);
int64_t smcache_trace_lines(const smcache_trace *trace, const smcache_trace_line **out_lines,
                            smcache_error *err);
void smcache_trace_free(smcache_trace *trace);

enum smcache_function_rule {
  SMCACHE_FUNCTION_NONE = 0,
  SMCACHE_FUNCTION_CALLER_CALL_SITE = 1,
  SMCACHE_FUNCTION_CALLER_CALL_SITE_NEXT_TOKEN = 2,
  SMCACHE_FUNCTION_MINIFIED = 3,
  SMCACHE_FUNCTION_AS_PRINTED = 4,
  SMCACHE_FUNCTION_ORIGINAL_FUNCTION = 5,
  SMCACHE_FUNCTION_SCOPES = 6,
  SMCACHE_FUNCTION_GENERATED_FUNCTION = 7
};

enum smcache_unresolved_reason {
  SMCACHE_UNRESOLVED_NONE = 0,
  SMCACHE_UNRESOLVED_NATIVE = 1,
  SMCACHE_UNRESOLVED_NO_POSITION = 2,
  SMCACHE_UNRESOLVED_NO_COLUMN = 3,
  SMCACHE_UNRESOLVED_NO_CACHE = 4,
  SMCACHE_UNRESOLVED_CACHE_ERROR = 5,
  SMCACHE_UNRESOLVED_NO_MAPPING = 6
};

const char *smcache_function_rule_name(int32_t rule);
const char *smcache_unresolved_reason_name(int32_t reason);

typedef struct smcache_text {
  const char *data;
  size_t len;
} smcache_text;

typedef struct smcache_symbolicated_frame {
  smcache_trace_line generated;
  uint8_t resolved;
  uint8_t unresolved_reason;
  uint8_t function_rule;
  uint8_t reserved;
  uint32_t source_index;
  uint32_t line;
  uint32_t column;
  const char *source;
  size_t source_len;
  const char *function;
  size_t function_len;
  const char *display_function;
  size_t display_function_len;
  const char *unresolved_detail;
  size_t unresolved_detail_len;
  uint32_t context_first_line;
  uint32_t context_count;
  const smcache_text *context;
} smcache_symbolicated_frame;

typedef struct smcache_symbolication smcache_symbolication;

smcache_symbolication *smcache_trace_symbolicate(const smcache_trace *trace,
                                                 const smcache_cache *const *caches,
                                                 size_t cache_count, int32_t context_lines,
                                                 smcache_error *err);
smcache_symbolication *smcache_trace_symbolicate_cache(const smcache_trace *trace,
                                                       const smcache_cache *cache,
                                                       int32_t context_lines, smcache_error *err);
smcache_symbolication *smcache_trace_symbolicate_dir(const smcache_trace *trace,
                                                     const smcache_cache_dir *dir,
                                                     int32_t context_lines, smcache_error *err);
int64_t smcache_symbolication_frames(const smcache_symbolication *result,
                                     const smcache_symbolicated_frame **out_frames,
                                     smcache_error *err);

typedef struct smcache_inlined_frame {
  uint32_t source_index;
  uint32_t line;
  uint32_t column;
  uint8_t function_rule;
  uint8_t inlined;
  uint8_t reserved[2];
  const char *source;
  size_t source_len;
  const char *function;
  size_t function_len;
  const char *display_function;
  size_t display_function_len;
} smcache_inlined_frame;

int64_t smcache_symbolication_inlined_callers(const smcache_symbolication *result, size_t index,
                                              const smcache_inlined_frame **out_frames,
                                              smcache_error *err);

enum smcache_render_format {
  SMCACHE_RENDER_TEXT = 0,
  SMCACHE_RENDER_JSON = 1
};

int32_t smcache_symbolication_render(const smcache_symbolication *result, int32_t format,
                                     uint8_t **out_bytes, size_t *out_len, smcache_error *err);
void smcache_symbolication_free(smcache_symbolication *result);
"""
