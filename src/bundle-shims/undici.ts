/**
 * Bundle-time stand-in for undici (mapped by tsconfig `paths`, which ncc applies when bundling).
 *
 * @actions/core imports @actions/http-client, which imports undici at load time for one thing only:
 * `ProxyAgent`, used by HttpClient.getAgentDispatcher(), a helper for fetch() callers. Neither
 * @actions/core nor ecs-shipyard calls it. The real undici is ~60% of a bundle's size and about 100 ms
 * of every action's start-up, so the bundles carry this instead; a test keeps the assumption checked.
 */
export class ProxyAgent {
  constructor() {
    throw new Error(
      'ecs-shipyard bundles do not include undici: HttpClient.getAgentDispatcher() is not available.',
    );
  }
}
