/**
 * A line diff in the unified format of `diff -u` (GNU diffutils): `--- from` and `+++ to` headers, then
 * hunks `@@ -a,b +c,d @@` with `context` unchanged lines around each change (3 by default) and hunks
 * whose context would touch or overlap merged into one. A text that does not end in a newline gets
 * GNU's `\ No newline at end of file` after its last line.
 *
 * The edit script is a shortest one, found with Myers's O(ND) algorithm in its linear-space form (the
 * middle snake, "An O(ND) Difference Algorithm and Its Variations", 1986), as GNU diff's own diffseq does;
 * lines are compared as interned numbers. Where several shortest scripts exist the choice may differ from
 * GNU's, which also shifts change groups afterwards; the hunks are then equally short and equally valid.
 */

export interface UnifiedDiffOptions {
  /** The label of the `---` header (default `before`). */
  from?: string;
  /** The label of the `+++` header (default `after`). */
  to?: string;
  /** Unchanged lines shown around each change (default 3, as `diff -u`). */
  context?: number;
  /** At most this many lines of diff (headers included); one more line then says how many were left out. */
  maxLines?: number;
}

/** The lines of a text, each with its newline; the last one without if the text does not end in one. */
function linesOf(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n').map((l) => `${l}\n`);
  const last = lines.pop()!;
  if (last !== '\n') lines.push(last.slice(0, -1));
  return lines;
}

/**
 * Marks the lines of `a` that are deleted and the lines of `b` that are inserted in a shortest edit
 * script from `a` to `b`.
 */
function changes(a: Int32Array, b: Int32Array): { deleted: Uint8Array; inserted: Uint8Array } {
  const deleted = new Uint8Array(a.length);
  const inserted = new Uint8Array(b.length);
  /**
   * The middle snake (x, y) → (u, v) of a shortest path from (aLo, bLo) to (aHi, bHi): Myers's forward and
   * backward searches, one edit further each round, until they overlap on a diagonal. Diagonals that
   * leave the grid are dropped from the search (as diff-match-patch's bisect does), so a point past an
   * edge is never taken for an overlap. Both ranges are non-empty.
   */
  const middleSnake = (
    aLo: number,
    aHi: number,
    bLo: number,
    bHi: number,
  ): [number, number, number, number] | undefined => {
    const n = aHi - aLo;
    const m = bHi - bLo;
    const max = Math.ceil((n + m) / 2);
    const offset = max;
    const length = 2 * max + 2;
    // Furthest x reached on each diagonal k = x - y (backward: counted from the ends), -1 for not yet.
    const forward = new Int32Array(length).fill(-1);
    const backward = new Int32Array(length).fill(-1);
    forward[offset + 1] = 0;
    backward[offset + 1] = 0;
    const delta = n - m;
    // With an odd delta the paths meet after a forward step, with an even one after a backward step.
    const odd = (delta & 1) !== 0;
    let fStart = 0;
    let fEnd = 0;
    let bStart = 0;
    let bEnd = 0;
    for (let d = 0; d < max; d++) {
      for (let k = -d + fStart; k <= d - fEnd; k += 2) {
        const at = offset + k;
        let x =
          k === -d || (k !== d && forward[at - 1]! < forward[at + 1]!)
            ? forward[at + 1]!
            : forward[at - 1]! + 1;
        let y = x - k;
        const x0 = x;
        const y0 = y;
        while (x < n && y < m && a[aLo + x] === b[bLo + y]) {
          x++;
          y++;
        }
        forward[at] = x;
        if (x > n) fEnd += 2;
        else if (y > m) fStart += 2;
        else if (odd) {
          const other = offset + delta - k;
          if (other >= 0 && other < length && backward[other] !== -1 && x >= n - backward[other]!) {
            return [aLo + x0, bLo + y0, aLo + x, bLo + y];
          }
        }
      }
      for (let k = -d + bStart; k <= d - bEnd; k += 2) {
        const at = offset + k;
        let x =
          k === -d || (k !== d && backward[at - 1]! < backward[at + 1]!)
            ? backward[at + 1]!
            : backward[at - 1]! + 1;
        let y = x - k;
        const x0 = x;
        const y0 = y;
        while (x < n && y < m && a[aHi - 1 - x] === b[bHi - 1 - y]) {
          x++;
          y++;
        }
        backward[at] = x;
        if (x > n) bEnd += 2;
        else if (y > m) bStart += 2;
        else if (!odd) {
          const other = offset + delta - k;
          if (other >= 0 && other < length && forward[other] !== -1 && forward[other]! >= n - x) {
            return [aHi - x, bHi - y, aHi - x0, bHi - y0];
          }
        }
      }
    }
    // No overlap within ceil((n + m) / 2) rounds: the ranges have no line in common (a shortest script of
    // n + m edits, whose middle is the last round), so every line is an edit.
    return undefined;
  };

  const compare = (aLo: number, aHi: number, bLo: number, bHi: number): void => {
    while (aLo < aHi && bLo < bHi && a[aLo] === b[bLo]) {
      aLo++;
      bLo++;
    }
    while (aHi > aLo && bHi > bLo && a[aHi - 1] === b[bHi - 1]) {
      aHi--;
      bHi--;
    }
    if (aLo === aHi) {
      inserted.fill(1, bLo, bHi);
    } else if (bLo === bHi) {
      deleted.fill(1, aLo, aHi);
    } else {
      // Both ranges are non-empty and differ at both ends, so at least two edits: the snake splits the
      // problem into two with fewer edits each.
      const snake = middleSnake(aLo, aHi, bLo, bHi);
      if (!snake) {
        deleted.fill(1, aLo, aHi);
        inserted.fill(1, bLo, bHi);
        return;
      }
      const [x, y, u, v] = snake;
      compare(aLo, x, bLo, y);
      compare(u, aHi, v, bHi);
    }
  };
  compare(0, a.length, 0, b.length);
  return { deleted, inserted };
}

/** One line of output: ' ', '-' or '+', the line, and GNU's marker when it has no newline. */
function emit(out: string[], mark: string, line: string): void {
  if (line.endsWith('\n')) out.push(mark + line.slice(0, -1));
  else out.push(mark + line, '\\ No newline at end of file');
}

/** GNU's range in a hunk header: `start,count`, `start` alone for one line, the line before for none. */
function range(start: number, count: number): string {
  if (count === 1) return String(start + 1);
  return `${count === 0 ? start : start + 1},${count}`;
}

export function unifiedDiff(before: string, after: string, options: UnifiedDiffOptions = {}): string {
  if (before === after) return '';
  const context = Math.max(0, Math.floor(options.context ?? 3));
  const aLines = linesOf(before);
  const bLines = linesOf(after);
  const ids = new Map<string, number>();
  const intern = (lines: string[]) =>
    Int32Array.from(lines, (l) => {
      let id = ids.get(l);
      if (id === undefined) ids.set(l, (id = ids.size));
      return id;
    });
  const { deleted, inserted } = changes(intern(aLines), intern(bLines));

  // The edit script as runs: [i, j] where a run of changes starts, with its deleted and inserted counts.
  interface Change {
    i: number;
    j: number;
    del: number;
    ins: number;
  }
  const runs: Change[] = [];
  for (let i = 0, j = 0; i < aLines.length || j < bLines.length;) {
    if (i < aLines.length && j < bLines.length && !deleted[i] && !inserted[j]) {
      i++;
      j++;
      continue;
    }
    const run: Change = { i, j, del: 0, ins: 0 };
    while (i < aLines.length && deleted[i]) {
      i++;
      run.del++;
    }
    while (j < bLines.length && inserted[j]) {
      j++;
      run.ins++;
    }
    runs.push(run);
  }

  const out = [`--- ${options.from ?? 'before'}`, `+++ ${options.to ?? 'after'}`];
  for (let r = 0; r < runs.length;) {
    // A hunk: runs whose gaps are at most 2 × context unchanged lines.
    let last = r;
    while (last + 1 < runs.length && runs[last + 1]!.i - (runs[last]!.i + runs[last]!.del) <= 2 * context)
      last++;
    const first = runs[r]!;
    const end = runs[last]!;
    const aStart = Math.max(0, first.i - context);
    const bStart = first.j - (first.i - aStart);
    const aEnd = Math.min(aLines.length, end.i + end.del + context);
    const bEnd = end.j + end.ins + (aEnd - (end.i + end.del));
    out.push(`@@ -${range(aStart, aEnd - aStart)} +${range(bStart, bEnd - bStart)} @@`);
    let i = aStart;
    for (let k = r; k <= last; k++) {
      const run = runs[k]!;
      for (; i < run.i; i++) emit(out, ' ', aLines[i]!);
      for (let d = 0; d < run.del; d++) emit(out, '-', aLines[i + d]!);
      for (let n = 0; n < run.ins; n++) emit(out, '+', bLines[run.j + n]!);
      i += run.del;
    }
    for (; i < aEnd; i++) emit(out, ' ', aLines[i]!);
    r = last + 1;
  }

  const max = options.maxLines;
  if (max !== undefined && out.length > max) {
    const kept = out.slice(0, Math.max(0, Math.floor(max)));
    const left = out.length - kept.length;
    kept.push(`… ${left} more line${left === 1 ? '' : 's'} of the diff left out`);
    return `${kept.join('\n')}\n`;
  }
  return `${out.join('\n')}\n`;
}
