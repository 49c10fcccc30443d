// The converter's entry points and its file system side: compile(), compile_file(), read_file()
// and the atomic writer (temporary file beside the target, fsync, rename, fsync of the directory).
//
// No exception leaves these functions: allocation failures become limit_exceeded, anything else
// internal; system call failures become io with the path and errno.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <limits>
#include <new>
#include <string>
#include <system_error>
#include <vector>

#include <smcache/converter/compile.hpp>
#include <smcache/converter/model.hpp>
#include <smcache/format/checksum.hpp>

#include "unique_fd.hpp"

namespace smcache {
namespace {

namespace fs = std::filesystem;

Error io_error(const char* verb, const fs::path& path, int err) {
  Error e = make_error(Errc::io, std::string(verb) + " " + path.string() + ": " +
                                     std::system_category().message(err));
  e.os_errno = err;
  return e;
}

template <class F>
auto guard(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return make_error(Errc::limit_exceeded, "out of memory");
  } catch (const std::length_error& e) {
    return make_error(Errc::limit_exceeded, std::string("out of memory: ") + e.what());
  } catch (const std::exception& e) {
    return make_error(Errc::internal, std::string("internal: ") + e.what());
  } catch (...) {
    return make_error(Errc::internal, "internal: unknown exception");
  }
}

using detail::Fd;

// Reads the whole file; inputs past `max_bytes` are refused before reading when the size is known
// (regular files) and as soon as they are exceeded otherwise (pipes, /proc files).
Result<std::vector<std::uint8_t>> read_file_limited(const fs::path& path, std::uint64_t max_bytes) {
  int raw_fd;
  do {
    raw_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (raw_fd < 0 && errno == EINTR);
  if (raw_fd < 0) return io_error("open", path, errno);
  Fd fd(raw_fd);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return io_error("stat", path, errno);
  if (S_ISDIR(st.st_mode)) return io_error("read", path, EISDIR);
  auto too_big = [&](std::uint64_t size) {
    return make_error(Errc::limit_exceeded, "input " + path.string() + ": " + std::to_string(size) +
                                                " bytes, more than the limit of " +
                                                std::to_string(max_bytes));
  };
  std::size_t capacity = 64 * 1024;
  if (S_ISREG(st.st_mode)) {
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size > max_bytes) return too_big(size);
    capacity = static_cast<std::size_t>(size) + 1;  // +1: see EOF without a second grow
  }
  std::vector<std::uint8_t> out(capacity);
  std::size_t length = 0;
  for (;;) {
    if (length == out.size()) {
      if (length > max_bytes) return too_big(length);
      out.resize(out.size() * 2);
    }
    const ssize_t n = ::read(fd.get(), out.data() + length, out.size() - length);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("read", path, errno);
    }
    if (n == 0) break;
    length += static_cast<std::size_t>(n);
  }
  if (length > max_bytes) return too_big(length);
  out.resize(length);
  return out;
}

// 0666 minus the process umask, for the cache file: mkstemp creates 0600, which would hide caches
// from other users (a web server reading a build user's caches). The umask is read from
// /proc/self/status (Linux >= 4.7) because umask(2) can only be read by changing it, which is not
// thread-safe; 022 when unavailable. Read on each call (cheap next to the fsync) so that a umask
// change by the process is honoured.
mode_t file_creation_mode() {
  mode_t mask = 022;
  if (std::FILE* f = std::fopen("/proc/self/status", "re")) {
    char line[256];
    while (std::fgets(line, sizeof line, f) != nullptr) {
      if (std::strncmp(line, "Umask:", 6) == 0) {
        mask = static_cast<mode_t>(std::strtoul(line + 6, nullptr, 8)) & 0777;
        break;
      }
    }
    std::fclose(f);
  }
  return static_cast<mode_t>(0666 & ~mask);
}

// Writes all of `bytes` to the open `fd`; 0 or the errno of the failed write.
int write_all(int fd, std::span<const std::uint8_t> bytes) {
  const std::uint8_t* p = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return 0;
}

// write_output_file(): a character device (/dev/null) or a FIFO named as a command's output is
// written in place: renaming over it would replace the device or pipe with a plain file (as root,
// /dev/null itself), and atomicity means nothing for a stream.
Result<Ok> write_in_place(const fs::path& path, std::span<const std::uint8_t> bytes) {
  int raw_fd;
  do {
    raw_fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
  } while (raw_fd < 0 && errno == EINTR);
  if (raw_fd < 0) return io_error("open", path, errno);
  Fd fd(raw_fd);
  if (const int err = write_all(fd.get(), bytes); err != 0) return io_error("write", path, err);
  if (const int err = fd.close(); err != 0) return io_error("write", path, err);
  return Ok{};
}

// Never follows a symbolic link at `path` (the rename replaces the link itself, as mv does), and
// refuses a directory, device, FIFO or socket there: a shared cache directory (`warm`) with a
// planted link or FIFO cannot make it write elsewhere or block.
Result<Ok> write_atomic(const fs::path& path, std::span<const std::uint8_t> bytes) {
  if (path.empty() || !path.has_filename()) return io_error("write", path, EISDIR);
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return io_error("write", path, EISDIR);
    if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
      return make_error(Errc::io, "write " + path.string() +
                                      ": not a regular file (a device, FIFO or socket is never "
                                      "replaced)");
    }
  }
  fs::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  std::string temp_name = ".";  // appends: GCC 12 warns falsely on "." + string&& (PR 105329)
  temp_name += path.filename().string();
  temp_name += ".tmp-XXXXXX";
  std::string temp = (dir / temp_name).string();
  const int raw_fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (raw_fd < 0) return io_error("write", path, errno);
  Fd fd(raw_fd);
  // From here on, every failure removes the temporary file; `path` is untouched until rename.
  auto fail = [&](int err, const char* verb = "write") {
    if (fd.get() >= 0) fd.close();
    ::unlink(temp.c_str());
    return io_error(verb, path, err);
  };
  if (::fchmod(fd.get(), file_creation_mode()) != 0) return fail(errno);
  if (const int err = write_all(fd.get(), bytes); err != 0) return fail(err);
  if (::fsync(fd.get()) != 0) return fail(errno);
  if (const int err = fd.close(); err != 0) return fail(err);
  if (::rename(temp.c_str(), path.c_str()) != 0) return fail(errno);

  // Make the rename itself durable. The target is already replaced, so a failure here is reported
  // but cannot be undone; file systems without directory fsync (EINVAL) are not an error.
  int dir_fd;
  do {
    dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  } while (dir_fd < 0 && errno == EINTR);
  if (dir_fd < 0) return io_error("open", dir, errno);
  Fd dfd(dir_fd);
  if (::fsync(dfd.get()) != 0 && errno != EINVAL && errno != ENOTSUP) {
    return io_error("fsync", dir, errno);
  }
  return Ok{};
}

}  // namespace

Result<std::vector<std::uint8_t>> compile(std::span<const std::uint8_t> map_json,
                                          const CompileOptions& options) {
  return guard([&]() -> Result<std::vector<std::uint8_t>> {
    auto model = parse_source_map(map_json, options);
    if (!model) return std::move(model).error();
    const format::Hash128 hash = cache_input_hash(map_json, options);
    return build_cache(*model, hash, options);
  });
}

Result<std::vector<std::uint8_t>> compile_consuming(std::vector<std::uint8_t>&& map_json,
                                                    const CompileOptions& options) {
  std::vector<std::uint8_t> input = std::move(map_json);
  map_json.clear();
  return guard([&]() -> Result<std::vector<std::uint8_t>> {
    const format::Hash128 hash = cache_input_hash(input, options);
    auto model = parse_source_map(input, options);
    if (!model) return std::move(model).error();
    std::vector<std::uint8_t>().swap(input);  // the model holds all the cache needs
    return build_cache(*model, hash, options);
  });
}

Result<Ok> compile_file(const fs::path& map_path, const fs::path& cache_path,
                        const CompileOptions& options) {
  return guard([&]() -> Result<Ok> {
    auto input = read_file_limited(map_path, options.max_input_bytes);
    if (!input) return std::move(input).error();
    auto bytes = compile_consuming(std::move(*input), options);
    if (!bytes) return std::move(bytes).error();
    return write_atomic(cache_path, *bytes);
  });
}

Result<std::vector<std::uint8_t>> read_file(const fs::path& path, std::uint64_t max_bytes) {
  return guard([&] { return read_file_limited(path, max_bytes); });
}

Result<Ok> write_file_atomic(const fs::path& path, std::span<const std::uint8_t> bytes) {
  return guard([&] { return write_atomic(path, bytes); });
}

Result<Ok> write_output_file(const fs::path& path, std::span<const std::uint8_t> bytes) {
  return guard([&]() -> Result<Ok> {
    struct stat st {};
    if (!path.empty() && ::stat(path.c_str(), &st) == 0 &&
        (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))) {
      return write_in_place(path, bytes);
    }
    return write_atomic(path, bytes);
  });
}

}  // namespace smcache
