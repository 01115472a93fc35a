/**
 * One pull-request comment per marker, updated on each push: the pull request a run is for (from the event
 * payload), and a create-or-update of the comment that carries the marker.
 *
 * GitHub's side, as documented: a pull request's conversation comments are issue comments
 * (`GET|POST /repos/{owner}/{repo}/issues/{number}/comments`, `PATCH /repos/{owner}/{repo}/issues/comments/{id}`),
 * listed by ascending id, at most 100 a page; a body holds at most 65,536 characters. The workflow's
 * GITHUB_TOKEN needs `pull-requests: write` (or `issues: write`) to comment, and is read-only on a
 * `pull_request` run from a fork (`pull_request_target` runs get a writable one).
 */
import { readFile } from 'node:fs/promises';
import { getOctokit } from '@actions/github';

export interface PullRequest {
  owner: string;
  repo: string;
  number: number;
  /** `owner/name` of the repository the pull request's branch is in (absent when that fork was deleted). */
  headRepo?: string;
  /** The branch is in another repository than the base: a `pull_request` run then has a read-only token. */
  fork: boolean;
}

/** Why a comment could not be written, in a sentence the user can act on (`reason` for the code). */
export class CommentError extends Error {
  override readonly name = 'CommentError';
  constructor(
    readonly reason:
      'unauthorized' | 'forbidden' | 'not-found' | 'too-long' | 'rate-limited' | 'event' | 'failed',
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target'];

type Json = Record<string, unknown>;
const object = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;

/**
 * The pull request this run is for: GITHUB_EVENT_NAME `pull_request` or `pull_request_target`, its number
 * and head repository from the payload at GITHUB_EVENT_PATH, the base repository from GITHUB_REPOSITORY
 * (the payload's `repository` when that is unset). Undefined for any other event (push, schedule …).
 */
export async function pullRequestOf(env: NodeJS.ProcessEnv): Promise<PullRequest | undefined> {
  const event = env['GITHUB_EVENT_NAME'];
  if (!event || !PULL_REQUEST_EVENTS.includes(event)) return undefined;
  const path = env['GITHUB_EVENT_PATH'];
  if (!path)
    throw new CommentError(
      'event',
      `GITHUB_EVENT_PATH is not set on a ${event} run: no pull request to comment on.`,
    );
  let payload: Json | undefined;
  try {
    payload = object(JSON.parse(await readFile(path, 'utf8')));
  } catch (error) {
    throw new CommentError(
      'event',
      `The ${event} event payload at ${path} could not be read: ${(error as Error).message}`,
    );
  }
  const pr = object(payload?.['pull_request']);
  const number = Number(pr?.['number'] ?? payload?.['number']);
  if (!pr || !Number.isInteger(number) || number <= 0) {
    throw new CommentError('event', `The ${event} event payload at ${path} has no pull_request number.`);
  }
  const base = String(object(object(pr['base'])?.['repo'])?.['full_name'] ?? '');
  const full =
    env['GITHUB_REPOSITORY'] || String(object(payload?.['repository'])?.['full_name'] ?? '') || base;
  const [owner, repo] = full.split('/');
  if (!owner || !repo)
    throw new CommentError('event', `GITHUB_REPOSITORY is "${full}": expected owner/name.`);
  // head.repo is null when the fork the branch lived in has been deleted; that is still a fork's pull request.
  const headRepo = object(object(pr['head'])?.['repo'])?.['full_name'];
  const head = typeof headRepo === 'string' ? headRepo : undefined;
  return {
    owner,
    repo,
    number,
    ...(head ? { headRepo: head } : {}),
    fork: head === undefined || head.toLowerCase() !== (base || full).toLowerCase(),
  };
}

/** GitHub's limit on a comment body. */
export const COMMENT_LIMIT = 65536;

/** `marker` as the HTML comment it is put in (kept as it is when it already is one). */
function markerComment(marker: string): string {
  const m = marker.trim();
  return m.startsWith('<!--') ? m : `<!-- ${m.replace(/--+>?/g, '-')} -->`;
}

/**
 * The marker line and the body, cut to GitHub's limit with a note of what was left out. Lengths are
 * counted in UTF-16 units, never fewer than the characters GitHub counts, so the cap holds for any text.
 */
export function commentBody(marker: string, body: string): string {
  const full = body.startsWith(marker) ? body : `${marker}\n${body}`;
  if (full.length <= COMMENT_LIMIT) return full;
  const note = (left: number) =>
    `\n\n… ${left.toLocaleString('en-US')} characters left out: a GitHub comment holds at most ${COMMENT_LIMIT.toLocaleString('en-US')}. The job summary has the whole text.`;
  const fence = '\n```';
  let keep = COMMENT_LIMIT - note(full.length).length - fence.length;
  // Never split a surrogate pair.
  if (/[\uD800-\uDBFF]/.test(full[keep - 1] ?? '')) keep--;
  let kept = full.slice(0, keep);
  // A cut inside a code block would turn the note into code: close the block first.
  if ((kept.match(/^```/gm) ?? []).length % 2 === 1) kept += fence;
  return kept + note(full.length - keep);
}

function explain(error: unknown, where: string): CommentError {
  const status = (error as { status?: unknown }).status;
  const data = object(object((error as { response?: unknown }).response)?.['data']);
  const said = String(data?.['message'] ?? (error as Error).message ?? error);
  if (typeof status !== 'number') {
    return new CommentError('failed', `Could not reach the GitHub API for ${where}: ${said}`);
  }
  if (status === 401) {
    return new CommentError(
      'unauthorized',
      `GitHub refused the token for ${where} (401 ${said}): pass a valid token, such as the workflow's github.token.`,
      status,
    );
  }
  const rateLimited = /rate limit/i.test(said) || status === 429;
  if (rateLimited) {
    return new CommentError(
      'rate-limited',
      `GitHub's API rate limit stopped ${where} (${status} ${said}); the next run will try again.`,
      status,
    );
  }
  if (status === 403) {
    return new CommentError(
      'forbidden',
      /not accessible by integration/i.test(said)
        ? `GitHub refused ${where} (403 ${said}): the workflow's token lacks "pull-requests: write" — add it to the job's permissions — or this is a pull request from a fork, whose pull_request runs get a read-only token.`
        : `GitHub refused ${where} (403 ${said}): the token may not comment on this pull request (a locked conversation, or missing "pull-requests: write").`,
      status,
    );
  }
  if (status === 404) {
    return new CommentError(
      'not-found',
      `GitHub found nothing at ${where} (404): the repository or pull request does not exist, or the token cannot see it (a private repository needs a token with access to it).`,
      status,
    );
  }
  if (status === 422) {
    const errors = Array.isArray(data?.['errors'])
      ? (data['errors'] as Json[]).map((e) => String(e['message'] ?? e['code'] ?? ''))
      : [];
    const detail = [said, ...errors].filter(Boolean).join(': ');
    return new CommentError(
      /too long/i.test(detail) ? 'too-long' : 'failed',
      `GitHub did not accept ${where} (422 ${detail}).`,
      status,
    );
  }
  return new CommentError('failed', `GitHub answered ${status} for ${where}: ${said}`, status);
}

/**
 * Creates the pull request's comment that carries `marker`, or updates the first one that does: the body
 * is the marker (an HTML comment, invisible on GitHub) on the first line and then `body`, cut to GitHub's
 * limit. The comments are read 100 a page until the marker is found. Every failure is a CommentError.
 * Without `apiUrl`, @actions/github's default applies: GITHUB_API_URL, else https://api.github.com.
 */
export async function upsertComment(options: {
  token: string;
  owner: string;
  repo: string;
  number: number;
  marker: string;
  body: string;
  apiUrl?: string;
}): Promise<{ action: 'created' | 'updated'; id: number; url: string }> {
  const { owner, repo, number } = options;
  const marker = markerComment(options.marker);
  const body = commentBody(marker, options.body);
  const octokit = getOctokit(
    options.token,
    options.apiUrl ? { baseUrl: options.apiUrl.replace(/\/+$/, '') } : {},
  );
  const where = `${owner}/${repo}#${number}`;

  let existing: { id: number } | undefined;
  try {
    const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: number,
      per_page: 100,
    });
    search: for await (const page of pages) {
      for (const c of page.data) {
        if (c.body?.includes(marker)) {
          existing = c;
          break search;
        }
      }
    }
  } catch (error) {
    throw explain(error, `the comments of ${where}`);
  }

  try {
    if (existing) {
      const { data } = await octokit.rest.issues.updateComment({
        owner,
        repo,
        comment_id: existing.id,
        body,
      });
      return { action: 'updated', id: data.id, url: data.html_url };
    }
    const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body });
    return { action: 'created', id: data.id, url: data.html_url };
  } catch (error) {
    throw explain(
      error,
      existing ? `an update of comment ${existing.id} on ${where}` : `a new comment on ${where}`,
    );
  }
}
