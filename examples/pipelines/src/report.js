// report.js - renders the stock report as text.

const pad = (text, width) => String(text).padEnd(width);

/** One line per SKU, then the number of events replayed. */
export function formatReport(inventory) {
  const lines = inventory.rows.map(([sku, units]) => `${pad(sku, 12)} ${units}`);
  lines.push(`${inventory.history.length} events replayed`);
  return lines.join("\n");
}
