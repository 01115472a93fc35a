import { describe, expect, test } from '@jest/globals';
import {
  type Clock,
  type Observation,
  PollCancelledError,
  PollTimeoutError,
  poll,
} from '../../src/aws/poller.js';

/** A clock that moves only when the poller sleeps. */
function fakeClock() {
  let now = 0;
  const sleeps: number[] = [];
  const clock: Clock = {
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      now += ms;
    },
  };
  return { clock, sleeps, advance: (ms: number) => (now += ms) };
}

function logger() {
  const lines: string[] = [];
  return { lines, log: { info: (m: string) => lines.push(m), warning: () => {}, debug: () => {} } };
}

describe('poll', () => {
  test('backs off while nothing changes, starts short again on a change, logs one line per state', async () => {
    const { clock, sleeps } = fakeClock();
    const { lines, log } = logger();
    const states = ['PENDING', 'PENDING', 'PENDING', 'BUILDING', 'BUILDING', 'AVAILABLE'];
    const result = await poll({
      what: 'image build',
      check: async (n): Promise<Observation<string>> =>
        states[n - 1] === 'AVAILABLE'
          ? { done: true, value: 'ami-1' }
          : { done: false, state: states[n - 1]! },
      timeoutMs: 600_000,
      initialIntervalMs: 1000,
      backoff: 2,
      jitter: 0,
      clock,
      log,
    });
    expect(result).toEqual({ value: 'ami-1', elapsedMs: 1000 + 2000 + 4000 + 1000 + 2000, polls: 6 });
    expect(sleeps).toEqual([1000, 2000, 4000, 1000, 2000]);
    expect(lines).toEqual([
      'image build: PENDING [0s]',
      'image build: BUILDING [7s]',
      'image build: done after 10s (6 checks)',
    ]);
  });

  test('the interval never passes the maximum; jitter only shortens it', async () => {
    const { clock, sleeps } = fakeClock();
    let n = 0;
    await poll({
      what: 'x',
      check: async () => (++n === 12 ? { done: true, value: 1 } : { done: false, state: 'same' }),
      timeoutMs: 10_000_000,
      initialIntervalMs: 1000,
      maxIntervalMs: 5000,
      backoff: 2,
      jitter: 0.2,
      random: () => 1,
      clock,
    });
    expect(Math.max(...sleeps)).toBe(4000); // 5000 * (1 - 0.2): the cap holds with jitter
    expect(sleeps[0]).toBe(800);
  });

  test('gives up at the deadline, after a last look, naming the last state', async () => {
    const { clock } = fakeClock();
    let checks = 0;
    const promise = poll({
      what: 'service web',
      check: async () => {
        checks++;
        return { done: false, state: 'IN_PROGRESS' };
      },
      timeoutMs: 10_000,
      initialIntervalMs: 3000,
      backoff: 1,
      jitter: 0,
      clock,
    });
    await expect(promise).rejects.toBeInstanceOf(PollTimeoutError);
    await expect(promise).rejects.toThrow(
      'Gave up waiting for service web after 10s; it was still IN_PROGRESS.',
    );
    expect(checks).toBe(5); // at 0, 3, 6, 9 and 10 seconds
  });

  test('stops when the job is cancelled', async () => {
    const { clock } = fakeClock();
    const controller = new AbortController();
    let checks = 0;
    const promise = poll({
      what: 'image build',
      check: async () => {
        if (++checks === 2) controller.abort(new Error('the job was cancelled (SIGINT)'));
        return { done: false, state: 'BUILDING' };
      },
      timeoutMs: 60_000,
      clock,
      signal: controller.signal,
    });
    await expect(promise).rejects.toBeInstanceOf(PollCancelledError);
    await expect(promise).rejects.toThrow('Stopped waiting for image build: the job was cancelled (SIGINT).');
    expect(checks).toBe(2);
  });

  test('the real clock sleep can be interrupted', async () => {
    const { systemClock } = await import('../../src/aws/poller.js');
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('stop')), 20);
    await expect(systemClock.sleep(10_000, controller.signal)).rejects.toThrow('stop');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('planned looks', () => {
  test('firstLookMs waits before the first look; plannedMs sleeps exactly, past the cap and without jitter', async () => {
    const { clock, sleeps } = fakeClock();
    const planned = [40_000, 250];
    await poll({
      what: 'service web',
      firstLookMs: 30_000,
      maxIntervalMs: 15_000,
      jitter: 1,
      random: () => 0.5,
      clock,
      timeoutMs: 600_000,
      check: async (n): Promise<Observation<string>> =>
        n > planned.length
          ? { done: true, value: 'ok' }
          : { done: false, state: 'running', plannedMs: planned[n - 1]! },
    });
    expect(sleeps).toEqual([30_000, 40_000, 250]);
  });
});
