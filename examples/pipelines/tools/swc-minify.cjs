// @swc/core minify of an already bundled file, its input source map chained:
//   node swc-minify.cjs IN.js IN.js.map OUT.js
// writes OUT.js (ending with a sourceMappingURL comment) and OUT.js.map, whose
// sources are the original files of IN.js.map (with their content).
const fs = require("node:fs");
const path = require("node:path");
const swc = require("@swc/core");

const [input, inputMap, output] = process.argv.slice(2);
const result = swc.transformSync(fs.readFileSync(input, "utf8"), {
  filename: path.basename(input),
  isModule: false, // esbuild wrote a CommonJS script
  inputSourceMap: fs.readFileSync(inputMap, "utf8"),
  sourceMaps: true,
  minify: true,
  jsc: {
    target: "es2022", // no downleveling: only minification
    parser: { syntax: "ecmascript" },
    // Top-level names of a CommonJS file are module-local: mangle them too, as
    // terser --toplevel and rollup's terser plugin do.
    minify: { compress: { toplevel: true }, mangle: { topLevel: true } },
  },
});
const mapName = path.basename(output) + ".map";
fs.writeFileSync(output, result.code + `\n//# sourceMappingURL=${mapName}\n`);
fs.writeFileSync(output + ".map", result.map);
