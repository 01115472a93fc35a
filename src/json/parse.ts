/**
 * A strict JSON parser (RFC 8259, what JSON.parse accepts) that reports where it broke as line and
 * column, and can record where every value starts so that callers can point at the exact line.
 */

export interface SourcePosition {
  /** 1-based line. */
  line: number;
  /** 1-based column, in UTF-16 code units. */
  column: number;
  /** 0-based offset in the text. */
  offset: number;
}

export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
  constructor(
    readonly reason: string,
    readonly position: SourcePosition,
  ) {
    super(`${reason} at line ${position.line}, column ${position.column}`);
  }
}

export interface ParseResult {
  value: unknown;
  /** JSON Pointer (RFC 6901) of every value → where that value starts; for object members, the key. */
  positions: Map<string, SourcePosition>;
  /** Keys that appear more than once in one object (the last one wins, as with JSON.parse), in order. */
  duplicates: DuplicateKey[];
}

/** A key met again in the same object: where it is again, and where it first was. */
export interface DuplicateKey {
  key: string;
  /** JSON Pointer of the member. */
  pointer: string;
  at: SourcePosition;
  first: SourcePosition;
  /** How many times the key has appeared so far in that object, this one included (2 for the first repeat). */
  count: number;
}

/**
 * How deep values may nest. A task definition nests a few levels; the limit keeps the parsers and every
 * recursive walk over the value (shape checks, placeholders) far from the call stack's end.
 */
export const MAX_DEPTH = 512;
export const TOO_DEEP = `nesting deeper than ${MAX_DEPTH} levels (a task definition nests a few)`;

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

export function positionAt(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1, offset };
}

/** One JSON Pointer (RFC 6901) segment: ~ and / escaped. */
export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Parses `text`; throws JsonSyntaxError with line and column on the first error. */
export function parseJson(text: string, options: { positions?: boolean } = {}): ParseResult {
  const positions = new Map<string, SourcePosition>();
  const duplicates: DuplicateKey[] = [];
  const record = options.positions === true;
  let i = 0;
  // Where each line starts, found once: a position is then a binary search, not a scan from the start
  // (a scan per value made a large array of small values take minutes).
  const lineStarts = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lineStarts.push(at + 1);
  const where = (offset: number): SourcePosition => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo]! + 1, offset };
  };

  const fail = (reason: string, at = i): never => {
    throw new JsonSyntaxError(reason, where(at));
  };
  const skipWs = () => {
    while (i < text.length && WS.has(text.charCodeAt(i))) i++;
  };
  const describeHere = () =>
    i >= text.length ? 'unexpected end of input' : `unexpected character ${JSON.stringify(text[i])}`;

  const parseString = (): string => {
    const start = i;
    i++; // opening quote
    let out = '';
    let chunk = i;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(chunk, i);
        i++;
        return out;
      }
      if (c === 0x5c) {
        out += text.slice(chunk, i);
        const e = text[i + 1];
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        };
        if (e !== undefined && simple[e] !== undefined) {
          out += simple[e];
          i += 2;
        } else if (e === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('invalid \\u escape in string');
          out += String.fromCharCode(Number.parseInt(hex, 16));
          i += 6;
        } else {
          fail('invalid escape in string');
        }
        chunk = i;
        continue;
      }
      if (c < 0x20) fail('control character in string (escape it, e.g. \\n)');
      i++;
    }
    return fail('unterminated string', start);
  };

  const parseNumber = (): number => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) return fail(describeHere());
    i += m[0].length;
    return Number(m[0]);
  };

  // `again`: under a repeated key, whose last copy wins — its positions replace the first copy's (keys
  // set theirs as they are read; array items are cleared first).
  const parseValue = (pointer: string, depth: number, again = false): unknown => {
    if (depth > MAX_DEPTH) fail(TOO_DEEP);
    skipWs();
    if (record && !positions.has(pointer)) positions.set(pointer, where(i));
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      const seen = new Map<string, { at: number; count: number }>();
      skipWs();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        skipWs();
        if (text[i] !== '"')
          fail(text[i] === '}' ? 'trailing comma in object' : `expected a "quoted" key, ${describeHere()}`);
        const keyAt = i;
        const key = parseString();
        const child = `${pointer}/${escapePointer(key)}`;
        const before = seen.get(key);
        if (before) {
          before.count++;
          duplicates.push({
            key,
            pointer: child,
            at: where(keyAt),
            first: where(before.at),
            count: before.count,
          });
        } else seen.set(key, { at: keyAt, count: 1 });
        if (record) positions.set(child, where(keyAt));
        skipWs();
        if (text[i] !== ':') fail(`expected ':' after key ${JSON.stringify(key)}, ${describeHere()}`);
        i++;
        Object.defineProperty(obj, key, {
          value: parseValue(child, depth + 1, again || before !== undefined),
          enumerable: true,
          writable: true,
          configurable: true,
        });
        skipWs();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail(`expected ',' or '}' in object, ${describeHere()}`);
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      skipWs();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        skipWs();
        if (text[i] === ']') fail('trailing comma in array');
        if (again && record) positions.delete(`${pointer}/${arr.length}`);
        arr.push(parseValue(`${pointer}/${arr.length}`, depth + 1, again));
        skipWs();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail(`expected ',' or ']' in array, ${describeHere()}`);
      }
    }
    if (c === '"') return parseString();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return parseNumber();
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return value;
      }
    }
    if (c === "'") fail('strings must use double quotes (")');
    return fail(describeHere());
  };

  // A byte-order mark is tolerated, as editors add one.
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  const value = parseValue('', 0);
  skipWs();
  if (i < text.length) fail(`unexpected content after the JSON value (${describeHere()})`);
  return { value, positions, duplicates };
}

/** A JSON object: not null, not an array. */
export const isJsonObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
