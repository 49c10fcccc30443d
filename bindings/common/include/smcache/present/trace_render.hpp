// The text and JSON renderings of a symbolicated stack trace: what `smcache symbolicate` prints
// (without and with --json) and what smcache_symbolication_render() returns, the same bytes.
#pragma once

#include <span>

#include <smcache/present/output.hpp>
#include <smcache/reader/symbolicate.hpp>

namespace smcache::present {

// One line per trace line: text lines sanitized as printed, resolved frames as
// `at function (source:line:column)` (1-based), unresolved ones as printed plus
// ` [unresolved: why]`. with_context (--context was given) adds each frame's source lines from
// SymbolicatedFrame::context with a caret under the column.
void render_trace_text(Writer& out, std::span<const SymbolicatedFrame> frames, bool with_context);

// One JSON document, {"lines": [...], "frame_count": F, "resolved_count": R} and a newline, as
// `smcache symbolicate --help` describes it; with_context adds "pre_context", "context_line" and
// "post_context" to every frame.
void render_trace_json(Writer& out, std::span<const SymbolicatedFrame> frames, bool with_context);

}  // namespace smcache::present
