// Finding the source map of a generated JavaScript file: the `sourceMappingURL` and `debugId`
// comments (ECMA-426 §11.1.2, the Debug ID proposal), inline `data:` URLs, relative paths confined
// to a source root, and compile_js(): JavaScript + map bytes in, cache bytes out, no files.
//
// A map reference is untrusted input (it comes from an uploaded or built file): absolute URLs are
// never fetched, and with a root given a reference never reads outside it.
//
// Thread safety: every function here is reentrant.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <smcache/converter/compile.hpp>
#include <smcache/format/error.hpp>

namespace smcache {

// What the trailing comments of a JavaScript file say. The views point into the scanned bytes.
struct JsAnnotations {
  // The source map URL (ECMA-426 JavaScriptExtractSourceMapURL "without parsing"): the last
  // `//# sourceMappingURL=URL` (or legacy `//@`) among the comments that end the file, after
  // which only comments and whitespace follow. Extension: single-line `/*# sourceMappingURL=URL
  // */` comments count too (CSS style, written by some bundlers). A trailing `//` comment holding
  // a quote (" ' `) or `*/`, or any code after the annotation, means "no URL", as in the spec.
  std::optional<std::string_view> source_mapping_url;
  // The Debug ID proposal's `//# debugId=UUID` comment: the last one among the last 5 non-blank
  // lines. Only the canonical UUID form (8-4-4-4-12 hex digits, either case) is accepted; a
  // comment with anything else is ignored, as parse_source_map ignores such a map `debugId`.
  std::optional<std::string_view> debug_id;
};

// Scans the end of `js`. O(length of the trailing comments), no allocation.
JsAnnotations scan_js_annotations(std::string_view js) noexcept;

// Like scan_js_annotations on the last bytes of a file only (`tail`, not starting at the file's
// first byte). nullopt when the answer needs bytes before `tail` (a comment line or one of the
// last 5 lines starts before it): read the whole file and call scan_js_annotations then.
std::optional<JsAnnotations> scan_js_annotations_tail(std::string_view tail) noexcept;

// True for a `data:` URL (case-insensitive scheme).
bool is_data_url(std::string_view url) noexcept;

// Decodes `data:application/json[;charset=utf-8][;base64],DATA`: base64 (standard or URL-safe
// alphabet, padding optional) or percent-encoded. Errors: invalid_argument for another media
// type, another charset or bad encoding (with the offset in the URL); limit_exceeded when the
// decoded map would pass `max_bytes`.
Result<std::vector<std::uint8_t>> decode_data_url(std::string_view url,
                                                  std::uint64_t max_bytes = std::uint64_t{1} << 31);

// The file a non-data sourceMappingURL names, resolved against the directory of `js_path`:
// query and fragment dropped, percent-escapes decoded, the path normalized. `/path` is relative
// to `root` (the site root) and needs one; `file:` URLs name an absolute path. When `root` is not
// empty the result must lie inside it, symbolic links resolved (weakly_canonical), else the
// reference is refused. Errors (invalid_argument, the URL in the message): empty URL, absolute
// URL with another scheme (`https:`, `//host/`), bad percent-escape, root-relative path without a
// root, path outside the root.
Result<std::filesystem::path> resolve_map_url(std::string_view url,
                                              const std::filesystem::path& js_path,
                                              const std::filesystem::path& root = {});

// How the map of a JavaScript file was found.
struct DiscoveredMap {
  std::vector<std::uint8_t> map_json;
  bool inline_map = false;         // from a data: URL in the JavaScript file
  std::filesystem::path map_path;  // the file read when !inline_map
  std::string url;                 // the sourceMappingURL, data: URLs shortened for messages
  std::optional<std::string> js_debug_id;  // the JavaScript file's `//# debugId=`, if any
};

struct DiscoverOptions {
  // Relative references must resolve inside this directory (empty: anywhere) and `/path`
  // references are relative to it. See resolve_map_url.
  std::filesystem::path root;
  // Maps larger than this are refused (limit_exceeded) before they are read or decoded.
  std::uint64_t max_map_bytes = std::uint64_t{1} << 31;
};

// Finds and reads the map of the JavaScript file `js` (the bytes of `js_path`; relative URLs
// resolve against js_path's directory, so an in-memory file can pass any path there). Errors:
// invalid_argument "no sourceMappingURL comment at the end of the file", those of
// decode_data_url and resolve_map_url, io from reading the map (with its path).
Result<DiscoveredMap> discover_map(std::span<const std::uint8_t> js,
                                   const std::filesystem::path& js_path,
                                   const DiscoverOptions& options = {});

// Compiles `map_json` as compile() does, with the Debug ID rule of generated files: when the map
// has no valid `debugId` and `js_debug_id` is a UUID, the cache's debugId is `js_debug_id`; when
// both are present they must name the same UUID (case-insensitive), else invalid_field ("debugId:
// ..."), as the pair then comes from two different builds. The input hash is cache_input_hash():
// the map's, and the generated code's too when options build the generated-function table.
Result<std::vector<std::uint8_t>> compile_with_debug_id(std::span<const std::uint8_t> map_json,
                                                        std::optional<std::string_view> js_debug_id,
                                                        const CompileOptions& options = {});

// Upload-handler entry points: bytes in, cache bytes out, no file touched. The JavaScript file
// is the generated code of CompileOptions::generated_code (unless that is already set): its
// functions go into the generated-function table.
//
// With the map given: the JavaScript file only contributes its `//# debugId=` comment (it needs
// no sourceMappingURL comment).
Result<std::vector<std::uint8_t>> compile_js(std::span<const std::uint8_t> js,
                                             std::span<const std::uint8_t> map_json,
                                             const CompileOptions& options = {});

// Returns the bytes of the map that `url` (the sourceMappingURL as written, never a data: URL)
// names: from the upload, an object store, ... An Error it returns is passed through.
using MapLoader = std::function<Result<std::vector<std::uint8_t>>(std::string_view url)>;

// With a loader: an inline data: URL is decoded in memory; any other URL goes to `load_map`
// as written (the loader decides what it may name). Errors: "no sourceMappingURL comment",
// decode_data_url's, the loader's, compile_with_debug_id's.
Result<std::vector<std::uint8_t>> compile_js(std::span<const std::uint8_t> js,
                                             const MapLoader& load_map,
                                             const CompileOptions& options = {});

// The canonical form of a Debug ID (lowercase 8-4-4-4-12 hex digits), or nullopt when `id` is
// not a UUID in that form (either case). The key of `by-debug-id/` in a warm directory.
std::optional<std::string> canonical_debug_id(std::string_view id);

}  // namespace smcache
