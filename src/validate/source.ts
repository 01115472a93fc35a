/**
 * Task definition files, JSON or YAML, parsed with the position of every value (JSON Pointer → line and
 * column; for an object member, where its key is), so that a finding can point at the exact line.
 */
import type * as YamlModule from 'yaml';
import type { CST, Node } from 'yaml';
import {
  type DuplicateKey,
  escapePointer,
  JsonSyntaxError,
  MAX_DEPTH,
  parseJson,
  type SourcePosition,
  TOO_DEEP,
} from '../json/parse.js';
import { isYamlSource } from '../taskdef/format.js';

export interface ParsedSource {
  value: unknown;
  positions: Map<string, SourcePosition>;
  format: 'json' | 'yaml';
  /** YAML comments that silence a rule: line → rule ids (with the reason given). */
  ignores: Map<number, { rules: string[]; reason: string }>;
  /** Keys given twice in one object or mapping: the last one wins. */
  duplicates: DuplicateKey[];
}

/** yaml's own guard against alias bombs ("billion laughs"), its default, set here so the message can say it. */
const MAX_ALIAS_COUNT = 100;

export class SourceSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly position: SourcePosition,
  ) {
    super(reason);
  }
}

type Yaml = typeof YamlModule;
let yamlLib: Yaml | undefined;

/**
 * Loads the YAML parser (a chunk of its own in the bundles): JSON-only runs never pay for it. Call it
 * before parsing YAML; validateFiles does when a file or the config is YAML.
 */
export async function preloadYaml(): Promise<void> {
  yamlLib ??= await import('yaml');
}

export { isYamlSource };

/** JSON for .json, YAML for .yml/.yaml; any other name is read as JSON when it starts like JSON, else YAML. */
export function parseSource(text: string, file: string): ParsedSource {
  if (!isYamlSource(text, file)) {
    try {
      const { value, positions, duplicates } = parseJson(text, { positions: true });
      return { value, positions, format: 'json', ignores: new Map(), duplicates };
    } catch (error) {
      if (error instanceof JsonSyntaxError) throw new SourceSyntaxError(error.reason, error.position);
      throw error;
    }
  }
  if (!yamlLib) throw new Error(`${file} is YAML: call preloadYaml() before parsing it`);
  const { Composer, isMap, isPair, isScalar, isSeq, LineCounter, Parser, visit } = yamlLib;
  const lines = new LineCounter();
  const where = (offset: number): SourcePosition => {
    const at = lines.linePos(offset);
    return { line: at.line, column: at.col, offset };
  };
  // parseDocument's two steps, with the nesting measured in between: yaml composes recursively, and
  // past some depth it runs out of stack (or our walks would).
  const tokens = [...new Parser(lines.addNewLine).parse(text)];
  const deep = tooDeep(tokens);
  if (deep !== undefined) throw new SourceSyntaxError(TOO_DEEP, where(deep));
  const options = { prettyErrors: false, uniqueKeys: false } as const;
  const composer = new Composer(options);
  let found: YamlModule.Document.Parsed | undefined;
  let second: number | undefined;
  for (const next of composer.compose(tokens, true, text.length)) {
    if (found) {
      second = next.range[0];
      break;
    }
    found = next;
  }
  // compose(…, true) always ends with a document, an empty one for an empty text.
  const doc = found!;
  const first = doc.errors[0];
  if (first) {
    const reason = first.code === 'RESOURCE_EXHAUSTION' ? TOO_DEEP : first.message.split('\n')[0]!;
    throw new SourceSyntaxError(reason, where(first.pos[0]));
  }
  if (second !== undefined)
    throw new SourceSyntaxError(
      'the file holds more than one YAML document (---); a task definition file holds one',
      where(second),
    );
  const positions = new Map<string, SourcePosition>();
  const duplicates: Omit<DuplicateKey, 'count'>[] = [];
  const counts: number[] = [];
  const walk = (node: Node | null | undefined, pointer: string, at: number | undefined) => {
    if (at !== undefined) positions.set(pointer, where(at));
    if (isMap(node)) {
      const seen = new Map<string, { at: number; count: number }>();
      for (const item of node.items) {
        if (!isPair(item)) continue;
        const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
        const keyAt = (item.key as Node | null)?.range?.[0];
        const child = `${pointer}/${escapePointer(key)}`;
        const before = seen.get(key);
        if (before && keyAt !== undefined) {
          before.count++;
          duplicates.push({ key, pointer: child, at: where(keyAt), first: where(before.at) });
          counts.push(before.count);
        } else if (keyAt !== undefined) seen.set(key, { at: keyAt, count: 1 });
        walk(item.value as Node | null, child, keyAt);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) =>
        walk(item as Node, `${pointer}/${i}`, (item as Node | null)?.range?.[0]),
      );
    }
  };
  walk(doc.contents as Node | null, '', (doc.contents as Node | null)?.range?.[0] ?? 0);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // yaml throws a ReferenceError for an alias bomb and for an alias to no anchor; neither has a place.
    let alias = 0;
    visit(doc, {
      Alias: (_key, node) => {
        alias = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    const message = (error as Error).message;
    throw new SourceSyntaxError(
      /Excessive alias count/.test(message)
        ? `an alias bomb ("billion laughs"): its aliases expand past yaml's limit of ${MAX_ALIAS_COUNT} (maxAliasCount), so it was not expanded; the first alias is`
        : message,
      where(alias),
    );
  }
  const loop = selfReference(value);
  if (loop === TOO_DEEP_POINTER) throw new SourceSyntaxError(TOO_DEEP, where(0));
  if (loop !== undefined)
    throw new SourceSyntaxError(
      'an alias inside its own anchor makes a value that never ends; the alias is',
      positionOf(positions, loop),
    );
  return {
    value,
    positions,
    format: 'yaml',
    ignores: yamlIgnores(text),
    duplicates: duplicates.map((d, i) => ({ ...d, count: counts[i]! })),
  };
}

/** The offset of the first CST node nested deeper than MAX_DEPTH, measured without recursion. */
function tooDeep(tokens: readonly CST.Token[]): number | undefined {
  const stack: [CST.Token | undefined, number][] = tokens.map((t) => [t, 0]);
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [token, depth] = next;
    if (!token) continue;
    if (depth > MAX_DEPTH) return token.offset;
    if (token.type === 'document') stack.push([token.value, depth]);
    else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection')
      for (const item of token.items) {
        if ('key' in item) stack.push([item.key ?? undefined, depth + 1]);
        stack.push([item.value, depth + 1]);
      }
  }
  return undefined;
}

const TOO_DEEP_POINTER = '\0too-deep';

/**
 * An alias inside its own anchor (`a: &x [*x]`) makes a value that contains itself: every walk over it
 * would never end. The pointer where it closes the loop, or TOO_DEEP_POINTER past MAX_DEPTH (aliases
 * can nest what the text does not).
 */
function selfReference(root: unknown): string | undefined {
  const open = new Set<object>();
  /** How many levels each value already walked holds (1 for a mapping of scalars). */
  const heights = new Map<object, number>();
  const visitValue = (v: unknown, pointer: string, depth: number): string | undefined => {
    if (typeof v !== 'object' || v === null) return undefined;
    const known = heights.get(v);
    if (known !== undefined) return depth + known - 1 > MAX_DEPTH ? TOO_DEEP_POINTER : undefined;
    if (open.has(v)) return pointer;
    if (depth > MAX_DEPTH) return TOO_DEEP_POINTER;
    open.add(v);
    let height = 1;
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
    for (const [k, x] of entries) {
      const hit = visitValue(x, `${pointer}/${escapePointer(k)}`, depth + 1);
      if (hit !== undefined) return hit;
      if (typeof x === 'object' && x !== null) height = Math.max(height, 1 + heights.get(x)!);
    }
    open.delete(v);
    heights.set(v, height);
    return undefined;
  };
  return visitValue(root, '', 0);
}

const IGNORE = /#\s*ecs-shipyard-ignore\s+([\w,\s-]+?)(?::\s*(.*))?$/;

/** `# ecs-shipyard-ignore rule-a, rule-b: why` silences those rules on its own line and the next (the reason is required). */
function yamlIgnores(text: string): ParsedSource['ignores'] {
  const out: ParsedSource['ignores'] = new Map();
  text.split('\n').forEach((line, i) => {
    const m = IGNORE.exec(line);
    // An ignore must say why; one without a reason is not honoured.
    if (!m || !m[2]?.trim()) return;
    const entry = { rules: m[1]!.split(/[\s,]+/).filter(Boolean), reason: (m[2] ?? '').trim() };
    out.set(i + 1, entry);
    out.set(i + 2, entry);
  });
  return out;
}

/** Where a pointer is, or the nearest enclosing value that has a position. */
export function positionOf(positions: Map<string, SourcePosition>, pointer: string): SourcePosition {
  for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
    const hit = positions.get(p);
    if (hit) return hit;
    if (p === '') return { line: 1, column: 1, offset: 0 };
  }
}
