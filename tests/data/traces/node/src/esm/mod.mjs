// Imported with a query string and a fragment: V8 prints both in the frame URL.
export async function load(id) {
  await null;
  return parse(id);
}
function parse(id) {
  throw new SyntaxError("bad id " + id);
}
