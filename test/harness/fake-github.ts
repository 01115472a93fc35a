/**
 * A small stand-in for the GitHub REST API's issue comments, on 127.0.0.1 (a random port), answering as
 * api.github.com does:
 * - GET /repos/:owner/:repo/issues/:number/comments — `per_page` (default 30, at most 100) and `page`, a
 *   Link header with rel="next", "last", "first" and "prev" as GitHub sends them; comments by ascending id.
 * - POST the same path — 201 with the new comment.
 * - PATCH /repos/:owner/:repo/issues/comments/:id — 200 with the comment.
 * - `Authorization: token …` or `Bearer …`: an unknown token is 401 "Bad credentials"; a read-only token
 *   (a fork's pull request, or `permissions: pull-requests: read`) may read, and writing is 403 "Resource
 *   not accessible by integration"; an issue that is not there is 404 "Not Found"; a body over 65,536
 *   characters is 422 "Validation Failed" with GitHub's error entry.
 * Every request goes into `log`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string };
  html_url: string;
  created_at: string;
  updated_at: string;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
}

export interface FakeGitHub {
  /** Pass as `apiUrl` (no trailing slash). */
  url: string;
  /** Comments by issue, `owner/repo#number`; an issue must be here (maybe with []) to exist. */
  issues: Map<string, FakeComment[]>;
  log: LoggedRequest[];
  /** Adds comments to an issue (creating it), with ids after every id so far. */
  seed(issue: string, bodies: string[], login?: string): FakeComment[];
  close(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest/issues/comments';
const MAX_BODY = 65536;

export async function startFakeGitHub(options: {
  tokens: Record<string, 'write' | 'read'>;
  login?: string;
}): Promise<FakeGitHub> {
  const issues = new Map<string, FakeComment[]>();
  const log: LoggedRequest[] = [];
  let nextId = 1000;
  let url = '';
  const comment = (issue: string, body: string, login: string): FakeComment => {
    const id = nextId++;
    const [repo, number] = issue.split('#');
    const at = new Date(Date.UTC(2025, 0, 1) + id * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    return {
      id,
      body,
      user: { login },
      html_url: `https://github.com/${repo}/pull/${number}#issuecomment-${id}`,
      created_at: at,
      updated_at: at,
    };
  };

  const send = (res: ServerResponse, status: number, data: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(data));
  };
  const fail = (res: ServerResponse, status: number, message: string, doc = DOCS, extra: object = {}) =>
    send(res, status, { message, ...extra, documentation_url: doc, status: String(status) });

  const readBody = async (req: IncomingMessage): Promise<unknown> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    return text ? JSON.parse(text) : undefined;
  };

  const server = createServer((req, res) => {
    void (async () => {
      const u = new URL(req.url ?? '/', url);
      const body = req.method === 'GET' ? undefined : await readBody(req);
      log.push({
        method: req.method ?? '',
        path: u.pathname,
        query: Object.fromEntries(u.searchParams),
        ...(body !== undefined ? { body } : {}),
      });
      const auth = /^(?:token|bearer)\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const access = auth ? options.tokens[auth] : undefined;
      if (!access) return fail(res, 401, 'Bad credentials', 'https://docs.github.com/rest');

      const list = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(u.pathname);
      const one = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(u.pathname);
      const tooLong = (b: unknown) =>
        typeof (b as { body?: unknown })?.body === 'string' &&
        [...(b as { body: string }).body].length > MAX_BODY;
      const validation = (res: ServerResponse) =>
        fail(res, 422, 'Validation Failed', DOCS, {
          errors: [
            {
              resource: 'IssueComment',
              code: 'custom',
              field: 'body',
              message: `body is too long (maximum is ${MAX_BODY} characters)`,
            },
          ],
        });

      if (list) {
        const issue = `${list[1]}/${list[2]}#${list[3]}`;
        const comments = issues.get(issue);
        if (!comments) return fail(res, 404, 'Not Found');
        if (req.method === 'GET') {
          const perPage = Math.min(100, Math.max(1, Number(u.searchParams.get('per_page') ?? 30) || 30));
          const page = Math.max(1, Number(u.searchParams.get('page') ?? 1) || 1);
          const last = Math.max(1, Math.ceil(comments.length / perPage));
          const link = (p: number, rel: string) => {
            const l = new URL(u.pathname, url);
            l.searchParams.set('per_page', String(perPage));
            l.searchParams.set('page', String(p));
            return `<${l.href}>; rel="${rel}"`;
          };
          const links = [
            ...(page > 1 ? [link(page - 1, 'prev')] : []),
            ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
            ...(page > 1 ? [link(1, 'first')] : []),
          ];
          return send(
            res,
            200,
            comments.slice((page - 1) * perPage, page * perPage),
            links.length ? { link: links.join(', ') } : {},
          );
        }
        if (req.method === 'POST') {
          if (access !== 'write')
            return fail(
              res,
              403,
              'Resource not accessible by integration',
              `${DOCS}#create-an-issue-comment`,
            );
          if (tooLong(body)) return validation(res);
          const c = comment(
            issue,
            String((body as { body?: unknown })?.body ?? ''),
            options.login ?? 'github-actions[bot]',
          );
          comments.push(c);
          return send(res, 201, c);
        }
      }
      if (one && req.method === 'PATCH') {
        const found = [...issues.entries()]
          .filter(([k]) => k.startsWith(`${one[1]}/${one[2]}#`))
          .flatMap(([, cs]) => cs)
          .find((c) => c.id === Number(one[3]));
        if (!found) return fail(res, 404, 'Not Found');
        if (access !== 'write')
          return fail(res, 403, 'Resource not accessible by integration', `${DOCS}#update-an-issue-comment`);
        if (tooLong(body)) return validation(res);
        found.body = String((body as { body?: unknown })?.body ?? '');
        found.updated_at = new Date(Date.parse(found.updated_at) + 1000)
          .toISOString()
          .replace(/\.\d+Z$/, 'Z');
        return send(res, 200, found);
      }
      return fail(res, 404, 'Not Found', 'https://docs.github.com/rest');
    })().catch((error: unknown) => fail(res, 500, String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    issues,
    log,
    seed(issue, bodies, login = 'someone') {
      const list = issues.get(issue) ?? [];
      issues.set(issue, list);
      const added = bodies.map((b) => comment(issue, b, login));
      list.push(...added);
      return added;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
