// Checksums and hashes of SPEC.md §7: XXH3_64bits (seed 0) per section and over the header,
// XXH3_128bits over the input source map.
#pragma once

// XXH3_state_t on the stack: no allocation while checking a header.
#ifndef XXH_STATIC_LINKING_ONLY
#define XXH_STATIC_LINKING_ONLY
#endif
#include <xxhash.h>

#include <cstddef>
#include <cstdint>

#include <smcache/format/layout.hpp>

namespace smcache::format {

inline std::uint64_t checksum64(const void* data, std::size_t size) noexcept {
  return XXH3_64bits(data, size);
}

struct Hash128 {
  std::uint64_t low = 0;
  std::uint64_t high = 0;
  friend bool operator==(const Hash128&, const Hash128&) = default;
};

inline Hash128 input_hash(const void* data, std::size_t size) noexcept {
  const XXH128_hash_t h = XXH3_128bits(data, size);
  return Hash128{h.low64, h.high64};
}

// SPEC §4.9: a cache compiled with the generated file too (it has `generated_functions`) hashes
// the map's bytes, then the generated file's bytes, then the map's length as a u64 little-endian
// (so that no other split of the same bytes gives the same hash).
inline Hash128 input_hash(const void* map, std::size_t map_size, const void* generated,
                          std::size_t generated_size) noexcept {
  XXH3_state_t state;
  XXH3_128bits_reset(&state);
  XXH3_128bits_update(&state, map, map_size);
  XXH3_128bits_update(&state, generated, generated_size);
  std::uint8_t length[8];
  store_le<std::uint64_t>(length, map_size);
  XXH3_128bits_update(&state, length, sizeof length);
  const XXH128_hash_t h = XXH3_128bits_digest(&state);
  return Hash128{h.low64, h.high64};
}

// R-HDR-9: XXH3_64 of bytes [0, header_size + 32 * section_count) with the header_checksum
// field (bytes 40..47) taken as zero. `bytes` must hold that whole range.
inline std::uint64_t header_checksum(const std::uint8_t* bytes,
                                     std::size_t header_and_directory) noexcept {
  XXH3_state_t state;
  XXH3_64bits_reset(&state);
  static constexpr std::uint8_t kZero[8] = {};
  XXH3_64bits_update(&state, bytes, 40);
  XXH3_64bits_update(&state, kZero, 8);
  XXH3_64bits_update(&state, bytes + 48, header_and_directory - 48);
  return XXH3_64bits_digest(&state);
}

}  // namespace smcache::format
