// validation.js - input checks for the checkout flow.
//
// Every amount of money in this app is an integer number of cents, so that
// adding up a basket never suffers from floating-point rounding. The helpers
// here enforce that rule at the boundaries where bad data tends to sneak in:
// the order coming from the web form and the results of price arithmetic.

/** Error raised when an order or a computed price breaks a business rule. */
export class ValidationError extends Error {
  constructor(message, details = {}) {
    super(message);
    // Set the name explicitly: the class name itself is renamed by minifiers.
    this.name = "ValidationError";
    this.details = details;
  }
}

/**
 * Checks that `value` is a whole, non-negative number of cents and returns it
 * unchanged, so it can wrap an expression: `return assertCents(a + b, "sum")`.
 */
export function assertCents(value, label) {
  if (!Number.isInteger(value) || value < 0) {
    throw new ValidationError(
      `${label} must be a whole number of cents, got ${value}`,
      { label, value },
    );
  }
  return value;
}

/** Checks the shape of an order before any pricing happens. */
export function validateOrder(order) {
  if (!order || typeof order.id !== "string") {
    throw new ValidationError("order must have a string id");
  }
  if (!Array.isArray(order.items) || order.items.length === 0) {
    throw new ValidationError(`order ${order.id} has no items`);
  }
  for (const item of order.items) {
    if (!Number.isInteger(item.quantity) || item.quantity < 1) {
      throw new ValidationError(
        `order ${order.id}: bad quantity ${item.quantity} for ${item.sku}`,
      );
    }
  }
  return order;
}
