// cart.js - the shopping cart: which products, how many, and what it costs.

import { priceLine } from "./pricing.js";

export class Cart {
  /**
   * @param catalog  map from SKU to { name, brand, unitCents }
   * @param settings store settings used by the promotions (see pricing.js)
   */
  constructor(catalog, settings) {
    this.catalog = catalog;
    this.settings = settings;
    this.items = new Map(); // SKU -> quantity, in the order they were added
  }

  /** Adds `quantity` of a product; adding the same SKU again sums up. */
  add(sku, quantity) {
    if (!(sku in this.catalog)) {
      throw new Error(`unknown product ${sku}`);
    }
    this.items.set(sku, (this.items.get(sku) ?? 0) + quantity);
    return this;
  }

  /** Every line of the cart, priced, promotions applied. */
  pricedLines() {
    const lines = [...this.items].map(([sku, quantity]) => ({
      sku,
      quantity,
      ...this.catalog[sku],
    }));
    return lines.map((line) => priceLine(line, this.settings));
  }

  /** The amount to pay, in cents. Recomputed on every read. */
  get total() {
    let cents = 0;
    for (const line of this.pricedLines()) {
      cents += line.totalCents;
    }
    return cents;
  }
}
