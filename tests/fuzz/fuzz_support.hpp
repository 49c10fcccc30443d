// Shared helpers of the fuzz targets: a failing check that aborts (so libFuzzer and the replay
// main both report it), a deterministic query generator, and a read of every byte of a string
// the reader returns (so AddressSanitizer sees any view that points outside the cache).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

// The target's oracle failed: print what and where, then abort. Not assert(): it must also fire
// in Release builds, where the replay tests run.
#define SMCACHE_FUZZ_CHECK(cond, ...)                                                    \
  do {                                                                                   \
    if (!(cond)) [[unlikely]] {                                                          \
      std::fprintf(stderr, "%s:%d: fuzz check failed: %s: ", __FILE__, __LINE__, #cond); \
      std::fprintf(stderr, __VA_ARGS__);                                                 \
      std::fputc('\n', stderr);                                                          \
      std::abort();                                                                      \
    }                                                                                    \
  } while (0)

namespace smcache::fuzz {

// Reads every byte of `s` through instrumented code (a system library such as xxhash is not
// instrumented, so hashing the view would hide an out-of-bounds view from ASan).
inline std::uint64_t touch(std::string_view s) noexcept {
  std::uint64_t sum = 0;
  for (const char c : s) sum = sum * 31 + static_cast<unsigned char>(c);
  return sum;
}

// Keeps a value alive so the compiler cannot drop the reads that produced it.
inline void keep(std::uint64_t v) noexcept {
  static volatile std::uint64_t sink;
  sink = sink + v;
}

// splitmix64: cheap, deterministic, seeded from the input so a crash replays exactly.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) noexcept : state_(seed) {}
  std::uint64_t next() noexcept {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform enough in [0, n) for n > 0; 0 for n == 0.
  std::uint32_t below(std::uint64_t n) noexcept {
    return n == 0 ? 0 : static_cast<std::uint32_t>(next() % n);
  }

 private:
  std::uint64_t state_;
};

// FNV-1a over the input: the seed of the queries a target derives from its input.
inline std::uint64_t seed_of(const std::uint8_t* data, std::size_t size) noexcept {
  std::uint64_t h = 0xCBF29CE484222325ull;
  for (std::size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 0x100000001B3ull;
  return h;
}

}  // namespace smcache::fuzz
