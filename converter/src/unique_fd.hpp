// An owned POSIX file descriptor, closed on destruction: the converter's file I/O (io.cpp,
// warm.cpp) holds every descriptor through one of these so no error path leaks it.
#pragma once

#include <unistd.h>

#include <cerrno>

namespace smcache::detail {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // Closes now and reports close(2)'s errno (0 on success): a delayed write error may surface here.
  int close() {
    const int fd = fd_;
    fd_ = -1;
    return ::close(fd) == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

}  // namespace smcache::detail
