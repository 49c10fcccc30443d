// `smcache info CACHE`: header, counts and sections as JSON, or --layout as a table.
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

// The public reader header; it brings format/layout.hpp (versions, load_header, kNone).
#include <smcache/reader/cache.hpp>

#include "cli.hpp"

namespace smcache::cli {
namespace {

constexpr OptionSpec kOptions[] = {
    {"layout", 0, false},
};

constexpr std::string_view kHelp =
    "usage: smcache info [--layout] CACHE\n"
    "\n"
    "Print CACHE's header as a JSON object: path, format and semantics versions, file size,\n"
    "counts, block size (tokens per block), the number of original functions recorded (0\n"
    "without a function table) and of generated functions (0 without a generated-function\n"
    "table), the map's \"file\" and \"debugId\" (null when absent), the input hash and the\n"
    "sections (id, name, offset, size, checksum).\n"
    "\n"
    "\"input_hash\" is the XXH3-128 of the source map bytes the cache was compiled from, as 32\n"
    "lowercase hex digits, high 64 bits first (what 'xxhsum -H2 MAP' prints); with a generated-\n"
    "function table, of the map then the generated file then the map's length (SPEC.md 4.9).\n"
    "Section checksums are XXH3-64 (seed 0) of the section's bytes, as 16 lowercase hex digits.\n"
    "\n"
    "Only the header and the directory are checked; 'smcache verify' checks all the data.\n"
    "\n"
    "options:\n"
    "      --layout   print a human-readable table instead: every header field with its offset,\n"
    "                 size and value, then every region of the file in order (header,\n"
    "                 directory, sections, padding) with offsets and sizes\n"
    "  -h, --help     print this help\n"
    "\n"
    "Exit status: 0 ok, 1 unreadable or corrupt cache, 2 usage error.\n";

void put_key(Writer& out, std::string_view key, bool first = false) {
  out.put(first ? "  \"" : ",\n  \"");
  out.put(key);
  out.put("\": ");
}

void put_optional_string(Writer& out, const std::optional<std::string_view>& s) {
  if (s) {
    out.put_json_string(*s);
  } else {
    out.put("null");
  }
}

void print_json(const Cache& cache, const std::string& path, Writer& out) {
  const CacheInfo info = cache.info();
  out.put("{\n");
  put_key(out, "path", true);
  out.put_json_string(path);
  put_key(out, "format_version");
  out.put('"');
  out.put_u64(info.format_major);
  out.put('.');
  out.put_u64(info.format_minor);
  out.put('"');
  put_key(out, "semantics_version");
  out.put_u64(info.semantics_version);
  put_key(out, "file_size");
  out.put_u64(info.file_size);
  put_key(out, "generated_line_count");
  out.put_u64(info.generated_line_count);
  put_key(out, "token_count");
  out.put_u64(info.token_count);
  put_key(out, "source_count");
  out.put_u64(info.source_count);
  put_key(out, "string_count");
  out.put_u64(info.string_count);
  put_key(out, "name_count");
  out.put_u64(info.name_count);
  put_key(out, "block_token_count");
  out.put_u64(info.block_token_count);
  put_key(out, "function_count");
  out.put_u64(cache.function_count());
  put_key(out, "generated_function_count");
  out.put_u64(cache.generated_function_count());
  put_key(out, "file");
  put_optional_string(out, info.file);
  put_key(out, "debug_id");
  put_optional_string(out, info.debug_id);
  put_key(out, "input_hash");
  out.put('"');
  out.put_hex64(info.input_hash.high);
  out.put_hex64(info.input_hash.low);
  out.put('"');
  put_key(out, "sections");
  out.put('[');
  bool first = true;
  for (const SectionView& s : cache.sections()) {
    out.put(first ? "\n    " : ",\n    ");
    first = false;
    out.put("{\"id\": ");
    out.put_u64(s.id);
    out.put(", \"name\": ");
    out.put_json_string(s.name);
    out.put(", \"offset\": ");
    out.put_u64(s.offset);
    out.put(", \"size\": ");
    out.put_u64(s.size);
    out.put(", \"checksum\": \"");
    out.put_hex64(s.checksum);
    out.put("\"}");
  }
  out.put(first ? "]" : "\n  ]");
  out.put("\n}\n");
}

// --- --layout -------------------------------------------------------------------------------

std::string hex(std::uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%016" PRIx64, v);
  return b;
}

std::string hex32(std::uint32_t v) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%08" PRIx32, v);
  return b;
}

std::string hex_bytes(const std::uint8_t* p, std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    char b[4];
    std::snprintf(b, sizeof b, i == 0 ? "%02x" : " %02x", p[i]);
    s += b;
  }
  return s;
}

std::string string_index(std::uint32_t index, const std::optional<std::string_view>& s) {
  if (index == format::kNone) return "none";
  std::string v = std::to_string(index);
  if (s) {
    v += ' ';
    v += sanitize_text(json_quote(*s));
  }
  return v;
}

void row(Writer& out, std::uint64_t offset, std::uint64_t size, std::string_view name,
         const std::string& value) {
  char b[64];
  std::snprintf(b, sizeof b, "  %6" PRIu64 "  %4" PRIu64 "  ", offset, size);
  out.put(b);
  out.put(name);
  for (std::size_t i = name.size(); i < 24; ++i) out.put(' ');
  out.put(value);
  out.put('\n');
}

void print_layout(const Cache& cache, const std::string& path, Writer& out) {
  const auto bytes = cache.bytes();
  const format::FileHeader h = format::load_header(bytes.data());  // open checked >= 128 bytes
  const CacheInfo info = cache.info();
  out.put("file ");
  out.put(sanitize_text(path));
  out.put(": ");
  out.put_u64(bytes.size());
  out.put(" bytes\n\nheader\n  offset  size  field                   value\n");
  const bool zero_reserved = std::all_of(std::begin(h.reserved), std::end(h.reserved),
                                         [](std::uint8_t b) { return b == 0; });
  row(out, 0, 8, "magic", hex_bytes(h.magic, 8));
  row(out, 8, 2, "format_major", std::to_string(h.format_major));
  row(out, 10, 2, "format_minor", std::to_string(h.format_minor));
  row(out, 12, 4, "byte_order_mark", hex32(h.byte_order_mark));
  row(out, 16, 4, "header_size", std::to_string(h.header_size));
  row(out, 20, 4, "section_count", std::to_string(h.section_count));
  row(out, 24, 4, "required_features", hex32(h.required_features));
  row(out, 28, 4, "optional_features", hex32(h.optional_features));
  row(out, 32, 8, "file_size", std::to_string(h.file_size));
  row(out, 40, 8, "header_checksum", hex(h.header_checksum));
  row(out, 48, 8, "input_hash_low", hex(h.input_hash_low));
  row(out, 56, 8, "input_hash_high", hex(h.input_hash_high));
  row(out, 64, 4, "semantics_version", std::to_string(h.semantics_version));
  row(out, 68, 4, "generated_line_count", std::to_string(h.generated_line_count));
  row(out, 72, 4, "token_count", std::to_string(h.token_count));
  row(out, 76, 4, "source_count", std::to_string(h.source_count));
  row(out, 80, 4, "string_count", std::to_string(h.string_count));
  row(out, 84, 4, "name_count", std::to_string(h.name_count));
  row(out, 88, 4, "block_token_count", std::to_string(h.block_token_count));
  row(out, 92, 4, "file_string_index", string_index(h.file_string_index, info.file));
  row(out, 96, 4, "debug_id_string_index", string_index(h.debug_id_string_index, info.debug_id));
  row(out, 100, 4, "string_offset_width", std::to_string(h.string_offset_width));
  row(out, 104, 24, "reserved", zero_reserved ? "zero" : hex_bytes(h.reserved, 24));

  // Regions in file order: header, directory, then sections (ids increase with offsets, R-DIR-2,
  // R-DIR-5) and the zero padding between them.
  struct Region {
    std::uint64_t offset, size;
    std::string what;
  };
  std::vector<Region> regions;
  regions.push_back({0, 128, "header"});
  const std::uint64_t dir_size = 32 * std::uint64_t{h.section_count};
  regions.push_back(
      {128, dir_size, "directory (" + std::to_string(h.section_count) + " entries of 32 bytes)"});
  std::vector<SectionView> sections(cache.sections().begin(), cache.sections().end());
  std::stable_sort(sections.begin(), sections.end(),
                   [](const SectionView& a, const SectionView& b) { return a.offset < b.offset; });
  for (const SectionView& s : sections) {
    regions.push_back({s.offset, s.size,
                       "section " + std::to_string(s.id) + " " + std::string(s.name) +
                           ", checksum " + hex(s.checksum)});
  }
  out.put("\nregions\n      offset         end        size  what\n");
  std::uint64_t pos = 0;
  auto region_row = [&](std::uint64_t offset, std::uint64_t size, const std::string& what) {
    char b[64];
    std::snprintf(b, sizeof b, "  %10" PRIu64 "  %10" PRIu64 "  %10" PRIu64 "  ", offset,
                  offset + size, size);
    out.put(b);
    out.put(what);
    out.put('\n');
  };
  for (const Region& r : regions) {
    if (r.offset > pos) region_row(pos, r.offset - pos, "padding");
    region_row(r.offset, r.size, r.what);
    pos = std::max(pos, r.offset + r.size);
  }
  if (bytes.size() > pos) region_row(pos, bytes.size() - pos, "padding");
}

int run_info(const ParsedArgs& args, Writer& out) {
  if (args.operands.empty()) usage_error("missing CACHE");
  if (args.operands.size() > 1) usage_error("unexpected argument '" + args.operands[1] + "'");
  const std::string& path = args.operands[0];
  const Cache cache = open_cache_or_fail(path);
  if (args.has("layout")) {
    print_layout(cache, path, out);
  } else {
    print_json(cache, path, out);
  }
  flush_or_fail(out);
  return kExitOk;
}

}  // namespace

const Command kInfoCommand = {"info", "print a cache's header, counts and sections", kHelp,
                              kOptions, run_info};

}  // namespace smcache::cli
