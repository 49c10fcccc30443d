/* Lookup latency through the C ABI (libsmcache.so) from plain C: single lookups, lookup_many in
 * batches, and open + first lookup + close. Pairs with bench/python/bench_lookup.py, which runs
 * it on the same cache and queries, so the FFI overhead shows as the difference.
 *
 * Usage: bench_c_lookup CACHE [QUERIES] [--repeats N]
 *   QUERIES: a file of little-endian uint32 (line, column) pairs (bench_lookup.py writes it);
 *   without it, 65536 random queries over the cache's generated lines and columns 0..4095.
 * Prints one "name median_ns_per_op min_ns_per_op" line per measurement, then
 * "answers <found> <checksum>" (a hash of every answer, equal to the Python side's). */
#define _POSIX_C_SOURCE 200809L
#include <smcache.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void* a, const void* b) {
  const double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

static void report(const char* name, double* samples, int n) {
  qsort(samples, (size_t)n, sizeof *samples, cmp_double);
  printf("%-28s %10.1f %10.1f\n", name, samples[n / 2], samples[0]);
}

/* FNV-1a-style fold of one answer; bench_lookup.py computes the same. */
static uint64_t fold(uint64_t h, uint64_t v) {
  return (h ^ v) * 1099511628211ull;
}

static uint64_t answer_hash(uint64_t h, int found, const smcache_token* t) {
  if (!found) return fold(h, 0xFFFFFFFFFFFFFFFFull);
  h = fold(h, (uint64_t)t->source_index + 1);
  h = fold(h, t->line);
  h = fold(h, t->column);
  return fold(h, t->has_name ? (uint64_t)t->name_len + 1 : 0);
}

int main(int argc, char** argv) {
  const char *cache_path = NULL, *queries_path = NULL;
  int repeats = 15;
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--repeats") == 0 && i + 1 < argc) {
      repeats = atoi(argv[++i]);
    } else if (!cache_path) {
      cache_path = argv[i];
    } else if (!queries_path) {
      queries_path = argv[i];
    } else {
      fprintf(stderr, "usage: bench_c_lookup CACHE [QUERIES] [--repeats N]\n");
      return 2;
    }
  }
  if (!cache_path || repeats < 1) {
    fprintf(stderr, "usage: bench_c_lookup CACHE [QUERIES] [--repeats N]\n");
    return 2;
  }
  smcache_error err;
  smcache_cache* cache = smcache_cache_open_path(cache_path, &err);
  if (!cache) {
    fprintf(stderr, "bench_c_lookup: %s\n", err.message);
    return 1;
  }
  smcache_info info;
  smcache_cache_info(cache, &info, &err);

  size_t n = 65536;
  uint32_t *lines, *columns;
  if (queries_path) {
    FILE* f = fopen(queries_path, "rb");
    if (!f) {
      perror(queries_path);
      return 1;
    }
    fseek(f, 0, SEEK_END);
    n = (size_t)ftell(f) / 8;
    fseek(f, 0, SEEK_SET);
    uint32_t* pairs = malloc(n * 8);
    lines = malloc(n * 4);
    columns = malloc(n * 4);
    if (!pairs || !lines || !columns || fread(pairs, 8, n, f) != n) {
      fprintf(stderr, "bench_c_lookup: cannot read %s\n", queries_path);
      return 1;
    }
    for (size_t i = 0; i < n; ++i) { /* little-endian file, little-endian host (x86-64) */
      lines[i] = pairs[2 * i];
      columns[i] = pairs[2 * i + 1];
    }
    free(pairs);
    fclose(f);
  } else {
    lines = malloc(n * 4);
    columns = malloc(n * 4);
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < n; ++i) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      lines[i] = info.generated_line_count ? (uint32_t)(x % info.generated_line_count) : 0;
      columns[i] = (uint32_t)((x >> 32) % 4096);
    }
  }
  smcache_token* tokens = malloc(n * sizeof *tokens);
  uint8_t* found = malloc(n);
  double* samples = malloc((size_t)repeats * sizeof *samples);

  /* The answers, and a check that lookup_many agrees with lookup. */
  uint64_t h = 14695981039346656037ull, hits = 0;
  smcache_cache_lookup_many(cache, lines, columns, n, SMCACHE_BIAS_GREATEST_LOWER_BOUND, tokens,
                            found, &err);
  for (size_t i = 0; i < n; ++i) {
    smcache_token one;
    const int32_t rc = smcache_cache_lookup(cache, lines[i], columns[i], 0, &one, &err);
    if (rc != found[i] ||
        (rc == 1 && (one.line != tokens[i].line || one.column != tokens[i].column ||
                     one.source_index != tokens[i].source_index))) {
      fprintf(stderr, "bench_c_lookup: lookup and lookup_many disagree at query %zu\n", i);
      return 1;
    }
    hits += (uint64_t)rc;
    h = answer_hash(h, rc, &one);
  }

  volatile uint64_t sink = 0;
  for (int r = 0; r < repeats; ++r) {
    smcache_token t;
    const double t0 = now_ns();
    for (size_t i = 0; i < n; ++i) {
      sink += (uint64_t)smcache_cache_lookup(cache, lines[i], columns[i], 0, &t, NULL);
    }
    samples[r] = (now_ns() - t0) / (double)n;
  }
  report("c_lookup", samples, repeats);

  const size_t batches[] = {1, 10, 1000};
  for (size_t b = 0; b < sizeof batches / sizeof *batches; ++b) {
    const size_t batch = batches[b];
    for (int r = 0; r < repeats; ++r) {
      const double t0 = now_ns();
      for (size_t i = 0; i + batch <= n; i += batch) {
        sink += (uint64_t)smcache_cache_lookup_many(cache, lines + i, columns + i, batch, 0,
                                                    tokens + i, found + i, NULL);
      }
      samples[r] = (now_ns() - t0) / (double)(n - n % batch);
    }
    char name[64];
    snprintf(name, sizeof name, "c_lookup_many_batch%zu", batch);
    report(name, samples, repeats);
  }

  /* open + first lookup + close: the mapping and header checks, warm page cache. */
  const int opens = 200;
  for (int r = 0; r < repeats; ++r) {
    const double t0 = now_ns();
    for (int k = 0; k < opens; ++k) {
      smcache_cache* c = smcache_cache_open_path(cache_path, &err);
      smcache_token t;
      sink += (uint64_t)smcache_cache_lookup(c, lines[k % n], columns[k % n], 0, &t, NULL);
      smcache_cache_close(c);
    }
    samples[r] = (now_ns() - t0) / opens;
  }
  report("c_open_lookup_close", samples, repeats);

  printf("answers %llu %llu\n", (unsigned long long)hits, (unsigned long long)h);
  smcache_cache_close(cache);
  free(lines), free(columns), free(tokens), free(found), free(samples);
  return sink == 42 ? 3 : 0; /* keep sink alive */
}
