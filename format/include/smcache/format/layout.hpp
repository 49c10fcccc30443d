// On-disk layout of an smcache file (SPEC.md §4-§7): structs, ids, constants, LE load/store.
//
// converter/ writes these bytes and reader/ reads them; they meet only here. Every struct mirrors
// one SPEC.md table field for field. All integers are little-endian; structs are read and
// written through load_le/store_le (memcpy), never by casting a pointer into the mapping.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace smcache::format {

// ---------------------------------------------------------------------------------------------
// Versions (SPEC §10)
// ---------------------------------------------------------------------------------------------
inline constexpr std::uint16_t kFormatMajor = 1;  // R-HDR-2: a reader refuses any other major
// Additive changes only. 1.1 added the optional `functions` section (id 9), 1.2 the optional
// `scope_ranges` section (id 10), 1.3 the optional `generated_functions` section (id 11). A writer
// records the lowest minor that defines everything in its file: 3 with `generated_functions`,
// else 2 with `scope_ranges`, else 1 with `functions`, else 0.
inline constexpr std::uint16_t kFormatMinor = 3;
// Bumped when the converter's output for the same input changes meaning while the layout stays
// (a fixed bug in sourceRoot joining, say). Readers ignore it; `warm` recompiles older caches.
// 2: the converter writes the `functions` section (original function ranges and names).
// 3: the converter writes the `scope_ranges` section (the map's ECMA-426 generated ranges).
// 4: the converter writes the `generated_functions` section when it is given the generated code,
//    and keeps the `scopes` of index-map sections (3 dropped them).
inline constexpr std::uint32_t kSemanticsVersion = 4;

// R-HDR-1: 89 'S' 'M' 'C' CR LF ^Z LF. Non-ASCII first byte, CR LF and ^Z catch text-mode
// copies and `file`-style sniffing (the PNG trick).
inline constexpr std::array<std::uint8_t, 8> kMagic = {0x89, 0x53, 0x4D, 0x43,
                                                       0x0D, 0x0A, 0x1A, 0x0A};
// Written as a u32 LE: bytes 0D 0C 0B 0A on disk. A big-endian writer would produce 0A 0B 0C 0D.
inline constexpr std::uint32_t kByteOrderMark = 0x0A0B0C0Du;

inline constexpr std::uint32_t kNone = 0xFFFFFFFFu;  // "no string" in u32 string-index fields
inline constexpr std::uint64_t kSectionAlignment = 8;
inline constexpr std::uint32_t kDefaultBlockTokenCount = 64;
inline constexpr std::uint32_t kMaxBlockTokenCount = 4096;
inline constexpr std::uint32_t kTokenDataPadding = 8;  // zero bytes after the last block (R-TOK-5)
inline constexpr std::uint32_t kMaxFieldWidth = 32;    // bits

// Feature bits (SPEC §4.6, §10.2). None are required; 1.1, 1.2 and 1.3 define one optional bit
// each.
inline constexpr std::uint32_t kFeatureFunctions = 1u << 0;    // optional: the file has `functions`
inline constexpr std::uint32_t kFeatureScopeRanges = 1u << 1;  // optional: has `scope_ranges`
inline constexpr std::uint32_t kFeatureGeneratedFunctions = 1u << 2;  // has `generated_functions`
inline constexpr std::uint32_t kKnownRequiredFeatures = 0;
inline constexpr std::uint32_t kKnownOptionalFeatures =
    kFeatureFunctions | kFeatureScopeRanges | kFeatureGeneratedFunctions;

// ---------------------------------------------------------------------------------------------
// Header (SPEC §4), 128 bytes at offset 0
// ---------------------------------------------------------------------------------------------
struct FileHeader {
  std::uint8_t magic[8];                // kMagic
  std::uint16_t format_major;           // kFormatMajor
  std::uint16_t format_minor;           // kFormatMinor
  std::uint32_t byte_order_mark;        // kByteOrderMark
  std::uint32_t header_size;            // sizeof(FileHeader) = 128
  std::uint32_t section_count;          // entries in the directory that follows the header
  std::uint32_t required_features;      // unknown bit set: refuse
  std::uint32_t optional_features;      // unknown bit set: ignore
  std::uint64_t file_size;              // total bytes; multiple of 8
  std::uint64_t header_checksum;        // XXH3_64 of header + directory, this field as 0
  std::uint64_t input_hash_low;         // XXH3_128 of the input source map bytes: low half
  std::uint64_t input_hash_high;        //   and high half
  std::uint32_t semantics_version;      // kSemanticsVersion of the writer
  std::uint32_t generated_line_count;   // lines in line_index (last mapped line + 1)
  std::uint32_t token_count;            // segments in the mappings, all lines
  std::uint32_t source_count;           // records in `sources`
  std::uint32_t string_count;           // strings in the string table
  std::uint32_t name_count;             // length of the input's `names` (informational)
  std::uint32_t block_token_count;      // tokens per block, power of two, 1..4096
  std::uint32_t file_string_index;      // the map's `file`, or kNone
  std::uint32_t debug_id_string_index;  // the map's `debugId`, or kNone
  std::uint32_t string_offset_width;    // bytes per string_offsets entry: 1, 2 or 4
  std::uint8_t reserved[24];            // zero
};
static_assert(sizeof(FileHeader) == 128);
static_assert(offsetof(FileHeader, format_major) == 8);
static_assert(offsetof(FileHeader, byte_order_mark) == 12);
static_assert(offsetof(FileHeader, file_size) == 32);
static_assert(offsetof(FileHeader, header_checksum) == 40);
static_assert(offsetof(FileHeader, input_hash_low) == 48);
static_assert(offsetof(FileHeader, semantics_version) == 64);
static_assert(offsetof(FileHeader, string_offset_width) == 100);
static_assert(offsetof(FileHeader, reserved) == 104);
static_assert(std::is_trivially_copyable_v<FileHeader>);

// ---------------------------------------------------------------------------------------------
// Section directory (SPEC §5): section_count entries right after the header
// ---------------------------------------------------------------------------------------------
enum class SectionId : std::uint32_t {
  string_offsets = 1,      // (string_count + 1) x string_offset_width: start of each string
  string_data = 2,         // concatenated UTF-8 bytes of all strings
  sources = 3,             // source_count x SourceRecord
  source_line_starts = 4,  // u32 byte offsets of each original line, per source with content
  source_content = 5,      // concatenated sourcesContent bytes
  line_index = 6,          // (generated_line_count + 1) x u32: first token of each line
  token_blocks = 7,        // ceil(token_count / block_token_count) x TokenBlock
  token_data = 8,          // bit-packed token fields, then kTokenDataPadding zero bytes
  functions = 9,           // optional (1.1): function_count x FunctionRecord
  scope_ranges = 10,       // optional (1.2): scope_range_count x ScopeRangeRecord
  // optional (1.3): generated_function_count x GeneratedFunctionRecord
  generated_functions = 11,
};
inline constexpr std::uint32_t kRequiredSectionCount = 8;  // ids 1..8 must all be present

constexpr std::string_view section_name(std::uint32_t id) noexcept {
  switch (id) {
    case 1:
      return "string_offsets";
    case 2:
      return "string_data";
    case 3:
      return "sources";
    case 4:
      return "source_line_starts";
    case 5:
      return "source_content";
    case 6:
      return "line_index";
    case 7:
      return "token_blocks";
    case 8:
      return "token_data";
    case 9:
      return "functions";
    case 10:
      return "scope_ranges";
    case 11:
      return "generated_functions";
    default:
      return "unknown";
  }
}

struct SectionEntry {
  std::uint32_t id;         // SectionId; strictly increasing through the directory (R-DIR-2)
  std::uint32_t reserved0;  // zero (R-DIR-4)
  std::uint64_t offset;     // from the start of the file; multiple of 8 (R-DIR-3)
  std::uint64_t size;       // in bytes
  std::uint64_t checksum;   // XXH3_64bits of the section's bytes, seed 0
};
static_assert(sizeof(SectionEntry) == 32);
static_assert(offsetof(SectionEntry, offset) == 8);
static_assert(offsetof(SectionEntry, checksum) == 24);
static_assert(std::is_trivially_copyable_v<SectionEntry>);

// ---------------------------------------------------------------------------------------------
// sources (SPEC §6.3): one 32-byte record per entry of the input's `sources`
// ---------------------------------------------------------------------------------------------
inline constexpr std::uint32_t kSourceIgnored = 1u << 0;     // in ignoreList / x_google_ignoreList
inline constexpr std::uint32_t kSourceHasContent = 1u << 1;  // sourcesContent[i] was a string
inline constexpr std::uint32_t kKnownSourceFlags = kSourceIgnored | kSourceHasContent;

struct SourceRecord {
  std::uint32_t name_string_index;  // sourceRoot-joined name, or kNone for a null source
  std::uint32_t flags;              // kSource* bits; others zero
  std::uint64_t content_offset;     // into source_content; 0 without content
  std::uint32_t content_size;       // bytes; 0 without content
  std::uint32_t line_start_index;   // first entry in source_line_starts; 0 without content
  std::uint32_t line_count;         // entries in source_line_starts (>= 1 with content, else 0)
  std::uint32_t reserved;           // zero
};
static_assert(sizeof(SourceRecord) == 32);
static_assert(offsetof(SourceRecord, content_offset) == 8);
static_assert(offsetof(SourceRecord, line_count) == 24);
static_assert(std::is_trivially_copyable_v<SourceRecord>);

// ---------------------------------------------------------------------------------------------
// Tokens (SPEC §6.6-6.8): blocks of block_token_count tokens, each field frame-of-reference
// bit-packed: value = base[f] + (width[f] bits read at the field's position).
// ---------------------------------------------------------------------------------------------
enum TokenField : std::uint32_t {
  kFieldGeneratedColumn = 0,  // generated column, UTF-16 code units, 0-based
  kFieldSource = 1,           // source_index + 1; 0 = segment without source (1-field)
  kFieldLine = 2,             // original line, 0-based (0 when source is 0)
  kFieldColumn = 3,           // original column, 0-based (0 when source is 0)
  kFieldName = 4,             // string index of the name + 1; 0 = no name
  kFieldCount = 5,
};

struct TokenBlock {
  std::uint32_t data_offset;        // byte offset of this block's bits in token_data
  std::uint32_t base[kFieldCount];  // per-field minimum over the block's tokens
  std::uint8_t width[kFieldCount];  // per-field bits, 0..32
  std::uint8_t reserved[3];         // zero
};
static_assert(sizeof(TokenBlock) == 32);
static_assert(offsetof(TokenBlock, base) == 4);
static_assert(offsetof(TokenBlock, width) == 24);
static_assert(std::is_trivially_copyable_v<TokenBlock>);

// Bit position of field f of token j within a block of n tokens, from the block's data start.
// Fields are stored one after another (all generated columns, then all sources, ...).
constexpr std::uint64_t field_bit_offset(const std::uint8_t (&width)[kFieldCount], std::uint32_t n,
                                         std::uint32_t f, std::uint32_t j) noexcept {
  std::uint64_t before = 0;
  for (std::uint32_t g = 0; g < f; ++g) before += width[g];
  return before * n + static_cast<std::uint64_t>(j) * width[f];
}

// Bytes of packed data of a block of n tokens: ceil(n * sum(width) / 8).
constexpr std::uint64_t block_data_size(const std::uint8_t (&width)[kFieldCount],
                                        std::uint32_t n) noexcept {
  std::uint64_t bits = 0;
  for (std::uint32_t f = 0; f < kFieldCount; ++f) bits += width[f];
  return (bits * n + 7) / 8;
}

// ---------------------------------------------------------------------------------------------
// functions (SPEC §6.10, format 1.1, optional): the functions of the original sources, as ranges
// of original positions, sorted by (source_index, start_line, start_column), an enclosing record
// before the records it contains; each names its innermost enclosing record.
// ---------------------------------------------------------------------------------------------
struct FunctionRecord {
  std::uint32_t source_index;       // < source_count
  std::uint32_t start_line;         // 0-based original line of the function's first character
  std::uint32_t start_column;       // 0-based, UTF-16 code units
  std::uint32_t end_line;           // just past its last character: [start, end) is the range
  std::uint32_t end_column;         //   (end exclusive), start < end
  std::uint32_t name_string_index;  // the name as people read it, or kNone for anonymous
  std::uint32_t parent;             // record index of the innermost enclosing function, < own
                                    //   index, same source; kNone at top level
  std::uint32_t reserved;           // zero
};
static_assert(sizeof(FunctionRecord) == 32);
static_assert(offsetof(FunctionRecord, name_string_index) == 20);
static_assert(std::is_trivially_copyable_v<FunctionRecord>);
// Nesting depth of function records (a top-level record has depth 1). Bounds the parent walk of
// a lookup (R-FN-5, R-USE-2).
inline constexpr std::uint32_t kMaxFunctionDepth = 64;

// ---------------------------------------------------------------------------------------------
// scope_ranges (SPEC §6.11, format 1.2, optional): the generated ranges of the map's ECMA-426
// `scopes`, as ranges of generated positions sorted by start, an enclosing record before the
// records it contains; each names its innermost enclosing record. Names are resolved when the
// file is written, so a reader needs no original scope tree.
// ---------------------------------------------------------------------------------------------
inline constexpr std::uint32_t kScopeRangeDefined = 1u << 0;   // the range has a definition
inline constexpr std::uint32_t kScopeRangeFunction = 1u << 1;  // ...inside an original function
inline constexpr std::uint32_t kScopeRangeHidden = 1u << 2;    // a hidden stack frame
inline constexpr std::uint32_t kKnownScopeRangeFlags =
    kScopeRangeDefined | kScopeRangeFunction | kScopeRangeHidden;

struct ScopeRangeRecord {
  std::uint32_t start_line;              // 0-based generated line of the range's first position
  std::uint32_t start_column;            // 0-based, UTF-16 code units
  std::uint32_t end_line;                // just past its last position: [start, end) is the range
  std::uint32_t end_column;              //   (end exclusive), start < end
  std::uint32_t name_string_index;       // the enclosing original function's name, or kNone
  std::uint32_t parent;                  // record index of the innermost enclosing range, < own
                                         //   index; kNone at top level
  std::uint32_t call_site_source_index;  // inlined: the call's original source; else kNone
  std::uint32_t call_site_line;          //   its 0-based original line (0 when not inlined)
  std::uint32_t call_site_column;        //   its 0-based original column (0 when not inlined)
  std::uint32_t flags;                   // kScopeRange* bits; others zero
};
static_assert(sizeof(ScopeRangeRecord) == 40);
static_assert(offsetof(ScopeRangeRecord, name_string_index) == 16);
static_assert(offsetof(ScopeRangeRecord, flags) == 36);
static_assert(std::is_trivially_copyable_v<ScopeRangeRecord>);
// Nesting depth of scope range records (a top-level record has depth 1). Bounds the parent walk
// of a lookup (R-SCP-5).
inline constexpr std::uint32_t kMaxScopeRangeDepth = 64;

// ---------------------------------------------------------------------------------------------
// generated_functions (SPEC §6.12, format 1.3, optional): the functions of the generated
// (minified) file, found by scanning it when the file is compiled, as ranges of generated
// positions sorted by start, an enclosing record before the records it contains; each names its
// innermost enclosing record. The name is resolved through the map when the file is written (the
// map's name at the function's identifier), never the minified one.
// ---------------------------------------------------------------------------------------------
struct GeneratedFunctionRecord {
  std::uint32_t start_line;         // 0-based generated line of the function's first character
  std::uint32_t start_column;       // 0-based, UTF-16 code units
  std::uint32_t end_line;           // just past its last character: [start, end) is the range
  std::uint32_t end_column;         //   (end exclusive), start < end
  std::uint32_t name_string_index;  // the original name, or kNone (anonymous or not resolved)
  std::uint32_t parent;             // record index of the innermost enclosing function, < own
                                    //   index; kNone at top level
  std::uint32_t reserved0;          // zero
  std::uint32_t reserved1;          // zero
};
static_assert(sizeof(GeneratedFunctionRecord) == 32);
static_assert(offsetof(GeneratedFunctionRecord, name_string_index) == 16);
static_assert(std::is_trivially_copyable_v<GeneratedFunctionRecord>);
// Nesting depth of generated function records (a top-level record has depth 1). Bounds the parent
// walk of a lookup (R-GFN-5).
inline constexpr std::uint32_t kMaxGeneratedFunctionDepth = 64;

// ---------------------------------------------------------------------------------------------
// Little-endian loads and stores: memcpy (any alignment), plus a byte swap on big-endian hosts.
// ---------------------------------------------------------------------------------------------
template <class T>
constexpr T byteswap_if_big(T v) noexcept {
  static_assert(std::is_integral_v<T>);
  if constexpr (std::endian::native == std::endian::big && sizeof(T) > 1) {
    T r = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) {
      r = static_cast<T>((r << 8) | ((v >> (8 * i)) & 0xFF));
    }
    return r;
  } else {
    return v;
  }
}

// Caller guarantees [p, p + sizeof(T)) is readable.
template <class T>
inline T load_le(const void* p) noexcept {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return byteswap_if_big(v);
}

template <class T>
inline void store_le(void* p, T v) noexcept {
  v = byteswap_if_big(v);
  std::memcpy(p, &v, sizeof(T));
}

// A width-w (1, 2 or 4 bytes) little-endian unsigned integer.
inline std::uint32_t load_le_width(const void* p, std::uint32_t w) noexcept {
  const auto* b = static_cast<const std::uint8_t*>(p);
  switch (w) {
    case 1:
      return b[0];
    case 2:
      return load_le<std::uint16_t>(b);
    default:
      return load_le<std::uint32_t>(b);
  }
}

inline void store_le_width(void* p, std::uint32_t w, std::uint32_t v) noexcept {
  auto* b = static_cast<std::uint8_t*>(p);
  switch (w) {
    case 1:
      b[0] = static_cast<std::uint8_t>(v);
      break;
    case 2:
      store_le<std::uint16_t>(b, static_cast<std::uint16_t>(v));
      break;
    default:
      store_le<std::uint32_t>(b, v);
      break;
  }
}

// Reads `width` (0..32) bits starting at bit `bit` of the little-endian bit stream at `base`
// (bit k is bit k%8 of byte k/8). Caller guarantees bytes [bit/8, bit/8 + 8) are readable,
// which the 8 padding bytes after token data make true for every in-bounds field (R-TOK-5).
inline std::uint32_t load_bits(const std::uint8_t* base, std::uint64_t bit,
                               std::uint32_t width) noexcept {
  const std::uint64_t word = load_le<std::uint64_t>(base + (bit >> 3));
  const std::uint64_t mask = (std::uint64_t{1} << width) - 1;  // width <= 32: no UB
  return static_cast<std::uint32_t>((word >> (bit & 7)) & mask);
}

// Struct <-> bytes. Field by field so the result is independent of host endianness and padding.
inline FileHeader load_header(const std::uint8_t* p) noexcept {
  FileHeader h;
  std::memcpy(h.magic, p, 8);
  h.format_major = load_le<std::uint16_t>(p + 8);
  h.format_minor = load_le<std::uint16_t>(p + 10);
  h.byte_order_mark = load_le<std::uint32_t>(p + 12);
  h.header_size = load_le<std::uint32_t>(p + 16);
  h.section_count = load_le<std::uint32_t>(p + 20);
  h.required_features = load_le<std::uint32_t>(p + 24);
  h.optional_features = load_le<std::uint32_t>(p + 28);
  h.file_size = load_le<std::uint64_t>(p + 32);
  h.header_checksum = load_le<std::uint64_t>(p + 40);
  h.input_hash_low = load_le<std::uint64_t>(p + 48);
  h.input_hash_high = load_le<std::uint64_t>(p + 56);
  h.semantics_version = load_le<std::uint32_t>(p + 64);
  h.generated_line_count = load_le<std::uint32_t>(p + 68);
  h.token_count = load_le<std::uint32_t>(p + 72);
  h.source_count = load_le<std::uint32_t>(p + 76);
  h.string_count = load_le<std::uint32_t>(p + 80);
  h.name_count = load_le<std::uint32_t>(p + 84);
  h.block_token_count = load_le<std::uint32_t>(p + 88);
  h.file_string_index = load_le<std::uint32_t>(p + 92);
  h.debug_id_string_index = load_le<std::uint32_t>(p + 96);
  h.string_offset_width = load_le<std::uint32_t>(p + 100);
  std::memcpy(h.reserved, p + 104, sizeof h.reserved);
  return h;
}

inline void store_header(std::uint8_t* p, const FileHeader& h) noexcept {
  std::memcpy(p, h.magic, 8);
  store_le(p + 8, h.format_major);
  store_le(p + 10, h.format_minor);
  store_le(p + 12, h.byte_order_mark);
  store_le(p + 16, h.header_size);
  store_le(p + 20, h.section_count);
  store_le(p + 24, h.required_features);
  store_le(p + 28, h.optional_features);
  store_le(p + 32, h.file_size);
  store_le(p + 40, h.header_checksum);
  store_le(p + 48, h.input_hash_low);
  store_le(p + 56, h.input_hash_high);
  store_le(p + 64, h.semantics_version);
  store_le(p + 68, h.generated_line_count);
  store_le(p + 72, h.token_count);
  store_le(p + 76, h.source_count);
  store_le(p + 80, h.string_count);
  store_le(p + 84, h.name_count);
  store_le(p + 88, h.block_token_count);
  store_le(p + 92, h.file_string_index);
  store_le(p + 96, h.debug_id_string_index);
  store_le(p + 100, h.string_offset_width);
  std::memcpy(p + 104, h.reserved, sizeof h.reserved);
}

inline SectionEntry load_section_entry(const std::uint8_t* p) noexcept {
  return SectionEntry{load_le<std::uint32_t>(p), load_le<std::uint32_t>(p + 4),
                      load_le<std::uint64_t>(p + 8), load_le<std::uint64_t>(p + 16),
                      load_le<std::uint64_t>(p + 24)};
}

inline void store_section_entry(std::uint8_t* p, const SectionEntry& e) noexcept {
  store_le(p, e.id);
  store_le(p + 4, e.reserved0);
  store_le(p + 8, e.offset);
  store_le(p + 16, e.size);
  store_le(p + 24, e.checksum);
}

inline SourceRecord load_source_record(const std::uint8_t* p) noexcept {
  return SourceRecord{load_le<std::uint32_t>(p),      load_le<std::uint32_t>(p + 4),
                      load_le<std::uint64_t>(p + 8),  load_le<std::uint32_t>(p + 16),
                      load_le<std::uint32_t>(p + 20), load_le<std::uint32_t>(p + 24),
                      load_le<std::uint32_t>(p + 28)};
}

inline void store_source_record(std::uint8_t* p, const SourceRecord& s) noexcept {
  store_le(p, s.name_string_index);
  store_le(p + 4, s.flags);
  store_le(p + 8, s.content_offset);
  store_le(p + 16, s.content_size);
  store_le(p + 20, s.line_start_index);
  store_le(p + 24, s.line_count);
  store_le(p + 28, s.reserved);
}

inline TokenBlock load_token_block(const std::uint8_t* p) noexcept {
  TokenBlock b;
  b.data_offset = load_le<std::uint32_t>(p);
  for (std::uint32_t f = 0; f < kFieldCount; ++f) b.base[f] = load_le<std::uint32_t>(p + 4 + 4 * f);
  std::memcpy(b.width, p + 24, kFieldCount);
  std::memcpy(b.reserved, p + 29, 3);
  return b;
}

inline void store_token_block(std::uint8_t* p, const TokenBlock& b) noexcept {
  store_le(p, b.data_offset);
  for (std::uint32_t f = 0; f < kFieldCount; ++f) store_le(p + 4 + 4 * f, b.base[f]);
  std::memcpy(p + 24, b.width, kFieldCount);
  std::memcpy(p + 29, b.reserved, 3);
}

inline FunctionRecord load_function_record(const std::uint8_t* p) noexcept {
  return FunctionRecord{load_le<std::uint32_t>(p),      load_le<std::uint32_t>(p + 4),
                        load_le<std::uint32_t>(p + 8),  load_le<std::uint32_t>(p + 12),
                        load_le<std::uint32_t>(p + 16), load_le<std::uint32_t>(p + 20),
                        load_le<std::uint32_t>(p + 24), load_le<std::uint32_t>(p + 28)};
}

inline void store_function_record(std::uint8_t* p, const FunctionRecord& f) noexcept {
  store_le(p, f.source_index);
  store_le(p + 4, f.start_line);
  store_le(p + 8, f.start_column);
  store_le(p + 12, f.end_line);
  store_le(p + 16, f.end_column);
  store_le(p + 20, f.name_string_index);
  store_le(p + 24, f.parent);
  store_le(p + 28, f.reserved);
}

inline ScopeRangeRecord load_scope_range_record(const std::uint8_t* p) noexcept {
  return ScopeRangeRecord{load_le<std::uint32_t>(p),      load_le<std::uint32_t>(p + 4),
                          load_le<std::uint32_t>(p + 8),  load_le<std::uint32_t>(p + 12),
                          load_le<std::uint32_t>(p + 16), load_le<std::uint32_t>(p + 20),
                          load_le<std::uint32_t>(p + 24), load_le<std::uint32_t>(p + 28),
                          load_le<std::uint32_t>(p + 32), load_le<std::uint32_t>(p + 36)};
}

inline void store_scope_range_record(std::uint8_t* p, const ScopeRangeRecord& r) noexcept {
  store_le(p, r.start_line);
  store_le(p + 4, r.start_column);
  store_le(p + 8, r.end_line);
  store_le(p + 12, r.end_column);
  store_le(p + 16, r.name_string_index);
  store_le(p + 20, r.parent);
  store_le(p + 24, r.call_site_source_index);
  store_le(p + 28, r.call_site_line);
  store_le(p + 32, r.call_site_column);
  store_le(p + 36, r.flags);
}

inline GeneratedFunctionRecord load_generated_function_record(const std::uint8_t* p) noexcept {
  return GeneratedFunctionRecord{load_le<std::uint32_t>(p),      load_le<std::uint32_t>(p + 4),
                                 load_le<std::uint32_t>(p + 8),  load_le<std::uint32_t>(p + 12),
                                 load_le<std::uint32_t>(p + 16), load_le<std::uint32_t>(p + 20),
                                 load_le<std::uint32_t>(p + 24), load_le<std::uint32_t>(p + 28)};
}

inline void store_generated_function_record(std::uint8_t* p,
                                            const GeneratedFunctionRecord& r) noexcept {
  store_le(p, r.start_line);
  store_le(p + 4, r.start_column);
  store_le(p + 8, r.end_line);
  store_le(p + 12, r.end_column);
  store_le(p + 16, r.name_string_index);
  store_le(p + 20, r.parent);
  store_le(p + 24, r.reserved0);
  store_le(p + 28, r.reserved1);
}

}  // namespace smcache::format
