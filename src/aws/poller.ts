/**
 * The one Poller: waits for something in AWS to finish, with a deadline, an interval that starts short
 * and backs off while nothing changes (and starts short again when something does), jitter, and
 * cancellation through an AbortSignal. It logs one line per state change with the elapsed time, not one
 * per poll. Time is injected so tests run instantly.
 */
import { formatDuration } from '../duration.js';
import type { Logger } from '../log.js';

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** What one look found: finished with a value, or still in some state (a short word or phrase). */
export type Observation<T> =
  | { done: true; value: T }
  | {
      done: false;
      state: string;
      detail?: string;
      /** How soon to look again, when the caller knows better (an outcome is near): capped by maxIntervalMs. */
      nextIntervalMs?: number;
      /**
       * A look the caller planned (it knows when the outcome is due): sleep exactly this long, with no
       * cap and no jitter. Takes precedence over nextIntervalMs.
       */
      plannedMs?: number;
    };

export interface PollOptions<T> {
  /** What is being waited for, for log lines and errors ("image build", "service web"). */
  what: string;
  check: (attempt: number) => Promise<Observation<T>>;
  timeoutMs: number;
  initialIntervalMs?: number;
  /** Wait this long before the first look (when the caller has just seen the state); default 0. */
  firstLookMs?: number;
  maxIntervalMs?: number;
  backoff?: number;
  /**
   * 0..1: each interval is shortened by a random fraction up to this, never lengthened, so that
   * maxIntervalMs bounds how late a change is seen.
   */
  jitter?: number;
  signal?: AbortSignal;
  clock?: Clock;
  random?: () => number;
  log?: Logger;
}

export class PollTimeoutError extends Error {
  override readonly name = 'PollTimeoutError';
  constructor(
    readonly what: string,
    readonly lastState: string,
    readonly elapsedMs: number,
  ) {
    super(`Gave up waiting for ${what} after ${formatDuration(elapsedMs)}; it was still ${lastState}.`);
  }
}

export class PollCancelledError extends Error {
  override readonly name = 'PollCancelledError';
}

export interface PollResult<T> {
  value: T;
  elapsedMs: number;
  polls: number;
}

export async function poll<T>(options: PollOptions<T>): Promise<PollResult<T>> {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const initial = options.initialIntervalMs ?? 2000;
  const max = options.maxIntervalMs ?? 30_000;
  const backoff = options.backoff ?? 1.5;
  const jitter = Math.min(Math.max(options.jitter ?? 0.2, 0), 1);
  const start = clock.now();
  const deadline = start + options.timeoutMs;
  let interval = initial;
  let lastState: string | undefined;
  let polls = 0;

  const cancelled = () =>
    new PollCancelledError(
      `Stopped waiting for ${options.what}: ${options.signal?.reason instanceof Error ? options.signal.reason.message : 'cancelled'}.${lastState !== undefined ? ` It was last seen ${lastState}.` : ''}`,
    );

  if (options.firstLookMs) {
    try {
      await clock.sleep(Math.min(options.firstLookMs, options.timeoutMs), options.signal);
    } catch {
      throw cancelled();
    }
  }
  for (;;) {
    if (options.signal?.aborted) throw cancelled();
    polls++;
    const seen = await options.check(polls);
    const elapsed = clock.now() - start;
    if (seen.done) {
      options.log?.info(`${options.what}: done after ${formatDuration(elapsed)} (${polls} checks)`);
      return { value: seen.value, elapsedMs: elapsed, polls };
    }
    if (seen.state !== lastState) {
      options.log?.info(
        `${options.what}: ${seen.state}${seen.detail ? ` (${seen.detail})` : ''} [${formatDuration(elapsed)}]`,
      );
      if (lastState !== undefined) interval = initial;
      lastState = seen.state;
    } else {
      interval = Math.min(max, interval * backoff);
    }
    if (seen.nextIntervalMs !== undefined) interval = Math.min(max, seen.nextIntervalMs);
    const remaining = deadline - clock.now();
    if (remaining <= 0) throw new PollTimeoutError(options.what, lastState, elapsed);
    const wait = Math.min(
      remaining,
      seen.plannedMs !== undefined
        ? Math.max(0, Math.round(seen.plannedMs))
        : Math.max(0, Math.round(interval * (1 - jitter * random()))),
    );
    try {
      await clock.sleep(wait, options.signal);
    } catch {
      throw cancelled();
    }
  }
}

export interface LongWait {
  timeoutMs: number;
  /** The longest time between two looks: it bounds how late the end is seen. */
  maxIntervalMs: number;
  signal?: AbortSignal;
  clock?: Clock;
  log?: Logger;
}

/**
 * Settings for waiting on a long AWS job (an image build, an instance refresh): a look `firstMs` after
 * each change, doubling up to the cap while nothing changes, jitter only shortening.
 */
export function longWait(options: LongWait, firstMs = 10_000): Omit<PollOptions<unknown>, 'what' | 'check'> {
  return {
    timeoutMs: options.timeoutMs,
    initialIntervalMs: Math.min(firstMs, options.maxIntervalMs),
    maxIntervalMs: options.maxIntervalMs,
    backoff: 2,
    jitter: 0.1,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.log ? { log: options.log } : {}),
  };
}
