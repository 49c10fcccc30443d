// Decoder of the ECMA-426 `scopes` proposal (Stage 3): original scope trees and generated ranges,
// from either of its two encodings, into ScopesModel (model.hpp).
//
// Not part of the public API: parse.cpp, tests and the fuzz target include it.
//
// The two encodings (both base64 VLQ items separated by ',', each item a tag and its values):
//  - combined (the 2025 form, tc39/ecma426 proposal-scopes up to #247): one string `scopes`,
//    one original scope tree per source ('A' for none), then the generated range trees.
//    Ranges name their definition by an index into all original scopes in pre-order.
//  - split (tc39/ecma426 #266, 2026): `scopes` is an array with one string (or null) per source,
//    each a list of root scope trees, and `ranges` is a string of range trees whose definition is
//    a (source index, scope index within that source) pair.
//
// Decisions where the proposal says "optionally report an error", or leaves the result undefined:
// every such case is an error, and an error drops all scope data of the map (parse.cpp turns it
// into a warning; the rest of the map still compiles). Concretely:
//  - a string that does not parse by the grammar (an empty item, a bad VLQ, a value past 2^32-1,
//    the wrong number of values for a tag, an item where the grammar has no place for it, an end
//    without a start, a tree left open);
//  - a name, kind, variable or binding index outside `names`, an accumulated index below 0;
//  - a range definition or call site naming a source or scope that does not exist;
//  - a sub-range binding (`H`) for a variable past the range's `G` item;
//  - flag 0x8 (hidden) without 0x4 (stack frame) on a range;
//  - combined form only: more original scope trees than sources.
// Fewer trees than sources leave the rest without scopes, as the proposal says. Vendor items
// ('/') and items with unknown tags are skipped where the grammar allows them.
// Empty strings decode to nothing without error (conformance decoding/scopes/empty-scopes-field).
//
// Positions only grow through a string (line and column deltas are unsigned), so decoded trees
// are always well nested: a child lies inside its parent, siblings do not overlap, start <= end.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include <smcache/converter/model.hpp>
#include <smcache/format/error.hpp>

namespace smcache::detail {

// Combined form: `scopes` is one string. On error `out` is cleared. Errors: invalid_field with
// the field, item index (0-based) and byte offset in the message, and in Error::where
// (byte_offset = byte in the string, segment = item index).
Result<Ok> decode_scopes_combined(std::string_view scopes, std::uint32_t source_count,
                                  std::uint32_t name_count, ScopesModel& out);

// Split form: `scopes[i]` for source i (nullopt: null, no scopes; entries past source_count are
// not decoded, as ECMA-426 DecodeSourceMapSources reads only as many as there are sources), and
// `ranges` (nullopt: absent). Errors as above; messages name "scopes[i]" or "ranges".
Result<Ok> decode_scopes_split(std::span<const std::optional<std::string_view>> scopes,
                               std::optional<std::string_view> ranges, std::uint32_t source_count,
                               std::uint32_t name_count, ScopesModel& out);

}  // namespace smcache::detail
