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
  uint32_t reserved;
} smcache_compile_options;

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
"""
