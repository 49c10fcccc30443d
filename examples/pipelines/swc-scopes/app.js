var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __commonJS = (cb, mod) => function __require() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

// node_modules/memoize-one/dist/memoize-one.cjs.js
var require_memoize_one_cjs = __commonJS({
  "node_modules/memoize-one/dist/memoize-one.cjs.js"(exports2, module2) {
    "use strict";
    var safeIsNaN = Number.isNaN || function ponyfill(value) {
      return typeof value === "number" && value !== value;
    };
    function isEqual(first, second) {
      if (first === second) {
        return true;
      }
      if (safeIsNaN(first) && safeIsNaN(second)) {
        return true;
      }
      return false;
    }
    function areInputsEqual(newInputs, lastInputs) {
      if (newInputs.length !== lastInputs.length) {
        return false;
      }
      for (var i = 0; i < newInputs.length; i++) {
        if (!isEqual(newInputs[i], lastInputs[i])) {
          return false;
        }
      }
      return true;
    }
    function memoizeOne2(resultFn, isEqual2) {
      if (isEqual2 === void 0) {
        isEqual2 = areInputsEqual;
      }
      var cache = null;
      function memoized() {
        var newArgs = [];
        for (var _i = 0; _i < arguments.length; _i++) {
          newArgs[_i] = arguments[_i];
        }
        if (cache && cache.lastThis === this && isEqual2(newArgs, cache.lastArgs)) {
          return cache.lastResult;
        }
        var lastResult = resultFn.apply(this, newArgs);
        cache = {
          lastResult,
          lastArgs: newArgs,
          lastThis: this
        };
        return lastResult;
      }
      memoized.clear = function clear() {
        cache = null;
      };
      return memoized;
    }
    module2.exports = memoizeOne2;
  }
});

// src/ledger.js
var import_memoize_one = __toESM(require_memoize_one_cjs(), 1);

// src/validation.js
var FeedError = class extends Error {
  constructor(message, details) {
    super(message);
    this.name = "FeedError";
    this.details = details;
  }
};
function assertWholeUnits(value, label) {
  if (!Number.isInteger(value) || value < 0) {
    throw new FeedError(`${label}: quantity must be a whole number of units, got ${value}`, {
      label,
      value
    });
  }
  return value;
}

// src/ledger.js
var unitsOf = (event) => {
  const units = typeof event.quantity === "number" ? event.quantity : Number(event.quantity);
  return assertWholeUnits(units, `${event.kind} ${event.sku}`);
};
var handlers = {
  receive(levels, event) {
    return (levels.get(event.sku) ?? 0) + unitsOf(event);
  },
  ship(levels, event) {
    const left = (levels.get(event.sku) ?? 0) - unitsOf(event);
    if (left < 0) {
      throw new Error(`cannot ship ${event.quantity} of ${event.sku}: only ${left} left`);
    }
    return left;
  },
  restock(levels, event) {
    const units = unitsOf(event);
    return Math.max(levels.get(event.sku) ?? 0, units);
  }
};
function applyEvent(levels, event) {
  if (!Object.hasOwn(handlers, event.kind)) {
    throw new Error(`unknown event kind ${event.kind}`);
  }
  const level = handlers[event.kind](levels, event);
  levels.set(event.sku, level);
  return level;
}
var applyOnce = (0, import_memoize_one.default)(applyEvent);

// src/inventory.js
var Inventory = class _Inventory {
  /** Waits for the feed (an array or a promise of one), then replays it. */
  static async fromEvents(feed2) {
    const events = await feed2;
    return new _Inventory(events);
  }
  constructor(events) {
    this.events = events;
    this.levels = /* @__PURE__ */ new Map();
    this.history = this.replayed;
  }
  /** The level after each event, in feed order. Replays the events on every read. */
  get replayed() {
    this.levels.clear();
    return this.events.map((event) => applyOnce(this.levels, event));
  }
  /** SKUs with their units, largest stock first. */
  get rows() {
    return [...this.levels].sort((a, b) => b[1] - a[1]);
  }
};

// src/events.js
var feed = [
  { kind: "receive", sku: "BEAN-1KG", quantity: 40 },
  { kind: "receive", sku: "MUG-CER", quantity: 12 },
  { kind: "ship", sku: "BEAN-1KG", quantity: 3 },
  { kind: "ship", sku: "MUG-CER", quantity: 2 },
  { kind: "restock", sku: "FILTER-100", quantity: "4 boxes" },
  // should be 400
  { kind: "ship", sku: "FILTER-100", quantity: 100 }
];
function loadEvents() {
  return feed.map((event) => ({ ...event }));
}

// src/report.js
var pad = (text, width) => String(text).padEnd(width);
function formatReport(inventory) {
  const lines = inventory.rows.map(([sku, units]) => `${pad(sku, 12)} ${units}`);
  lines.push(`${inventory.history.length} events replayed`);
  return lines.join("\n");
}

// src/main.js
Error.stackTraceLimit = 50;
async function buildReport(feed2) {
  const inventory = await Inventory.fromEvents(feed2);
  return formatReport(inventory);
}
async function main() {
  const report = await buildReport(loadEvents());
  console.log(report);
}
main().catch((error) => {
  console.error(error.stack);
  process.exitCode = 1;
});
