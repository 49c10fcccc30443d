// Opening a cache (cache_impl.hpp): from a file and from bytes, info()/sections()/bytes(), and
// one crafted file per open-time rule (R-HDR-*, R-DIR-*, R-SEC-1) with its specific error code.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "support.hpp"

namespace smcache::test {
namespace {

namespace fs = std::filesystem;

SourceMapModel small_model() {
  ModelBuilder b;
  b.file("out.js").debug_id("85314830-023f-4cf1-a267-535f4e37bb17");
  b.source("a.js", "const a = 1;\nconsole.log(a);\n").source("b.js", std::nullopt, true);
  b.name("a").name("console");
  b.line({seg(0, 0, 0, 6, 0), seg(4, 0, 1, 0, 1), seg(12, 1, 3, 3)});
  b.empty_lines(1);
  b.line({seg(2, 0, 1, 8)});
  return b.model();
}

std::vector<std::uint8_t> valid_cache(std::uint32_t block = 64) {
  return build(small_model(), block);
}

// A temporary directory removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            str("smcache-reader-", ::getpid(), "-",
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  fs::path write(const std::string& name, const std::vector<std::uint8_t>& bytes) const {
    const fs::path p = path_ / name;
    std::ofstream out(p, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    return p;
  }

 private:
  fs::path path_;
};

TEST(Open, FromFileAnswersLookups) {
  TempDir dir;
  const auto bytes = valid_cache();
  const fs::path p = dir.write("a.smc", bytes);
  auto r = Cache::open(p);
  ASSERT_TRUE(r) << r.error().message;
  const Cache& cache = *r;
  const auto t = cache.lookup(0, 5);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->source, "a.js");
  EXPECT_EQ(t->name, "console");
  EXPECT_EQ(cache.source_line(0, 1), "console.log(a);");
  ASSERT_EQ(cache.bytes().size(), bytes.size());
  EXPECT_TRUE(std::equal(bytes.begin(), bytes.end(), cache.bytes().begin()));
  EXPECT_NE(cache.bytes().data(), bytes.data()) << "open() maps the file, it does not borrow";
  EXPECT_TRUE(cache.verify().ok());
}

TEST(Open, MappingOutlivesTheFileName) {
  TempDir dir;
  const auto bytes = valid_cache();
  const fs::path p = dir.write("a.smc", bytes);
  auto r = Cache::open(p);
  ASSERT_TRUE(r);
  fs::remove(p);  // replaced by rename in real use: the mapping keeps the old inode
  EXPECT_TRUE(r->lookup(0, 5));
  EXPECT_TRUE(r->verify().ok());
}

TEST(Open, MissingFileIsIoWithErrno) {
  TempDir dir;
  const fs::path p = dir.path() / "missing.smc";
  auto r = Cache::open(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::io);
  EXPECT_EQ(r.error().os_errno, ENOENT);
  EXPECT_EQ(r.error().message, "open " + p.string() + ": No such file or directory");
}

TEST(Open, DirectoryIsIo) {
  TempDir dir;
  auto r = Cache::open(dir.path());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::io);
  EXPECT_NE(r.error().os_errno, 0);
  EXPECT_EQ(r.error().message.rfind("open " + dir.path().string() + ": ", 0), 0u)
      << r.error().message;
}

TEST(Open, EmptyFileIsTruncated) {
  TempDir dir;
  auto r = Cache::open(dir.write("empty.smc", {}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::truncated);
  EXPECT_EQ(r.error().message, "file is 0 bytes, header needs 128");
  auto s = Cache::from_bytes({});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Errc::truncated);
}

TEST(Open, TruncatedFileIsTruncated) {
  TempDir dir;
  auto bytes = valid_cache();
  bytes.resize(bytes.size() - 8);
  auto r = Cache::open(dir.write("cut.smc", bytes));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::truncated);
  EXPECT_EQ(r.error().os_errno, 0);
}

TEST(Open, InfoReportsTheHeader) {
  const auto bytes = valid_cache(4);
  const Cache cache = open_bytes(bytes);
  const CacheInfo i = cache.info();
  EXPECT_EQ(i.format_major, 1);
  EXPECT_EQ(i.format_minor, 0);
  EXPECT_EQ(i.semantics_version, format::kSemanticsVersion);
  EXPECT_EQ(i.file_size, bytes.size());
  EXPECT_EQ(i.generated_line_count, 3u);
  EXPECT_EQ(i.token_count, 4u);
  EXPECT_EQ(i.source_count, 2u);
  EXPECT_EQ(i.name_count, 2u);
  EXPECT_EQ(i.block_token_count, 4u);
  EXPECT_EQ(i.file, "out.js");
  EXPECT_EQ(i.debug_id, "85314830-023f-4cf1-a267-535f4e37bb17");
  EXPECT_EQ(i.input_hash, (format::Hash128{0x1111, 0x2222}));

  const auto none_bytes = build(SourceMapModel{});
  const Cache none = open_bytes(none_bytes);
  EXPECT_FALSE(none.info().file);
  EXPECT_FALSE(none.info().debug_id);
}

TEST(Open, SectionsListTheDirectory) {
  const auto bytes = valid_cache();
  const Cache cache = open_bytes(bytes);
  const auto sections = cache.sections();
  ASSERT_EQ(sections.size(), 8u);
  std::uint64_t end = 128 + 8 * 32;
  for (std::uint32_t k = 0; k < 8; ++k) {
    const SectionView& s = sections[k];
    EXPECT_EQ(s.id, k + 1);
    EXPECT_EQ(s.name, format::section_name(k + 1));
    EXPECT_GE(s.offset, end);
    EXPECT_EQ(s.offset % 8, 0u);
    EXPECT_EQ(s.checksum, format::checksum64(bytes.data() + s.offset, s.size));
    end = s.offset + s.size;
  }
  EXPECT_EQ(sections[7].name, "token_data");
  EXPECT_EQ(cache.bytes().data(), bytes.data()) << "from_bytes borrows, no copy";
}

TEST(Open, MovedCacheKeepsWorking) {
  const auto bytes = valid_cache();
  Cache a = open_bytes(bytes);
  Cache b = std::move(a);
  EXPECT_TRUE(b.lookup(0, 0));
  const auto other_bytes = build(SourceMapModel{});
  Cache c = open_bytes(other_bytes);
  c = std::move(b);
  EXPECT_TRUE(c.lookup(0, 0));
  EXPECT_EQ(c.token_count(), 4u);
}

TEST(Open, ConcurrentLookupsAgree) {
  std::vector<RawToken> line;
  ModelBuilder b;
  b.source("a.js");
  for (std::uint32_t i = 0; i < 5000; ++i) line.push_back(seg(3 * i, 0, i, i % 17));
  b.line(line);
  const auto bytes = build(b.model());
  const Cache cache = open_bytes(bytes);
  std::vector<int> wrong(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (std::uint32_t i = 0; i < 5000; ++i) {
        const auto tok = cache.lookup(0, 3 * i + static_cast<std::uint32_t>(t % 3));
        if (!tok || tok->line != i) ++wrong[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong, std::vector<int>(4, 0));
}

// --- one crafted file per rule ---

struct Case {
  const char* rule;
  std::function<void(std::vector<std::uint8_t>&)> patch;
  bool fix_checksum;  // recompute the header checksum after patching (targets a later check)
  Errc code;
  std::string message;  // expected substring of the message
};

void expect_open_fails(const std::vector<std::uint8_t>& base, const Case& c) {
  auto bytes = base;
  c.patch(bytes);
  if (c.fix_checksum && bytes.size() >= 128 + 32ull * get_u32(bytes, kSectionCountAt) &&
      get_u32(bytes, kHeaderSizeAt) == 128) {
    fix_header_checksum(bytes);
  }
  auto r = Cache::from_bytes(bytes);
  ASSERT_FALSE(r) << c.rule << ": opened";
  EXPECT_EQ(r.error().code, c.code)
      << c.rule << ": " << errc_name(r.error().code) << ": " << r.error().message;
  EXPECT_NE(r.error().message.find(c.message), std::string::npos)
      << c.rule << ": message '" << r.error().message << "' lacks '" << c.message << "'";
  EXPECT_EQ(r.error().message.back() == '.', false) << "no trailing period";
}

std::size_t entry_field(const std::vector<std::uint8_t>& b, std::uint32_t id, std::size_t field) {
  return entry_at(b, id - 1) + field;  // ids 1..8 sit in entries 0..7
}

TEST(OpenRejects, HeaderRules) {
  const auto base = valid_cache();
  const std::uint32_t strings = get_u32(base, kStringCountAt);
  const std::uint64_t size = base.size();
  const Case cases[] = {
      // R-HDR-1
      {"R-HDR-1 first byte", [](auto& b) { b[0] = '{'; }, false, Errc::not_a_cache,
       "not an smcache file: bad magic 7b 53 4d 43 0d 0a 1a 0a"},
      {"R-HDR-1 json text",
       [](auto& b) {
         const std::string json = "{\"version\":3}";
         b.assign(json.begin(), json.end());
       },
       false, Errc::not_a_cache, "bad magic 7b 22 76 65 72 73 69 6f"},
      {"R-HDR-1 short non-cache", [](auto& b) { b = {'\n'}; }, false, Errc::not_a_cache,
       "bad magic 0a"},
      {"R-HDR-1 text-mode copy (CR LF -> LF)", [](auto& b) { b.erase(b.begin() + 4); }, false,
       Errc::not_a_cache, "bad magic"},
      {"magic then nothing", [](auto& b) { b.resize(5); }, false, Errc::truncated,
       "file is 5 bytes, header needs 128"},
      {"header cut", [](auto& b) { b.resize(127); }, false, Errc::truncated,
       "file is 127 bytes, header needs 128"},
      // R-HDR-2
      {"R-HDR-2 major 2", [](auto& b) { b[8] = 2; }, true, Errc::unsupported_version,
       "format version 2.0 (this reader reads 1.x)"},
      {"R-HDR-2 major 0", [](auto& b) { b[8] = 0; }, true, Errc::unsupported_version,
       "format version 0.0"},
      {"R-HDR-2 before the checksum", [](auto& b) { b[8] = 3; }, false, Errc::unsupported_version,
       "format version 3.0"},
      // R-HDR-3
      {"R-HDR-3 big-endian mark", [](auto& b) { put_u32(b, 12, 0x0D0C0B0Au); }, true, Errc::corrupt,
       "byte order mark 0xd0c0b0a, expected 0xa0b0c0d"},
      // R-HDR-4
      {"R-HDR-4 short header", [](auto& b) { put_u32(b, kHeaderSizeAt, 120); }, false,
       Errc::corrupt, "header_size 120 is less than 128"},
      {"R-HDR-4 header past the end", [](auto& b) { put_u32(b, kHeaderSizeAt, 0xFFFFFFF0u); },
       false, Errc::truncated, "ends past end of file"},
      // R-HDR-5
      {"R-HDR-5 unknown required feature", [](auto& b) { put_u32(b, kRequiredAt, 0x4); }, true,
       Errc::unsupported_feature, "required feature bits 0x4 unknown"},
      {"R-HDR-5 high bit", [](auto& b) { put_u32(b, kRequiredAt, 0x80000000u); }, true,
       Errc::unsupported_feature, "0x80000000"},
      // R-HDR-6
      {"R-HDR-6 file_size larger than the file",
       [size](auto& b) { put_u64(b, kFileSizeAt, size + 8); }, true, Errc::truncated,
       str("header says ", size + 8)},
      {"R-HDR-6 bytes after file_size", [](auto& b) { b.resize(b.size() + 8, 0); }, true,
       Errc::corrupt, "trailing bytes"},
      {"R-HDR-6 file_size not a multiple of 8",
       [](auto& b) {
         b.resize(b.size() + 4, 0);
         put_u64(b, kFileSizeAt, b.size());
       },
       true, Errc::corrupt, "is not a multiple of 8"},
      {"R-HDR-6 huge file_size", [](auto& b) { put_u64(b, kFileSizeAt, ~std::uint64_t{0}); }, true,
       Errc::truncated, "header says 18446744073709551615"},
      // R-HDR-7
      {"R-HDR-7 reserved byte", [](auto& b) { b[kReservedAt + 3] = 1; }, true, Errc::corrupt,
       "reserved byte 107 is 1, must be 0"},
      {"R-HDR-7 last reserved byte", [](auto& b) { b[127] = 0xFF; }, true, Errc::corrupt,
       "reserved byte 127"},
      // R-HDR-8
      {"R-HDR-8 block 0", [](auto& b) { put_u32(b, kBlockAt, 0); }, true, Errc::corrupt,
       "block_token_count 0 is not a power of two in 1..4096"},
      {"R-HDR-8 block 3", [](auto& b) { put_u32(b, kBlockAt, 3); }, true, Errc::corrupt,
       "block_token_count 3"},
      {"R-HDR-8 block 8192", [](auto& b) { put_u32(b, kBlockAt, 8192); }, true, Errc::corrupt,
       "block_token_count 8192"},
      {"R-HDR-8 width 3", [](auto& b) { put_u32(b, kWidthAt, 3); }, true, Errc::corrupt,
       "string_offset_width 3 is not 1, 2 or 4"},
      {"R-HDR-8 width 0", [](auto& b) { put_u32(b, kWidthAt, 0); }, true, Errc::corrupt,
       "string_offset_width 0"},
      // R-HDR-9
      {"R-HDR-9 informational field changed", [](auto& b) { b[kNameCountAt] ^= 1; }, false,
       Errc::checksum_mismatch, "header: checksum mismatch (stored 0x"},
      {"R-HDR-9 stored checksum changed", [](auto& b) { b[kChecksumAt + 7] ^= 0x80; }, false,
       Errc::checksum_mismatch, "header: checksum mismatch"},
      {"R-HDR-9 covers the directory", [](auto& b) { b[entry_field(b, 8, 24)] ^= 1; }, false,
       Errc::checksum_mismatch, "header: checksum mismatch"},
      {"R-HDR-9 covers the input hash", [](auto& b) { b[48] ^= 1; }, false, Errc::checksum_mismatch,
       "header: checksum mismatch"},
      // R-HDR-10
      {"R-HDR-10 file string", [strings](auto& b) { put_u32(b, kFileStringAt, strings); }, true,
       Errc::corrupt, str("file_string_index ", strings, " out of range")},
      {"R-HDR-10 debug id string", [](auto& b) { put_u32(b, kDebugIdAt, 0xFFFFFFFEu); }, true,
       Errc::corrupt, "debug_id_string_index 4294967294 out of range"},
  };
  for (const Case& c : cases) expect_open_fails(base, c);
}

TEST(OpenRejects, DirectoryRules) {
  const auto base = valid_cache();
  const std::uint64_t size = base.size();
  const Case cases[] = {
      // R-DIR-1
      {"R-DIR-1 huge section_count", [](auto& b) { put_u32(b, kSectionCountAt, 0xFFFFFFFFu); },
       false, Errc::truncated, "directory of 4294967295 sections at offset 128 ends past end"},
      {"R-DIR-1 one entry too many",
       [size](auto& b) {
         put_u32(b, kSectionCountAt, static_cast<std::uint32_t>((size - 128) / 32 + 1));
       },
       false, Errc::truncated, "ends past end of file"},
      // R-DIR-2
      {"R-DIR-2 repeated id", [](auto& b) { put_u32(b, entry_field(b, 2, 0), 1); }, true,
       Errc::corrupt, "directory entry 1: section id 1 after id 1 (ids must increase)"},
      {"R-DIR-2 decreasing ids",
       [](auto& b) {
         put_u32(b, entry_field(b, 1, 0), 2);
         put_u32(b, entry_field(b, 2, 0), 1);
       },
       true, Errc::corrupt, "section id 1 after id 2"},
      // R-DIR-3
      {"R-DIR-3 unaligned offset",
       [](auto& b) { put_u64(b, entry_field(b, 5, 8), get_u64(b, entry_field(b, 5, 8)) + 4); },
       true, Errc::corrupt, "section 'source_content' [offset "},
      {"R-DIR-3 size past the end", [](auto& b) { put_u64(b, entry_field(b, 8, 16), 1u << 20); },
       true, Errc::truncated, str("size 1048576] ends past end of file (", size)},
      {"R-DIR-3 offset past the end",
       [size](auto& b) { put_u64(b, entry_field(b, 8, 8), size + 8); }, true, Errc::truncated,
       "ends past end of file"},
      {"R-DIR-3 offset + size wraps around",
       [](auto& b) { put_u64(b, entry_field(b, 8, 16), ~std::uint64_t{0} - 7); }, true,
       Errc::truncated, "ends past end of file"},
      // R-DIR-4
      {"R-DIR-4 reserved0", [](auto& b) { put_u32(b, entry_field(b, 3, 4), 1); }, true,
       Errc::corrupt, "section 'sources' [offset"},
      // R-DIR-5
      {"R-DIR-5 overlapping sections",
       [](auto& b) { put_u64(b, entry_field(b, 7, 8), get_u64(b, entry_field(b, 6, 8))); }, true,
       Errc::corrupt, "overlaps the previous section"},
      {"R-DIR-5 section inside the directory",
       [](auto& b) { put_u64(b, entry_field(b, 1, 8), 128); }, true, Errc::corrupt,
       "section 'string_offsets' [offset 128, size"},
      {"R-DIR-5 sections out of order",
       [](auto& b) {
         put_u64(b, entry_field(b, 8, 8), get_u64(b, entry_field(b, 1, 8)));
         put_u64(b, entry_field(b, 8, 16), 8);
       },
       true, Errc::corrupt, "section 'token_data' [offset"},
      // R-DIR-6
      {"R-DIR-6 token_data renamed", [](auto& b) { put_u32(b, entry_field(b, 8, 0), 9); }, true,
       Errc::corrupt, "missing section 'token_data' (id 8)"},
      {"R-DIR-6 directory cut short", [](auto& b) { put_u32(b, kSectionCountAt, 7); }, true,
       Errc::corrupt, "missing section 'token_data' (id 8)"},
      {"R-DIR-6 empty directory", [](auto& b) { put_u32(b, kSectionCountAt, 0); }, true,
       Errc::corrupt, "missing section 'string_offsets' (id 1)"},
  };
  for (const Case& c : cases) expect_open_fails(base, c);
}

TEST(OpenRejects, SectionSizes) {
  const auto base = valid_cache(1);  // one block per token: token_count changes the block count
  const Case cases[] = {
      {"R-SEC-1 string_offsets",
       [](auto& b) { put_u32(b, kStringCountAt, get_u32(b, kStringCountAt) + 1); }, true,
       Errc::corrupt, "section 'string_offsets' [offset"},
      {"R-SEC-1 string_offsets width", [](auto& b) { put_u32(b, kWidthAt, 2); }, true,
       Errc::corrupt, "size must be"},
      {"R-SEC-1 sources",
       [](auto& b) { put_u32(b, kSourceCountAt, get_u32(b, kSourceCountAt) + 1); }, true,
       Errc::corrupt, "size must be 96 (32 x 3 sources)"},
      {"R-SEC-1 line_index", [](auto& b) { put_u32(b, kLineCountAt, 0xFFFFFFFFu); }, true,
       Errc::corrupt, "section 'line_index'"},
      {"R-SEC-1 token_blocks",
       [](auto& b) { put_u32(b, kTokenCountAt, get_u32(b, kTokenCountAt) + 1); }, true,
       Errc::corrupt, "size must be 160 (32 x 5 blocks of 1 tokens)"},
      {"R-SEC-1 token_blocks huge count", [](auto& b) { put_u32(b, kTokenCountAt, 0xFFFFFFFFu); },
       true, Errc::corrupt, "section 'token_blocks'"},
      {"R-SEC-1 block size", [](auto& b) { put_u32(b, kBlockAt, 2); }, true, Errc::corrupt,
       "(32 x 2 blocks of 2 tokens)"},
  };
  for (const Case& c : cases) expect_open_fails(base, c);

  // Sizes that no header count predicts: re-laid-out files with correct checksums.
  {
    Layout l = Layout::parse(base);
    l.section(4).bytes.resize(l.section(4).bytes.size() + 2);
    auto r = Cache::from_bytes(l.serialize());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::corrupt);
    EXPECT_NE(r.error().message.find("'source_line_starts'"), std::string::npos);
    EXPECT_NE(r.error().message.find("size is not a multiple of 4"), std::string::npos);
  }
  {
    Layout l = Layout::parse(base);
    l.section(8).bytes.resize(4);
    auto r = Cache::from_bytes(l.serialize());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::corrupt);
    EXPECT_NE(r.error().message.find("size is less than 8 (the padding)"), std::string::npos)
        << r.error().message;
  }
}

TEST(OpenAccepts, UnknownSectionsAndFeatures) {
  const auto base = valid_cache();
  Layout l = Layout::parse(base);
  l.sections.push_back({12, {1, 2, 3}});  // 9 `functions` (1.1) .. 11 `generated_functions` (1.3)
  l.sections.push_back({0x7FFFFFFF, {}});
  const auto bytes = l.serialize();
  auto r = Cache::from_bytes(bytes);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->sections().size(), 10u);
  EXPECT_EQ(r->sections()[8].name, "unknown");
  EXPECT_EQ(r->sections()[8].size, 3u);
  EXPECT_TRUE(r->lookup(0, 5));
  EXPECT_TRUE(r->verify().ok()) << r->verify().error().message;

  // R-HDR-5: unknown optional features are ignored.
  auto opt = base;
  put_u32(opt, kOptionalAt, 0xFFFFFFFFu);
  fix_header_checksum(opt);
  auto o = Cache::from_bytes(opt);
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_TRUE(o->verify().ok());
}

TEST(OpenAccepts, LaterMinorWithLargerHeader) {
  // R-HDR-4, R-HDR-7: a minor-1 file whose header grew by 8 bytes and uses reserved bytes.
  const auto base = valid_cache();
  Layout l = Layout::parse(base);
  l.header.resize(136, 0xAB);
  put_u32(l.header, kHeaderSizeAt, 136);
  l.header[10] = 1;  // format_minor
  l.header[kReservedAt] = 7;
  const auto bytes = l.serialize();
  auto r = Cache::from_bytes(bytes);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->info().format_minor, 1);
  EXPECT_EQ(r->lookup(0, 5)->name, "console");
  EXPECT_EQ(r->source_line(0, 0), "const a = 1;");
  EXPECT_TRUE(r->verify().ok()) << r->verify().error().message;
}

TEST(OpenAccepts, ReservedBytesOfALaterMinor) {
  auto bytes = valid_cache();
  bytes[10] = 1;  // format_minor 1
  bytes[kReservedAt + 5] = 1;
  fix_header_checksum(bytes);
  EXPECT_EQ(open_code(bytes), Errc::ok);
}

TEST(OpenAccepts, EveryBlockSize) {
  for (std::uint32_t block = 1; block <= 4096; block *= 2) {
    const auto bytes = valid_cache(block);
    const Cache cache = open_bytes(bytes);
    EXPECT_EQ(cache.info().block_token_count, block);
    EXPECT_EQ(cache.lookup(2, 3)->line, 1u) << block;
    EXPECT_TRUE(cache.verify().ok()) << block;
  }
}

}  // namespace
}  // namespace smcache::test
