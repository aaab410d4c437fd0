/** A run-wide stop signal: once set, no new unit of work starts anywhere in the run. */
export interface StopSignal {
  readonly stopped: boolean;
}

/**
 * Runs `fn` over `items` with at most `limit` in flight; results keep the input order.
 * After the first error (or once `stop` is set) no new item starts; the items already in flight
 * are awaited, so nothing of this call still runs when it settles. Then the first error is thrown.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>, stop?: StopSignal): Promise<R[]> {
  const results = new Array<R>(items.length);
  const queue = items.entries();
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (!failure && !stop?.stopped) {
      const taken = queue.next();
      if (taken.done) break;
      const [i, item] = taken.value;
      try {
        results[i] = await fn(item, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
  return results;
}
