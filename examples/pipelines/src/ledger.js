// ledger.js - what each kind of event does to the stock levels.

import memoizeOne from "memoize-one";
import { assertWholeUnits } from "./validation.js";

/** The units an event moves, checked. */
const unitsOf = (event) => {
  const units = typeof event.quantity === "number" ? event.quantity : Number(event.quantity);
  return assertWholeUnits(units, `${event.kind} ${event.sku}`);
};

// One handler per event kind; each returns the new level of the event's SKU.
const handlers = {
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
  },
};

/** Applies one event to `levels` (SKU -> units) and returns the SKU's new level. */
export function applyEvent(levels, event) {
  if (!Object.hasOwn(handlers, event.kind)) {
    throw new Error(`unknown event kind ${event.kind}`);
  }
  const level = handlers[event.kind](levels, event);
  levels.set(event.sku, level);
  return level;
}

// Feeds repeat the last event when a scanner retries; apply such a repeat only once.
export const applyOnce = memoizeOne(applyEvent);
