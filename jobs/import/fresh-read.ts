/**
 * A Redis read shared by every caller that asks before it is sent: each caller gets an answer read after it asked
 * (never a stale one), but dozens of rows asking in the same turn of the event loop cost one round trip instead of
 * dozens. The read is sent at the end of the turn (setImmediate), or once the read in flight has answered.
 */
export function freshRead<T>(read: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<unknown> = Promise.resolve();
  let queued: Promise<T> | undefined;
  return () => {
    if (queued) return queued;
    const previous = inFlight;
    const mine = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => previous)
      .then(() => {
        // From here on a caller may have asked after this read leaves: it gets the next one.
        queued = undefined;
        return read();
      });
    queued = mine;
    inFlight = mine.catch(() => undefined);
    return mine;
  };
}
