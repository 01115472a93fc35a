/**
 * ecr-login's run: get every registry's credentials (all of them before the first login, so a refused
 * token leaves nothing to undo), hand them to the caller to mask before anything else sees them, then log
 * in — with the Docker CLI, or through the Docker config file when there is no Docker CLI or (in auto
 * mode) no daemon answers it. Each login is reported as soon as it is made, so a later failure still
 * leaves the post step what it must undo. And the post step's run: undo exactly those logins.
 */
import type { CommandRunner } from '../exec.js';
import type { Logger } from '../log.js';
import type { RegistryCredentials } from './auth.js';
import { DockerLoginError, dockerLogin, dockerLogout } from './docker-cli.js';
import { addAuths, removeAuths, type WrittenEntry } from './docker-config.js';
import type { EcrLoginPlan, LoginMode } from './login-plan.js';

/** What the post step needs to undo one login; never a secret. */
export interface LoginRecord {
  registry: string;
  mode: LoginMode;
  configPath?: string;
  fingerprint?: string;
}

export interface EcrLoginReport {
  /** The credentials got, in the order the registries were given. They hold the passwords. */
  credentials: RegistryCredentials[];
  /** Each login made, in order. */
  logins: LoginRecord[];
}

export function newReport(): EcrLoginReport {
  return { credentials: [], logins: [] };
}

export interface EcrLoginDeps {
  /** Asks AWS for the credentials of every registry in the plan (the per-region clients bound in). */
  getCredentials(): Promise<RegistryCredentials[]>;
  /** Runs the docker command. */
  runner: CommandRunner;
  /** The environment docker runs in. */
  env: NodeJS.ProcessEnv;
  log: Logger;
  signal?: AbortSignal;
  /** Gets the credentials before anything else is done with them: the shell masks them here. */
  onCredentials(credentials: readonly RegistryCredentials[]): void;
  /** After each login, every login made so far: the shell saves them for the post step here. */
  onLogin(logins: readonly LoginRecord[]): void;
}

export async function runEcrLogin(
  plan: EcrLoginPlan,
  deps: EcrLoginDeps,
  report: EcrLoginReport = newReport(),
): Promise<EcrLoginReport> {
  const credentials = await deps.getCredentials();
  deps.onCredentials(credentials);
  report.credentials = credentials;
  const made = (record: LoginRecord) => {
    report.logins.push(record);
    deps.onLogin([...report.logins]);
  };

  let useConfigFile = plan.docker === undefined;
  if (plan.docker) {
    for (const c of credentials) {
      deps.signal?.throwIfAborted();
      try {
        await dockerLogin(deps.runner, plan.docker, c, deps.env);
      } catch (error) {
        if (plan.mode === 'auto' && error instanceof DockerLoginError && error.daemonUnreachable) {
          deps.log.info(
            'The Docker CLI is here but no Docker daemon answers; writing the Docker config file instead.',
          );
          useConfigFile = true;
          break;
        }
        throw error;
      }
      deps.log.info(`Logged in to ${c.registry} with docker login.`);
      made({ registry: c.registry, mode: 'docker' });
    }
  }
  if (useConfigFile) {
    deps.signal?.throwIfAborted();
    const rest = credentials.slice(report.logins.length);
    const result = await addAuths(plan.configPath, rest);
    for (const w of result.warnings) deps.log.warning(w);
    // One write holds them all: they are reported together.
    const written: LoginRecord[] = result.written.map((entry) => ({
      registry: entry.registry,
      mode: 'config-file',
      configPath: plan.configPath,
      fingerprint: entry.fingerprint,
    }));
    report.logins.push(...written);
    if (written.length > 0) deps.onLogin([...report.logins]);
    for (const entry of written) deps.log.info(`Logged in to ${entry.registry} in ${plan.configPath}.`);
  }
  return report;
}

export interface EcrLogoutDeps {
  runner: CommandRunner;
  /** The docker command the main step used. */
  docker: string;
  env: NodeJS.ProcessEnv;
  log: Logger;
}

/** Undoes the logins: docker logout, and the config-file entries that still hold what was written. */
export async function runEcrLogout(logins: readonly LoginRecord[], deps: EcrLogoutDeps): Promise<void> {
  const failures: string[] = [];
  for (const r of logins.filter((x) => x.mode === 'docker')) {
    const out = await dockerLogout(deps.runner, deps.docker, r.registry, deps.env);
    if (out.ok) deps.log.info(`Logged out of ${r.registry}.`);
    else failures.push(`${r.registry}: ${out.message}`);
  }
  const byFile = new Map<string, WrittenEntry[]>();
  for (const r of logins) {
    if (r.mode === 'config-file' && r.configPath && r.fingerprint) {
      byFile.set(r.configPath, [
        ...(byFile.get(r.configPath) ?? []),
        { registry: r.registry, fingerprint: r.fingerprint },
      ]);
    }
  }
  for (const [path, entries] of byFile) {
    const removed = await removeAuths(path, entries);
    for (const e of entries) {
      deps.log.info(
        removed.includes(e.registry)
          ? `Removed the ${e.registry} login from ${path}.`
          : `Left ${e.registry} in ${path}: the entry changed after this job logged in.`,
      );
    }
  }
  if (failures.length > 0) throw new Error(`Could not log out of every registry: ${failures.join('; ')}`);
}
