// main.js - runs the checkout for a small batch of orders and prints the
// receipts. The store settings below contain a mistake (a percentage typed as
// text, "15%", instead of the number 15); the second order triggers it.

import { placeOrder } from "./checkout.js";
import { formatReceipt } from "./format.js";

// Keep the whole call chain in error stacks (Node keeps only 10 frames).
Error.stackTraceLimit = 50;

const store = {
  catalog: {
    "BEAN-1KG": { name: "Espresso beans 1kg", brand: "Roastery", unitCents: 2450 },
    "MUG-CER": { name: "Ceramic mug", brand: "Kiln & Co", unitCents: 1200 },
    "FILTER-100": { name: "Paper filters (100)", brand: "Roastery", unitCents: 399 },
  },
  stock: { "BEAN-1KG": 40, "MUG-CER": 12, "FILTER-100": 300 },
  settings: {
    bulkDiscount: { minQuantity: 3, percentOff: "15%" }, // should be 15
    brandPromotion: { brand: "Roastery", centsOffEach: 50 },
  },
};

const orders = [
  {
    id: "A-1001",
    customer: "Ada",
    items: [
      { sku: "MUG-CER", quantity: 2 },
      { sku: "FILTER-100", quantity: 1 },
    ],
  },
  {
    id: "A-1002",
    customer: "Grace",
    items: [
      { sku: "MUG-CER", quantity: 1 },
      { sku: "BEAN-1KG", quantity: 3 },
    ],
  },
];

/** Places the orders one after the other, printing each receipt. */
async function processOrders(batch) {
  for (const order of batch) {
    const invoice = await placeOrder(order, store);
    console.log(formatReceipt(invoice) + "\n");
  }
}

async function main() {
  await processOrders(orders);
}

main().catch((error) => {
  // Print the stack exactly as the runtime formats it, then fail.
  console.error(error.stack);
  process.exitCode = 1;
});
