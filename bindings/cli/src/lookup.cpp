// `smcache lookup CACHE LINE COLUMN` and `smcache lookup CACHE -` (batch queries on stdin).
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "cli.hpp"
#include "token_json.hpp"

namespace smcache::cli {
namespace {

constexpr OptionSpec kOptions[] = {
    {"one-based", 0, false},
    {"bias", 0, true},
    {"all", 0, false},
    {"prefault", 0, false},
};

constexpr std::string_view kHelp =
    "usage: smcache lookup [options] CACHE LINE COLUMN\n"
    "       smcache lookup [options] CACHE -\n"
    "\n"
    "Print the original position of the generated position (LINE, COLUMN) as one JSON line:\n"
    "  {\"source\": \"src/app.ts\", \"line\": 9, \"column\": 4, \"name\": \"main\"}\n"
    "or null when no mapping covers it (no mapping on that side of COLUMN on LINE, or the\n"
    "mapping found has no source). \"source\" is null for a null source name, \"name\" is null\n"
    "when the mapping has none.\n"
    "\n"
    "With '-' instead of LINE COLUMN, reads queries from standard input, one \"LINE COLUMN\" pair\n"
    "per line (separated by spaces or tabs; blank lines skipped), and prints one answer line per\n"
    "query, in order.\n"
    "\n"
    "Lines and columns are 0-based and columns count UTF-16 code units, as in source maps.\n"
    "\n"
    "options:\n"
    "      --one-based     LINE and COLUMN are 1-based, as browsers print them in stack traces\n"
    "                      (\"app.js:10:5\" is --one-based 10 5); the printed line and column\n"
    "                      are 1-based too\n"
    "      --bias glb|lub  glb (default): the mapping with the greatest column <= COLUMN on\n"
    "                      LINE; lub: the mapping with the smallest column >= COLUMN on LINE\n"
    "      --all           print a JSON array of every mapping at the greatest generated position\n"
    "                      <= (LINE, COLUMN), searching back across earlier lines (ECMA-426\n"
    "                      GetOriginalPositions): an element is null for a mapping without a\n"
    "                      source, and the array is [] when there is no such position; not\n"
    "                      combinable with --bias\n"
    "      --prefault      read the whole cache into memory before the first query (for\n"
    "                      latency-critical readers: no query waits on the disk)\n"
    "  -h, --help          print this help\n"
    "\n"
    "Exit status: 0 ok (also when nothing maps), 1 unreadable or corrupt cache, or a malformed\n"
    "query on standard input (the message names its line; answers before it are printed),\n"
    "2 usage error (including a LINE or COLUMN on the command line that is not a number in\n"
    "range).\n";

struct Query {
  std::uint32_t line = 0, column = 0;
};

class Answerer {
 public:
  Answerer(const Cache& cache, bool one_based, Bias bias, bool all)
      : cache_(cache), json_(cache, one_based ? 1 : 0), bias_(bias), all_(all) {}

  void answer(Writer& out, Query q) {
    if (!all_) {
      if (const auto t = cache_.lookup(q.line, q.column, bias_)) {
        json_.original(out, *t);
      } else {
        out.put("null");
      }
      out.put('\n');
      return;
    }
    const Cache::TokenRange range = cache_.original_positions(q.line, q.column);
    out.put('[');
    for (std::uint32_t i = range.first; i < range.last; ++i) {
      if (i != range.first) out.put(", ");
      if (const auto t = cache_.token(i)) {
        json_.original(out, *t);
      } else {
        out.put("null");  // corrupt token: nothing to say about it
      }
    }
    out.put("]\n");
  }

 private:
  const Cache& cache_;
  TokenJson json_;
  Bias bias_;
  bool all_;
};

std::string quoted_excerpt(const char* b, const char* e) {
  constexpr std::size_t kMax = 40;
  std::string s(b, static_cast<std::size_t>(e - b) > kMax ? b + kMax : e);
  if (static_cast<std::size_t>(e - b) > kMax) s += "...";
  return "'" + s + "'";  // sanitized when printed
}

// Parses "LINE COLUMN" with optional surrounding spaces/tabs and a trailing '\r'. Returns false
// for a blank line; throws Failure for anything else that is not two numbers.
bool parse_query_line(const char* b, const char* e, std::uint64_t line_number, bool one_based,
                      Query& q) {
  const char* const line_begin = b;
  if (e > b && e[-1] == '\r') --e;
  auto skip_blank = [&] {
    while (b < e && (*b == ' ' || *b == '\t')) ++b;
  };
  auto bad = [&](const char* why) {
    fail("stdin line " + std::to_string(line_number) + ": " + why + ", got " +
         quoted_excerpt(line_begin, e));
  };
  skip_blank();
  if (b == e) return false;
  std::uint64_t v[2];
  for (int k = 0; k < 2; ++k) {
    if (k == 1) {
      const char* before = b;
      skip_blank();
      if (b == before) bad("expected 'LINE COLUMN'");
    }
    if (b == e || *b < '0' || *b > '9') bad("expected 'LINE COLUMN'");
    std::uint64_t x = 0;
    while (b < e && *b >= '0' && *b <= '9') {
      x = x * 10 + static_cast<std::uint64_t>(*b - '0');
      if (x > 0xFFFFFFFFu + std::uint64_t{one_based}) bad("number out of range");
      ++b;
    }
    v[k] = x;
  }
  skip_blank();
  if (b != e) bad("expected 'LINE COLUMN'");
  if (one_based) {
    if (v[0] == 0 || v[1] == 0) bad("line and column are 1-based with --one-based");
    --v[0];
    --v[1];
  }
  q.line = static_cast<std::uint32_t>(v[0]);
  q.column = static_cast<std::uint32_t>(v[1]);
  return true;
}

void run_batch(Answerer& answerer, Writer& out, bool one_based) {
  // Large reads, lines parsed in place, no allocation per query.
  constexpr std::size_t kBufferSize = std::size_t{1} << 20;
  std::unique_ptr<char[]> buf(new char[kBufferSize]);
  std::size_t have = 0;
  std::uint64_t line_number = 0;
  bool eof = false;
  while (!eof) {
    // Answers so far go out before a read that may block: a caller that writes one query and
    // waits for its answer (a co-process, a terminal) gets it. One write per read, not per line.
    flush_or_fail(out);
    const ssize_t n = ::read(0, buf.get() + have, kBufferSize - have);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(std::string("read standard input: ") + std::strerror(errno));
    }
    if (n == 0) {
      eof = true;
      if (have != 0 && buf[have - 1] != '\n') buf[have++] = '\n';  // room: have < size here
    } else {
      have += static_cast<std::size_t>(n);
    }
    const char* p = buf.get();
    const char* const end = p + have;
    for (;;) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
      if (nl == nullptr) break;
      ++line_number;
      Query q;
      if (parse_query_line(p, nl, line_number, one_based, q)) answerer.answer(out, q);
      p = nl + 1;
    }
    const std::size_t rest = static_cast<std::size_t>(end - p);
    if (rest == kBufferSize) {
      fail("stdin line " + std::to_string(line_number + 1) + ": longer than " +
           std::to_string(kBufferSize) + " bytes");
    }
    std::memmove(buf.get(), p, rest);
    have = rest;
  }
}

int run_lookup(const ParsedArgs& args, Writer& out) {
  const auto& ops = args.operands;
  if (ops.empty()) usage_error("missing CACHE");
  if (ops.size() == 1) usage_error("missing LINE COLUMN (or '-' to read queries from stdin)");
  if (ops.size() == 2 && ops[1] != "-") usage_error("missing COLUMN");
  if (ops.size() > 3 || (ops.size() == 3 && ops[1] == "-")) {
    usage_error("unexpected argument '" + ops.back() + "'");
  }
  const bool one_based = args.has("one-based");
  const bool all = args.has("all");
  Bias bias = Bias::greatest_lower_bound;
  if (const auto b = args.value("bias")) {
    if (all) usage_error("--bias and --all cannot be combined");
    if (*b == "glb") {
      bias = Bias::greatest_lower_bound;
    } else if (*b == "lub") {
      bias = Bias::least_upper_bound;
    } else {
      usage_error("--bias must be glb or lub, got '" + *b + "'");
    }
  }
  Query q;
  if (ops.size() == 3) {
    // Same range as on stdin: 0..2^32-1, or 1..2^32 with --one-based.
    const char* const names[2] = {"LINE", "COLUMN"};
    std::uint32_t v[2];
    for (int k = 0; k < 2; ++k) {
      const std::string& arg = ops[1 + k];
      std::uint64_t n = 0;
      bool ok = !arg.empty() && arg.size() <= 10;
      for (const char c : arg) {
        if (c < '0' || c > '9') ok = false;
        if (ok) n = n * 10 + static_cast<std::uint64_t>(c - '0');
      }
      if (one_based) {
        ok = ok && n >= 1 && n <= std::uint64_t{0xFFFFFFFFu} + 1;
        if (!ok) {
          usage_error(std::string(names[k]) + " must be an integer 1..4294967296 with --one-based" +
                      ", got '" + arg + "'");
        }
        --n;
      } else if (!ok || n > 0xFFFFFFFFu) {
        usage_error(std::string(names[k]) + " must be an integer 0..4294967295, got '" + arg + "'");
      }
      v[k] = static_cast<std::uint32_t>(n);
    }
    q = Query{v[0], v[1]};
  }

  const Cache cache = open_cache_or_fail(ops[0]);
  if (args.has("prefault")) cache.prefault();
  Answerer answerer(cache, one_based, bias, all);
  if (ops.size() == 3) {
    answerer.answer(out, q);
  } else {
    run_batch(answerer, out, one_based);
  }
  flush_or_fail(out);
  return kExitOk;
}

}  // namespace

const Command kLookupCommand = {"lookup", "original position of a generated line and column", kHelp,
                                kOptions, run_lookup};

}  // namespace smcache::cli
