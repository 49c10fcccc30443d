// Replay driver for builds without libFuzzer (any compiler): runs LLVMFuzzerTestOneInput on every
// file named on the command line or found under a named directory, so the committed corpora and
// regressions run as ordinary ctest cases (the simdjson fuzz/main.cpp and zstd regression
// driver pattern). A crash or a failed check aborts the process and fails the test.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

bool read_all(const std::filesystem::path& path, std::vector<std::uint8_t>& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE_OR_DIR...\n", argv[0]);
    return 2;
  }
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path arg = argv[i];
    std::error_code ec;
    if (std::filesystem::is_directory(arg, ec)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(arg, ec)) {
        // README.md and .gitkeep document a directory; they are not inputs.
        const std::string name = entry.path().filename().string();
        if (entry.is_regular_file() && name != "README.md" && name != ".gitkeep") {
          files.push_back(entry.path());
        }
      }
      if (ec) {
        std::fprintf(stderr, "%s: %s\n", arg.c_str(), ec.message().c_str());
        return 2;
      }
    } else if (std::filesystem::is_regular_file(arg, ec)) {
      files.push_back(arg);
    } else {
      std::fprintf(stderr, "%s: not a file or directory\n", arg.c_str());
      return 2;
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::fprintf(stderr,
                 "no inputs found: a wrong corpus path would make this test pass vacuously\n");
    return 2;
  }
  std::vector<std::uint8_t> bytes;
  std::size_t total_bytes = 0;
  for (const auto& file : files) {
    if (!read_all(file, bytes)) {
      std::fprintf(stderr, "%s: cannot read\n", file.c_str());
      return 2;
    }
    // Print before running, so a crash names its input.
    std::fprintf(stderr, "running %s (%zu bytes)\n", file.c_str(), bytes.size());
    // An exact-size heap copy: ASan then catches a read one past the input's end.
    std::vector<std::uint8_t> exact(bytes.begin(), bytes.end());
    LLVMFuzzerTestOneInput(exact.empty() ? nullptr : exact.data(), exact.size());
    total_bytes += bytes.size();
  }
  std::printf("replayed %zu inputs (%zu bytes), no failure\n", files.size(), total_bytes);
  return 0;
}
