// main.js - replays the day's stock events of a small warehouse and prints the
// stock report. One event in the feed carries its quantity as text ("4 boxes")
// where a number belongs; replaying it throws.

import { Inventory } from "./inventory.js";
import { loadEvents } from "./events.js";
import { formatReport } from "./report.js";

// Keep the whole call chain in error stacks (Node keeps only 10 frames).
Error.stackTraceLimit = 50;

/** Builds the inventory from the feed, then renders it. */
async function buildReport(feed) {
  const inventory = await Inventory.fromEvents(feed);
  return formatReport(inventory);
}

async function main() {
  const report = await buildReport(loadEvents());
  console.log(report);
}

main().catch((error) => {
  // Print the stack exactly as the runtime formats it, then fail.
  console.error(error.stack);
  process.exitCode = 1;
});
