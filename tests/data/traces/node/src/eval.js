// eval and new Function frames (V8 prints the eval call's position), code with a
// //# sourceURL=webpack://... name, and a generator resumed by a builtin.
function outer(src) {
  return eval(src);
}
function viaFunction() {
  return new Function("x", "return x.y.z;")({});
}
function* numbers() {
  yield 1;
  throw new Error("generator failed");
}
function report(fn) {
  try {
    fn();
  } catch (e) {
    console.error(e.stack);
  }
}
report(() => outer("(function inner() { return eval('null.boom'); })()"));
report(() => viaFunction());
report(() => outer("function w() { throw new TypeError('w'); }\nw();\n//# sourceURL=webpack://shop/./src/w.js"));
report(() => {
  for (const n of numbers()) void n;
});
