// pricing.js - the price of one cart line, promotions included.
//
// A line starts at unit price x quantity. Each promotion that applies to the
// line may then lower that subtotal. The store owner configures promotions
// (thresholds and percentages) in the store settings; see main.js.

import { assertCents } from "./validation.js";

/**
 * Takes `percent` off an amount in cents, rounding to the nearest cent.
 * The result is checked, because `percent` comes from configuration.
 */
const applyPercentOff = (cents, percent) => {
  const discounted = Math.round((cents * (100 - percent)) / 100);
  return assertCents(discounted, "discounted line total");
};

/**
 * The promotions the shop knows about. Each one decides whether it applies to
 * a line and, if so, computes the line's new subtotal from the store settings.
 */
export const promotions = {
  // "Buy N or more of the same product, get a percentage off that line."
  bulk: {
    label: "Bulk discount",
    appliesTo(line, settings) {
      return line.quantity >= settings.bulkDiscount.minQuantity;
    },
    apply(line, subtotalCents, settings) {
      return applyPercentOff(subtotalCents, settings.bulkDiscount.percentOff);
    },
  },

  // "Fixed amount off products of one brand."
  brand: {
    label: "Brand promotion",
    appliesTo(line, settings) {
      return line.brand === settings.brandPromotion.brand;
    },
    apply(line, subtotalCents, settings) {
      const off = settings.brandPromotion.centsOffEach * line.quantity;
      return assertCents(Math.max(0, subtotalCents - off), "brand promotion total");
    },
  },
};

/**
 * Prices one cart line: the subtotal, then every promotion that applies, in
 * the order they are listed. Returns the priced line for the invoice.
 */
export function priceLine(line, settings) {
  const subtotalCents = assertCents(line.unitCents * line.quantity, "line subtotal");
  let totalCents = subtotalCents;
  const applied = [];
  for (const promotion of Object.values(promotions)) {
    if (promotion.appliesTo(line, settings)) {
      totalCents = promotion.apply(line, totalCents, settings);
      applied.push(promotion.label);
    }
  }
  return {
    ...line,
    totalCents,
    discountCents: subtotalCents - totalCents,
    promotion: applied.join(", "),
  };
}
