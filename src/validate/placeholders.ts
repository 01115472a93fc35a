/**
 * Template placeholders: what render steps and template engines leave in a committed task definition for
 * the pipeline to fill — a blank or missing image, `<IMAGE1_NAME>` (CodePipeline), `${IMAGE}` and `$TAG`
 * (envsubst, sed), `{{ must_env `IMAGE` }}` (ecspresso, Helm-like engines), `%TAG%` (Octopus, Azure
 * token replacement), and words such as REPLACE_ME or REPLACED_BY_CI. The file is judged as if each one held
 * a valid value, so everything else in it is still checked; the placeholders themselves are one notice per
 * file (`placeholders: allow`) or an error each (`placeholders: error`, where the file is what will be
 * registered).
 */
import { escapePointer, isJsonObject as isObject } from '../json/parse.js';

export type PlaceholderMode = 'allow' | 'error';

export interface Placeholder {
  /** The value it stands for (findings at or under it are not reported). */
  pointer: string;
  /** Where to report it: the value, or for a missing image its container. */
  at: string;
  /** The placeholder as written ("" for a blank image, undefined for a missing one). */
  token: string | undefined;
  /** What it stands for, in words: "image of web", "family", "environment API_URL of web". */
  what: string;
}

/** Template syntax: a placeholder wherever it appears. */
const TEMPLATE_TOKENS = [
  /\{\{[^{}]*\}\}/, // {{ .Image }}, {{ must_env `IMAGE` }}, {{IMAGE}}
  /\$\{[A-Za-z_][^{}]*\}/, // ${IMAGE}, ${IMAGE:-nginx}
  /<[A-Za-z][\w .-]*>/, // <IMAGE1_NAME>, <account-id>
  /%[A-Za-z_][A-Za-z0-9_.-]*%/, // %TAG%, %Octopus.Release%
  /\b(?:REPLACE[_-]?ME|CHANGE[_-]?ME|REPLACED[_-]BY[_-](?:CI|PIPELINE|BUILD)|TO[_-]BE[_-](?:REPLACED|FILLED)|FILLED[_-]BY[_-]CI|PLACEHOLDER)\b/i,
  /\b(?:aws_account_id|AWS_ACCOUNT_ID|ACCOUNT_ID)\b/,
];
/** `$VAR` only outside what a shell runs (there it is the shell's own variable, expanded at run time). */
const SHELL_VARIABLE = /(?:^|[^$\\])\$[A-Z_][A-Z0-9_]*\b/;
const SHELL_FIELDS = /\/(?:command|entryPoint|healthCheck)(?:\/|$)/;

/** The placeholder in a string value, if it holds one. */
export function placeholderIn(value: string, pointer = ''): string | undefined {
  for (const re of TEMPLATE_TOKENS) {
    const m = re.exec(value);
    if (m) return m[0];
  }
  if (!SHELL_FIELDS.test(pointer)) {
    const m = SHELL_VARIABLE.exec(value);
    if (m) return m[0].replace(/^[^$]/, '');
  }
  return undefined;
}

/** A valid stand-in for the values other rules check by form (image references, the family name). */
const STAND_IN = 'filled-at-deploy-time';

/**
 * Every placeholder of a task definition. Images and the family are replaced in `definition` by a valid
 * stand-in (a missing image is added), so that the shape and the rules judge the rest of the file.
 */
export function findPlaceholders(definition: Record<string, unknown>, base: string): Placeholder[] {
  const found: Placeholder[] = [];
  const containers = Array.isArray(definition['containerDefinitions'])
    ? (definition['containerDefinitions'] as unknown[])
    : [];
  const nameOf = (i: number) => {
    const c = containers[i];
    return isObject(c) && typeof c['name'] === 'string' && c['name'] ? c['name'] : `container ${i + 1}`;
  };
  const label = (path: string[]): string => {
    if (path[0] === 'containerDefinitions' && path.length >= 3) {
      const who = nameOf(Number(path[1]));
      const rest = path.slice(2);
      // environment/2/value → environment API_URL
      if ((rest[0] === 'environment' || rest[0] === 'secrets') && rest.length >= 2) {
        const entry = (containers[Number(path[1])] as Record<string, unknown[]>)[rest[0]]?.[Number(rest[1])];
        const name = isObject(entry) && typeof entry['name'] === 'string' ? ` ${entry['name']}` : '';
        return `${rest[0]}${name} of ${who}`;
      }
      return `${rest.filter((p) => !/^\d+$/.test(p)).join('.')} of ${who}`;
    }
    return path.filter((p) => !/^\d+$/.test(p)).join('.');
  };
  const walk = (v: unknown, path: string[]): void => {
    const pointer = `${base}${path.map((p) => `/${escapePointer(p)}`).join('')}`;
    if (typeof v === 'string') {
      const token = placeholderIn(v, pointer);
      if (token !== undefined) found.push({ pointer, at: pointer, token, what: label(path) });
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, String(i)]));
    else if (isObject(v)) for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(definition, []);
  containers.forEach((c, i) => {
    if (!isObject(c)) return;
    const pointer = `${base}/containerDefinitions/${i}/image`;
    const what = `image of ${nameOf(i)}`;
    if (c['image'] === undefined)
      found.push({ pointer, at: `${base}/containerDefinitions/${i}`, token: undefined, what });
    else if (typeof c['image'] === 'string' && c['image'].trim() === '')
      found.push({ pointer, at: pointer, token: '', what });
  });
  for (const p of found) {
    const rel = p.pointer.slice(base.length);
    const m = /^\/containerDefinitions\/(\d+)\/image$/.exec(rel);
    if (m) (containers[Number(m[1])] as Record<string, unknown>)['image'] = STAND_IN;
    if (rel === '/family') definition['family'] = STAND_IN;
  }
  return found.sort((a, b) => (a.pointer < b.pointer ? -1 : a.pointer > b.pointer ? 1 : 0));
}

/** Whether a finding is about a placeholder's value (judged as filled, so not reported). */
export function coveredBy(placeholders: readonly Placeholder[], pointer: string): boolean {
  return placeholders.some((p) => pointer === p.pointer || pointer.startsWith(`${p.pointer}/`));
}

/** What ECS says of the unfilled value, where its refusal is on record. */
export function refusal(p: Placeholder, base: string): string {
  const rel = p.pointer.slice(base.length);
  if (/^\/containerDefinitions\/\d+\/image$/.test(rel))
    return p.token === undefined || p.token === ''
      ? ' ECS refuses it unfilled: "Container.image should not be null or empty."'
      : ' ECS refuses it unfilled: "Container.image contains invalid characters."';
  if (rel === '/family') return ' ECS refuses it unfilled: "Family contains invalid characters."';
  return '';
}

/** How a placeholder is shown: the token as written, or what is missing. */
export const shown = (p: Placeholder) =>
  p.token === undefined ? 'no image' : p.token === '' ? 'blank' : p.token;

/** The placeholder on a line of text that did not parse: the file is a template, not yet JSON or YAML. */
export function placeholderOnLine(text: string, line: number): string | undefined {
  const row = text.split(/\r?\n/)[line - 1] ?? '';
  for (const re of TEMPLATE_TOKENS.slice(0, 4)) {
    const m = re.exec(row);
    if (m) return m[0];
  }
  return undefined;
}
