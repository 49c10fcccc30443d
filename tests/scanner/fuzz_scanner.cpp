// Fuzz target for the JavaScript function scanner (converter/src/js_scanner.cpp): arbitrary bytes
// as a source text, scanned as JavaScript, TypeScript and TSX. It must return (no crash, no hang,
// no sanitizer report), and its result must be well formed: sorted, start < end, properly
// nested, parent = the innermost enclosing function, depth bounded, no functions for a skipped
// source. A violation aborts.
//
// Built two ways, like tests/fuzz/: with tests/fuzz/replay_main.cpp as ctest `fuzz_scanner_replay`
// (replays tests/scanner/corpus/ and the checkout example's sources), and with SMCACHE_FUZZ=ON as
// a libFuzzer binary: `fuzz_scanner tests/scanner/corpus/`.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "js_scanner.hpp"

namespace {

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_scanner: %s\n", what);
    std::abort();
  }
}

void check(const smcache::js::ScanResult& r, std::uint32_t max_depth) {
  using smcache::js::kNoParent;
  require(r.status == smcache::js::ScanStatus::ok || r.functions.empty(),
          "functions reported for a skipped source");
  std::vector<std::uint32_t> open;
  for (std::uint32_t i = 0; i < r.functions.size(); ++i) {
    const auto& f = r.functions[i];
    require(f.start < f.end, "empty range");
    require(i == 0 || !(f.start < r.functions[i - 1].start), "not sorted by start");
    while (!open.empty() && !(f.start < r.functions[open.back()].end)) open.pop_back();
    require(f.parent == (open.empty() ? kNoParent : open.back()), "wrong parent");
    require(open.empty() || !(r.functions[open.back()].end < f.end), "ends after its parent");
    open.push_back(i);
    require(open.size() <= max_depth, "nested too deep");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  smcache::js::ScanOptions options;
  for (const auto language : {smcache::js::Language::javascript, smcache::js::Language::typescript,
                              smcache::js::Language::tsx}) {
    options.language = language;
    check(smcache::js::scan_functions(text, options), options.max_depth);
  }
  // Tight limits exercise the give-up paths (too many tokens, names cut, depth cut).
  options.max_tokens = 64;
  options.max_depth = 2;
  options.max_name_bytes = 3;
  check(smcache::js::scan_functions(text, options), options.max_depth);
  return 0;
}
