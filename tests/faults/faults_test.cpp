// Faults around cache files (issue 6): a reader keeps answering from its mapping while the file
// is replaced by rename; a new open sees the new file; truncating a mapped file in place kills
// the reader with SIGBUS (the documented stance: caches are replaced by rename, never rewritten
// in place, SPEC.md §11), and our writers never rewrite in place (the target's inode changes);
// a full disk gives a clear io error and leaves the old file intact.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <smcache/converter/compile.hpp>
#include <smcache/reader/cache.hpp>

namespace smcache::test {
namespace {

namespace fs = std::filesystem;

std::vector<std::uint8_t> bytes_of(const std::string& s) {
  return std::vector<std::uint8_t>(s.begin(), s.end());
}

// A map of `lines` lines, `per_line` segments each; `version` shifts every original line, so two
// versions answer the same query differently.
std::string make_map(std::uint32_t lines, std::uint32_t per_line, std::uint32_t version,
                     std::size_t content_bytes = 0) {
  std::string m;
  for (std::uint32_t l = 0; l < lines; ++l) {
    if (l) m += ';';
    m += l == 0 ? (version ? "AAAA" : "AAAA") : "AACA";  // original line +1 per generated line
    for (std::uint32_t s = 1; s < per_line; ++s) m += ",CAAC";
  }
  std::string content;
  while (content.size() < content_bytes) content += "let x = 1;\\n";
  return R"({"version":3,"sources":["v)" + std::to_string(version) +
         R"(.js"],"sourcesContent":[")" + content + R"("],"names":[],"mappings":")" + m + "\"}";
}

std::vector<std::uint8_t> compile_or_die(const std::string& json) {
  auto r = compile(bytes_of(json));
  if (!r) throw std::runtime_error(r.error().message);
  return std::move(r).value();
}

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("smcache-faults-" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

ino_t inode_of(const fs::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 ? st.st_ino : 0;
}

TEST(Faults, ReplaceWhileReadingOldMappingKeepsAnswering) {
  TempDir dir;
  const fs::path path = dir.path / "a.smc";
  const auto v1 = compile_or_die(make_map(2000, 8, 1));
  const auto v2 = compile_or_die(make_map(500, 3, 2));
  ASSERT_TRUE(write_file_atomic(path, v1));
  auto old_cache = Cache::open(path);
  ASSERT_TRUE(old_cache) << old_cache.error().message;
  const auto ref1 = Cache::from_bytes(v1);
  const auto ref2 = Cache::from_bytes(v2);
  int replaced = 0, checked = 0;
  for (int round = 0; round < 20; ++round) {
    // Replace by rename, alternating versions; the old mapping is of v1 throughout.
    ASSERT_TRUE(write_file_atomic(path, round % 2 ? v1 : v2));
    ++replaced;
    for (std::uint32_t line = 0; line < 2000; line += 37) {
      for (std::uint32_t col : {0u, 3u, 7u}) {
        const auto a = old_cache->lookup(line, col);
        const auto b = ref1->lookup(line, col);
        ASSERT_EQ(a.has_value(), b.has_value());
        if (a) {
          ASSERT_EQ(a->line, b->line);
          ASSERT_EQ(a->column, b->column);
          ASSERT_EQ(a->source, "v1.js");
        }
        ++checked;
      }
    }
    ASSERT_TRUE(old_cache->verify().ok());
    // A new open sees the file now at the path.
    auto fresh = Cache::open(path);
    ASSERT_TRUE(fresh) << fresh.error().message;
    const auto& ref = round % 2 ? *ref1 : *ref2;
    EXPECT_EQ(fresh->token_count(), ref.token_count());
    EXPECT_EQ(fresh->info().input_hash.low, ref.info().input_hash.low);
    EXPECT_EQ(fresh->source(0)->name, ref.source(0)->name);
  }
  std::printf("[ faults ] %d replacements by rename under a live mapping, %d old answers checked\n",
              replaced, checked);
}

TEST(Faults, WritersReplaceByRenameNeverInPlace) {
  TempDir dir;
  const fs::path map = dir.path / "a.map", path = dir.path / "a.smc";
  {
    const std::string json = make_map(100, 4, 1);
    FILE* f = std::fopen(map.c_str(), "wb");
    std::fwrite(json.data(), 1, json.size(), f);
    std::fclose(f);
  }
  ASSERT_TRUE(compile_file(map, path));
  // A reader holds the first version open across every rewrite.
  auto held = Cache::open(path);
  ASSERT_TRUE(held);
  ino_t previous = inode_of(path);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(i % 2 ? compile_file(map, path)
                      : write_file_atomic(path, compile_or_die(make_map(50 + i, 2, 2))));
    const ino_t now = inode_of(path);
    EXPECT_NE(now, previous) << "rewrite " << i << " kept the inode: rewritten in place";
    previous = now;
    ASSERT_TRUE(held->verify().ok()) << "the held mapping changed under the reader";
  }
  // No temporary file is left behind.
  for (const auto& e : fs::directory_iterator(dir.path)) {
    const std::string name = e.path().filename().string();
    EXPECT_TRUE(name == "a.map" || name == "a.smc") << "left behind: " << name;
  }
}

TEST(Faults, TruncationUnderALiveMappingIsSigbus) {
  // The documented risk (reader/cache.hpp, SPEC.md §11): a file truncated in place under a
  // mapping makes the next access of a missing page raise SIGBUS. The child proves it.
  TempDir dir;
  const fs::path path = dir.path / "a.smc";
  const auto bytes = compile_or_die(make_map(20000, 8, 1, 256 * 1024));
  ASSERT_GT(bytes.size(), 64u * 1024);
  ASSERT_TRUE(write_file_atomic(path, bytes));
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // The default action, even under AddressSanitizer (which otherwise catches SIGBUS and
    // aborts with a report): the test is about what the process sees without a handler.
    ::signal(SIGBUS, SIG_DFL);
    auto c = Cache::open(path);
    if (!c) ::_exit(10);
    // Another writer truncates in place (what our writers never do).
    if (::truncate(path.c_str(), 4096) != 0) ::_exit(11);
    volatile std::uint64_t sum = 0;
    const auto info = c->source(0);  // content lies past the first page: its pages are gone
    if (info && info->content) {
      for (char ch : *info->content) sum = sum + static_cast<unsigned char>(ch);
    }
    for (std::uint32_t i = 0; i < c->token_count(); i += 64) {
      if (auto t = c->token(i)) sum = sum + t->line;
    }
    ::_exit(0);  // not reached: SIGBUS above
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status))
      << "child exited with " << WEXITSTATUS(status) << " instead of dying of SIGBUS";
  EXPECT_EQ(WTERMSIG(status), SIGBUS);
  std::printf("[ faults ] truncation under a live mapping: the reader died of signal %d (SIGBUS)\n",
              WTERMSIG(status));
}

// After a failed atomic write over `path`: it is still the same file (`inode`) holding exactly
// `bytes`, a valid cache, and nothing else (no temporary file) is left in its directory.
void expect_old_file_kept(const fs::path& path, ino_t inode,
                          const std::vector<std::uint8_t>& bytes) {
  EXPECT_EQ(inode_of(path), inode);
  auto old = Cache::open(path);
  ASSERT_TRUE(old);
  ASSERT_TRUE(old->verify().ok());
  EXPECT_EQ(std::vector<std::uint8_t>(old->bytes().begin(), old->bytes().end()), bytes);
  int entries = 0;
  for (const auto& e : fs::directory_iterator(path.parent_path())) {
    ++entries;
    EXPECT_EQ(e.path().filename(), path.filename());
  }
  EXPECT_EQ(entries, 1);
}

TEST(Faults, DiskFullIsAClearErrorAndKeepsTheOldFile) {
  TempDir dir;
  const fs::path mnt = dir.path / "small";
  fs::create_directories(mnt);
  if (::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=1m") != 0) {
    GTEST_SKIP() << "SKIPPED: cannot mount a 1 MiB tmpfs here (" << std::strerror(errno)
                 << "); Faults.FileSizeLimitIsAClearErrorAndKeepsTheOldFile covers a failed "
                    "write without it";
  }
  struct Unmount {
    fs::path p;
    ~Unmount() { ::umount2(p.c_str(), MNT_DETACH); }
  } unmount{mnt};
  const fs::path path = mnt / "a.smc";
  const auto small = compile_or_die(make_map(100, 4, 1));
  ASSERT_TRUE(write_file_atomic(path, small));
  const ino_t inode = inode_of(path);
  const auto big = compile_or_die(make_map(10, 1, 2, 3u << 20));  // ~3 MiB: cannot fit
  ASSERT_GT(big.size(), 2u << 20);
  auto r = write_file_atomic(path, big);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::io);
  EXPECT_EQ(r.error().os_errno, ENOSPC) << r.error().message;
  EXPECT_NE(r.error().message.find("No space left on device"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find(path.string()), std::string::npos) << r.error().message;
  std::printf("[ faults ] disk full: %s\n", r.error().message.c_str());
  // The old file is intact and still the same file; no temporary file remains.
  expect_old_file_kept(path, inode, small);
}

// The same guarantee where no tmpfs can be mounted (not root): a file size limit (RLIMIT_FSIZE,
// SIGXFSZ ignored) makes the writer's write() fail with EFBIG part way, as a full disk would.
// Runs in a child so the limit does not outlive the test.
TEST(Faults, FileSizeLimitIsAClearErrorAndKeepsTheOldFile) {
  TempDir dir;
  const fs::path path = dir.path / "a.smc";
  const auto small = compile_or_die(make_map(100, 4, 1));
  ASSERT_TRUE(write_file_atomic(path, small));
  const ino_t inode = inode_of(path);
  const auto big = compile_or_die(make_map(10, 1, 2, 3u << 20));  // ~3 MiB: over the 1 MiB limit
  ASSERT_GT(big.size(), 2u << 20);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(fds[0]);
    std::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{1u << 20, 1u << 20};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(3);
    auto r = write_file_atomic(path, big);
    const std::string report =
        r ? std::string("0 written") : std::to_string(r.error().os_errno) + " " + r.error().message;
    (void)!::write(fds[1], report.data(), report.size());
    ::_exit(r ? 1 : 0);
  }
  ::close(fds[1]);
  std::string report;
  char buf[512];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) report.append(buf, buf + n);
  ::close(fds[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "the write did not fail as it should: " << report;
  EXPECT_EQ(report.rfind(std::to_string(EFBIG) + " ", 0), 0u) << report;
  EXPECT_NE(report.find("File too large"), std::string::npos) << report;
  EXPECT_NE(report.find(path.string()), std::string::npos) << report;
  std::printf("[ faults ] file size limit: %s\n", report.c_str());
  expect_old_file_kept(path, inode, small);
}

}  // namespace
}  // namespace smcache::test
