// @swc/core minify of an already bundled file, with the map's ECMA-426 `scopes`:
//   node swc-scopes.cjs IN.js OUT.js
// writes OUT.js (ending with a sourceMappingURL comment) and OUT.js.map. swc writes
// `scopes` (jsc.experimental.emitSourceMapScopes) only for its own input: given an
// inputSourceMap to chain, @swc/core 1.16.22 writes a map without them. So IN.js is
// not chained: OUT.js.map's one source is IN.js (named by its base name, its text in
// sourcesContent), and its scopes give back the functions swc inlined (compress
// inline: 3, swc's most aggressive level).
const fs = require("node:fs");
const path = require("node:path");
const swc = require("@swc/core");

const [input, output] = process.argv.slice(2);
const result = swc.transformSync(fs.readFileSync(input, "utf8"), {
  filename: path.basename(input),
  isModule: false, // esbuild wrote a CommonJS script
  inputSourceMap: false, // nothing to chain (and chaining would drop the scopes)
  sourceMaps: true,
  minify: true,
  jsc: {
    target: "es2022", // no downleveling: only minification
    parser: { syntax: "ecmascript" },
    // Top-level names of a CommonJS file are module-local: mangle them too, as
    // terser --toplevel and rollup's terser plugin do.
    minify: { compress: { toplevel: true, inline: 3 }, mangle: { topLevel: true } },
    experimental: { emitSourceMapScopes: true },
  },
});
const map = JSON.parse(result.map);
if (typeof map.scopes !== "string" || map.scopes === "") {
  console.error(`swc-scopes.cjs: swc wrote no scopes for ${input}`);
  process.exit(1);
}
const mapName = path.basename(output) + ".map";
fs.writeFileSync(output, result.code + `\n//# sourceMappingURL=${mapName}\n`);
fs.writeFileSync(output + ".map", result.map);
