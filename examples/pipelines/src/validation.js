// validation.js - checks on quantities read from the feed.

export class FeedError extends Error {
  constructor(message, details) {
    super(message);
    this.name = "FeedError";
    this.details = details;
  }
}

/** Returns `value` if it is a whole number of units (0 or more); throws otherwise. */
export function assertWholeUnits(value, label) {
  if (!Number.isInteger(value) || value < 0) {
    throw new FeedError(`${label}: quantity must be a whole number of units, got ${value}`, {
      label,
      value,
    });
  }
  return value;
}
