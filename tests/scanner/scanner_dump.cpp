// scanner_dump MAP: the functions the converter's scanner finds in each scanned source of a
// source map, one JSON object a line: {"source": i, "status": s, "functions": [[start line,
// start column, end line, end column, "name"], ...]} (0-based, UTF-16 columns, end exclusive,
// "<anonymous>" for no name). tests/scanner/oracle/ compares it with the TypeScript parser.
#include <cstdio>
#include <string>
#include <string_view>

#include <smcache/converter/compile.hpp>
#include <smcache/converter/model.hpp>

#include "js_scanner.hpp"

namespace {

void put_json_string(std::string_view s) {
  std::putchar('"');
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      std::printf("\\%c", ch);
    } else if (c < 0x20) {
      std::printf("\\u%04x", c);
    } else {
      std::putchar(ch);
    }
  }
  std::putchar('"');
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: scanner_dump MAP\n");
    return 2;
  }
  auto bytes = smcache::read_file(argv[1]);
  if (!bytes) {
    std::fprintf(stderr, "scanner_dump: %s\n", bytes.error().message.c_str());
    return 1;
  }
  auto model = smcache::parse_source_map(*bytes);
  if (!model) {
    std::fprintf(stderr, "scanner_dump: %s\n", model.error().message.c_str());
    return 1;
  }
  for (std::size_t s = 0; s < model->sources.size(); ++s) {
    if (s >= model->sources_content.size() || !model->sources_content[s]) continue;
    smcache::js::ScanOptions options;
    if (model->sources[s]) {
      const auto language = smcache::js::language_of(*model->sources[s]);
      if (!language) continue;
      options.language = *language;
    }
    const auto r = smcache::js::scan_functions(*model->sources_content[s], options);
    std::printf("{\"source\": %zu, \"status\": %d, \"functions\": [", s,
                static_cast<int>(r.status));
    for (std::size_t i = 0; i < r.functions.size(); ++i) {
      const auto& f = r.functions[i];
      std::printf("%s[%u,%u,%u,%u,", i ? "," : "", f.start.line, f.start.column, f.end.line,
                  f.end.column);
      put_json_string(f.name ? *f.name : std::string("<anonymous>"));
      std::putchar(']');
    }
    std::printf("]}\n");
  }
  return 0;
}
