/**
 * What the two REST protocols (restJson1, restXml) share: a route's path template (`/{Bucket}/{Key+}`) as a
 * pattern, and a query-string or header value read as the operation's shape says.
 */
import type { Shape } from '../shapes.js';

const patterns = new Map<string, RegExp>();

/** `{Label}` matches one path segment, `{Label+}` the rest of the path; both are named groups. */
export function pathPattern(path: string): RegExp {
  let re = patterns.get(path);
  if (!re) {
    const source = path
      .split(/(\{[A-Za-z0-9_]+\+?\})/)
      .map((part) => {
        const label = /^\{([A-Za-z0-9_]+)(\+?)\}$/.exec(part);
        if (!label) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        return label[2] ? `(?<${label[1]}>.+)` : `(?<${label[1]}>[^/]+)`;
      })
      .join('');
    re = new RegExp(`^${source}$`);
    patterns.set(path, re);
  }
  return re;
}

/** Query-string and header values are text; the operation's shape says which members are numbers or booleans. */
export function typedValue(shape: Shape | undefined, name: string, value: string): unknown {
  const member = shape?.type === 'structure' ? shape.members[name] : undefined;
  if (member?.type === 'integer' && /^-?\d+$/.test(value)) return Number(value);
  if (member?.type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}
