/**
 * Typed input readers. Each action declares its inputs once as a spec (name → reader); `readInputs`
 * turns the raw strings into one typed settings object, checking every value before any work starts.
 * Every error names the input, shows the value (never a secret's) and says what is accepted.
 */

import { accountIdProblem, CLUSTER, CLUSTER_ACCEPTED, isRegion, parseArn } from '../aws/identifiers.js';
import { parseDuration } from '../duration.js';
import { type Problem, UserError } from '../errors.js';
import { JsonSyntaxError, parseJson } from '../json/parse.js';

/** Where raw input strings come from: the runner's INPUT_* variables, or a map in tests. */
export type InputSource = (name: string) => string | undefined;

export interface InputSpec<T> {
  /** What the reader accepts, in words; shown in errors and docs. */
  readonly accepted: string;
  /** The default exactly as action.yml declares it. */
  readonly default: string | undefined;
  readonly required: boolean;
  /** A secret's value is never shown in messages. */
  readonly secret: boolean;
  read(raw: string | undefined, name: string): T;
}

interface CommonOptions {
  default?: string;
  required?: true;
  secret?: true;
}

/** Optional inputs without a default read as `undefined` when empty. */
type Value<T, O> = O extends { default: string } ? T : O extends { required: true } ? T : T | undefined;

export type Settings<S extends Record<string, InputSpec<unknown>>> = {
  [K in keyof S]: S[K] extends InputSpec<infer T> ? T : never;
};

function rejectValue(name: string, raw: string, secret: boolean, accepted: string): UserError {
  const shown = secret ? '(value hidden, it is secret)' : `"${raw}"`;
  return new UserError(`Input '${name}' has the value ${shown}, which is not accepted: ${accepted}.`);
}

function spec<T, O extends CommonOptions>(
  accepted: string,
  options: O,
  parse: (raw: string, name: string, secret: boolean) => T,
): InputSpec<Value<T, O>> {
  const secret = options.secret === true;
  return {
    accepted,
    default: options.default,
    required: options.required === true,
    secret,
    read(raw, name) {
      const value = (raw ?? '').trim();
      if (value === '') {
        if (options.default !== undefined) return parse(options.default, name, secret) as Value<T, O>;
        if (options.required) throw new UserError(`Input '${name}' is required: ${accepted}.`);
        return undefined as Value<T, O>;
      }
      return parse(value, name, secret) as Value<T, O>;
    },
  };
}

export function text<O extends CommonOptions & { pattern?: RegExp; accepted?: string; maxLength?: number }>(
  options: O = {} as O,
) {
  const accepted = options.accepted ?? 'any text';
  return spec(accepted, options, (raw, name, secret) => {
    if (options.maxLength !== undefined && raw.length > options.maxLength) {
      throw rejectValue(name, raw, secret, `${accepted}, at most ${options.maxLength} characters`);
    }
    if (options.pattern && !options.pattern.test(raw)) throw rejectValue(name, raw, secret, accepted);
    return raw;
  });
}

const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];

/** YAML 1.2 core-schema booleans only: `yes`, `on`, `1` are refused rather than guessed. */
export function boolean<O extends CommonOptions & { default: 'true' | 'false' }>(options: O) {
  const accepted = 'true or false (YAML 1.2 booleans: true, True, TRUE, false, False, FALSE)';
  return spec(accepted, options, (raw, name) => {
    if (TRUE.includes(raw)) return true;
    if (FALSE.includes(raw)) return false;
    throw rejectValue(name, raw, false, accepted);
  });
}

export function integer<O extends CommonOptions & { min: number; max: number }>(options: O) {
  const accepted = `a whole number from ${options.min} to ${options.max}`;
  return spec(accepted, options, (raw, name) => {
    if (!/^[+-]?\d+$/.test(raw)) throw rejectValue(name, raw, false, accepted);
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < options.min || n > options.max)
      throw rejectValue(name, raw, false, accepted);
    return n;
  });
}

export function oneOf<const V extends string, O extends CommonOptions>(values: readonly V[], options: O) {
  const accepted = `one of ${values.join(', ')}`;
  return spec(accepted, options, (raw, name): V => {
    const hit = values.find((v) => v === raw);
    if (hit !== undefined) return hit;
    const near = values.find((v) => v.toLowerCase() === raw.toLowerCase());
    throw rejectValue(
      name,
      raw,
      false,
      near ? `${accepted} (did you mean '${near}'? values are case-sensitive)` : accepted,
    );
  });
}

/** What an item parser returns for an item it refuses. */
/** Items separated by commas or newlines; blanks dropped, duplicates removed, order kept. */
export function list<T = string, O extends CommonOptions = CommonOptions>(
  options: O & { item?: (item: string) => T | Problem; itemAccepted?: string } = {} as O,
) {
  const accepted = `a list separated by commas or newlines${options.itemAccepted ? ` of ${options.itemAccepted}` : ''}`;
  return spec(accepted, options, (raw, name, secret): T[] => {
    const items = [
      ...new Set(
        raw
          .split(/[,\n]/)
          .map((s) => s.trim())
          .filter((s) => s !== ''),
      ),
    ];
    return items.map((item, index) => {
      if (!options.item) return item as T;
      const result = options.item(item);
      if (typeof result === 'object' && result !== null && 'problem' in result) {
        const shown = secret ? '(hidden)' : `"${item}"`;
        throw new UserError(
          `Input '${name}' item ${index + 1} ${shown} is not accepted: ${(result as Problem).problem}.`,
        );
      }
      return result as T;
    });
  });
}

/** `key=value` lines (one per line: values may hold commas and further `=`); later lines win. */
export function pairs<O extends CommonOptions & { key: RegExp; keyAccepted: string }>(options: O) {
  const accepted = `lines of ${options.keyAccepted}=value`;
  return spec(accepted, options, (raw, name, secret): Record<string, string> => {
    const out: Record<string, string> = {};
    raw.split('\n').forEach((line, index) => {
      const text = line.trim();
      if (text === '') return;
      const eq = text.indexOf('=');
      const key = eq > 0 ? text.slice(0, eq).trim() : '';
      if (eq <= 0 || !options.key.test(key)) {
        const shown = secret ? '(hidden)' : `"${text}"`;
        throw new UserError(
          `Input '${name}' line ${index + 1} ${shown} is not accepted: expected ${options.keyAccepted}=value.`,
        );
      }
      out[key] = text.slice(eq + 1).trim();
    });
    return out;
  });
}

/** A value checked by a domain parser, which returns the parsed value or a Problem saying what is accepted. */
export function parsed<T, O extends CommonOptions & { accepted: string }>(
  parse: (raw: string) => T | Problem,
  options: O,
) {
  return spec(options.accepted, options, (raw, name, secret): T => {
    const result = parse(raw);
    if (typeof result === 'object' && result !== null && 'problem' in result) {
      throw rejectValue(name, raw, secret, (result as Problem).problem);
    }
    return result as T;
  });
}

/** JSON text; a syntax error says the line and column where it broke. */
export function json<O extends CommonOptions & { shape?: 'object' | 'array' }>(options: O = {} as O) {
  const accepted = options.shape ? `a JSON ${options.shape}` : 'JSON';
  return spec(accepted, options, (raw, name, secret): unknown => {
    let value: unknown;
    try {
      value = parseJson(raw).value;
    } catch (error) {
      if (error instanceof JsonSyntaxError) {
        const shown = secret ? '' : ` ${JSON.stringify(raw.length > 200 ? `${raw.slice(0, 200)}…` : raw)}`;
        throw new UserError(`Input '${name}' is not valid JSON (${error.message}):${shown}`);
      }
      throw error;
    }
    const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
    if (options.shape && actual !== options.shape) {
      throw rejectValue(name, raw, secret, `${accepted}, not a JSON ${actual}`);
    }
    return value;
  });
}

export function duration<O extends CommonOptions & { min: string; max: string }>(options: O) {
  const min = parseDuration(options.min);
  const max = parseDuration(options.max);
  if (min === undefined || max === undefined)
    throw new Error(`bad duration bounds ${options.min}..${options.max}`);
  const accepted = `a duration from ${options.min} to ${options.max} with a unit (ms, s, m, h), such as 90s, 30m or 1h30m`;
  return spec(accepted, options, (raw, name) => {
    const ms = parseDuration(raw);
    if (ms === undefined || ms < min || ms > max) throw rejectValue(name, raw, false, accepted);
    return ms;
  });
}

export function region<O extends CommonOptions>(options: O = {} as O) {
  const accepted = 'an AWS region code such as us-east-1 or eu-central-1';
  return spec(accepted, options, (raw, name) => {
    if (!isRegion(raw)) throw rejectValue(name, raw, false, accepted);
    return raw;
  });
}

/** An ECS cluster name or ARN, the same for every action (the core reads an ARN's region). */
export function cluster<O extends CommonOptions>(options: O = {} as O) {
  return text({ ...options, pattern: CLUSTER, accepted: CLUSTER_ACCEPTED });
}

/** Account IDs stay strings so that leading zeros survive. */
export function accountId<O extends CommonOptions>(options: O = {} as O) {
  return spec('a 12-digit AWS account ID (quoted in YAML)', options, (raw, name) => {
    const problem = accountIdProblem(raw);
    if (problem) throw rejectValue(name, raw, false, problem);
    return raw;
  });
}

export function arn<O extends CommonOptions & { service?: string; resourceType?: string }>(
  options: O = {} as O,
) {
  const what = [options.service, options.resourceType].filter(Boolean).join(' ');
  const accepted = `an ARN${what ? ` of an ${what}` : ''}, such as arn:aws:${options.service ?? 'service'}:us-east-1:123456789012:${options.resourceType ?? 'resource'}/name`;
  return spec(accepted, options, (raw, name) => {
    const parsed = parseArn(raw);
    const typeOk =
      options.resourceType === undefined ||
      parsed?.resource.startsWith(`${options.resourceType}/`) ||
      parsed?.resource.startsWith(`${options.resourceType}:`);
    if (!parsed || (options.service && parsed.service !== options.service) || !typeOk) {
      throw rejectValue(name, raw, false, accepted);
    }
    return raw;
  });
}

/** Reads every input of a spec: either all are valid, or the first problem is thrown. */
export function readInputs<S extends Record<string, InputSpec<unknown>>>(
  spec: S,
  source: InputSource,
): Settings<S> {
  const out: Record<string, unknown> = {};
  for (const [name, reader] of Object.entries(spec)) out[name] = reader.read(source(name), name);
  return out as Settings<S>;
}

/** The runner passes input `foo-bar` as INPUT_FOO-BAR (spaces become underscores). */
export function envInputSource(env: NodeJS.ProcessEnv): InputSource {
  return (name) => env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];
}
