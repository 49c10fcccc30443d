// rollup + @rollup/plugin-terser: src/main.js and memoize-one (found by
// @rollup/plugin-node-resolve) into one minified CommonJS file with its map.
import { nodeResolve } from "@rollup/plugin-node-resolve";
import terser from "@rollup/plugin-terser";

export default {
  input: "src/main.js",
  output: {
    file: "rollup-terser/app.min.js",
    format: "cjs",
    sourcemap: true,
  },
  plugins: [nodeResolve(), terser()],
};
