// Helpers for the JavaScript scanner tests: readable renderings of scan results and the
// structural invariants every result must satisfy (sorted, nested, parents right, depth bounded).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "js_scanner.hpp"

namespace smcache::js::test {

inline std::string pos(const Position& p) {
  return std::to_string(p.line) + ":" + std::to_string(p.column);
}

inline std::string display(const Function& f) {
  return f.name ? *f.name : std::string("<anonymous>");
}

// "name@l:c-l:c" per function, in result order (0-based lines and columns, end exclusive).
inline std::vector<std::string> describe(const ScanResult& r) {
  std::vector<std::string> out;
  for (const Function& f : r.functions)
    out.push_back(display(f) + "@" + pos(f.start) + "-" + pos(f.end));
  return out;
}

inline std::vector<std::string> names(const ScanResult& r) {
  std::vector<std::string> out;
  for (const Function& f : r.functions) out.push_back(display(f));
  return out;
}

// The innermost function containing p, by brute force ("" if none).
inline std::string innermost(const ScanResult& r, Position p) {
  const Function* best = nullptr;
  for (const Function& f : r.functions) {
    if (f.start <= p && p < f.end && (best == nullptr || best->start <= f.start)) best = &f;
  }
  return best ? display(*best) : std::string();
}

// Every result, whatever the input: sorted by start (outer first), start < end, properly nested,
// parent = the innermost enclosing function, depth <= max_depth.
inline ::testing::AssertionResult well_formed(const ScanResult& r,
                                              std::uint32_t max_depth = kDefaultMaxDepth) {
  std::vector<std::uint32_t> open;
  for (std::uint32_t i = 0; i < r.functions.size(); ++i) {
    const Function& f = r.functions[i];
    if (!(f.start < f.end)) return ::testing::AssertionFailure() << i << ": empty range";
    if (i > 0 && f.start < r.functions[i - 1].start) {
      return ::testing::AssertionFailure() << i << ": not sorted";
    }
    while (!open.empty() && !(f.start < r.functions[open.back()].end)) open.pop_back();
    const std::uint32_t expected = open.empty() ? kNoParent : open.back();
    if (f.parent != expected) {
      return ::testing::AssertionFailure()
             << i << ": parent " << f.parent << ", expected " << expected;
    }
    if (!open.empty() && r.functions[open.back()].end < f.end) {
      return ::testing::AssertionFailure() << i << ": ends after its parent";
    }
    open.push_back(i);
    if (open.size() > max_depth) return ::testing::AssertionFailure() << i << ": too deep";
  }
  if (r.status != ScanStatus::ok && !r.functions.empty()) {
    return ::testing::AssertionFailure() << "functions reported for a skipped source";
  }
  return ::testing::AssertionSuccess();
}

inline ScanResult scan_ok(std::string_view text) {
  ScanResult r = scan_functions(text);
  EXPECT_EQ(r.status, ScanStatus::ok) << r.reason << "\n" << text;
  EXPECT_TRUE(well_formed(r)) << text;
  return r;
}

}  // namespace smcache::js::test
