/**
 * ecr-login: logs Docker (or, without a Docker CLI, the Docker config file that daemonless tools read)
 * in to Amazon ECR private registries in any region, or to ECR Public. The post step takes away exactly
 * what the main step added.
 */
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { RegistryCredentials } from '../../ecr/auth.js';
import { DockerLoginError, dockerLogin, dockerLogout } from '../../ecr/docker-cli.js';
import { addAuths, dockerConfigPath, removeAuths, type WrittenEntry } from '../../ecr/docker-config.js';
import {
  ECR_PUBLIC_REGION,
  outputSuffix,
  type PrivateRegistryRef,
  PUBLIC_REGISTRY,
  parseRegistryRef,
  REGISTRY_ACCEPTED,
  type RegistryRef,
} from '../../ecr/registry.js';
import { UserError } from '../../errors.js';
import { findOnPath, processRunner } from '../../exec.js';
import { defineAction } from '../../github/action.js';
import { boolean, list, oneOf, region } from '../../github/inputs.js';
import { consoleLinks, link } from '../../github/summary.js';

const NAME = 'ecr-login';

export const inputs = {
  registries: list({ item: parseRegistryRef, itemAccepted: REGISTRY_ACCEPTED, default: '' }),
  'registry-type': oneOf(['private', 'public'], { default: 'private' }),
  region: region(),
  'login-mode': oneOf(['auto', 'docker', 'config-file'], { default: 'auto' }),
  'mask-password': boolean({ default: 'true' }),
  'skip-logout': boolean({ default: 'false' }),
};

type LoginMode = 'docker' | 'config-file';

/** What the post step needs to undo one login; never a secret. */
export interface LoginRecord {
  registry: string;
  mode: LoginMode;
  configPath?: string;
  fingerprint?: string;
}

const STATE_LOGINS = 'logins';
const STATE_DOCKER = 'docker';

function checkRegistryType(type: 'private' | 'public', refs: readonly RegistryRef[]): PrivateRegistryRef[] {
  const publicRefs = refs.filter((r) => r.kind === 'public');
  const privateRefs = refs.filter((r): r is PrivateRegistryRef => r.kind !== 'public');
  if (type === 'public' && privateRefs.length > 0) {
    const names = privateRefs.map((r) => (r.kind === 'uri' ? r.host : r.accountId)).join(', ');
    throw new UserError(
      `Input 'registry-type' is public, which logs in to ${PUBLIC_REGISTRY} only, but input 'registries' lists private registries (${names}). Remove them, or log in to them in another step with registry-type: private.`,
    );
  }
  if (type === 'private' && publicRefs.length > 0) {
    throw new UserError(
      `Input 'registries' lists ${PUBLIC_REGISTRY}, which is ECR Public: set registry-type: public in a step of its own.`,
    );
  }
  return privateRefs;
}

export default defineAction({
  name: NAME,
  inputs,
  outputs: ['registry', 'registries', 'token-expires-at'],
  dynamicOutputs: [
    {
      prefix: 'docker_username_',
      description:
        'User name for each registry, e.g. docker_username_123456789012_dkr_ecr_us_east_1_amazonaws_com.',
    },
    {
      prefix: 'docker_password_',
      description:
        'Password for each registry, e.g. docker_password_public_ecr_aws (masked unless mask-password is false).',
    },
  ],

  async main(ctx) {
    const s = ctx.settings;
    const type = s['registry-type'];
    const privateRefs = checkRegistryType(type, s.registries);

    // Every input, and the docker command a docker login needs, is checked before the first AWS call.
    const docker = await findDocker(s['login-mode'], ctx.env);
    // The AWS code loads only now, and only what this run needs: one bundle chunk per kind of login.
    let credentials: RegistryCredentials[];
    if (type === 'public') {
      if (s.region && s.region !== ECR_PUBLIC_REGION) {
        ctx.log.info(
          `ECR Public hands out tokens only in ${ECR_PUBLIC_REGION}; asking there (input 'region' is ${s.region}).`,
        );
      }
      const { createClient, ECRPUBLICClient, getPublicCredentials } = await import('./aws-public.js');
      const client = createClient(ECRPUBLICClient, { region: ECR_PUBLIC_REGION, action: NAME, env: ctx.env });
      credentials = [await getPublicCredentials(client)];
    } else {
      const { createClient, ECRClient, getPrivateCredentials, resolveRegion } =
        await import('./aws-private.js');
      const stepRegion = resolveRegion(s.region, ctx.env);
      const clients = new Map<string, ECRClient>();
      const clientFor = (r: string) => {
        let c = clients.get(r);
        if (!c) {
          c = createClient(ECRClient, { region: r, action: NAME, env: ctx.env });
          clients.set(r, c);
        }
        return c;
      };
      credentials = await getPrivateCredentials(privateRefs, stepRegion, clientFor);
    }

    // Masked before anything else can print them.
    if (s['mask-password']) {
      for (const c of credentials) {
        ctx.setSecret(c.password);
        ctx.setSecret(Buffer.from(`${c.username}:${c.password}`).toString('base64'));
      }
    } else {
      ctx.log.warning(
        'mask-password is false: the registry passwords are not masked, so they can be passed to other jobs, and anything that prints them shows them.',
      );
    }

    // Each login is saved for the post step as soon as it is made, so a later failure still undoes it.
    const saveLogins = (done: readonly LoginRecord[]) => {
      if (!s['skip-logout']) ctx.saveState(STATE_LOGINS, JSON.stringify(done));
    };
    const records = await logIn(ctx, s['login-mode'], docker, credentials, saveLogins);
    for (const c of credentials) {
      ctx.setOutput(`docker_username_${outputSuffix(c.registry)}`, c.username);
      ctx.setOutput(`docker_password_${outputSuffix(c.registry)}`, c.password);
    }
    if (credentials.length === 1) ctx.setOutput('registry', credentials[0]!.registry);
    ctx.setOutput('registries', JSON.stringify(credentials.map((c) => c.registry)));
    const expiries = credentials.flatMap((c) => (c.expiresAt ? [c.expiresAt.getTime()] : []));
    if (expiries.length > 0) ctx.setOutput('token-expires-at', new Date(Math.min(...expiries)).toISOString());

    await ctx.summary
      .addHeading('ECR login', 3)
      .addTable([
        [
          { data: 'Registry', header: true },
          { data: 'Region', header: true },
          { data: 'Logged in with', header: true },
          { data: 'Token expires', header: true },
        ],
        ...credentials.map((c, i) => [
          link(
            c.registry,
            c.registry === PUBLIC_REGISTRY
              ? consoleLinks.ecrPublicRepositories()
              : consoleLinks.ecrPrivateRepositories(c.region),
          ),
          c.region,
          records[i]!.mode === 'docker' ? 'docker login' : `config file ${records[i]!.configPath}`,
          c.expiresAt?.toISOString() ?? '',
        ]),
      ])
      .addRaw(
        s['skip-logout']
          ? 'The post step leaves these logins in place (skip-logout).'
          : 'The post step logs out again.',
        true,
      )
      .write();
  },

  async post(ctx) {
    const saved = ctx.getState(STATE_LOGINS);
    if (!saved) return;
    const records = JSON.parse(saved) as LoginRecord[];
    const failures: string[] = [];
    const docker = ctx.getState(STATE_DOCKER) || 'docker';
    for (const r of records.filter((x) => x.mode === 'docker')) {
      const out = await dockerLogout(processRunner, docker, r.registry, ctx.env);
      if (out.ok) ctx.log.info(`Logged out of ${r.registry}.`);
      else failures.push(`${r.registry}: ${out.message}`);
    }
    const byFile = new Map<string, WrittenEntry[]>();
    for (const r of records) {
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
        ctx.log.info(
          removed.includes(e.registry)
            ? `Removed the ${e.registry} login from ${path}.`
            : `Left ${e.registry} in ${path}: the entry changed after this job logged in.`,
        );
      }
    }
    if (failures.length > 0) throw new Error(`Could not log out of every registry: ${failures.join('; ')}`);
  },
});

async function findDocker(mode: 'auto' | LoginMode, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (mode === 'config-file') return undefined;
  const docker = await findOnPath('docker', env);
  if (!docker && mode === 'docker') {
    throw new UserError(
      "Input 'login-mode' is docker, but no docker command is on PATH. Use login-mode: config-file or auto.",
    );
  }
  return docker;
}

async function logIn(
  ctx: {
    env: NodeJS.ProcessEnv;
    log: { info(m: string): void; warning(m: string): void };
    saveState(k: string, v: string): void;
  },
  mode: 'auto' | LoginMode,
  docker: string | undefined,
  credentials: readonly RegistryCredentials[],
  saveLogins: (done: readonly LoginRecord[]) => void,
): Promise<LoginRecord[]> {
  const records: LoginRecord[] = [];
  let useConfigFile = docker === undefined;
  if (docker) {
    ctx.saveState(STATE_DOCKER, docker);
    for (const c of credentials) {
      try {
        await dockerLogin(processRunner, docker, c, ctx.env);
      } catch (error) {
        if (mode === 'auto' && error instanceof DockerLoginError && error.daemonUnreachable) {
          ctx.log.info(
            'The Docker CLI is here but no Docker daemon answers; writing the Docker config file instead.',
          );
          useConfigFile = true;
          break;
        }
        throw error;
      }
      ctx.log.info(`Logged in to ${c.registry} with docker login.`);
      records.push({ registry: c.registry, mode: 'docker' });
      saveLogins(records);
    }
  }
  if (useConfigFile) {
    const rest = credentials.slice(records.length);
    const path = dockerConfigPath(ctx.env);
    const result = await addAuths(path, rest);
    for (const w of result.warnings) ctx.log.warning(w);
    for (const entry of result.written) {
      ctx.log.info(`Logged in to ${entry.registry} in ${path}.`);
      records.push({
        registry: entry.registry,
        mode: 'config-file',
        configPath: path,
        fingerprint: entry.fingerprint,
      });
    }
    saveLogins(records);
  }
  return records;
}
