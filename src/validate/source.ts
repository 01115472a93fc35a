/**
 * Task definition files, JSON or YAML, parsed with the position of every value (JSON Pointer → line and
 * column; for an object member, where its key is), so that a finding can point at the exact line.
 */
import type * as YamlModule from 'yaml';
import type { Node } from 'yaml';
import { escapePointer, JsonSyntaxError, parseJson, type SourcePosition } from '../json/parse.js';
import { isYamlSource } from '../taskdef/format.js';

export interface ParsedSource {
  value: unknown;
  positions: Map<string, SourcePosition>;
  format: 'json' | 'yaml';
  /** YAML comments that silence a rule: line → rule ids (with the reason given). */
  ignores: Map<number, { rules: string[]; reason: string }>;
}

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
      const { value, positions } = parseJson(text, { positions: true });
      return { value, positions, format: 'json', ignores: new Map() };
    } catch (error) {
      if (error instanceof JsonSyntaxError) throw new SourceSyntaxError(error.reason, error.position);
      throw error;
    }
  }
  if (!yamlLib) throw new Error(`${file} is YAML: call preloadYaml() before parsing it`);
  const { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } = yamlLib;
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const at = lines.linePos(first.pos[0]);
    throw new SourceSyntaxError(first.message.split('\n')[0]!, {
      line: at.line,
      column: at.col,
      offset: first.pos[0],
    });
  }
  const positions = new Map<string, SourcePosition>();
  const where = (offset: number): SourcePosition => {
    const at = lines.linePos(offset);
    return { line: at.line, column: at.col, offset };
  };
  const walk = (node: Node | null | undefined, pointer: string, at: number | undefined) => {
    if (at !== undefined) positions.set(pointer, where(at));
    if (isMap(node)) {
      for (const item of node.items) {
        if (!isPair(item)) continue;
        const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
        const keyAt = (item.key as Node | null)?.range?.[0];
        walk(item.value as Node | null, `${pointer}/${escapePointer(key)}`, keyAt);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) =>
        walk(item as Node, `${pointer}/${i}`, (item as Node | null)?.range?.[0]),
      );
    }
  };
  walk(doc.contents as Node | null, '', (doc.contents as Node | null)?.range?.[0] ?? 0);
  return { value: doc.toJS(), positions, format: 'yaml', ignores: yamlIgnores(text) };
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
