/* smcache.h: the C ABI of libsmcache: compile source maps to cache files, open caches, look up,
 * and symbolicate JavaScript stack traces through a cache or a directory written by `smcache warm`.
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
 *   NUL-terminated: each comes with its length in bytes (`<field>_len`). Those of lookups point
 *   into the cache's bytes (zero-copy) and stay valid until smcache_cache_close() on that cache;
 *   those of a trace or a symbolication result point into that object, valid until it is freed.
 *   Paths passed in are NUL-terminated; trace text, URLs and debug ids come with a length.
 * - Results with several parts (a parsed trace, a symbolication) are opaque objects that own all
 *   their strings and arrays and are freed by one call (smcache_trace_free(),
 *   smcache_symbolication_free()). Byte buffers (compiled caches, renderings) are malloc'd and
 *   freed with smcache_bytes_free().
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
 * struct below; compare with smcache_abi_version() at run time. Added functions do not bump it
 * (a caller that needs one checks for the symbol, as the Python package does at import). */
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
  uint32_t flags;                  /* SMCACHE_COMPILE_* bits; 0 by default; other bits zero */
} smcache_compile_options;

/* smcache_compile_options.flags: leave out the original-function table (SPEC.md §6.10) that
 * names symbolicated frames; the cache is smaller and compiles faster. */
#define SMCACHE_COMPILE_NO_FUNCTION_TABLE 0x1u
/* smcache_compile_options.flags: smcache_compile_js() leaves out the generated-function table
 * (SPEC.md §6.12: the functions of the JavaScript file, named through the map). */
#define SMCACHE_COMPILE_NO_GENERATED_FUNCTION_TABLE 0x2u

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
  uint64_t input_hash_low;  /* XXH3_128 of the input map (+ generated file) bytes, low 64 bits */
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

/* ---- compile a generated JavaScript file ------------------------------------------------ */

/* What the trailing comments of a JavaScript file say. Both strings point into the js bytes given
 * to smcache_js_scan() (valid while they are). */
typedef struct smcache_js_annotations {
  uint8_t has_source_mapping_url; /* 1: source_mapping_url valid */
  uint8_t has_debug_id;           /* 1: debug_id valid */
  uint8_t reserved[6];            /* zero */
  const char* source_mapping_url; /* the last `//# sourceMappingURL=` of the file's end, as
                                     written (a relative path, a data: URL, ...) */
  size_t source_mapping_url_len;
  const char* debug_id; /* the `//# debugId=` comment's UUID, as written */
  size_t debug_id_len;
} smcache_js_annotations;

/* Reads the `//# sourceMappingURL=` and `//# debugId=` comments at the end of js (js_len bytes;
 * ECMA-426's rules: only comments and blanks may follow the annotation). Fills *out and returns
 * 0, or -1 on INVALID_ARGUMENT (NULL out, NULL js with js_len > 0). No allocation; reentrant. An
 * upload handler uses it to fetch a map named by a relative URL from its own storage, then calls
 * smcache_compile_js() with the map bytes. */
SMCACHE_API int32_t smcache_js_scan(const uint8_t* js, size_t js_len, smcache_js_annotations* out,
                                    smcache_error* err);

/* Compiles the source map of a generated (minified) JavaScript file into cache bytes, as
 * `smcache compile app.min.js` does, without temporary files:
 * - map_bytes != NULL: that map (map_len bytes) is compiled; js contributes only its
 *   `//# debugId=` comment (no sourceMappingURL needed).
 * - map_bytes == NULL: the map is found from js's `//# sourceMappingURL=` comment: an inline
 *   `data:application/json[;charset=utf-8];base64,` (or percent-encoded) URL is decoded in
 *   memory; any other URL is a file path resolved against the directory of js_path (NUL-
 *   terminated; js's own path, which need not exist) and read. With js_path NULL only inline
 *   maps are accepted (INVALID_ARGUMENT otherwise: nothing is read relative to the current
 *   directory). root (NUL-terminated, may be NULL) confines file references: the map must lie
 *   inside it, symbolic links resolved, and `/path` URLs are relative to it. Absolute URLs
 *   (https:, //host/) are never fetched (INVALID_ARGUMENT).
 * Debug ID: when the map has no valid debugId, the JS file's `//# debugId=` becomes the cache's;
 * when both exist they must be the same UUID (INVALID_FIELD "debugId: ..." otherwise). The
 * cache's input hash is the map's, and js's too with the generated-function table (SPEC.md
 * §4.9). js is the generated code: its functions, named through the
 * map, make the generated-function table (unless SMCACHE_COMPILE_NO_GENERATED_FUNCTION_TABLE).
 * options as smcache_compile() (max_input_bytes also bounds the
 * map read or decoded). On success returns 0 and sets *out_bytes (malloc'd, free with
 * smcache_bytes_free()) and *out_len. Errors: those of smcache_compile(), INVALID_ARGUMENT (no
 * sourceMappingURL, a bad data: URL, a refused path), LIMIT_EXCEEDED, IO (reading the map, with
 * its path and os_errno). Reentrant. */
SMCACHE_API int32_t smcache_compile_js(const uint8_t* js, size_t js_len, const uint8_t* map_bytes,
                                       size_t map_len, const char* js_path, const char* root,
                                       const smcache_compile_options* options, uint8_t** out_bytes,
                                       size_t* out_len, smcache_error* err);

/* ---- cache directories (written by `smcache warm --out DIR`) ---------------------------- */

/* An open warm directory: index lookups by debugId and URL, and a memo of the caches opened
 * through it (each file is mapped once and shared). Opaque. Any number of threads may call
 * smcache_cache_dir_find() and smcache_trace_symbolicate_dir() on one directory at once;
 * smcache_cache_dir_close() must not run concurrently with them. */
typedef struct smcache_cache_dir smcache_cache_dir;

/* Opens the directory at path (NUL-terminated). Checks only that it is a directory; index files
 * are read on every query, so a concurrent `warm` is seen. Returns a handle to close with
 * smcache_cache_dir_close(), or NULL: IO (with os_errno, e.g. ENOENT, ENOTDIR),
 * INVALID_ARGUMENT. */
SMCACHE_API smcache_cache_dir* smcache_cache_dir_open(const char* path, smcache_error* err);

/* The cache of a script: by debug_id first (debug_id_len bytes, any case, 8-4-4-4-12 or 32 hex
 * digits; ignored when not a UUID or debug_id_len is 0), then by the URL or path (url_len bytes,
 * as a stack trace prints it: scheme and host, query and fragment dropped, then the longest
 * whole-segment suffix that DIR indexes wins). url and debug_id are NOT NUL-terminated (either may
 * be NULL when its length is 0). Returns 1 and sets *out_cache to a new handle that the caller
 * closes with smcache_cache_close() (it shares the directory's mapping of the file and stays
 * valid after smcache_cache_dir_close()); 0 when nothing matches (*out_cache NULL); -1 on error:
 * IO reading an index file, CORRUPT (an index entry pointing outside DIR), the errors of
 * smcache_cache_open_path() for the cache file (with its path), INVALID_ARGUMENT. Thread-safe. */
SMCACHE_API int32_t smcache_cache_dir_find(const smcache_cache_dir* dir, const char* url,
                                           size_t url_len, const char* debug_id,
                                           size_t debug_id_len, smcache_cache** out_cache,
                                           smcache_error* err);

/* Closes the directory and drops its memo (caches handed out by smcache_cache_dir_find() stay
 * valid until they are closed). NULL is a no-op. */
SMCACHE_API void smcache_cache_dir_close(smcache_cache_dir* dir);

/* ---- stack traces ---------------------------------------------------------------------- */

/* How a frame line was written. */
enum smcache_frame_style {
  SMCACHE_FRAME_V8 = 0,    /* "    at fn (url:line:col)": Chrome, Node, Edge, Deno */
  SMCACHE_FRAME_GECKO = 1, /* "fn@url:line:col": Firefox, Safari */
  SMCACHE_FRAME_BARE = 2   /* "url:line:col" alone, "[native code]", "eval code" (Safari) */
};

/* One line of a stack trace as printed: a frame taken apart, or text (the message, "... 6 lines
 * matching cause stack trace ...") kept as it is. Strings are not NUL-terminated; they point
 * into the smcache_trace or smcache_symbolication that handed the struct out. Empty strings are
 * "" (never NULL). */
typedef struct smcache_trace_line {
  const char* raw; /* the whole line without its terminator */
  size_t raw_len;
  uint8_t is_frame;       /* 1: a stack frame; 0: text (every field below is zero or "") */
  uint8_t style;          /* an smcache_frame_style value */
  uint8_t has_line;       /* 1: line is valid */
  uint8_t has_column;     /* 1: column is valid */
  uint8_t is_async;       /* "at async fn" (V8), "async*fn@" (Firefox) */
  uint8_t is_constructor; /* "at new Foo" (V8) */
  uint8_t is_native;      /* native or builtin code: no script position */
  uint8_t is_eval;        /* eval code: the position is the eval call's in url */
  uint32_t line;          /* 0-based: the printed (1-based) line minus 1 */
  uint32_t column;        /* 0-based, UTF-16 code units: the printed column minus 1 */
  const char* function;   /* as printed, without "async "/"new " and " [as alias]"; "" anonymous */
  size_t function_len;
  const char* alias; /* V8's "[as alias]" */
  size_t alias_len;
  const char* async_cause; /* Firefox's "cause*" prefix: "async", "promise callback", ... */
  size_t async_cause_len;
  const char* url; /* the script's URL or path as printed (query and fragment kept) */
  size_t url_len;
} smcache_trace_line;

/* A parsed stack trace. Opaque; immutable (any number of threads may read it). */
typedef struct smcache_trace smcache_trace;

/* Parses text (len bytes, not NUL-terminated; UTF-8) into lines (split at \n; a \r before it
 * dropped), each a frame as V8, SpiderMonkey or JavaScriptCore print them, or text. The text is
 * copied: the caller may free it on return. Never fails on content (a text with no frame gives
 * only text lines); returns NULL on INVALID_ARGUMENT (NULL text with len > 0) or INTERNAL (out of
 * memory). Free with smcache_trace_free(). */
SMCACHE_API smcache_trace* smcache_trace_parse(const char* text, size_t len, smcache_error* err);

/* Sets *out_lines to the trace's lines (an array owned by the trace, valid until
 * smcache_trace_free()) and returns their number, or -1 on INVALID_ARGUMENT (NULL pointers). */
SMCACHE_API int64_t smcache_trace_lines(const smcache_trace* trace,
                                        const smcache_trace_line** out_lines, smcache_error* err);

/* Frees the trace. NULL is a no-op. Results of smcache_trace_symbolicate*() stay valid. */
SMCACHE_API void smcache_trace_free(smcache_trace* trace);

/* ---- symbolication --------------------------------------------------------------------- */

/* Which rule named a frame's function (see `smcache symbolicate --help`). */
enum smcache_function_rule {
  SMCACHE_FUNCTION_NONE = 0,                        /* no name known (anonymous) */
  SMCACHE_FUNCTION_CALLER_CALL_SITE = 1,            /* the mapping at the caller's position */
  SMCACHE_FUNCTION_CALLER_CALL_SITE_NEXT_TOKEN = 2, /* caller at `new`/`await`: the next one */
  SMCACHE_FUNCTION_MINIFIED = 3,                    /* the trace's own (generated, minified) name */
  SMCACHE_FUNCTION_AS_PRINTED = 4,                  /* an unresolved frame: its name as printed */
  SMCACHE_FUNCTION_ORIGINAL_FUNCTION = 5, /* the innermost original function (function table) */
  SMCACHE_FUNCTION_SCOPES = 6,            /* the map's `scopes`: the innermost range's function */
  SMCACHE_FUNCTION_GENERATED_FUNCTION = 7 /* the innermost generated function, named through the
                                             map (generated-function table) */
};

/* Why a frame was not mapped. */
enum smcache_unresolved_reason {
  SMCACHE_UNRESOLVED_NONE = 0,        /* resolved (or a text line) */
  SMCACHE_UNRESOLVED_NATIVE = 1,      /* native or builtin code */
  SMCACHE_UNRESOLVED_NO_POSITION = 2, /* no script position printed */
  SMCACHE_UNRESOLVED_NO_COLUMN = 3,   /* a line but no column */
  SMCACHE_UNRESOLVED_NO_CACHE = 4,    /* no cache for the frame's script */
  SMCACHE_UNRESOLVED_CACHE_ERROR = 5, /* a cache was found but not opened (see the detail) */
  SMCACHE_UNRESOLVED_NO_MAPPING = 6   /* the cache has no mapping at that position */
};

/* "scopes", "original-function", "generated-function", "caller-call-site",
 * "caller-call-site-next-token", "minified", "as-printed", "none" (the names `smcache symbolicate
 * --json` prints); "unknown" for other values. Static storage. Frames are named by the first rule
 * that applies, in the order scopes, original-function, generated-function, caller-call-site,
 * caller-call-site-next-token, minified. */
SMCACHE_API const char* smcache_function_rule_name(int32_t rule);

/* "native", "no-position", "no-column", "no-cache", "cache-error", "no-mapping", "none" (JSON
 * names); "unknown" for other values. Static storage. */
SMCACHE_API const char* smcache_unresolved_reason_name(int32_t reason);

/* One line of a string array. */
typedef struct smcache_text {
  const char* data;
  size_t len;
} smcache_text;

/* One line of a trace, symbolicated. Every string and array is owned by the smcache_symbolication
 * it came from (copied out of the trace and the caches: neither needs to outlive the result). */
typedef struct smcache_symbolicated_frame {
  smcache_trace_line generated; /* the line as printed; for a text line only raw is set */
  uint8_t resolved;             /* 1: source, line and column are the original position */
  uint8_t unresolved_reason;    /* an smcache_unresolved_reason value (0 when resolved) */
  uint8_t function_rule;        /* an smcache_function_rule value */
  uint8_t reserved;             /* zero */
  uint32_t source_index;        /* index into the cache's sources; SMCACHE_NONE unresolved */
  uint32_t line;                /* original line, 0-based (0 unresolved) */
  uint32_t column;              /* original column, 0-based, UTF-16 code units */
  const char* source;           /* the source's name; "" unresolved or for a null name */
  size_t source_len;
  const char* function; /* the function the frame is in (see function_rule); "" none */
  size_t function_len;
  const char* display_function; /* as people read it: "new Invoice", "async run" */
  size_t display_function_len;
  const char* unresolved_detail; /* CACHE_ERROR: why the cache could not be opened; else "" */
  size_t unresolved_detail_len;
  uint32_t context_first_line; /* 0-based line of context[0] */
  uint32_t context_count;      /* lines of source context (0: none or not asked for) */
  const smcache_text* context; /* context_count lines; the frame's own line is
                                  context[line - context_first_line]; NULL when none */
} smcache_symbolicated_frame;

/* The result of a symbolication. Opaque; immutable. */
typedef struct smcache_symbolication smcache_symbolication;

/* Symbolicates a parsed trace. The three variants differ only in where each frame's cache comes
 * from; the caller's frame (the next line) names each frame's function, context_lines lines of
 * sourcesContent around each resolved frame are copied when context_lines >= 0 (-1: no context;
 * 0: the frame's line alone), and frames that cannot be mapped are kept and marked. Returns a
 * result to free with smcache_symbolication_free() (it owns copies of every string: the trace
 * and the caches may be freed or closed right after), or NULL on INVALID_ARGUMENT or INTERNAL.
 * Thread-safe on shared caches and directories. */

/* caches[i] is the cache of line i of the trace (cache_count must equal the line count), or
 * NULL for none: frames without one are unresolved with NO_CACHE. Only frames with a script
 * position are looked up. A frame is named from its caller only when both use the same cache:
 * the same handle, or handles that smcache_cache_dir_find() returned for the same file. */
SMCACHE_API smcache_symbolication* smcache_trace_symbolicate(const smcache_trace* trace,
                                                             const smcache_cache* const* caches,
                                                             size_t cache_count,
                                                             int32_t context_lines,
                                                             smcache_error* err);

/* One cache for every frame whose URL names a file, as `smcache symbolicate --cache`: frames of
 * node:internal/..., <anonymous>, data: and other non-files get NO_CACHE. */
SMCACHE_API smcache_symbolication* smcache_trace_symbolicate_cache(const smcache_trace* trace,
                                                                   const smcache_cache* cache,
                                                                   int32_t context_lines,
                                                                   smcache_error* err);

/* Each frame's cache found in a warm directory by its URL, as `smcache symbolicate --cache-dir`:
 * a script DIR does not index gets NO_CACHE; a cache file DIR names but that cannot be opened
 * (missing, corrupt) gets CACHE_ERROR with the error in unresolved_detail (this function still
 * succeeds). */
SMCACHE_API smcache_symbolication* smcache_trace_symbolicate_dir(const smcache_trace* trace,
                                                                 const smcache_cache_dir* dir,
                                                                 int32_t context_lines,
                                                                 smcache_error* err);

/* Sets *out_frames to the result's lines, one per trace line in order (an array owned by the
 * result), and returns their number, or -1 on INVALID_ARGUMENT (NULL pointers). */
SMCACHE_API int64_t smcache_symbolication_frames(const smcache_symbolication* result,
                                                 const smcache_symbolicated_frame** out_frames,
                                                 smcache_error* err);

/* A frame that a minifier's inlining removed from the engine's trace, given back by the map's
 * `scopes` (whichever rule named the frame itself; none when the `scopes` rule is turned off):
 * the inlined call, at its original position, in the function named. Strings as in
 * smcache_symbolicated_frame. */
typedef struct smcache_inlined_frame {
  uint32_t source_index; /* the call site's source, index into the cache's sources */
  uint32_t line;         /* the call site's original line, 0-based */
  uint32_t column;       /* its original column, 0-based, UTF-16 code units */
  uint8_t function_rule; /* SMCACHE_FUNCTION_SCOPES, or SMCACHE_FUNCTION_NONE (top-level code) */
  uint8_t inlined;       /* 1: this caller was inlined too; 0: the last, the function that ran */
  uint8_t reserved[2];   /* zero */
  const char* source;    /* the call site's source name; "" for a null name */
  size_t source_len;
  const char* function; /* the function the call is in; "" top-level code */
  size_t function_len;
  const char* display_function; /* as people read it (the last one takes "async "/"new ") */
  size_t display_function_len;
} smcache_inlined_frame;

/* Sets *out_frames to the callers that inlining removed from line `index` of the result, innermost
 * outward (an array owned by the result; NULL when none), and returns their number: 0 when the
 * frame's function was not inlined (or it is not a frame). When it is more than 0, the line's own
 * frame is the inlined function at the mapped position, and the last caller is the function the
 * engine ran (`smcache symbolicate` marks the others "[inlined]"). -1 on INVALID_ARGUMENT (NULL
 * pointers, index past the last line). */
SMCACHE_API int64_t smcache_symbolication_inlined_callers(const smcache_symbolication* result,
                                                          size_t index,
                                                          const smcache_inlined_frame** out_frames,
                                                          smcache_error* err);

/* Output formats of smcache_symbolication_render(). */
enum smcache_render_format {
  SMCACHE_RENDER_TEXT = 0, /* `smcache symbolicate` */
  SMCACHE_RENDER_JSON = 1  /* `smcache symbolicate --json` */
};

/* The result as `smcache symbolicate [--json] [--context N]` prints it, byte for byte (lines and
 * columns 1-based there; control characters escaped; always valid UTF-8). Context is printed
 * when the result was made with context_lines >= 0. Sets *out_bytes to a malloc'd buffer of
 * *out_len bytes (not NUL-terminated) to free with smcache_bytes_free(), and returns 0; -1 on
 * INVALID_ARGUMENT (NULL pointers, unknown format) or INTERNAL. Thread-safe. */
SMCACHE_API int32_t smcache_symbolication_render(const smcache_symbolication* result,
                                                 int32_t format, uint8_t** out_bytes,
                                                 size_t* out_len, smcache_error* err);

/* Frees the result and every string in it. NULL is a no-op. */
SMCACHE_API void smcache_symbolication_free(smcache_symbolication* result);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SMCACHE_H */
