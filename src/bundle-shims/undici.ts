/**
 * Bundle-time stand-in for undici (mapped by tsconfig `paths`, which ncc applies when bundling).
 *
 * @actions/core imports @actions/http-client, which imports undici at load time for `ProxyAgent` only,
 * used by HttpClient.getAgentDispatcher(). @actions/github (loaded by verify-task-definition only when it
 * writes a pull-request comment) calls that when it loads and sends Octokit's requests through undici's
 * `fetch` with the dispatcher it got. The real undici is ~60% of a bundle's size and about 100 ms of every
 * action's start-up, so the bundles carry this instead: `fetch` is Node's own, and a dispatcher is not
 * passed on — behind an HTTPS_PROXY the comment request goes direct (Node's fetch does not read the
 * proxy variables), fails, and is one warning. A contract test keeps these assumptions checked.
 */
export class ProxyAgent {
  constructor(readonly options: unknown) {}
}

export const fetch: typeof globalThis.fetch = (input, init) => {
  const { dispatcher: _dispatcher, ...rest } = (init ?? {}) as RequestInit & { dispatcher?: unknown };
  return globalThis.fetch(input, rest);
};
