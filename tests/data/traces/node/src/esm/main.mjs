// file:// URLs, a query string and fragment, and top-level await ("at async file:///...").
const { load } = await import("./mod.mjs?v=3#build-7");
async function boot() {
  return await load(42);
}
try {
  await boot();
} catch (e) {
  console.error(e.stack);
}
