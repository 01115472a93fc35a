/**
 * The validator: one task definition file's text in, findings out — each on the line and column of the
 * value it is about, with a rule id, a severity and a link to the rule's page. Offline: no AWS call.
 */
import { escapePointer, isJsonObject as isObject } from '../json/parse.js';
import { DESCRIBE_ONLY_FIELDS } from '../taskdef/normalize.js';
import { docsFor, type Finding, type Profile, type Severity } from './findings.js';
import { DOC_PLACEHOLDER, RULES, type RuleContext, TEMPLATE } from './rules.js';
import { SHAPE } from './shape.generated.js';
import { checkShape } from './shape-check.js';
import { parseSource, positionOf, SourceSyntaxError } from './source.js';

type Json = Record<string, unknown>;

export interface ValidateOptions {
  file: string;
  profile?: Profile;
  /** Judge describe-task-definition output as deploy sends it: read-only keys and nulls are warnings. */
  normalize?: boolean;
  /** Severity per rule id, or off. */
  severity?: Record<string, Severity | 'off'>;
  /** Rules silenced for this file (from the config file), with the reason. */
  ignore?: readonly { rule: string; reason: string }[];
  /**
   * The file is a fragment that a later step completes (no family of its own): a missing family is not
   * an error, and the rules that judge absent task fields run only on the fields it has. Without it, an
   * object is judged as the RegisterTaskDefinition input it claims to be. (An array of container
   * definitions is always judged this way.)
   */
  fragment?: boolean;
}

const MAX_TEXT = 1024 * 1024;
const DEFAULTS = new Map(RULES.map((r) => [r.id, r] as const));
const CONTAINER = SHAPE.structs['ContainerDefinition']!;

/**
 * An array of container definitions (Terraform's container_definitions, jsonencode'd or in YAML): every
 * item an object whose keys are mostly ContainerDefinition members, and some item with a name or image.
 */
function isContainerList(v: unknown[]): v is Json[] {
  const looksLike = (item: unknown) => {
    if (!isObject(item)) return false;
    const keys = Object.keys(item);
    return keys.filter((k) => k in CONTAINER.members).length * 2 > keys.length;
  };
  return v.length > 0 && v.every(looksLike) && v.some((x) => isObject(x) && ('name' in x || 'image' in x));
}

/** The request shape with family not required: for a file that leaves it to the task definition it goes into. */
const FRAGMENT_SHAPE: typeof SHAPE = {
  ...SHAPE,
  structs: {
    ...SHAPE.structs,
    [SHAPE.root]: {
      ...SHAPE.structs[SHAPE.root]!,
      required: SHAPE.structs[SHAPE.root]!.required.filter((k) => k !== 'family'),
    },
  },
};

export function validateText(text: string, options: ValidateOptions): Finding[] {
  const findings: Finding[] = [];
  const plain = (rule: string, message: string, line = 1, column = 1) =>
    findings.push({
      file: options.file,
      line,
      column,
      rule,
      severity: 'error',
      message,
      pointer: '',
      docs: docsFor(rule),
    });

  if (text.length > MAX_TEXT) {
    plain(
      'size-limit',
      `The file is ${(text.length / 1048576).toFixed(1)} MiB; a task definition is at most 64 KiB, so it was not read further.`,
    );
    return findings;
  }
  if (text.trim() === '') {
    plain(
      'not-a-task-definition',
      'The file is empty: a task definition file holds one JSON or YAML object.',
    );
    return findings;
  }
  let parsed;
  try {
    parsed = parseSource(text.replace(/^\uFEFF/, ''), options.file);
  } catch (error) {
    if (!(error instanceof SourceSyntaxError)) throw error;
    plain(
      'syntax',
      `Not valid ${/\.ya?ml$/i.test(options.file) ? 'YAML' : 'JSON'}: ${error.reason} at line ${error.position.line}, column ${error.position.column}.`,
      error.position.line,
      error.position.column,
    );
    return findings;
  }
  // A file of container definitions alone is judged as the containerDefinitions of a task definition;
  // the pointers of its findings are those of the file (/1/image, not /containerDefinitions/1/image).
  const containerList = Array.isArray(parsed.value) && isContainerList(parsed.value);
  const report = (rule: string, where: string, message: string, severity?: Severity) => {
    const configured = options.severity?.[rule];
    if (configured === 'off') return;
    const pointer =
      containerList && /^\/containerDefinitions(\/|$)/.test(where)
        ? where.slice('/containerDefinitions'.length)
        : where;
    const at = positionOf(parsed.positions, pointer);
    const ignored = parsed.ignores.get(at.line);
    if (ignored?.rules.includes(rule) || options.ignore?.some((i) => i.rule === rule)) return;
    findings.push({
      file: options.file,
      line: at.line,
      column: at.column,
      rule,
      severity: configured ?? severity ?? DEFAULTS.get(rule)?.severity ?? 'error',
      message,
      pointer,
      docs: docsFor(rule),
    });
  };

  let td = containerList ? { containerDefinitions: parsed.value } : parsed.value;
  let base = '';
  if (Array.isArray(td)) {
    report(
      'not-a-task-definition',
      '',
      `The file holds a JSON array (${td.length} items); a task definition file holds one object (or an array of container definitions, as Terraform's container_definitions).`,
    );
    return findings;
  }
  if (!isObject(td)) {
    report(
      'not-a-task-definition',
      '',
      `The file holds ${td === null ? 'null' : `a ${typeof td}`}; a task definition file holds one object.`,
    );
    return findings;
  }
  const lenient = options.normalize === true;
  const describeSeverity: Severity = lenient ? 'warning' : 'error';
  if (isObject(td['taskDefinition']) && td['containerDefinitions'] === undefined) {
    report(
      'describe-output',
      '/taskDefinition',
      `This is describe-task-definition output: the task definition is under "taskDefinition".${lenient ? ' Judged as deploy sends it.' : ' RegisterTaskDefinition takes what is inside it (deploy unwraps it; validate with normalize to judge it that way).'}`,
      describeSeverity,
    );
    td = td['taskDefinition'];
    base = '/taskDefinition';
  }
  // Read-only keys and nulls: reported, then left out of every other check.
  const definition = structuredClone(td as Json);
  for (const key of DESCRIBE_ONLY_FIELDS) {
    if (definition[key] === undefined) continue;
    report(
      'describe-output',
      `${base}/${key}`,
      `${key} is returned by DescribeTaskDefinition and refused by RegisterTaskDefinition ("Unknown parameter in input")${lenient ? '; deploy strips it' : '; remove it, or validate with normalize to judge the file as deploy sends it'}.`,
      describeSeverity,
    );
    delete definition[key];
  }
  const dropNulls = (v: unknown, pointer: string): unknown => {
    if (Array.isArray(v)) return v.map((x, i) => dropNulls(x, `${pointer}/${i}`));
    if (!isObject(v)) return v;
    for (const [k, x] of Object.entries(v)) {
      if (x === null) {
        report(
          'describe-output',
          `${pointer}/${escapePointer(k)}`,
          `${k} is null; RegisterTaskDefinition refuses nulls ("Invalid type for parameter ${k}, value: None")${lenient ? '; deploy drops them' : ': leave the key out'}.`,
          describeSeverity,
        );
        delete v[k];
      } else dropNulls(x, `${pointer}/${escapePointer(k)}`);
    }
    return v;
  };
  dropNulls(definition, base);

  // Template placeholders: say "render first" once per value, and let the other rules skip them.
  const placeholders = (v: unknown, pointer: string): void => {
    if (typeof v === 'string') {
      if (TEMPLATE.test(v))
        report(
          'template-placeholder',
          pointer,
          `${JSON.stringify(v)} holds a template placeholder: render the file first (e.g. with render-task-definition), then validate the result.`,
          'warning',
        );
      else if (DOC_PLACEHOLDER.test(v))
        report(
          'template-placeholder',
          pointer,
          `${JSON.stringify(v)} holds a documentation placeholder (${DOC_PLACEHOLDER.exec(v)![0]}): fill in the real value.`,
          'notice',
        );
    } else if (Array.isArray(v)) v.forEach((x, i) => placeholders(x, `${pointer}/${i}`));
    else if (isObject(v))
      for (const [k, x] of Object.entries(v)) placeholders(x, `${pointer}/${escapePointer(k)}`);
  };
  placeholders(definition, base);
  const containers = Array.isArray(definition['containerDefinitions'])
    ? (definition['containerDefinitions'] as unknown[]).filter(isObject)
    : [];
  containers.forEach((c, i) => {
    if (typeof c['image'] === 'string' && c['image'].trim() === '')
      report(
        'template-placeholder',
        `${base}/containerDefinitions/${i}/image`,
        `container ${JSON.stringify(c['name'] ?? i + 1)} has a blank image: fill it in with render-task-definition (image or images) before registering.`,
        'error',
      );
  });

  // Container definitions alone, or a fragment that leaves family to a later step: what the file does
  // not hold is not judged absent, and that is said once.
  const fragment = containerList || options.fragment === true;
  if (containerList) {
    checkShape(SHAPE, 'list:struct:ContainerDefinition', parsed.value, '', (rule, pointer, message) =>
      report(rule, pointer, message),
    );
    report(
      'container-definitions-only',
      '',
      "This file holds only container definitions (as Terraform's container_definitions does): the task-level checks — family, task cpu and memory, network mode, compatibilities — are left to the task definition it goes into.",
    );
  } else {
    checkShape(
      fragment ? FRAGMENT_SHAPE : SHAPE,
      `struct:${SHAPE.root}`,
      definition,
      base,
      (rule, pointer, message) => report(rule, pointer, message),
    );
    const absent = fragment ? missing(definition) : [];
    if (absent.length)
      report(
        'container-definitions-only',
        base,
        `This file is a task definition fragment that a later step completes: ${words(absent)} ${absent.length > 1 ? 'are' : 'is'} left to the task definition it becomes, and so are the checks that need ${absent.length > 1 ? 'them' : 'it'}.`,
      );
  }

  const profile = options.profile ?? 'auto';
  const compat = Array.isArray(definition['requiresCompatibilities'])
    ? (definition['requiresCompatibilities'] as unknown[])
    : [];
  const os = isObject(definition['runtimePlatform'])
    ? String(definition['runtimePlatform']['operatingSystemFamily'] ?? '')
    : '';
  const windows = profile === 'windows' || os.startsWith('WINDOWS');
  const ctx: RuleContext = {
    td: definition,
    containers,
    fargate: profile === 'fargate' || compat.includes('FARGATE'),
    windows,
    profile,
    networkMode:
      typeof definition['networkMode'] === 'string'
        ? definition['networkMode']
        : windows
          ? 'default'
          : 'bridge',
    bytes: Buffer.byteLength(JSON.stringify(definition)),
    report: (rule, pointer, message) => report(rule, `${base}${pointer}`, message),
  };
  for (const rule of RULES) {
    if (rule.profiles && !rule.profiles.includes(profile)) continue;
    if (
      fragment &&
      rule.needs &&
      (rule.needs === 'task' || rule.needs.some((k) => definition[k] === undefined))
    )
      continue;
    rule.check?.(ctx);
  }
  return dedupe(findings);
}

/** Family and the task fields the rules need that a fragment leaves out. */
function missing(definition: Json): string[] {
  const needed = RULES.flatMap((r) => (Array.isArray(r.needs) ? (r.needs as readonly string[]) : []));
  return [...new Set(['family', ...needed])].filter((k) => definition[k] === undefined);
}

const words = (list: string[]) =>
  list.length > 1 ? `${list.slice(0, -1).join(', ')} and ${list.at(-1)!}` : (list[0] ?? '');

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings
    .filter((f) => {
      const key = `${f.rule}\0${f.pointer}\0${f.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.line - b.line || a.column - b.column);
}
