// webpack in production mode, whose default minimizer is terser: src/main.js and
// memoize-one into one minified file for node, with an external source map.
// Runs webpack through its Node API (no webpack-cli); exits 1 on any error or warning.
const path = require("node:path");
const webpack = require("webpack");

const here = path.resolve(__dirname, "..");
const config = {
  mode: "production",
  target: "node",
  context: here,
  entry: "./src/main.js",
  devtool: "source-map",
  output: { path: path.join(here, "webpack"), filename: "app.min.js" },
};

webpack(config, (err, stats) => {
  if (err || stats.hasErrors() || stats.hasWarnings()) {
    console.error(err ?? stats.toString({ all: false, errors: true, warnings: true }));
    process.exit(1);
  }
});
