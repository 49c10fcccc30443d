// Constructors, getters, methods called under another name, builtins calling back, and async
// functions awaiting each other (including through Promise.all).
class Widget {
  constructor(n) {
    this.n = n;
    this.parts = [1, 2].map((p) => check(p * n));
  }
  get size() {
    return new Widget(this.n);
  }
  static make(n) {
    return new Widget(n);
  }
}

function check(v) {
  if (v > 2) throw new RangeError("too big: " + v);
  return v;
}

const shop = {
  measure(w) {
    return w.size;
  },
};
shop.measureAgain = shop.measure;

async function step(n) {
  await null;
  return shop.measureAgain({ get size() { return Widget.make(n).size; } });
}

async function all() {
  return await Promise.all([step(1), step(2)]);
}

async function main() {
  await all();
}

main().catch((e) => console.error(e.stack));
