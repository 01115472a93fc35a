/**
 * A file's bytes as text, or why they are not a task definition's text: JSON is UTF-8 (RFC 8259 §8.1)
 * and so is what the AWS tools read, so a UTF-16 or UTF-32 file (as Windows editors and PowerShell's
 * `Out-File` write) is named for what it is instead of failing at its first character, a file with NUL
 * bytes is binary, and bytes that are not UTF-8 are pointed at. A UTF-8 byte order mark is accepted.
 */
import { isUtf8 } from 'node:buffer';
import { positionAt, type SourcePosition } from '../json/parse.js';

export type Decoded = { text: string } | { problem: string; position: SourcePosition };

const START = { line: 1, column: 1, offset: 0 };

export function decodeText(bytes: Uint8Array): Decoded {
  const b = (i: number) => bytes[i] ?? -1;
  const wide = (encoding: string, bom: boolean): Decoded => ({
    problem: `The file is ${encoding}${bom ? ' with a byte order mark' : ''}; save it as UTF-8 (JSON is UTF-8, RFC 8259 §8.1, and so is what ECS's tools read).`,
    position: START,
  });
  // Byte order marks (UTF-32 LE's starts like UTF-16 LE's, so it goes first).
  if (b(0) === 0xff && b(1) === 0xfe && b(2) === 0 && b(3) === 0) return wide('UTF-32 (LE)', true);
  if (b(0) === 0 && b(1) === 0 && b(2) === 0xfe && b(3) === 0xff) return wide('UTF-32 (BE)', true);
  if (b(0) === 0xff && b(1) === 0xfe) return wide('UTF-16 (LE)', true);
  if (b(0) === 0xfe && b(1) === 0xff) return wide('UTF-16 (BE)', true);
  const body = b(0) === 0xef && b(1) === 0xbb && b(2) === 0xbf ? bytes.subarray(3) : bytes;
  const nul = body.indexOf(0);
  if (nul !== -1) {
    // No mark: the text starts with ASCII, so the zero bytes' places tell the encoding (RFC 4627 §3).
    const z = [0, 1, 2, 3].map((i) => body[i] === 0);
    if (body.length >= 4 && z[0] && z[1] && z[2] && !z[3]) return wide('UTF-32 (BE)', false);
    if (body.length >= 4 && !z[0] && z[1] && z[2] && z[3]) return wide('UTF-32 (LE)', false);
    const sample = body.subarray(0, 4096);
    let even = 0;
    let odd = 0;
    sample.forEach((x, i) => {
      if (x === 0) {
        if (i % 2) odd++;
        else even++;
      }
    });
    const pairs = Math.floor(sample.length / 2);
    if (pairs >= 2 && odd >= pairs * 0.5 && even === 0) return wide('UTF-16 (LE)', false);
    if (pairs >= 2 && even >= pairs * 0.5 && odd === 0) return wide('UTF-16 (BE)', false);
    const before = Buffer.from(body.subarray(0, nul)).toString('utf8');
    return {
      problem: `The file holds a NUL byte (at byte ${nul + bytes.length - body.length}): it is a binary file, not JSON or YAML text.`,
      position: positionAt(before, before.length),
    };
  }
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (isUtf8(body)) return { text };
  // The first U+FFFD that the file did not spell itself (EF BF BD) is where UTF-8 broke.
  for (let at = text.indexOf('\uFFFD'); at !== -1; at = text.indexOf('\uFFFD', at + 1)) {
    const offset = Buffer.byteLength(text.slice(0, at));
    if (body[offset] === 0xef && body[offset + 1] === 0xbf && body[offset + 2] === 0xbd) continue;
    const hex = body[offset]!.toString(16).toUpperCase().padStart(2, '0');
    return {
      problem: `The file is not UTF-8: byte 0x${hex} (at byte ${offset + bytes.length - body.length}) does not decode (a Latin-1 or Windows-1252 file?); save it as UTF-8.`,
      position: positionAt(text, at),
    };
  }
  return { text };
}
