// A downstream program: compiles a map and looks up a position through smcache's CMake targets.
#include <cstdio>
#include <string_view>
#include <vector>

#include <smcache/converter/compile.hpp>
#include <smcache/reader/cache.hpp>

int main() {
  constexpr std::string_view kMap =
      R"({"version":3,"sources":["a.js"],"names":["f"],"mappings":"AAAAA"})";
  const std::vector<std::uint8_t> json(kMap.begin(), kMap.end());
  auto bytes = smcache::compile(json);
  if (!bytes) return std::fprintf(stderr, "%s\n", bytes.error().message.c_str()), 1;
  auto cache = smcache::Cache::from_bytes(*bytes);
  if (!cache) return std::fprintf(stderr, "%s\n", cache.error().message.c_str()), 1;
  auto t = cache->lookup(0, 5);
  if (!t || t->source != "a.js" || t->name != "f") return std::fprintf(stderr, "wrong answer\n"), 1;
  std::puts("consumer ok");
  return 0;
}
