import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  COMMENT_LIMIT,
  CommentError,
  commentBody,
  pullRequestOf,
  upsertComment,
} from '../../src/github/pr-comment.js';
import { type FakeGitHub, startFakeGitHub } from '../harness/fake-github.js';

const MARKER = '<!-- ecs-shipyard:verify prod/web -->';
let gh: FakeGitHub;
beforeAll(async () => {
  gh = await startFakeGitHub({ tokens: { 'ghs-write': 'write', 'ghs-read': 'read' } });
});
afterAll(() => gh.close());

const target = (number: number, token = 'ghs-write') => ({
  token,
  owner: 'acme',
  repo: 'shop',
  number,
  marker: MARKER,
  apiUrl: gh.url,
});
const writes = () => gh.log.filter((r) => r.method !== 'GET');

describe('upsertComment', () => {
  test('creates the comment the first time and updates it the second (no second comment)', async () => {
    gh.seed('acme/shop#1', ['LGTM', 'Please rebase']);
    const first = await upsertComment({ ...target(1), body: 'Diff: one change' });
    expect(first.action).toBe('created');
    expect(first.url).toBe(`https://github.com/acme/shop/pull/1#issuecomment-${first.id}`);
    expect(gh.issues.get('acme/shop#1')!.at(-1)!.body).toBe(`${MARKER}\nDiff: one change`);

    const second = await upsertComment({ ...target(1), body: 'Diff: two changes' });
    expect(second).toEqual({ action: 'updated', id: first.id, url: first.url });
    const comments = gh.issues.get('acme/shop#1')!;
    expect(comments.map((c) => c.body)).toEqual(['LGTM', 'Please rebase', `${MARKER}\nDiff: two changes`]);
  });

  test('another marker gets a comment of its own', async () => {
    gh.seed('acme/shop#2', []);
    await upsertComment({ ...target(2), body: 'prod' });
    const other = await upsertComment({
      ...target(2),
      marker: '<!-- ecs-shipyard:verify staging/web -->',
      body: 'staging',
    });
    expect(other.action).toBe('created');
    expect(gh.issues.get('acme/shop#2')!).toHaveLength(2);
  });

  test('a marker given without its HTML comment is wrapped in one', async () => {
    gh.seed('acme/shop#3', []);
    await upsertComment({ ...target(3), marker: 'ecs-shipyard:verify prod/api', body: 'x' });
    expect(gh.issues.get('acme/shop#3')![0]!.body).toBe('<!-- ecs-shipyard:verify prod/api -->\nx');
    expect(
      (await upsertComment({ ...target(3), marker: 'ecs-shipyard:verify prod/api', body: 'y' })).action,
    ).toBe('updated');
  });

  test('finds its comment on page 2 of 3 and reads no further', async () => {
    const bodies = Array.from({ length: 250 }, (_, i) => `comment ${i}`);
    bodies[149] = `${MARKER}\nold diff`;
    const seeded = gh.seed('acme/shop#4', bodies);
    gh.log.length = 0;
    const out = await upsertComment({ ...target(4), body: 'new diff' });
    expect(out).toMatchObject({ action: 'updated', id: seeded[149]!.id });
    const reads = gh.log.filter((r) => r.method === 'GET');
    expect(reads.map((r) => [r.path, r.query['per_page'], r.query['page'] ?? '1'])).toEqual([
      ['/repos/acme/shop/issues/4/comments', '100', '1'],
      ['/repos/acme/shop/issues/4/comments', '100', '2'],
    ]);
    expect(writes()).toEqual([
      {
        method: 'PATCH',
        path: `/repos/acme/shop/issues/comments/${seeded[149]!.id}`,
        query: {},
        body: { body: `${MARKER}\nnew diff` },
      },
    ]);
    expect(gh.issues.get('acme/shop#4')).toHaveLength(250);
  });

  test('reads every page before creating when no comment has the marker', async () => {
    gh.seed(
      'acme/shop#5',
      Array.from({ length: 201 }, (_, i) => `comment ${i}`),
    );
    gh.log.length = 0;
    expect((await upsertComment({ ...target(5), body: 'x' })).action).toBe('created');
    expect(gh.log.filter((r) => r.method === 'GET').map((r) => r.query['page'] ?? '1')).toEqual([
      '1',
      '2',
      '3',
    ]);
  });

  test('a read-only token: 403 explained as the missing pull-requests: write or a fork', async () => {
    gh.seed('acme/shop#6', []);
    const error = await upsertComment({ ...target(6, 'ghs-read'), body: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommentError);
    expect(error).toMatchObject({ reason: 'forbidden', status: 403 });
    expect((error as Error).message).toMatch(/Resource not accessible by integration/);
    expect((error as Error).message).toMatch(/pull-requests: write/);
    expect((error as Error).message).toMatch(/fork/);
    expect(gh.issues.get('acme/shop#6')).toEqual([]);
  });

  test('a bad token is 401, a missing pull request 404, both explained', async () => {
    await expect(upsertComment({ ...target(1, 'expired'), body: 'x' })).rejects.toMatchObject({
      reason: 'unauthorized',
      status: 401,
    });
    const missing = await upsertComment({ ...target(999), body: 'x' }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ reason: 'not-found', status: 404 });
    expect((missing as Error).message).toMatch(/acme\/shop#999.*does not exist, or the token cannot see it/);
  });

  test('an API that cannot be reached is a CommentError too', async () => {
    const closed = await startFakeGitHub({ tokens: {} });
    await closed.close();
    await expect(upsertComment({ ...target(1), apiUrl: closed.url, body: 'x' })).rejects.toMatchObject({
      reason: 'failed',
    });
  });

  test('a body over GitHub’s limit is cut with a note, and GitHub takes it', async () => {
    gh.seed('acme/shop#7', []);
    const long = `\`\`\`diff\n${'+ a line of the diff\n'.repeat(5000)}\`\`\`\n`;
    expect(long.length).toBeGreaterThan(COMMENT_LIMIT);
    const out = await upsertComment({ ...target(7), body: long });
    expect(out.action).toBe('created');
    const stored = gh.issues.get('acme/shop#7')![0]!.body;
    expect(stored.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(stored.startsWith(`${MARKER}\n\`\`\`diff\n+ a line`)).toBe(true);
    // The code block is closed before the note, which says how much was left out.
    expect(stored).toMatch(/\n```\n\n… [\d,]+ characters left out: a GitHub comment holds at most 65,536\./);
    const left = Number(/… ([\d,]+) characters/.exec(stored)![1]!.replace(/,/g, ''));
    expect(stored.indexOf('\n```\n\n…') + left).toBe(`${MARKER}\n${long}`.length);
  });
});

describe('commentBody', () => {
  test('short bodies are kept whole, the marker first; a body that starts with it is not given a second', () => {
    expect(commentBody(MARKER, 'hello')).toBe(`${MARKER}\nhello`);
    expect(commentBody(MARKER, `${MARKER}\nhello`)).toBe(`${MARKER}\nhello`);
    const exact = 'x'.repeat(COMMENT_LIMIT - MARKER.length - 1);
    expect(commentBody(MARKER, exact)).toBe(`${MARKER}\n${exact}`);
    expect(commentBody(MARKER, `${exact}y`)).toMatch(/characters left out/);
  });
  test('a cut never splits a character of two UTF-16 units', () => {
    const out = commentBody(MARKER, '😀'.repeat(COMMENT_LIMIT));
    expect(out.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('pullRequestOf', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shipyard-event-'));
  const event = (name: string, payload: unknown) => {
    const path = join(dir, `${name}-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(path, JSON.stringify(payload));
    return { GITHUB_EVENT_NAME: name, GITHUB_EVENT_PATH: path, GITHUB_REPOSITORY: 'acme/shop' };
  };
  const pr = (number: number, head: string | null) => ({
    action: 'synchronize',
    number,
    pull_request: {
      number,
      head: { ref: 'feature', repo: head === null ? null : { full_name: head, fork: head !== 'acme/shop' } },
      base: { ref: 'main', repo: { full_name: 'acme/shop', fork: false } },
    },
    repository: { full_name: 'acme/shop' },
  });

  test('pull_request from a branch of the same repository', async () => {
    expect(await pullRequestOf(event('pull_request', pr(12, 'acme/shop')))).toEqual({
      owner: 'acme',
      repo: 'shop',
      number: 12,
      headRepo: 'acme/shop',
      fork: false,
    });
  });

  test('pull_request from a fork, and from a fork since deleted', async () => {
    expect(await pullRequestOf(event('pull_request', pr(13, 'someone/shop')))).toEqual({
      owner: 'acme',
      repo: 'shop',
      number: 13,
      headRepo: 'someone/shop',
      fork: true,
    });
    expect(await pullRequestOf(event('pull_request', pr(14, null)))).toEqual({
      owner: 'acme',
      repo: 'shop',
      number: 14,
      fork: true,
    });
  });

  test('pull_request_target reads the same payload', async () => {
    expect(await pullRequestOf(event('pull_request_target', pr(15, 'someone/shop')))).toMatchObject({
      number: 15,
      fork: true,
    });
  });

  test('push, schedule and workflow_dispatch are no pull request', async () => {
    const push = { ref: 'refs/heads/main', after: 'abc', repository: { full_name: 'acme/shop' } };
    expect(await pullRequestOf(event('push', push))).toBeUndefined();
    expect(await pullRequestOf(event('schedule', {}))).toBeUndefined();
    expect(await pullRequestOf({ GITHUB_EVENT_NAME: 'workflow_dispatch' })).toBeUndefined();
    expect(await pullRequestOf({})).toBeUndefined();
  });

  test('a pull_request run whose payload cannot be read says so', async () => {
    await expect(
      pullRequestOf({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: join(dir, 'missing.json') }),
    ).rejects.toMatchObject({ reason: 'event' });
    await expect(pullRequestOf(event('pull_request', { action: 'opened' }))).rejects.toThrow(
      /has no pull_request number/,
    );
  });
});
