// Tests of converter/src/io.cpp: compile(), compile_file(), read_file() and the atomic writer
// (target untouched after a failing write, no temporary file left behind).
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <smcache/converter/compile.hpp>
#include <smcache/format/checksum.hpp>
#include <smcache/format/layout.hpp>

namespace smcache {
namespace {

namespace fs = std::filesystem;

std::span<const std::uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "smcache-io-test-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  fs::path operator/(std::string_view name) const { return path_ / name; }
  // Names of the directory's entries.
  std::set<std::string> entries() const {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(path_)) out.insert(e.path().filename().string());
    return out;
  }

 private:
  fs::path path_;
};

void write_text(const fs::path& p, std::string_view text) {
  std::ofstream(p, std::ios::binary) << text;
}

std::string read_text(const fs::path& p) {
  auto r = read_file(p);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::string(r->begin(), r->end()) : std::string();
}

constexpr std::string_view kMap =
    R"({"version":3,"file":"out.js","sources":["a.js"],"sourcesContent":["let a = 1;\n"],)"
    R"("names":["a"],"mappings":"AAAA,IAAIA"})";

TEST(ReadFile, ReadsWholeFiles) {
  TempDir dir;
  write_text(dir / "empty", "");
  EXPECT_EQ(read_text(dir / "empty"), "");
  std::string big(3 << 20, 'x');
  for (std::size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>(i / 4096);
  write_text(dir / "big", big);
  EXPECT_EQ(read_text(dir / "big"), big);
}

TEST(ReadFile, ReadsFilesOfUnknownSize) {
  // /proc files report size 0: read until EOF.
  const std::string status = read_text("/proc/self/status");
  EXPECT_NE(status.find("Pid:"), std::string::npos);
}

TEST(ReadFile, ReportsPathAndErrno) {
  TempDir dir;
  auto r = read_file(dir / "missing.map");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::io);
  EXPECT_EQ(r.error().os_errno, ENOENT);
  EXPECT_EQ(r.error().message,
            "open " + (dir / "missing.map").string() + ": No such file or directory");
  r = read_file(dir.path());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::io);
  EXPECT_EQ(r.error().os_errno, EISDIR);
  EXPECT_EQ(r.error().message, "read " + dir.path().string() + ": Is a directory");
}

TEST(WriteFileAtomic, WritesAndReplacesWithoutLeavingTemporaryFiles) {
  TempDir dir;
  const fs::path target = dir / "out.smc";
  ASSERT_TRUE(write_file_atomic(target, bytes_of("first")).ok());
  EXPECT_EQ(read_text(target), "first");
  ASSERT_TRUE(write_file_atomic(target, bytes_of("second, longer")).ok());
  EXPECT_EQ(read_text(target), "second, longer");
  ASSERT_TRUE(write_file_atomic(target, bytes_of("")).ok());
  EXPECT_EQ(read_text(target), "");
  EXPECT_EQ(dir.entries(), (std::set<std::string>{"out.smc"}));
}

TEST(WriteFileAtomic, CreatesFilesWithUmaskPermissions) {
  // mkstemp creates 0600; the cache must be readable like any other file the process creates.
  TempDir dir;
  const mode_t old_mask = ::umask(027);
  const auto r = write_file_atomic(dir / "a.smc", bytes_of("x"));
  ::umask(old_mask);
  ASSERT_TRUE(r.ok()) << r.error().message;
  struct stat st {};
  ASSERT_EQ(::stat((dir / "a.smc").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u) << std::oct << (st.st_mode & 0777);
}

TEST(WriteFileAtomic, WritesRelativeToTheCurrentDirectory) {
  TempDir dir;
  const fs::path old = fs::current_path();
  fs::current_path(dir.path());
  const auto r = write_file_atomic("plain-name.smc", bytes_of("data"));
  fs::current_path(old);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(read_text(dir / "plain-name.smc"), "data");
  EXPECT_EQ(dir.entries(), (std::set<std::string>{"plain-name.smc"}));
}

TEST(WriteFileAtomic, MissingDirectoryIsAnIoError) {
  TempDir dir;
  const fs::path target = dir / "no" / "such" / "out.smc";
  const auto r = write_file_atomic(target, bytes_of("x"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::io);
  EXPECT_EQ(r.error().os_errno, ENOENT);
  EXPECT_EQ(r.error().message, "write " + target.string() + ": No such file or directory");
  EXPECT_TRUE(dir.entries().empty());
}

TEST(WriteFileAtomic, PathWithoutFileNameIsAnIoError) {
  TempDir dir;
  const auto r = write_file_atomic(dir.path().string() + "/", bytes_of("x"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::io);
  EXPECT_TRUE(dir.entries().empty());
}

TEST(WriteFileAtomic, FailedWriteLeavesTargetUntouched) {
  // RLIMIT_FSIZE makes write(2) fail with EFBIG part way, like a full disk would with ENOSPC.
  TempDir dir;
  const fs::path target = dir / "out.smc";
  write_text(target, "old contents");
  const std::vector<std::uint8_t> big(1 << 20, 0xAB);

  struct rlimit old_limit {};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  struct rlimit small = old_limit;
  small.rlim_cur = 64 * 1024;
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  const auto r = write_file_atomic(target, big);
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  std::signal(SIGXFSZ, old_handler);

  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::io);
  EXPECT_EQ(r.error().os_errno, EFBIG);
  EXPECT_EQ(r.error().message, "write " + target.string() + ": File too large");
  EXPECT_EQ(read_text(target), "old contents");
  EXPECT_EQ(dir.entries(), (std::set<std::string>{"out.smc"}));
}

TEST(WriteFileAtomic, DirectoryTargetIsRefusedUntouched) {
  // A directory is refused before anything is written (no temporary file either).
  TempDir dir;
  const fs::path target = dir / "out.smc";
  fs::create_directory(target);
  write_text(target / "keep", "k");
  const auto r = write_file_atomic(target, bytes_of("data"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::io);
  EXPECT_EQ(r.error().os_errno, EISDIR);
  EXPECT_TRUE(fs::is_directory(target));
  EXPECT_EQ(read_text(target / "keep"), "k");
  EXPECT_EQ(dir.entries(), (std::set<std::string>{"out.smc"}));
}

TEST(Compile, ProducesACacheWithTheInputHash) {
  auto r = compile(bytes_of(kMap));
  ASSERT_TRUE(r.ok()) << r.error().message;
  const std::vector<std::uint8_t>& cache = *r;
  ASSERT_GE(cache.size(), 128u);
  EXPECT_TRUE(std::equal(format::kMagic.begin(), format::kMagic.end(), cache.begin()));
  const format::Hash128 h = format::input_hash(kMap.data(), kMap.size());
  EXPECT_EQ(format::load_le<std::uint64_t>(cache.data() + 48), h.low);
  EXPECT_EQ(format::load_le<std::uint64_t>(cache.data() + 56), h.high);
  EXPECT_EQ(format::load_le<std::uint32_t>(cache.data() + 72), 2u);  // token_count
  // Deterministic.
  auto again = compile(bytes_of(kMap));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, cache);
}

TEST(Compile, PassesParseErrorsThrough) {
  auto r = compile(bytes_of(R"({"version":3,"sources":[],"mappings":"AAAA"})"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::invalid_mappings);
  EXPECT_EQ(r.error().message,
            "mappings: line 0, segment 0: source index 0 out of range (0 sources)");
  r = compile(bytes_of("{"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::invalid_json);
  CompileOptions o;
  o.block_token_count = 3;  // not a power of two: the builder refuses
  r = compile(bytes_of(kMap), o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
}

TEST(CompileFile, WritesTheSameBytesAsCompile) {
  TempDir dir;
  write_text(dir / "in.map", kMap);
  const auto r = compile_file(dir / "in.map", dir / "out.smc");
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto expected = compile(bytes_of(kMap));
  ASSERT_TRUE(expected.ok());
  auto written = read_file(dir / "out.smc");
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(*written, *expected);
  EXPECT_EQ(dir.entries(), (std::set<std::string>{"in.map", "out.smc"}));
}

TEST(CompileFile, ErrorsLeaveAnExistingCacheUntouched) {
  TempDir dir;
  write_text(dir / "out.smc", "previous cache");
  write_text(dir / "bad.map", R"({"version":3,"sources":"x","mappings":""})");

  auto r = compile_file(dir / "bad.map", dir / "out.smc");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::invalid_field);
  EXPECT_EQ(r.error().message, "sources: expected an array, got string");

  r = compile_file(dir / "missing.map", dir / "out.smc");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::io);
  EXPECT_EQ(r.error().os_errno, ENOENT);

  EXPECT_EQ(read_text(dir / "out.smc"), "previous cache");
  EXPECT_EQ(dir.entries(), (std::set<std::string>{"bad.map", "out.smc"}));
}

TEST(CompileFile, RefusesOversizedInputBeforeReadingIt) {
  TempDir dir;
  write_text(dir / "in.map", kMap);
  CompileOptions o;
  o.max_input_bytes = kMap.size() - 1;
  const auto r = compile_file(dir / "in.map", dir / "out.smc", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::limit_exceeded);
  EXPECT_EQ(r.error().message, "input " + (dir / "in.map").string() + ": " +
                                   std::to_string(kMap.size()) + " bytes, more than the limit of " +
                                   std::to_string(kMap.size() - 1));
  EXPECT_FALSE(fs::exists(dir / "out.smc"));
  o.max_input_bytes = kMap.size();
  EXPECT_TRUE(compile_file(dir / "in.map", dir / "out.smc", o).ok());
}

// `compile -o /dev/null` as root once replaced /dev/null with a plain file (the rename). A FIFO
// takes the same path as a device and is safe to make here.
TEST(WriteOutputFile, FifoIsWrittenInPlace) {
  TempDir dir;
  const fs::path fifo = dir / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0) << std::strerror(errno);
  std::string received;
  std::thread reader([&] {
    std::ifstream in(fifo, std::ios::binary);
    received.assign(std::istreambuf_iterator<char>(in), {});
  });
  const auto r = write_output_file(fifo, bytes_of("through the pipe"));
  reader.join();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(received, "through the pipe");
  struct stat st {};
  ASSERT_EQ(::lstat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_EQ(dir.entries(), (std::set<std::string>{"pipe"}));
  // A regular file is written atomically, as write_file_atomic() does.
  ASSERT_TRUE(write_output_file(dir / "out.smc", bytes_of("x")).ok());
  EXPECT_EQ(read_text(dir / "out.smc"), "x");
}

// write_file_atomic() (what `warm` writes a shared directory with) never writes through what it
// finds at the target: a FIFO is refused at once (it would block), a link is replaced itself.
TEST(WriteFileAtomic, FifoIsRefusedAndLinkIsReplacedNotFollowed) {
  TempDir dir;
  const fs::path fifo = dir / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0) << std::strerror(errno);
  const auto r = write_file_atomic(fifo, bytes_of("x"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::io);
  EXPECT_NE(r.error().message.find("not a regular file"), std::string::npos) << r.error().message;
  write_text(dir / "elsewhere", "keep");
  fs::create_symlink("elsewhere", dir / "cache.smc");
  ASSERT_TRUE(write_file_atomic(dir / "cache.smc", bytes_of("new")).ok());
  EXPECT_FALSE(fs::is_symlink(dir / "cache.smc"));
  EXPECT_EQ(read_text(dir / "cache.smc"), "new");
  EXPECT_EQ(read_text(dir / "elsewhere"), "keep");
  EXPECT_EQ(dir.entries(), (std::set<std::string>{"cache.smc", "elsewhere", "pipe"}));
}

}  // namespace
}  // namespace smcache
