// checkout.js - from an order request to an invoice.

import { Cart } from "./cart.js";
import { validateOrder } from "./validation.js";

/** What the customer is asked to pay, frozen at checkout time. */
export class Invoice {
  constructor(order, cart) {
    this.orderId = order.id;
    this.customer = order.customer;
    this.totalCents = cart.total;
    this.lines = cart.pricedLines();
  }
}

/**
 * Pretend warehouse: resolves with the SKUs that are in stock. A real one
 * would be a network call; it is asynchronous here for the same reason.
 */
async function reserveStock(items, stock) {
  await Promise.resolve();
  const missing = items.filter((item) => (stock[item.sku] ?? 0) < item.quantity);
  if (missing.length > 0) {
    throw new Error(`out of stock: ${missing.map((item) => item.sku).join(", ")}`);
  }
  return items.map((item) => item.sku);
}

/** Checks an order, reserves its stock, fills a cart and bills it. */
export async function placeOrder(order, store) {
  validateOrder(order);
  await reserveStock(order.items, store.stock);

  const cart = new Cart(store.catalog, store.settings);
  order.items.forEach((item) => cart.add(item.sku, item.quantity));
  return new Invoice(order, cart);
}
