// inventory.js - the stock of the warehouse, rebuilt from its events.

import { applyOnce } from "./ledger.js";

export class Inventory {
  /** Waits for the feed (an array or a promise of one), then replays it. */
  static async fromEvents(feed) {
    const events = await feed;
    return new Inventory(events);
  }

  constructor(events) {
    this.events = events;
    this.levels = new Map(); // SKU -> units in stock
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
}
