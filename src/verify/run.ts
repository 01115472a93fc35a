/**
 * verify-task-definition's run: the task definition (from the plan's file, or read from ECS), what it
 * refers to, then every check asked for, all at once — each resource looked up once, at most
 * `concurrency` calls in flight — and the diff against what the service (or the family) has now. A read
 * that cannot be made becomes one warning per check and IAM action; the other checks go on. The report
 * is filled in as it goes.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { blockedRead, explainAwsError, explainError, isCredentialsError } from '../aws/errors.js';
import type { SourcePosition } from '../json/parse.js';
import type { Logger } from '../log.js';
import { sarifLog } from '../sarif.js';
import { DESCRIBE_ONLY_FIELDS } from '../taskdef/normalize.js';
import { asStored, storedText } from '../taskdef/stored.js';
import { unifiedDiff } from '../taskdef/unified-diff.js';
import type { Finding, Severity } from '../validate/findings.js';
import { positionOf } from '../validate/source.js';
import { checkLogs, checkSecrets, checkStorage } from './account.js';
import type { CheckContext, VerifyClients } from './context.js';
import { checkPermissions, checkRoles } from './iam.js';
import { checkImages } from './images.js';
import { Lookups } from './lookups.js';
import type { VerifyPlan } from './plan.js';
import { referencesOf } from './references.js';
import { type Check, CHECKS, VERIFY_DOC, VERIFY_RULES, verifyDocsFor } from './rules.js';
import { checkService, currentRevision, describeService } from './service.js';

type Json = Record<string, unknown>;

export interface VerifyDeps {
  clients: VerifyClients;
  region: string;
  log: Logger;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  mask?: (value: string) => void;
}

export interface VerifyReport {
  /** The file (relative to the workspace), or the registered revision, the findings are about. */
  file: string;
  /** Whether `file` is a file (annotations and SARIF locations need one) or a registered revision. */
  fromFile: boolean;
  family?: string;
  region?: string;
  cluster: string;
  service?: string;
  checks: Check[];
  findings: Finding[];
  counts: Record<Severity, number>;
  /** What was looked at: "3 images", "10 secrets" … */
  looked: string[];
  /** AWS and registry calls made, by operation. */
  calls: Record<string, number>;
  /** What the diff is against: the service's current revision, or the family's latest. */
  against?: string;
  diff?: string;
  changed?: boolean;
  sarifPath?: string;
  /** Findings at or above fail-on: any fails the step. */
  failing: number;
  outcome?: 'passed' | 'failed';
  reason?: string;
}

export function newReport(plan: VerifyPlan): VerifyReport {
  return {
    file: plan.source.kind === 'file' ? plan.source.file : plan.source.reference,
    fromFile: plan.source.kind === 'file',
    cluster: plan.cluster,
    ...(plan.service ? { service: plan.service } : {}),
    checks: [...plan.checks],
    findings: [],
    counts: { error: 0, warning: 0, notice: 0 },
    looked: [],
    calls: {},
    failing: 0,
  };
}

async function loadDefinition(plan: VerifyPlan, deps: VerifyDeps, lookups: Lookups) {
  if (plan.source.kind === 'file')
    return { definition: plan.source.definition, positions: plan.source.positions };
  const reference = plan.source.reference;
  const out = await lookups.once(`DescribeTaskDefinition ${reference}`, () =>
    deps.clients.ecs().send(new DescribeTaskDefinitionCommand({ taskDefinition: reference })),
  );
  const definition = Object.fromEntries(
    Object.entries((out.taskDefinition ?? {}) as Json).filter(
      ([k]) => !(DESCRIBE_ONLY_FIELDS as readonly string[]).includes(k),
    ),
  );
  return {
    definition,
    positions: new Map<string, SourcePosition>(),
    arn: out.taskDefinition?.taskDefinitionArn,
  };
}

/** The service settings the deploy will change, before and after, as text to diff (keys sorted, nested too). */
function settingsText(values: Json): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : typeof v === 'object' && v !== null
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sorted((v as Json)[k])]),
          )
        : v;
  return Object.keys(values).length ? `${JSON.stringify(sorted(values), null, 2)}\n` : '';
}

/**
 * Environment values in the diff as a short digest: a value a render step filled from a GitHub secret
 * would otherwise be shown in a pull-request comment (masking covers logs only). A change still shows.
 */
function hideValues(definition: Json): Json {
  const containers = definition['containerDefinitions'];
  if (!Array.isArray(containers)) return definition;
  return {
    ...definition,
    containerDefinitions: containers.map((c: unknown) => {
      const env = (c as Json | null)?.['environment'];
      if (!Array.isArray(env)) return c;
      return {
        ...(c as Json),
        environment: env.map((e: unknown) =>
          typeof e === 'object' && e !== null && typeof (e as Json)['value'] === 'string'
            ? {
                ...(e as Json),
                value: `(hidden: sha256 ${createHash('sha256')
                  .update((e as Json)['value'] as string)
                  .digest('hex')
                  .slice(0, 12)})`,
              }
            : e,
        ),
      };
    }),
  };
}

async function diffOf(
  ctx: CheckContext,
  report: VerifyReport,
  registeredArn: string | undefined,
): Promise<void> {
  let before: Json | undefined;
  let serviceBefore: Json = {};
  let serviceAfter: Json = {};
  if (ctx.plan.service) {
    const service = await describeService(ctx);
    if (!service?.taskDefinition) return;
    report.against = service.taskDefinition;
    before = (await currentRevision(ctx, service.taskDefinition)) as Json | undefined;
    if (!before) return;
    // Service Connect is described per deployment, not on the service.
    const primary = service.deployments?.find((d) => d.status === 'PRIMARY') as Json | undefined;
    for (const [key, value] of Object.entries(ctx.plan.update)) {
      serviceBefore[key] = (service as Json)[key] ?? primary?.[key] ?? null;
      serviceAfter[key] = value;
    }
  } else {
    const family = String(ctx.definition['family']);
    const latest = await ctx.read('service', `the latest revision of ${family}`, () =>
      ctx.lookups.once(`DescribeTaskDefinition ${family}`, async () => {
        try {
          return (
            (await ctx.clients.ecs().send(new DescribeTaskDefinitionCommand({ taskDefinition: family })))
              .taskDefinition ?? null
          );
        } catch (error) {
          if (/ClientException|NotFound/.test(String((error as { name?: string }).name))) return null;
          throw error;
        }
      }),
    );
    if (latest === undefined) return;
    report.against = latest?.taskDefinitionArn ?? `${family} (no revision yet)`;
    before = (latest ?? {}) as Json;
    if (latest?.taskDefinitionArn && latest.taskDefinitionArn === registeredArn) before = undefined;
  }
  const from = report.against ?? 'registered';
  const definitionDiff = before
    ? unifiedDiff(
        Object.keys(before).length ? storedText(hideValues(asStored(before))) : '',
        storedText(hideValues(asStored(ctx.definition))),
        {
          from,
          to: report.file,
          maxLines: 400,
        },
      )
    : '';
  if (ctx.plan.service) {
    serviceBefore = JSON.parse(JSON.stringify(serviceBefore)) as Json;
    serviceAfter = JSON.parse(JSON.stringify(serviceAfter)) as Json;
  }
  const settingsDiff = unifiedDiff(settingsText(serviceBefore), settingsText(serviceAfter), {
    from: `service ${ctx.plan.service ?? ''} now`,
    to: 'after the deploy',
  });
  report.diff = [definitionDiff, settingsDiff].filter(Boolean).join('\n');
  report.changed = report.diff !== '';
}

export async function runVerify(plan: VerifyPlan, deps: VerifyDeps, report: VerifyReport): Promise<void> {
  const lookups = new Lookups(plan.concurrency, deps.signal);
  report.region = deps.region;
  const skipped = new Map<string, { check: Check; why: string; action: string; what: string[] }>();
  let positions = new Map<string, SourcePosition>();
  const ctx: CheckContext = {
    plan,
    definition: {},
    refs: referencesOf({}, deps.region),
    region: deps.region,
    clients: deps.clients,
    lookups,
    log: deps.log,
    ...(deps.signal ? { signal: deps.signal } : {}),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    mask: deps.mask ?? (() => {}),
    find(rule, pointer, message, severity) {
      const spec = VERIFY_RULES.find((r) => r.id === rule)!;
      const at = positionOf(positions, pointer);
      report.findings.push({
        file: report.file,
        line: at.line,
        column: at.column,
        rule,
        severity: severity ?? spec.severity,
        message,
        pointer,
        docs: verifyDocsFor(rule),
      });
    },
    async read(check, what, lookup) {
      try {
        return await lookup();
      } catch (error) {
        if (isCredentialsError(error)) throw error;
        const blocked = blockedRead(error) ?? {
          action: 'the call',
          why: explainAwsError(error) ?? String(error),
        };
        const key = `${check} ${blocked.action}`;
        const entry = skipped.get(key) ?? { check, ...blocked, what: [] };
        if (!entry.what.includes(what)) entry.what.push(what);
        skipped.set(key, entry);
        return undefined;
      }
    },
  };
  try {
    const loaded = await loadDefinition(plan, deps, lookups);
    positions = loaded.positions;
    ctx.definition = loaded.definition;
    report.family = String(loaded.definition['family'] ?? '');
    ctx.refs = referencesOf(loaded.definition, deps.region);
    const { refs } = ctx;
    const count = (n: number, what: string) => (n ? [`${n} ${what}${n === 1 ? '' : 's'}`] : []);
    report.looked = [
      ...count(new Set(refs.images.map((i) => i.image)).size, 'image'),
      ...count(['executionRoleArn', 'taskRoleArn'].filter((k) => loaded.definition[k]).length, 'role'),
      ...count(refs.secrets.length, 'secret'),
      ...count(new Set(refs.logs.map((l) => `${l.region}/${l.group}`)).size, 'log group'),
      ...count(refs.efs.length, 'EFS volume'),
      ...count(refs.envFiles.length, 'environment file'),
      ...(plan.service ? [`service ${plan.service}`] : []),
    ];
    const run: Record<Check, () => Promise<void>> = {
      images: () => checkImages(ctx),
      roles: () => checkRoles(ctx),
      permissions: () => checkPermissions(ctx),
      secrets: () => checkSecrets(ctx),
      // The key check reads within the secrets check (the secret is described first).
      'secret-keys': () => (plan.checks.has('secrets') ? Promise.resolve() : checkSecrets(ctx)),
      logs: () => checkLogs(ctx),
      service: () => (plan.service ? checkService(ctx) : Promise.resolve()),
      storage: () => checkStorage(ctx),
    };
    // A check that fails on what it was given (a value of the wrong type in a hand-edited file) is one
    // finding; the others go on. Credentials that do not work fail the step.
    const guarded = (what: string, work: () => Promise<void>) =>
      work().catch((error: unknown) => {
        if (isCredentialsError(error)) throw error;
        ctx.find(
          'check-skipped',
          '',
          `The ${what} could not be made: ${explainError(error)}. The other checks went on.`,
        );
      });
    await Promise.all([
      ...CHECKS.filter((c) => plan.checks.has(c)).map((c) => guarded(`${c} check`, run[c])),
      guarded('diff', () => diffOf(ctx, report, 'arn' in loaded ? loaded.arn : undefined)),
    ]);
  } finally {
    for (const s of skipped.values()) {
      // Sorted: the message does not depend on which answer came first.
      s.what.sort();
      const shown =
        s.what.length > 3
          ? `${s.what.slice(0, 3).join(', ')} and ${s.what.length - 3} more`
          : s.what.join(', ');
      ctx.find(
        'check-skipped',
        '',
        `The ${s.check} check could not look at ${shown}: ${s.why}. ${s.why.startsWith('AWS denied') ? `Grant ${s.action} to the role verify runs with (docs/verify-task-definition.md has the read-only policy). ` : ''}The other checks went on.`,
      );
    }
    report.findings.sort((a, b) => a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
    report.counts = { error: 0, warning: 0, notice: 0 };
    for (const f of report.findings) report.counts[f.severity]++;
    report.failing = report.counts.error + (plan.failOn === 'warning' ? report.counts.warning : 0);
    report.calls = Object.fromEntries([...lookups.calls].sort(([a], [b]) => a.localeCompare(b)));
  }
  if (plan.sarifPath) {
    await mkdir(dirname(plan.sarifPath), { recursive: true });
    await writeFile(plan.sarifPath, `${JSON.stringify(verifySarif(report), null, 2)}\n`);
    report.sarifPath = plan.sarifPath;
  }
  report.outcome = report.failing ? 'failed' : 'passed';
}

export function verifySarif(report: VerifyReport): object {
  return sarifLog(
    { name: 'ecs-shipyard verify', informationUri: VERIFY_DOC },
    VERIFY_RULES.map((r) => ({
      id: r.id,
      title: r.title,
      help: `${r.title}. Otherwise: ${r.otherwise}`,
      helpUri: verifyDocsFor(r.id),
      severity: r.severity,
    })),
    // A registered revision is no file: its findings have no location.
    report.fromFile ? report.findings : report.findings.map((f) => ({ ...f, file: undefined })),
  );
}
