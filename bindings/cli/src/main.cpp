// The smcache command-line tool: dispatch to a command, --help, --version, error reporting.
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <string_view>

// The public reader header; it brings format/layout.hpp (versions, load_header, kNone).
#include <smcache/reader/cache.hpp>

#include "cli.hpp"

#ifndef SMCACHE_VERSION
#define SMCACHE_VERSION "unknown"
#endif

namespace smcache::cli {
namespace {

const Command* const kCommands[] = {&kCompileCommand, &kLookupCommand, &kDumpCommand,
                                    &kInfoCommand,    &kVerifyCommand, &kSymbolicateCommand,
                                    &kWarmCommand};

constexpr std::string_view kMainHelpHead =
    "usage: smcache <command> [options] [arguments]\n"
    "\n"
    "Compile JavaScript source maps (ECMA-426) once into indexed binary cache files, then answer\n"
    "lookups from the cache without parsing JSON.\n"
    "\n"
    "commands:\n";

constexpr std::string_view kMainHelpTail =
    "\n"
    "options:\n"
    "  -h, --help     print this help; 'smcache <command> --help' describes a command\n"
    "  -V, --version  print the smcache version and the cache format version it reads\n"
    "\n"
    "Errors go to standard error as 'smcache: <command>: <message>'.\n"
    "Exit status: 0 ok, 1 invalid input, corrupt cache or I/O error, 2 usage error.\n";

void print_main_help(Writer& out) {
  out.put(kMainHelpHead);
  for (const Command* c : kCommands) {
    out.put("  ");
    out.put(c->name);
    for (std::size_t i = c->name.size(); i < 13; ++i) out.put(' ');
    out.put(c->summary);
    out.put('\n');
  }
  out.put(kMainHelpTail);
}

void print_version(Writer& out) {
  out.put("smcache " SMCACHE_VERSION " (cache format ");
  out.put_u64(format::kFormatMajor);
  out.put('.');
  out.put_u64(format::kFormatMinor);
  out.put(", semantics ");
  out.put_u64(format::kSemanticsVersion);
  out.put(")\n");
}

// `smcache: <command>: <message>` with control characters escaped: messages quote map and file
// contents, which may hold anything.
void report(std::string_view command, std::string_view message) {
  std::string line = "smcache: ";
  if (!command.empty()) {
    line += command;
    line += ": ";
  }
  line += sanitize_text(message);
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
}

int run(int argc, char** argv) {
  // One large buffer for standard output: batch lookups print millions of short lines.
  Writer out(1, std::size_t{1} << 20);
  if (argc < 2) {
    report("", "missing command (see 'smcache --help')");
    return kExitUsage;
  }
  std::string_view name = argv[1];
  if (name == "--help" || name == "-h") {
    print_main_help(out);
    return out.flush() ? kExitOk : kExitFailure;
  }
  if (name == "--version" || name == "-V") {
    print_version(out);
    return out.flush() ? kExitOk : kExitFailure;
  }
  bool help = false;
  if (name == "help") {  // `smcache help [command]`
    if (argc < 3) {
      print_main_help(out);
      return out.flush() ? kExitOk : kExitFailure;
    }
    name = argv[2];
    help = true;
  }
  const Command* command = nullptr;
  for (const Command* c : kCommands) {
    if (c->name == name) command = c;
  }
  if (command == nullptr) {
    if (!name.empty() && name[0] == '-') {
      report("", "unknown option '" + std::string(name) + "' (see 'smcache --help')");
    } else {
      report("", "unknown command '" + std::string(name) + "' (see 'smcache --help')");
    }
    return kExitUsage;
  }
  try {
    ParsedArgs args;
    if (!help) args = parse_args(argc, argv, 2, command->options);
    if (help || args.help) {
      out.put(command->help);
      return out.flush() ? kExitOk : kExitFailure;
    }
    return command->run(args, out);
  } catch (const Failure& f) {
    out.flush();  // what was printed before the failure (batch lookups) stays in order
    std::string message = f.message;
    if (f.exit_code == kExitUsage) {
      message += " (see 'smcache ";
      message += command->name;
      message += " --help')";
    }
    report(command->name, message);
    return f.exit_code;
  } catch (const std::bad_alloc&) {
    report(command->name, "out of memory");
    return kExitFailure;
  } catch (const std::exception& e) {
    report(command->name, std::string("internal: ") + e.what());
    return kExitFailure;
  }
}

}  // namespace
}  // namespace smcache::cli

int main(int argc, char** argv) {
  return smcache::cli::run(argc, argv);
}
