/**
 * `.ecs-shipyard.yml`: the validator's settings for a repository — the profile (for all files or per
 * glob), severity per rule (or off), and rules ignored for some files, each with a reason.
 *
 *   validate:
 *     profile: fargate
 *     normalize: false
 *     placeholders: allow   # or error, where the files are what will be registered
 *     severity: { read-only-root: off, privileged: error }
 *     files:
 *       - match: windows/**
 *         profile: windows
 *       - match: deploy/fragments/*.json
 *         fragment: true     # completed by a later step: family and task fields may be left out
 *     ignore:
 *       - rule: plaintext-secret
 *         files: legacy/*.json
 *         reason: the value is a public test key
 */
import type { PlaceholderMode } from './placeholders.js';
import { UserError } from '../errors.js';
import { isJsonObject as isObject } from '../json/parse.js';
import { PROFILES, type Profile, type Severity } from './findings.js';
import { RULE_IDS } from './rules.js';

export interface ValidateConfig {
  profile?: Profile;
  normalize?: boolean;
  placeholders?: PlaceholderMode;
  severity: Record<string, Severity | 'off'>;
  /** Per glob: a profile, and/or that the files are fragments a later step completes. */
  files: { match: string; profile?: Profile; fragment?: boolean }[];
  ignore: { rule: string; files: string; reason: string }[];
}

const SEVERITIES = ['error', 'warning', 'notice', 'off'];

/** Checks a parsed config document; every problem names the file and the key. */
export function readConfig(doc: unknown, where: string): ValidateConfig {
  const fail = (what: string): never => {
    throw new UserError(`${where}: ${what}`);
  };
  const root = doc === null || doc === undefined ? {} : doc;
  if (!isObject(root)) fail('expected a mapping with a "validate" key.');
  const v = (root as Record<string, unknown>)['validate'] ?? {};
  if (!isObject(v)) fail('"validate" must be a mapping.');
  const o = v as Record<string, unknown>;
  for (const key of Object.keys(o))
    if (!['profile', 'normalize', 'placeholders', 'severity', 'files', 'ignore'].includes(key))
      fail(
        `validate.${key} is not a setting; the settings are profile, normalize, placeholders, severity, files and ignore.`,
      );
  const profile = (value: unknown, at: string): Profile => {
    if (typeof value !== 'string' || !(PROFILES as readonly string[]).includes(value))
      fail(`${at} is ${JSON.stringify(value)}; it takes ${PROFILES.join(', ')}.`);
    return value as Profile;
  };
  const rule = (id: unknown, at: string): string => {
    if (typeof id !== 'string' || !RULE_IDS.has(id))
      fail(`${at} names ${JSON.stringify(id)}, which is not a rule id (docs/validate-rules.md lists them).`);
    return id as string;
  };
  const config: ValidateConfig = { severity: {}, files: [], ignore: [] };
  if (o['profile'] !== undefined) config.profile = profile(o['profile'], 'validate.profile');
  if (o['placeholders'] !== undefined) {
    if (o['placeholders'] !== 'allow' && o['placeholders'] !== 'error')
      fail(`validate.placeholders is ${JSON.stringify(o['placeholders'])}; it takes allow or error.`);
    config.placeholders = o['placeholders'] as PlaceholderMode;
  }
  if (o['normalize'] !== undefined) {
    if (typeof o['normalize'] !== 'boolean') fail('validate.normalize must be true or false.');
    config.normalize = o['normalize'] as boolean;
  }
  if (o['severity'] !== undefined) {
    if (!isObject(o['severity']))
      fail('validate.severity must map rule ids to error, warning, notice or off.');
    for (const [id, level] of Object.entries(o['severity'] as Record<string, unknown>)) {
      rule(id, 'validate.severity');
      if (typeof level !== 'string' || !SEVERITIES.includes(level))
        fail(`validate.severity.${id} is ${JSON.stringify(level)}; it takes ${SEVERITIES.join(', ')}.`);
      config.severity[id] = level as Severity | 'off';
    }
  }
  const entries = (key: 'files' | 'ignore') => {
    const value = o[key] ?? [];
    if (!Array.isArray(value) || !value.every(isObject)) fail(`validate.${key} must be a list of mappings.`);
    return value as Record<string, unknown>[];
  };
  entries('files').forEach((f, i) => {
    if (typeof f['match'] !== 'string') fail(`validate.files[${i}].match must be a glob.`);
    if (f['fragment'] !== undefined && typeof f['fragment'] !== 'boolean')
      fail(`validate.files[${i}].fragment must be true or false.`);
    const entry: ValidateConfig['files'][number] = { match: f['match'] as string };
    // A profile is what an entry is for, unless it marks fragments.
    if (f['profile'] !== undefined || f['fragment'] === undefined)
      entry.profile = profile(f['profile'], `validate.files[${i}].profile`);
    if (f['fragment'] !== undefined) entry.fragment = f['fragment'] as boolean;
    config.files.push(entry);
  });
  entries('ignore').forEach((f, i) => {
    const reason = f['reason'];
    if (typeof reason !== 'string' || !reason.trim())
      fail(`validate.ignore[${i}] needs a reason: say why the finding does not apply.`);
    config.ignore.push({
      rule: rule(f['rule'], `validate.ignore[${i}].rule`),
      files: typeof f['files'] === 'string' ? f['files'] : '**',
      reason: reason as string,
    });
  });
  return config;
}
