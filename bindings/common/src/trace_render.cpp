// The text and JSON renderings of a symbolicated stack trace, for `smcache symbolicate` and
// smcache_symbolication_render().
#include <smcache/present/trace_render.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace smcache::present {

// --- text output -------------------------------------------------------------------------------

namespace {

// The frame's indentation as printed (V8 indents frames, deeper inside "[cause]" blocks); four
// spaces for engines that print frames flush left.
std::string_view indent_of(const SymbolicatedFrame& f) {
  if (f.frame.style != FrameStyle::v8) return "    ";
  std::size_t n = 0;
  while (n < f.raw.size() && (f.raw[n] == ' ' || f.raw[n] == '\t')) ++n;
  return f.raw.substr(0, n);
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Code points of `line` as display cells: tabs become 4 spaces, anything else 1 cell (wide
// characters are not measured). Returns the display cells of the UTF-16 column `column`.
std::size_t display_cells(std::string_view line, std::uint32_t column) {
  std::size_t cells = 0;
  std::uint64_t units = 0;
  std::size_t i = 0;
  while (i < line.size() && units < column) {
    const auto c = static_cast<unsigned char>(line[i]);
    std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    units += len == 4 ? 2 : 1;
    cells += c == '\t' ? 4 : 1;
    i += len;
  }
  return cells;
}

// `line` for the terminal: tabs expanded to 4 spaces, control characters escaped, at most
// kWidth code points from code point `skip` on (with "..." where cut).
std::string display_source_line(std::string_view line, std::size_t skip) {
  constexpr std::size_t kWidth = 160;
  std::string plain;
  std::size_t cells = 0;
  bool cut = false;
  for (std::size_t i = 0; i < line.size();) {
    const auto c = static_cast<unsigned char>(line[i]);
    std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    len = std::min(len, line.size() - i);
    const std::size_t w = c == '\t' ? 4 : 1;
    if (cells >= skip) {
      if (cells - skip >= kWidth) {
        cut = true;
        break;
      }
      if (c == '\t') {
        plain += "    ";
      } else {
        plain.append(line.substr(i, len));
      }
    }
    cells += w;
    i += len;
  }
  std::string shown = sanitize_text(plain);
  while (!shown.empty() && shown.back() == ' ') shown.pop_back();
  if (skip > 0) shown.insert(0, "...");
  if (cut) shown += "...";
  return shown;
}

void put_position(Writer& out, std::string_view source, std::uint32_t line, std::uint32_t column) {
  out.put(source.empty() ? std::string("<unknown source>") : sanitize_text(source));
  out.put(':');
  out.put_u64(std::uint64_t{line} + 1);
  out.put(':');
  out.put_u64(std::uint64_t{column} + 1);
}

void put_location(Writer& out, const SymbolicatedFrame& f) {
  if (f.frame.is_eval) out.put("eval at ");
  put_position(out, f.source, f.line, f.column);
}

// "at fn (source:line:col)", or "at source:line:col" without a name.
void put_at(Writer& out, const std::string& fn, std::string_view source, std::uint32_t line,
            std::uint32_t column) {
  out.put("at ");
  if (!fn.empty()) {
    out.put(sanitize_text(fn));
    out.put(" (");
  }
  put_position(out, source, line, column);
  if (!fn.empty()) out.put(')');
}

// The callers that inlining removed (see symbolicate.hpp), one line each, marked as DevTools
// marks them: every one but the last (the function the engine ran) was inlined too.
void put_inlined_callers(Writer& out, const SymbolicatedFrame& f, std::string_view indent) {
  for (std::size_t k = 0; k < f.inlined_callers.size(); ++k) {
    const InlinedFrame& c = f.inlined_callers[k];
    out.put(indent);
    put_at(out, display_inlined_function(f, k), c.source, c.line, c.column);
    if (f.is_inlined_caller(k)) out.put(" [inlined]");
    out.put('\n');
  }
}

void put_context(Writer& out, const SymbolicatedFrame& f, std::string_view indent) {
  const std::uint32_t last = f.context_first_line + static_cast<std::uint32_t>(f.context.size());
  const std::size_t width = std::to_string(last).size();
  const std::size_t frame_index = f.line - f.context_first_line;
  // Long lines (minified sources) are shown in a window that keeps the column visible; the same
  // window for every line of the block keeps them aligned.
  const std::size_t caret = display_cells(f.context[frame_index], f.column);
  const std::size_t skip = caret > 120 ? caret - 60 : 0;
  for (std::size_t k = 0; k < f.context.size(); ++k) {
    const std::string number = std::to_string(f.context_first_line + k + 1);
    out.put(indent);
    out.put(k == frame_index ? "  > " : "    ");
    for (std::size_t pad = number.size(); pad < width; ++pad) out.put(' ');
    out.put(number);
    const std::string text = display_source_line(f.context[k], skip);
    out.put(text.empty() ? " |" : " | ");
    out.put(text);
    out.put('\n');
    if (k == frame_index) {
      out.put(indent);
      out.put("    ");
      for (std::size_t pad = 0; pad < width; ++pad) out.put(' ');
      out.put(" | ");
      for (std::size_t pad = skip > 0 ? 3 : 0; pad < caret - skip; ++pad) out.put(' ');
      out.put("^\n");
    }
  }
}

}  // namespace

void render_trace_text(Writer& out, std::span<const SymbolicatedFrame> frames, bool with_context) {
  for (const SymbolicatedFrame& f : frames) {
    if (!f.is_frame) {
      out.put(sanitize_text(f.raw));
      out.put('\n');
      continue;
    }
    const std::string_view indent = indent_of(f);
    out.put(indent);
    if (!f.resolved) {
      out.put(sanitize_text(trimmed(f.raw)));
      out.put(" [unresolved: ");
      out.put(unresolved_reason_text(f.unresolved_reason));
      if (!f.unresolved_detail.empty()) {
        out.put(": ");
        out.put(sanitize_text(f.unresolved_detail));
      }
      out.put("]\n");
      continue;
    }
    out.put("at ");
    const std::string fn = display_function(f);
    if (fn.empty()) {
      put_location(out, f);
    } else {
      out.put(sanitize_text(fn));
      out.put(" (");
      put_location(out, f);
      out.put(')');
    }
    if (f.function_rule == FunctionRule::minified) out.put(" [minified]");
    if (f.is_inlined()) out.put(" [inlined]");
    out.put('\n');
    if (with_context && f.has_context()) put_context(out, f, indent);
    put_inlined_callers(out, f, indent);
  }
}

// --- JSON output -------------------------------------------------------------------------------

namespace {

void put_json_or_null(Writer& out, std::string_view s) {
  if (s.empty()) {
    out.put("null");
  } else {
    out.put_json_string(s);
  }
}

void put_bool(Writer& out, bool b) {
  out.put(b ? "true" : "false");
}

void put_json_frame(Writer& out, const SymbolicatedFrame& f, bool with_context) {
  const StackFrame& g = f.frame;
  out.put("{\"kind\": \"frame\", \"raw\": ");
  out.put_json_string(f.raw);
  out.put(", \"generated\": {\"url\": ");
  put_json_or_null(out, g.url);
  out.put(", \"line\": ");
  if (g.has_line) {
    out.put_u64(std::uint64_t{g.line} + 1);
  } else {
    out.put("null");
  }
  out.put(", \"column\": ");
  if (g.has_column) {
    out.put_u64(std::uint64_t{g.column} + 1);
  } else {
    out.put("null");
  }
  out.put(", \"function\": ");
  put_json_or_null(out, g.function);
  out.put(", \"alias\": ");
  put_json_or_null(out, g.alias);
  out.put(", \"async\": ");
  put_bool(out, g.is_async);
  out.put(", \"constructor\": ");
  put_bool(out, g.is_constructor);
  out.put(", \"native\": ");
  put_bool(out, g.is_native);
  out.put(", \"eval\": ");
  put_bool(out, g.is_eval);
  out.put("}, \"resolved\": ");
  put_bool(out, f.resolved);
  out.put(", \"unresolved_reason\": ");
  if (f.resolved) {
    out.put("null");
  } else {
    out.put_json_string(unresolved_reason_name(f.unresolved_reason));
  }
  out.put(", \"unresolved_detail\": ");
  put_json_or_null(out, f.unresolved_detail);
  out.put(", \"source\": ");
  if (f.resolved) {
    put_json_or_null(out, f.source);
    out.put(", \"line\": ");
    out.put_u64(std::uint64_t{f.line} + 1);
    out.put(", \"column\": ");
    out.put_u64(std::uint64_t{f.column} + 1);
  } else {
    out.put("null, \"line\": null, \"column\": null");
  }
  out.put(", \"function\": ");
  put_json_or_null(out, f.function);
  out.put(", \"display_function\": ");
  put_json_or_null(out, display_function(f));
  out.put(", \"function_rule\": ");
  out.put_json_string(function_rule_name(f.function_rule));
  // Only frames with inlined callers carry these two keys: other output is unchanged.
  if (f.is_inlined()) {
    out.put(", \"inlined\": true, \"inlined_callers\": [");
    for (std::size_t k = 0; k < f.inlined_callers.size(); ++k) {
      const InlinedFrame& c = f.inlined_callers[k];
      out.put(k == 0 ? "{\"source\": " : ", {\"source\": ");
      put_json_or_null(out, c.source);
      out.put(", \"line\": ");
      out.put_u64(std::uint64_t{c.line} + 1);
      out.put(", \"column\": ");
      out.put_u64(std::uint64_t{c.column} + 1);
      out.put(", \"function\": ");
      put_json_or_null(out, c.function);
      out.put(", \"display_function\": ");
      put_json_or_null(out, display_inlined_function(f, k));
      out.put(", \"function_rule\": ");
      out.put_json_string(function_rule_name(c.function_rule));
      out.put(", \"inlined\": ");
      put_bool(out, f.is_inlined_caller(k));
      out.put('}');
    }
    out.put(']');
  }
  if (with_context) {
    const bool has = f.has_context();
    const std::size_t at = has ? f.line - f.context_first_line : 0;
    out.put(", \"pre_context\": [");
    for (std::size_t k = 0; has && k < at; ++k) {
      if (k != 0) out.put(", ");
      out.put_json_string(f.context[k]);
    }
    out.put("], \"context_line\": ");
    if (has) {
      out.put_json_string(f.context[at]);
    } else {
      out.put("null");
    }
    out.put(", \"post_context\": [");
    for (std::size_t k = at + 1; has && k < f.context.size(); ++k) {
      if (k != at + 1) out.put(", ");
      out.put_json_string(f.context[k]);
    }
    out.put(']');
  }
  out.put('}');
}

}  // namespace

void render_trace_json(Writer& out, std::span<const SymbolicatedFrame> frames, bool with_context) {
  std::size_t frame_count = 0, resolved_count = 0;
  out.put("{\"lines\": [");
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const SymbolicatedFrame& f = frames[i];
    out.put(i == 0 ? "\n  " : ",\n  ");
    if (f.is_frame) {
      ++frame_count;
      if (f.resolved) ++resolved_count;
      put_json_frame(out, f, with_context);
    } else {
      out.put("{\"kind\": \"text\", \"raw\": ");
      out.put_json_string(f.raw);
      out.put('}');
    }
  }
  out.put(frames.empty() ? "]" : "\n]");
  out.put(", \"frame_count\": ");
  out.put_u64(frame_count);
  out.put(", \"resolved_count\": ");
  out.put_u64(resolved_count);
  out.put("}\n");
}

}  // namespace smcache::present
