/**
 * ecr-login: logs Docker (or, without a Docker CLI, the Docker config file that daemonless tools read)
 * in to Amazon ECR private registries in any region, or to ECR Public. The post step takes away exactly
 * what the main step added. The shell: inputs → plan → credentials masked → logins saved for the post
 * step as they are made → outputs and summary.
 */
import type { RegistryCredentials } from '../../ecr/auth.js';
import { planEcrLogin } from '../../ecr/login-plan.js';
import { type EcrLoginReport, type LoginRecord, runEcrLogin, runEcrLogout } from '../../ecr/login-run.js';
import { outputSuffix, PUBLIC_REGISTRY, parseRegistryRef, REGISTRY_ACCEPTED } from '../../ecr/registry.js';
import { processRunner } from '../../exec.js';
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

const STATE_LOGINS = 'logins';
const STATE_DOCKER = 'docker';

/** The report as outputs, the per-registry user names and passwords included. */
export function outputsOf(report: EcrLoginReport): Record<string, string> {
  const out: Record<string, string> = {};
  const { credentials } = report;
  for (const c of credentials) {
    out[`docker_username_${outputSuffix(c.registry)}`] = c.username;
    out[`docker_password_${outputSuffix(c.registry)}`] = c.password;
  }
  if (credentials.length === 1) out['registry'] = credentials[0]!.registry;
  out['registries'] = JSON.stringify(credentials.map((c) => c.registry));
  const expiries = credentials.flatMap((c) => (c.expiresAt ? [c.expiresAt.getTime()] : []));
  if (expiries.length > 0) out['token-expires-at'] = new Date(Math.min(...expiries)).toISOString();
  return out;
}

/** The secrets to mask for one registry: the password, and the auth value a config file holds. */
const secretsOf = (c: RegistryCredentials) => [
  c.password,
  Buffer.from(`${c.username}:${c.password}`).toString('base64'),
];

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
    // Every input, and the docker command a docker login needs, is checked before the first AWS call.
    const plan = await planEcrLogin(ctx.settings, ctx.env, ctx.log);
    if (plan.docker) ctx.saveState(STATE_DOCKER, plan.docker);
    const report = await runEcrLogin(plan, {
      // The AWS code loads only now, and only what this run needs: one bundle chunk per kind of login.
      getCredentials: async () =>
        plan.registryType === 'public'
          ? (await import('./aws-public.js')).publicCredentials(plan, NAME, ctx.env)
          : (await import('./aws-private.js')).privateCredentials(plan, NAME, ctx.env),
      runner: processRunner,
      env: ctx.env,
      log: ctx.log,
      signal: ctx.signal,
      // Masked before anything else can print them.
      onCredentials(credentials) {
        if (plan.mask) for (const c of credentials) secretsOf(c).forEach((s) => ctx.setSecret(s));
        else
          ctx.log.warning(
            'mask-password is false: the registry passwords are not masked, so they can be passed to other jobs, and anything that prints them shows them.',
          );
      },
      onLogin(logins) {
        if (!plan.keepLogins) ctx.saveState(STATE_LOGINS, JSON.stringify(logins));
      },
    });

    ctx.setOutputs(outputsOf(report));
    const how = new Map(report.logins.map((l) => [l.registry, l]));
    await ctx.summary
      .addHeading('ECR login', 3)
      .addTable([
        ['Registry', 'Region', 'Logged in with', 'Token expires'].map((data) => ({ data, header: true })),
        ...report.credentials.map((c) => [
          link(
            c.registry,
            c.registry === PUBLIC_REGISTRY
              ? consoleLinks.ecrPublicRepositories()
              : consoleLinks.ecrPrivateRepositories(c.region),
          ),
          c.region,
          how.get(c.registry)?.mode === 'docker'
            ? 'docker login'
            : `config file ${how.get(c.registry)?.configPath}`,
          c.expiresAt?.toISOString() ?? '',
        ]),
      ])
      .addRaw(
        plan.keepLogins
          ? 'The post step leaves these logins in place (skip-logout).'
          : 'The post step logs out again.',
        true,
      )
      .write();
  },

  async post(ctx) {
    const saved = ctx.getState(STATE_LOGINS);
    if (!saved) return;
    await runEcrLogout(JSON.parse(saved) as LoginRecord[], {
      runner: processRunner,
      docker: ctx.getState(STATE_DOCKER) || 'docker',
      env: ctx.env,
      log: ctx.log,
    });
  },
});
