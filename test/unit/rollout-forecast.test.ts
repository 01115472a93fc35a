// The deploy wait's forecast: how long the service's last rollout took, and the looks planned from it.
import { describe, expect, test } from '@jest/globals';
import type { Service } from '@aws-sdk/client-ecs';
import { lastRolloutMs, plannedLook } from '../../src/ecs/deploy.js';

const at = (s: number) => new Date(Date.UTC(2026, 10, 22, 12) + s * 1000);

describe('lastRolloutMs', () => {
  const service = (older: Partial<NonNullable<Service['deployments']>[number]>[]): Service => ({
    deployments: [{ id: 'new', status: 'PRIMARY', rolloutState: 'IN_PROGRESS' }, ...older],
  });

  test('the replaced deployment, completed, from createdAt to updatedAt', () => {
    expect(
      lastRolloutMs(
        service([{ id: 'old', rolloutState: 'COMPLETED', createdAt: at(0), updatedAt: at(312) }]),
        'new',
      ),
    ).toBe(312_000);
  });

  test.each([
    [
      'still in progress',
      [{ id: 'old', rolloutState: 'IN_PROGRESS' as const, createdAt: at(0), updatedAt: at(90) }],
    ],
    ['failed', [{ id: 'old', rolloutState: 'FAILED' as const, createdAt: at(0), updatedAt: at(90) }]],
    [
      'too short to be a rollout',
      [{ id: 'old', rolloutState: 'COMPLETED' as const, createdAt: at(0), updatedAt: at(2) }],
    ],
    [
      'too long (touched since, by a scaling change)',
      [{ id: 'old', rolloutState: 'COMPLETED' as const, createdAt: at(0), updatedAt: at(7200) }],
    ],
    [
      'two older deployments',
      [
        { id: 'a', rolloutState: 'COMPLETED' as const, createdAt: at(0), updatedAt: at(60) },
        { id: 'b', rolloutState: 'IN_PROGRESS' as const, createdAt: at(70), updatedAt: at(80) },
      ],
    ],
  ])('no forecast when the replaced deployment is %s', (_why, older) => {
    expect(lastRolloutMs(service(older), 'new')).toBeUndefined();
  });
});

describe('plannedLook', () => {
  /** The moments (ms after the update) of the planned looks, until `until`. */
  function looks(expectedMs: number, until: number): number[] {
    const late = { next: 1000 };
    const out: number[] = [];
    for (let t = plannedLook(0, expectedMs, late); t <= until; t += plannedLook(t, expectedMs, late))
      out.push(t);
    return out;
  }

  test('a 30 s rollout: one look just after it', () => {
    expect(looks(30_000, 31_000)).toEqual([30_250]);
  });

  test('a 5 min rollout: progress every minute, then just after the end', () => {
    expect(looks(300_000, 300_250)).toEqual([60_000, 120_000, 180_000, 240_000, 300_250]);
  });

  test('running late: looks 1 s, 1.5 s, 2.25 s … apart, never more than 15 s', () => {
    const t = looks(120_000, 200_000);
    const after = t.filter((x) => x > 120_000);
    const gaps = after.slice(1).map((x, i) => x - after[i]!);
    expect(gaps.slice(0, 3)).toEqual([1000, 1500, 2250]);
    expect(Math.max(...gaps)).toBe(15_000);
  });
});
