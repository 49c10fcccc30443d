// Writes a pipeline's expected.txt: the original function name of each frame of its
// trace, taken from the unbundled run of the same program.
//   node expected.mjs trace.original.txt P/trace.txt P/trace.node.txt > P/expected.txt
//
// Frames are matched in order, checked against node's own source-map resolution
// of the bundle (P/trace.node.txt): each frame must map into the file of its
// unbundled frame (for a package under node_modules/, into the same package: the
// bundlers take memoize-one's ES module build or its CommonJS one, node's unbundled
// run the CommonJS one). Lines and columns may differ: minifiers move code (rollup's
// terser inlines buildReport into main, so its `await` maps elsewhere), and V8 points
// a computed call at `(` where some maps put it at `]`; such frames get a note.
// A minifier that inlined a function into its caller leaves one frame for the two:
// when a frame maps to the line of the NEXT unbundled frame and not to the line of
// the current one, the current one was inlined away; it is listed as a comment and
// skipped. Anything else that does not line up fails rather than guesses.
//
// The name is node's name for the unbundled frame, written the way smcache names
// functions (the `function` field of `smcache symbolicate --json`):
//   "async main"                 -> "main"          (async is a separate flag)
//   "get replayed [as replayed]" -> "get replayed"  (V8's alias dropped)
//   "Object.restock"             -> "restock"       (V8's receiver type for a method of
//                                                    an object literal; the source names
//                                                    only the key)
//   no name                      -> "<anonymous>"
// Everything else as printed: "new Inventory", "Inventory.fromEvents", "Array.map".
import { readFileSync } from "node:fs";
import { dirname, relative } from "node:path";

function frames(path) {
  const out = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const m = /^\s+at (?:(.*) \((.*)\)|(.*))$/.exec(line);
    if (!m) continue;
    const name = m[1] ?? "";
    const where = m[2] ?? m[3];
    const pos = /^(.*):(\d+):(\d+)$/.exec(where);
    out.push({ name, file: pos ? pos[1] : where, line: pos?.[2], column: pos?.[3] });
  }
  return out;
}

function expectedName(printed) {
  let name = printed.replace(/^async /, "").replace(/ \[as [^\]]*\]$/, "");
  name = name.replace(/^Object\./, "");
  return name === "" ? "<anonymous>" : name;
}

const [originalPath, tracePath, nodePath] = process.argv.slice(2);
const original = frames(originalPath);
const trace = frames(tracePath);
const mapped = frames(nodePath);
const fail = (message) => {
  console.error(`expected.mjs: ${tracePath}: ${message}`);
  process.exit(1);
};
if (mapped.length !== trace.length) fail(`${nodePath} has ${mapped.length} frames`);

const unit = (f) => {
  // webpack names sources webpack://<package name>/<path>.
  const path = f.replace(/^webpack:\/\/[^/]*\//, "").replace(/^\.\//, "")
    .replace(/^(\.\.\/)+/, "");
  return /^node_modules\/((@[^/]+\/)?[^/]+)\//.exec(path)?.[0] ?? path;
};
const sameUnit = (m, o) => (m.line ? unit(m.file) === unit(o.file) : m.name === o.name);
const sameLine = (m, o) => sameUnit(m, o) && m.line === o.line;

const rows = [];
const inlined = [];
let j = 0;
mapped.forEach((m, i) => {
  if (j + 1 < original.length && !sameLine(m, original[j]) && sameLine(m, original[j + 1])) {
    const o = original[j++];
    inlined.push(`# inlined: ${expectedName(o.name)} (unbundled ${o.file}:${o.line}:${o.column}) ` +
                 `has no frame of its own here; frame ${i} is its caller`);
  }
  const o = original[j++];
  if (!o) fail(`frame ${i}: more frames than the unbundled run`);
  if (!sameUnit(m, o)) {
    fail(`frame ${i}: node maps it into ${m.file}, the unbundled frame is in ${o.file}`);
  }
  let note = "";
  if (o.line && (m.line !== o.line || m.column !== o.column)) {
    note = `\tnode maps it to ${m.file}:${m.line}:${m.column}, unbundled ${o.file}:${o.line}:${o.column}`;
  }
  rows.push(`${i}\t${expectedName(o.name)}\t${o.name || "(none)"}${note}`);
});
if (j !== original.length) fail(`${original.length - j} unbundled frames left over`);

console.log(
  "# The original function of each frame of trace.txt (frame 0 is the innermost), from\n" +
  `# ${relative(dirname(tracePath), originalPath)}; made by ../build.sh with ../tools/expected.mjs (see there).\n` +
  "# frame\texpected name\tas node printed it, unbundled[\twhere the positions differ]\n" +
  [...inlined, ...rows].join("\n"));
