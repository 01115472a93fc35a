/**
 * Each resource is looked up once, and lookups run in parallel with a bound: a task definition with ten
 * secrets in one store makes ten calls at most eight at a time, and two containers sharing a log group
 * make one call. The key names the call and the resource; the first caller's promise is shared.
 */
export class Lookups {
  private readonly cache = new Map<string, Promise<unknown>>();
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** Calls started, by key prefix (the operation), for the report and the benchmark. */
  readonly calls = new Map<string, number>();

  constructor(
    private readonly bound = 8,
    private readonly signal?: AbortSignal,
  ) {}

  once<T>(key: string, lookup: () => Promise<T>): Promise<T> {
    const hit = this.cache.get(key);
    if (hit) return hit as Promise<T>;
    const promise = this.limited(key, lookup);
    this.cache.set(key, promise);
    return promise;
  }

  private async limited<T>(key: string, lookup: () => Promise<T>): Promise<T> {
    // Woken, a waiter checks again: a newcomer may have taken the slot in between.
    while (this.active >= this.bound) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      this.signal?.throwIfAborted();
      const operation = key.split(' ')[0]!;
      this.calls.set(operation, (this.calls.get(operation) ?? 0) + 1);
      return await lookup();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}
