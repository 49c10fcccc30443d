// events.js - the day's stock events, as the warehouse feed sends them.

const feed = [
  { kind: "receive", sku: "BEAN-1KG", quantity: 40 },
  { kind: "receive", sku: "MUG-CER", quantity: 12 },
  { kind: "ship", sku: "BEAN-1KG", quantity: 3 },
  { kind: "ship", sku: "MUG-CER", quantity: 2 },
  { kind: "restock", sku: "FILTER-100", quantity: "4 boxes" }, // should be 400
  { kind: "ship", sku: "FILTER-100", quantity: 100 },
];

/** A fresh copy of the feed, oldest event first. */
export function loadEvents() {
  return feed.map((event) => ({ ...event }));
}
