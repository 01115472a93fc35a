/**
 * The validator: one task definition file's text in, findings out — each on the line and column of the
 * value it is about, with a rule id, a severity and a link to the rule's page. Offline: no AWS call.
 */
import { escapePointer, isJsonObject as isObject, type SourcePosition } from '../json/parse.js';
import { DESCRIBE_ONLY_FIELDS } from '../taskdef/normalize.js';
import { docsFor, type Finding, type Profile, type Severity } from './findings.js';
import {
  coverage,
  findPlaceholders,
  type Placeholder,
  type PlaceholderMode,
  placeholderOnLine,
  refusal,
  shown,
} from './placeholders.js';
import { RULES, type RuleContext } from './rules.js';
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
   * Template placeholders (blank images, ${IMAGE}, <IMAGE1_NAME>, {{…}} …): allow (default) judges the
   * file as if they were filled and says so in one notice; error makes each one an error, for a file that
   * is what will be registered.
   */
  placeholders?: PlaceholderMode;
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
    return keys.filter((k) => Object.hasOwn(CONTAINER.members, k)).length * 2 > keys.length;
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
      `The file is ${(text.length / 1048576).toFixed(1)} MiB (${text.length} characters), over the ${MAX_TEXT / 1048576} MiB the validator reads, so it was not parsed; a task definition is at most 64 KiB.`,
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
    const token = placeholderOnLine(text, error.position.line);
    if (token !== undefined) {
      plain(
        'syntax',
        `Not valid ${/\.ya?ml$/i.test(options.file) ? 'YAML' : 'JSON'} until it is filled in: this file is a template, and ${token} at line ${error.position.line}, column ${error.position.column} is a placeholder where a value belongs (${error.reason}). Validate the rendered file, or quote the placeholder ("${token}") so that the template parses and the rest of it is checked.`,
        error.position.line,
        error.position.column,
      );
      return findings;
    }
    plain(
      'syntax',
      `Not valid ${/\.ya?ml$/i.test(options.file) ? 'YAML' : 'JSON'}: ${error.reason} at line ${error.position.line}, column ${error.position.column}.`,
      error.position.line,
      error.position.column,
    );
    return findings;
  }
  // Placeholders are judged as filled: nothing but the placeholder rule reports on their values.
  let holes: Placeholder[] = [];
  let covered: (pointer: string) => boolean = () => false;
  // A file of container definitions alone is judged as the containerDefinitions of a task definition;
  // the pointers of its findings are those of the file (/1/image, not /containerDefinitions/1/image).
  const containerList = Array.isArray(parsed.value) && isContainerList(parsed.value);
  const report = (
    rule: string,
    where: string,
    message: string,
    severity?: Severity,
    position?: SourcePosition,
  ) => {
    const configured = options.severity?.[rule];
    if (configured === 'off') return;
    // Placeholder pointers are the definition's (/containerDefinitions/0/image), also for a bare list.
    const full =
      containerList && !/^\/containerDefinitions(\/|$)/.test(where) ? `/containerDefinitions${where}` : where;
    if (rule !== 'template-placeholder' && covered(full)) return;
    const pointer =
      containerList && /^\/containerDefinitions(\/|$)/.test(where)
        ? where.slice('/containerDefinitions'.length)
        : where;
    const at = position ?? positionOf(parsed.positions, pointer);
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
  for (const d of parsed.duplicates) {
    const times = d.count === 2 ? 'twice' : `${d.count} times`;
    const first =
      d.first.line === d.at.line ? `line ${d.first.line}, column ${d.first.column}` : `line ${d.first.line}`;
    report(
      'duplicate-key',
      d.pointer,
      `${JSON.stringify(d.key)} appears ${times} in this object (first at ${first}); the last one wins: ${brief(valueAt(parsed.value, d.pointer))}`,
      undefined,
      d.at,
    );
  }

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

  // Template placeholders: judged as filled (images and family get a valid stand-in), then said once.
  holes = findPlaceholders(definition, base);
  covered = coverage(holes);
  if (holes.length && (options.placeholders ?? 'allow') === 'error') {
    for (const p of holes)
      report(
        'template-placeholder',
        p.at,
        `${p.what} is a placeholder (${shown(p)}): fill it in before the file is registered (placeholders: error).${refusal(p, base)}`,
        'error',
      );
  } else if (holes.length) {
    const what = [...new Set(holes.map((p) => p.what))];
    report(
      'template-placeholder',
      holes[0]!.at,
      `Filled at deploy time: ${what.join(', ')}. The rest of the file is checked as if they held valid values; where the file is what will be registered, validate with placeholders: error.`,
      'notice',
    );
  }
  const containers = Array.isArray(definition['containerDefinitions'])
    ? (definition['containerDefinitions'] as unknown[]).filter(isObject)
    : [];

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

/** The value at a JSON Pointer (RFC 6901). */
function valueAt(root: unknown, pointer: string): unknown {
  let v = root;
  for (const part of pointer.split('/').slice(1)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    v = Array.isArray(v) ? v[Number(key)] : isObject(v) ? v[key] : undefined;
  }
  return v;
}

/** A value as JSON, cut short when long. */
function brief(v: unknown): string {
  const json = JSON.stringify(v) ?? String(v);
  return json.length > 80 ? `${json.slice(0, 77)}…` : json;
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
