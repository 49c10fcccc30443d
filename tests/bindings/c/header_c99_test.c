/* smcache.h compiles alone as strict C99 (-Wall -Wextra -pedantic -Werror): no C++ leaks, no
 * missing includes. Also linked into c_api_test, so a C translation unit calls the library. */
#include "smcache.h"

#include <string.h>

int smcache_c99_smoke(void);

/* Returns 0 when a C caller sees what the header promises: the ABI version it was compiled
 * with, and an error (not a crash) for bytes that are not a cache. Nonzero identifies the step
 * that failed. */
int smcache_c99_smoke(void) {
  smcache_error err;
  smcache_compile_options options;
  smcache_token token;
  smcache_source source;
  smcache_info info;
  smcache_cache* cache;
  static const uint8_t not_a_cache[256] = {0};
  enum smcache_bias bias = SMCACHE_BIAS_LEAST_UPPER_BOUND;

  if (smcache_abi_version() != SMCACHE_ABI_VERSION) return 1;
  smcache_compile_options_init(&options);
  if (options.version != SMCACHE_COMPILE_OPTIONS_VERSION) return 2;
  memset(&err, 0, sizeof err);
  cache = smcache_cache_open_bytes(not_a_cache, sizeof not_a_cache, &err);
  if (cache != NULL) return 3;
  if (err.code != SMCACHE_E_NOT_A_CACHE) return 4;
  if (err.message[0] == '\0') return 5;
  /* Every function tolerates a NULL cache with an error, never a crash. */
  if (smcache_cache_lookup(NULL, 0, 0, bias, &token, &err) != -1) return 6;
  if (err.code != SMCACHE_E_INVALID_ARGUMENT) return 7;
  if (smcache_cache_source_get(NULL, 0, &source, NULL) != -1) return 8;
  if (smcache_cache_info(NULL, &info, NULL) != -1) return 9;
  smcache_cache_close(NULL);
  /* A stack trace parsed from C: one text line and one frame, 0-based positions. */
  {
    static const char text[] = "Error: x\n    at f (app.js:3:7)\n";
    const smcache_trace_line* lines = NULL;
    smcache_symbolication* result;
    smcache_trace* trace = smcache_trace_parse(text, sizeof text - 1, &err);
    if (trace == NULL) return 11;
    if (smcache_trace_lines(trace, &lines, &err) != 2) return 12;
    if (lines[0].is_frame != 0 || lines[1].is_frame != 1) return 13;
    if (lines[1].line != 2 || lines[1].column != 6 || lines[1].style != SMCACHE_FRAME_V8) return 14;
    result = smcache_trace_symbolicate(trace, NULL, 1, -1, &err); /* cache_count is 2 */
    smcache_trace_free(trace);
    if (result != NULL || err.code != SMCACHE_E_INVALID_ARGUMENT) return 15;
  }
  return SMCACHE_NONE == 0xFFFFFFFFu ? 0 : 10;
}
