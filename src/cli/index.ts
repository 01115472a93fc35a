/**
 * The ecs-shipyard CLI: `ecs-shipyard validate [globs…]` runs the task definition validator locally or
 * in a pre-commit hook, with the same rules, profiles and config file as the validate-task-definitions
 * action. Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input errors.
 */
import type { PlaceholderMode } from '../validate/placeholders.js';
import { parseArgs } from 'node:util';
import { UserError } from '../errors.js';
import { PROFILES, type Profile } from '../validate/findings.js';
import {
  DEFAULT_FILES,
  formatGithub,
  formatJson,
  formatText,
  toSarif,
  validateFiles,
} from '../validate/run.js';
import { VERSION } from '../version.js';

const USAGE = `Usage: ecs-shipyard validate [files or globs…] [options]
       ecs-shipyard verify|diff FILE [options]   (ecs-shipyard verify --help)

Checks ECS task definition files (JSON or YAML) offline, as RegisterTaskDefinition would judge them.
Default files: ${DEFAULT_FILES.join(' ')}

Options:
  --profile P     ${PROFILES.join(' | ')} (default auto: read from requiresCompatibilities)
  --format F      text | json | sarif | github (default text)
  --fail-on L     error | warning (default error)
  --normalize     judge describe-task-definition output as the deploy action sends it
  --placeholders M  allow | error: template placeholders (blank images, \${IMAGE}, <IMAGE1_NAME>, {{…}})
                  are judged as filled, with one notice (allow, default) or are errors (error: the files
                  are what will be registered)
  --config FILE   settings file (default .ecs-shipyard.yml when present)
  --version, --help

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input errors.
`;

export async function main(
  argv: string[],
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const first = argv.find((a) => !a.startsWith('-'));
  if (first === 'verify' || first === 'diff') {
    const { verifyCommand } = await import('./verify.js');
    return verifyCommand(
      first,
      argv.filter((_, i) => i !== argv.indexOf(first)),
      out,
      err,
    );
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        profile: { type: 'string' },
        format: { type: 'string', default: 'text' },
        'fail-on': { type: 'string', default: 'error' },
        normalize: { type: 'boolean', default: false },
        placeholders: { type: 'string' },
        config: { type: 'string' },
        help: { type: 'boolean', default: false },
        version: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    out(`${VERSION}\n`);
    return 0;
  }
  const [command, ...patterns] = positionals;
  if (values.help || command === undefined) {
    (values.help ? out : err)(USAGE);
    return values.help ? 0 : 2;
  }
  const usage = (message: string) => {
    err(`${message}\n\n${USAGE}`);
    return 2;
  };
  if (command !== 'validate')
    return usage(`Unknown command ${JSON.stringify(command)}: the commands are validate, verify and diff.`);
  if (values.profile !== undefined && !(PROFILES as readonly string[]).includes(values.profile))
    return usage(`--profile ${JSON.stringify(values.profile)} is not a profile: ${PROFILES.join(', ')}.`);
  if (!['text', 'json', 'sarif', 'github'].includes(values.format))
    return usage(`--format ${JSON.stringify(values.format)} is not a format: text, json, sarif, github.`);
  if (values.placeholders !== undefined && !['allow', 'error'].includes(values.placeholders))
    return usage(`--placeholders ${JSON.stringify(values.placeholders)} is not accepted: allow or error.`);
  if (!['error', 'warning'].includes(values['fail-on']))
    return usage(`--fail-on ${JSON.stringify(values['fail-on'])} is not accepted: error or warning.`);
  try {
    const result = await validateFiles({
      cwd: process.cwd(),
      patterns: patterns.length ? patterns : DEFAULT_FILES,
      ...(values.profile ? { profile: values.profile as Profile } : {}),
      normalize: values.normalize,
      ...(values.placeholders ? { placeholders: values.placeholders as PlaceholderMode } : {}),
      ...(values.config ? { config: values.config } : {}),
    });
    if (values.format === 'json') out(formatJson(result));
    else if (values.format === 'sarif') out(`${JSON.stringify(toSarif(result), null, 2)}\n`);
    else if (values.format === 'github') out(formatGithub(result));
    else out(formatText(result));
    const failing = result.counts.error + (values['fail-on'] === 'warning' ? result.counts.warning : 0);
    return failing ? 1 : 0;
  } catch (error) {
    if (error instanceof UserError) {
      err(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

const self = process.argv[1] ?? '';
if (/(cli[/\\]index\.(js|ts)|ecs-shipyard)$/.test(self)) {
  main(
    process.argv.slice(2),
    (s) => process.stdout.write(s),
    (s) => process.stderr.write(s),
  ).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
