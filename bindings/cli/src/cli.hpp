// Shared pieces of the smcache CLI: the command table, argument parsing, failures and exit codes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Only the public reader and converter headers (STYLE.md §2) and the bindings' shared output
// (bindings/common); cache.hpp brings format/error.hpp.
#include <smcache/converter/compile.hpp>
#include <smcache/present/output.hpp>
#include <smcache/reader/cache.hpp>

namespace smcache::cli {

// Exit status (STYLE.md §5): 0 ok, 1 invalid input / corrupt cache / I/O, 2 usage.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// Thrown by a command to stop with `smcache: <command>: <message>` on stderr and `exit_code`.
// The message is sanitized (control characters escaped) when printed.
struct Failure {
  int exit_code = kExitFailure;
  std::string message;
};
[[noreturn]] void fail(std::string message);         // exit 1
[[noreturn]] void usage_error(std::string message);  // exit 2

// Output (buffered stdout, JSON strings, terminal-safe text) is shared with libsmcache.so
// (bindings/common), so the CLI and the C library print the same bytes.
using present::json_quote;
using present::sanitize_text;
using present::Writer;

struct OptionSpec {
  std::string_view long_name;  // without the leading "--"
  char short_name = 0;         // 0: none
  bool takes_value = false;
};

// Options and operands of one command line. Options may come before, between or after
// operands; "--" ends options; "-" alone is an operand (standard input or output).
struct ParsedArgs {
  std::vector<std::pair<std::string_view, std::string>> options;  // long name, value ("" flags)
  std::vector<std::string> operands;
  bool help = false;  // -h or --help seen (parsing stops there)

  bool has(std::string_view long_name) const;
  // The last value given for `long_name`, if any.
  std::optional<std::string> value(std::string_view long_name) const;
};

// Parses argv[first..argc). Unknown options, a missing option value and a value given to a flag
// are usage errors (thrown as Failure with kExitUsage).
ParsedArgs parse_args(int argc, char** argv, int first, std::span<const OptionSpec> specs);

struct Command {
  std::string_view name;
  std::string_view summary;  // one line for `smcache --help`
  std::string_view help;     // the whole `smcache <name> --help` text
  std::span<const OptionSpec> options;
  // Writes its results to `out` (standard output); throws Failure to stop with an error.
  int (*run)(const ParsedArgs& args, Writer& out);
};

extern const Command kCompileCommand;
extern const Command kLookupCommand;
extern const Command kDumpCommand;
extern const Command kInfoCommand;
extern const Command kVerifyCommand;
extern const Command kSymbolicateCommand;
extern const Command kWarmCommand;

// A decimal integer 0..UINT32_MAX with no sign, spaces or other characters.
std::optional<std::uint32_t> parse_u32(std::string_view s);

// A decimal integer >= 1 with an optional binary suffix K, M or G (1024-based): "512M".
std::optional<std::uint64_t> parse_size(std::string_view s);

// Applies the resource-limit options of compile and warm (--max-input-bytes N, --max-tokens N;
// SPEC.md §11) to `options`; bad values are usage errors.
void apply_limits(const ParsedArgs& args, CompileOptions& options);

// `error.message`, prefixed with `path` unless the message already names it.
std::string message_with_path(const Error& error, std::string_view path);

// Opens a cache file or fails (exit 1) with the reader's message and the path.
Cache open_cache_or_fail(const std::string& path);

// Stops with exit 1 when writing standard output failed (EPIPE, ENOSPC, ...).
void flush_or_fail(Writer& out);

}  // namespace smcache::cli
