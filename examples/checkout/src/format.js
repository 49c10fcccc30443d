// format.js - turning cents and invoices into text for the customer.

/** 1234 -> "$12.34". Amounts are integers of cents (see validation.js). */
export function formatCents(cents) {
  const dollars = Math.floor(cents / 100);
  const rest = String(cents % 100).padStart(2, "0");
  return `$${dollars.toLocaleString("en-US")}.${rest}`;
}

/** Pads `left` and `right` with dots so that they fill `width` columns. */
const dotted = (left, right, width = 40) =>
  `${left} ${".".repeat(Math.max(1, width - left.length - right.length - 2))} ${right}`;

/** Renders an invoice (see checkout.js) as a plain-text receipt. */
export function formatReceipt(invoice) {
  const lines = [`Receipt for order ${invoice.orderId} (${invoice.customer})`];
  for (const line of invoice.lines) {
    lines.push(dotted(`${line.quantity} x ${line.name}`, formatCents(line.totalCents)));
    if (line.discountCents > 0) {
      lines.push(dotted(`    ${line.promotion}`, `-${formatCents(line.discountCents)}`));
    }
  }
  lines.push(dotted("Total", formatCents(invoice.totalCents)));
  return lines.join("\n");
}
