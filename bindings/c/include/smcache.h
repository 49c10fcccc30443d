/* smcache.h: the C ABI of libsmcache: compile source maps to cache files, open caches, look up.
 *
 * Plain C99 (also valid C++). Every function is exported from libsmcache.so with C linkage and
 * catches every C++ exception internally: none ever crosses this interface.
 *
 * Conventions (the same for every function below):
 * - Lines and columns are 0-based everywhere. Columns count UTF-16 code units, as JavaScript
 *   engines and source maps do.
 * - Errors: the last argument is `smcache_error *err`, owned by the caller (on the stack, say).
 *   It is written only when the function fails; it may be NULL to drop the details. No hidden
 *   state, no thread-local "last error", no allocation for the message.
 * - Return values: functions that act return 0 on success and -1 on failure; functions that
 *   answer a question return 1 (answer in *out), 0 (no answer) or -1 (failure, see *err);
 *   functions that create a handle return it, or NULL on failure.
 * - Strings handed out (smcache_token.source, .name, smcache_source.name, ...) are NOT
 *   NUL-terminated: each comes with its length in bytes (`<field>_len`). They point into the
 *   cache's bytes (zero-copy) and stay valid until smcache_cache_close() on that cache. Paths and
 *   other strings passed in are NUL-terminated.
 * - Threads: an smcache_cache is immutable after open; any number of threads may call the
 *   const-taking functions on one cache at once, without locking. smcache_cache_close() must not
 *   run concurrently with any other call on the same cache (the caller orders them).
 * - fork(): the mapping is inherited read-only and stays valid in the child; the child may use
 *   and close the cache independently of the parent.
 */
#ifndef SMCACHE_H
#define SMCACHE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Marks the exported functions: the library is built with hidden visibility by default, so only
 * these are in its dynamic symbol table. */
#if defined(__GNUC__)
#define SMCACHE_API __attribute__((visibility("default")))
#else
#define SMCACHE_API
#endif

/* The ABI version this header describes. Bumped on any incompatible change to a signature or a
 * struct below; compare with smcache_abi_version() at run time. */
#define SMCACHE_ABI_VERSION 1

/* "No index" in uint32_t index fields (smcache_token.source_index). */
#define SMCACHE_NONE 0xFFFFFFFFu

/* Error codes: the same numbers as smcache::Errc in C++ and smcache.Error.code in Python.
 * Grouped by what the caller does next. Values are pinned. */
enum smcache_errc {
  SMCACHE_OK = 0,
  /* fix the source map (1xx) */
  SMCACHE_E_INVALID_JSON = 100,      /* not well-formed JSON */
  SMCACHE_E_INVALID_FIELD = 101,     /* a field has the wrong type or value */
  SMCACHE_E_INVALID_MAPPINGS = 102,  /* the mappings string is malformed */
  SMCACHE_E_INVALID_INDEX_MAP = 103, /* an index map's sections break the rules */
  SMCACHE_E_LIMIT_EXCEEDED = 104,    /* a configured resource limit was exceeded */
  /* recompile the cache (2xx) */
  SMCACHE_E_NOT_A_CACHE = 200,       /* not a cache file at all (bad magic) */
  SMCACHE_E_TRUNCATED = 201,         /* the file ends before a structure it declares */
  SMCACHE_E_CORRUPT = 202,           /* a structural invariant does not hold */
  SMCACHE_E_CHECKSUM_MISMATCH = 203, /* a checksum does not match the bytes */
  /* upgrade smcache (3xx) */
  SMCACHE_E_UNSUPPORTED_VERSION = 300, /* a format major version this library does not read */
  SMCACHE_E_UNSUPPORTED_FEATURE = 301, /* a required feature this library lacks */
  /* the file system (4xx) */
  SMCACHE_E_IO = 400, /* reading, mapping or writing a file failed; see os_errno */
  /* the caller (5xx) and bugs (9xx) */
  SMCACHE_E_INVALID_ARGUMENT = 500, /* NULL where a pointer is required, index out of range, ... */
  SMCACHE_E_INTERNAL = 900          /* a bug in smcache, or out of memory */
};

/* Which mapping answers a lookup. */
enum smcache_bias {
  /* The last mapping with the greatest generated column <= the query column, on the query's
   * line only (Mozilla source-map's default). */
  SMCACHE_BIAS_GREATEST_LOWER_BOUND = 0,
  /* The last mapping with the smallest generated column >= the query column, same line only. */
  SMCACHE_BIAS_LEAST_UPPER_BOUND = 1
};

/* Details of a failure. Owned by the caller; filled only when a function fails. */
typedef struct smcache_error {
  int32_t code;         /* an SMCACHE_E_* value (SMCACHE_OK is never written) */
  int32_t os_errno;     /* errno for SMCACHE_E_IO, else 0 */
  uint64_t byte_offset; /* where in the input, when known; UINT64_MAX when unknown */
  uint32_t line;        /* generated line in `mappings`, 0-based; UINT32_MAX when unknown */
  uint32_t segment;     /* segment within that line, 0-based; UINT32_MAX when unknown */
  char message[512];    /* NUL-terminated, lower case, truncated if longer */
} smcache_error;

/* Options for smcache_compile() and smcache_compile_file(). Initialize with
 * smcache_compile_options_init() and then change fields; a NULL options pointer means defaults. */
#define SMCACHE_COMPILE_OPTIONS_VERSION 1
typedef struct smcache_compile_options {
  uint32_t version;                /* SMCACHE_COMPILE_OPTIONS_VERSION */
  uint32_t block_token_count;      /* tokens per block, power of two 1..4096 (default 64) */
  uint64_t max_input_bytes;        /* larger inputs fail with LIMIT_EXCEEDED (default 2 GiB) */
  uint64_t max_tokens;             /* segments across all lines (default 500000000) */
  int32_t include_sources_content; /* nonzero: copy sourcesContent into the cache (default 1) */
  uint32_t reserved;               /* zero */
} smcache_compile_options;

/* One mapping, as lookups and iteration return it. */
typedef struct smcache_token {
  uint32_t generated_line;   /* 0-based */
  uint32_t generated_column; /* 0-based, UTF-16 code units */
  uint32_t source_index;     /* index into the cache's sources; SMCACHE_NONE without source */
  uint32_t line;             /* original line, 0-based; 0 without source */
  uint32_t column;           /* original column, 0-based, UTF-16 code units; 0 without source */
  uint8_t has_name;          /* 1 when the mapping has a name (name, name_len valid) */
  uint8_t ignored;           /* 1 when the source is in the map's ignoreList */
  uint8_t reserved[2];       /* zero */
  const char* source;        /* source name, source_len bytes; "" without source or name */
  size_t source_len;
  const char* name; /* mapping name, name_len bytes; NULL when has_name is 0 */
  size_t name_len;
} smcache_token;

/* One entry of the map's `sources`. */
typedef struct smcache_source {
  uint32_t index;      /* 0-based position in `sources` */
  uint32_t line_count; /* lines of content (0 without content) */
  uint8_t has_name;    /* 0 for a null entry in `sources` (name is then NULL) */
  uint8_t has_content; /* 1 when sourcesContent had a string (content valid, maybe empty) */
  uint8_t ignored;     /* 1 when in the map's ignoreList */
  uint8_t reserved[5]; /* zero */
  const char* name;    /* sourceRoot-joined name, name_len bytes; NULL when has_name is 0 */
  size_t name_len;
  const char* content; /* sourcesContent, content_len bytes; NULL when has_content is 0 */
  size_t content_len;
} smcache_source;

/* Header-level facts about a cache. */
typedef struct smcache_info {
  uint16_t format_major;
  uint16_t format_minor;
  uint32_t semantics_version; /* converter semantics the cache was written with */
  uint64_t file_size;         /* bytes of the cache */
  uint32_t generated_line_count;
  uint32_t token_count;
  uint32_t source_count;
  uint32_t string_count;
  uint32_t name_count; /* length of the input map's `names` */
  uint32_t block_token_count;
  uint64_t input_hash_low;  /* XXH3_128 of the input map bytes, low 64 bits */
  uint64_t input_hash_high; /* and high 64 bits */
  const char* file;         /* the map's `file`, file_len bytes; NULL when absent */
  size_t file_len;
  const char* debug_id; /* the map's `debugId`, debug_id_len bytes; NULL when absent */
  size_t debug_id_len;
} smcache_info;

/* An open cache file or buffer. Opaque. */
typedef struct smcache_cache smcache_cache;

/* ---- versions -------------------------------------------------------------------------- */

/* SMCACHE_ABI_VERSION of the library actually loaded. Thread-safe, never fails. */
SMCACHE_API uint32_t smcache_abi_version(void);

/* The cache format version this library reads and writes: (major << 16) | minor. Thread-safe,
 * never fails. */
SMCACHE_API uint32_t smcache_format_version(void);

/* The library's release version, e.g. "0.1.0". Static storage; never NULL. */
SMCACHE_API const char* smcache_library_version(void);

/* Short lower-case name of an error code ("invalid_json"); "unknown" for other values. Static
 * storage; never NULL. */
SMCACHE_API const char* smcache_error_code_name(int32_t code);

/* ---- compile --------------------------------------------------------------------------- */

/* Fills *options with the defaults (and the version field). options must not be NULL. */
SMCACHE_API void smcache_compile_options_init(smcache_compile_options* options);

/* Compiles one JSON source map (regular or index map, ECMA-426) of map_len bytes into cache
 * bytes. On success returns 0 and sets *out_bytes to a malloc'd buffer of *out_len bytes that the
 * caller frees with smcache_bytes_free(). options may be NULL (defaults). Errors:
 * INVALID_JSON, INVALID_FIELD, INVALID_MAPPINGS, INVALID_INDEX_MAP, LIMIT_EXCEEDED (with the
 * field and the position in the message and in byte_offset/line/segment), INVALID_ARGUMENT.
 * Deterministic. Reentrant: any number of threads may compile at once. */
SMCACHE_API int32_t smcache_compile(const uint8_t* map_bytes, size_t map_len,
                                    const smcache_compile_options* options, uint8_t** out_bytes,
                                    size_t* out_len, smcache_error* err);

/* Frees a buffer returned by smcache_compile(). NULL is a no-op. */
SMCACHE_API void smcache_bytes_free(uint8_t* bytes);

/* Reads the source map at map_path, compiles it and writes cache_path atomically (temporary
 * file beside it, fsync, rename): cache_path never holds a partial file. Returns 0 or -1.
 * Errors: those of smcache_compile(), plus IO (with the path and os_errno). Reentrant. */
SMCACHE_API int32_t smcache_compile_file(const char* map_path, const char* cache_path,
                                         const smcache_compile_options* options,
                                         smcache_error* err);

/* ---- open and close -------------------------------------------------------------------- */

/* Maps the cache file at path read-only and checks its header and directory (O(sections), no
 * section page touched). Returns a handle to close with smcache_cache_close(), or NULL: IO (with
 * os_errno), NOT_A_CACHE, TRUNCATED, CORRUPT, UNSUPPORTED_VERSION, UNSUPPORTED_FEATURE,
 * INVALID_ARGUMENT. The file must not be truncated or rewritten in place while it is open
 * (SIGBUS); replace cache files by rename. */
SMCACHE_API smcache_cache* smcache_cache_open_path(const char* path, smcache_error* err);

/* Same checks over len caller-owned bytes, which must stay alive and unchanged until
 * smcache_cache_close() (no copy is made). Any alignment. Returns a handle or NULL, as above
 * minus IO. */
SMCACHE_API smcache_cache* smcache_cache_open_bytes(const uint8_t* bytes, size_t len,
                                                    smcache_error* err);

/* Unmaps and frees the cache. Every string handed out from it becomes invalid. NULL is a
 * no-op. Must not run concurrently with another call on the same cache. */
SMCACHE_API void smcache_cache_close(smcache_cache* cache);

/* ---- lookups --------------------------------------------------------------------------- */

/* The mapping that covers generated (line, column) per bias (an smcache_bias value). Returns 1
 * and fills *out when one does; 0 when none does (no mapping on that line on the bias's side,
 * or the answering segment has no source); -1 on INVALID_ARGUMENT (NULL cache or out, unknown
 * bias). O(log n), no allocation. Thread-safe. */
SMCACHE_API int32_t smcache_cache_lookup(const smcache_cache* cache, uint32_t line, uint32_t column,
                                         int32_t bias, smcache_token* out, smcache_error* err);

/* count lookups in one call (a whole stack trace): for each i < count, looks up (lines[i],
 * columns[i]) as smcache_cache_lookup() does, sets out_found[i] to 1 and fills out_tokens[i]
 * when found, else sets out_found[i] to 0 (out_tokens[i] is then zeroed). Returns the number
 * found (0..count), or -1 on INVALID_ARGUMENT (NULL arrays with count > 0, unknown bias).
 * O(count log n), no allocation. Thread-safe. */
SMCACHE_API int64_t smcache_cache_lookup_many(const smcache_cache* cache, const uint32_t* lines,
                                              const uint32_t* columns, size_t count, int32_t bias,
                                              smcache_token* out_tokens, uint8_t* out_found,
                                              smcache_error* err);

/* ECMA-426 GetOriginalPositions: the mappings at the greatest generated position <= (line,
 * column), searching back across earlier lines. Sets [*out_first, *out_last) to their token
 * index range (read them with smcache_cache_token_get()) and returns how many there are (0 when
 * there is no such position; the range is then empty), or -1 on INVALID_ARGUMENT. O(log n).
 * Thread-safe. */
SMCACHE_API int64_t smcache_cache_original_positions(const smcache_cache* cache, uint32_t line,
                                                     uint32_t column, uint32_t* out_first,
                                                     uint32_t* out_last, smcache_error* err);

/* ---- iteration ------------------------------------------------------------------------- */

/* Number of tokens (segments of `mappings`, 1-field segments included). 0 for a NULL cache. */
SMCACHE_API uint32_t smcache_cache_token_count(const smcache_cache* cache);

/* Token index (0-based, generated order: line, then column). Returns 1 and fills *out; 0 when
 * the token's bytes are unreadable (a corrupt cache: run smcache_cache_verify()); -1 on
 * INVALID_ARGUMENT (index >= token count, NULL cache or out). O(1). Thread-safe. */
SMCACHE_API int32_t smcache_cache_token_get(const smcache_cache* cache, uint32_t index,
                                            smcache_token* out, smcache_error* err);

/* ---- sources --------------------------------------------------------------------------- */

/* Number of entries in the map's `sources`. 0 for a NULL cache. */
SMCACHE_API uint32_t smcache_cache_source_count(const smcache_cache* cache);

/* Source index. Returns 1 and fills *out; 0 when the record is unreadable (a corrupt cache);
 * -1 on INVALID_ARGUMENT (index >= source count, NULL cache or out). O(1). Thread-safe. */
SMCACHE_API int32_t smcache_cache_source_get(const smcache_cache* cache, uint32_t index,
                                             smcache_source* out, smcache_error* err);

/* Line `line` (0-based) of source source_index's content, without its terminator (lines split
 * at \n, \r\n, \r, U+2028, U+2029). Returns 1 and sets *out_line and *out_len (pointing into the
 * mapping); 0 when the source has no content or the line is past its end; -1 on
 * INVALID_ARGUMENT (source_index >= source count, NULL pointers). O(1). Thread-safe. */
SMCACHE_API int32_t smcache_cache_source_line(const smcache_cache* cache, uint32_t source_index,
                                              uint32_t line, const char** out_line, size_t* out_len,
                                              smcache_error* err);

/* ---- info and verification ------------------------------------------------------------- */

/* Fills *out from the header. Returns 0, or -1 on INVALID_ARGUMENT (NULL pointers). O(1). */
SMCACHE_API int32_t smcache_cache_info(const smcache_cache* cache, smcache_info* out,
                                       smcache_error* err);

/* Checks every checksum and every cross-reference. Returns 0 when the cache is sound, -1 with
 * CHECKSUM_MISMATCH or CORRUPT (or INVALID_ARGUMENT) otherwise. O(file size); reads every page.
 * Thread-safe. */
SMCACHE_API int32_t smcache_cache_verify(const smcache_cache* cache, smcache_error* err);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SMCACHE_H */
