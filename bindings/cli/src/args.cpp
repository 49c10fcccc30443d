// Argument parsing and small helpers shared by the smcache commands.
#include <cstring>
#include <string>

#include "cli.hpp"

namespace smcache::cli {

void fail(std::string message) {
  throw Failure{kExitFailure, std::move(message)};
}

void usage_error(std::string message) {
  throw Failure{kExitUsage, std::move(message)};
}

bool ParsedArgs::has(std::string_view long_name) const {
  for (const auto& [name, value] : options) {
    if (name == long_name) return true;
  }
  return false;
}

std::optional<std::string> ParsedArgs::value(std::string_view long_name) const {
  std::optional<std::string> result;
  for (const auto& [name, value] : options) {
    if (name == long_name) result = value;
  }
  return result;
}

ParsedArgs parse_args(int argc, char** argv, int first, std::span<const OptionSpec> specs) {
  ParsedArgs out;
  bool options_done = false;
  for (int i = first; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (options_done || arg.size() < 2 || arg[0] != '-') {
      out.operands.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      out.help = true;
      return out;
    }
    const OptionSpec* spec = nullptr;
    std::optional<std::string> inline_value;
    std::string shown;  // the option as the user wrote it, for messages
    if (arg.starts_with("--")) {
      std::string_view name = arg.substr(2);
      if (const auto eq = name.find('='); eq != std::string_view::npos) {
        inline_value = std::string(name.substr(eq + 1));
        name = name.substr(0, eq);
      }
      shown = "--" + std::string(name);
      for (const auto& s : specs) {
        if (s.long_name == name) spec = &s;
      }
    } else {
      // "-x" or "-xVALUE" for an option with a value; no bundling of flags.
      shown = std::string(arg.substr(0, 2));
      for (const auto& s : specs) {
        if (s.short_name != 0 && s.short_name == arg[1]) spec = &s;
      }
      if (spec != nullptr && arg.size() > 2) {
        if (!spec->takes_value) usage_error("unknown option '" + std::string(arg) + "'");
        inline_value = std::string(arg.substr(2));
      }
    }
    if (spec == nullptr) usage_error("unknown option '" + shown + "'");
    if (!spec->takes_value) {
      if (inline_value) usage_error("option '" + shown + "' takes no value");
      out.options.emplace_back(spec->long_name, std::string());
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= argc) usage_error("option '" + shown + "' needs a value");
      inline_value = argv[++i];
    }
    out.options.emplace_back(spec->long_name, std::move(*inline_value));
  }
  return out;
}

std::optional<std::uint32_t> parse_u32(std::string_view s) {
  if (s.empty() || s.size() > 10) return std::nullopt;
  std::uint64_t v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v > 0xFFFFFFFFu) return std::nullopt;
  return static_cast<std::uint32_t>(v);
}

std::optional<std::uint64_t> parse_size(std::string_view s) {
  std::uint64_t unit = 1;
  if (!s.empty()) {
    switch (s.back()) {
      case 'K':
      case 'k':
        unit = std::uint64_t{1} << 10;
        break;
      case 'M':
      case 'm':
        unit = std::uint64_t{1} << 20;
        break;
      case 'G':
      case 'g':
        unit = std::uint64_t{1} << 30;
        break;
      default:
        break;
    }
    if (unit != 1) s.remove_suffix(1);
  }
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v == 0 || v > UINT64_MAX / unit) return std::nullopt;
  return v * unit;
}

void apply_limits(const ParsedArgs& args, CompileOptions& options) {
  if (const auto v = args.value("max-input-bytes")) {
    const auto n = parse_size(*v);
    if (!n) usage_error("--max-input-bytes must be a size >= 1 (e.g. 512M), got '" + *v + "'");
    options.max_input_bytes = *n;
  }
  if (const auto v = args.value("max-tokens")) {
    const auto n = parse_size(*v);
    if (!n) usage_error("--max-tokens must be a number >= 1, got '" + *v + "'");
    options.max_tokens = *n;
  }
}

std::string message_with_path(const Error& error, std::string_view path) {
  if (!path.empty() && error.message.find(path) != std::string::npos) return error.message;
  return std::string(path) + ": " + error.message;
}

Cache open_cache_or_fail(const std::string& path) {
  auto cache = Cache::open(path);
  if (!cache) fail(message_with_path(cache.error(), path));
  return std::move(cache).value();
}

void flush_or_fail(Writer& out) {
  if (!out.flush())
    fail(std::string("write to standard output: ") + std::strerror(out.error_number()));
}

}  // namespace smcache::cli
