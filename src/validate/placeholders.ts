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
  /** Judged with the token filled (image, family): findings on the rest of the value still count. */
  judged?: boolean;
}

/** Template syntax a render step fills, wherever it appears. */
const TEMPLATE_TOKENS = [
  /\{\{[^{}]*\}\}/, // {{ must_env `IMAGE` }}, {{IMAGE}}, {{ .Image }}
  /\$\{[A-Za-z_][^{}]*\}/, // ${IMAGE}, ${IMAGE:-nginx}
  /<[A-Z][A-Z0-9_]*>|<[a-z][a-z0-9]*(?:-[a-z0-9]+)+>/, // <IMAGE1_NAME>, <account-id> (not <b> or <html>)
  /%[A-Za-z_][A-Za-z0-9_.]*%/, // %TAG%, %Octopus.Release% (not strftime's %Y-%m-%d)
  /\b(?:REPLACE[_-]?ME|CHANGE[_-]?ME|REPLACED[_-]BY[_-](?:CI|PIPELINE|BUILD)|TO[_-]BE[_-](?:REPLACED|FILLED)|FILLED[_-]BY[_-]CI|PLACEHOLDER)\b/i,
  /\b(?:aws_account_id|AWS_ACCOUNT_ID)\b/,
];
/** `$VAR` at the start or after a separator (`repo:$TAG`), not inside a word (`Sup3r$ECRET`). */
const SHELL_VARIABLE = /(?:^|[^A-Za-z0-9$\\])\$[A-Z_][A-Z0-9_]*\b/;
/** What a shell runs: `${VAR}`, `$VAR`, `%…%` and `<…>` there are the shell's, at run time. */
const SHELL_FIELDS = /\/(?:command|entryPoint|healthCheck)(?:\/|$)/;
/** Log driver options: Docker's own templates (`{{.Name}}`) and date formats (`%Y`) belong there. */
const LOG_OPTIONS = /\/logConfiguration\/options\//;
/** Names of environment variables and secrets are not filled by a render step. */
const ENTRY_NAME = /\/(?:environment|secrets)\/\d+\/name$/;

/** The placeholder in a string value, if it holds one. */
export function placeholderIn(value: string, pointer = ''): string | undefined {
  if (ENTRY_NAME.test(pointer)) return undefined;
  const shell = SHELL_FIELDS.test(pointer);
  const log = LOG_OPTIONS.test(pointer);
  for (const [i, re] of TEMPLATE_TOKENS.entries()) {
    if (shell && i <= 3 && i !== 0) continue; // ${…}, <…>, %…% are the shell's in a command
    const m = re.exec(value);
    if (!m) continue;
    if (log && (i === 3 || (i === 0 && /^\{\{\s*\./.test(m[0])))) continue;
    return m[0];
  }
  if (!shell) {
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
      return `${rest.filter((p) => !/^\d+$/.test(p)).join('.') || 'a value'} of ${who}`;
    }
    return path.filter((p) => !/^\d+$/.test(p)).join('.') || 'a value';
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
  // Images and the family are judged with the token filled by a valid stand-in (the rest of the value as
  // written, so "My Registry/app:${TAG}" is still refused for its space); other values are covered.
  const fill = (v: unknown, token: string | undefined) =>
    typeof v === 'string' && token ? v.split(token).join('x') : STAND_IN;
  for (const p of found) {
    const rel = p.pointer.slice(base.length);
    const m = /^\/containerDefinitions\/(\d+)\/image$/.exec(rel);
    const c = m ? containers[Number(m[1])] : undefined;
    if (m && isObject(c)) {
      c['image'] = fill(c['image'], p.token);
      p.judged = true;
    }
    if (rel === '/family') {
      definition['family'] = fill(definition['family'], p.token);
      p.judged = true;
    }
  }
  return found.sort((a, b) => (a.pointer < b.pointer ? -1 : a.pointer > b.pointer ? 1 : 0));
}

/**
 * Whether a finding is about a placeholder's value (judged as filled, so not reported): the pointer or
 * one of its ancestors is a covered placeholder. An index, so that a large file stays linear.
 */
export function coverage(placeholders: readonly Placeholder[]): (pointer: string) => boolean {
  const covered = new Set(placeholders.filter((p) => !p.judged).map((p) => p.pointer));
  if (covered.size === 0) return () => false;
  return (pointer) => {
    for (let p = pointer; p !== ''; p = p.slice(0, p.lastIndexOf('/'))) if (covered.has(p)) return true;
    return false;
  };
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
