/**
 * The two query protocols (form-encoded requests, XML answers): `ec2` (EC2's own dialect: lists as
 * `<item>`, lower-camel element names, errors under `<Response><Errors>`) and `awsQuery` (Auto Scaling:
 * lists as `<member>`, results wrapped in `<OperationResult>`, errors under `<ErrorResponse>`).
 * Handlers return plain objects whose keys are the XML element names; arrays become lists.
 */

export type QueryStyle = 'ec2' | 'awsQuery';

type Tree = { [key: string]: Tree | string };

/**
 * `A.B.1.C=x&List.member.2=y` → `{ A: { B: [{ C: 'x' }] }, List: [, 'y'] }`: numbered segments are list
 * positions (from 1) and awsQuery's `member` segment is dropped.
 */
export function parseForm(body: string): Record<string, unknown> {
  const root: Tree = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key
      .split('.')
      .filter((seg, i, all) => !(seg === 'member' && /^\d+$/.test(all[i + 1] ?? '')));
    let node = root;
    path.forEach((seg, i) => {
      if (i === path.length - 1) node[seg] = value;
      else {
        const next = node[seg];
        node = typeof next === 'object' ? next : (node[seg] = {});
      }
    });
  }
  return listify(root) as Record<string, unknown>;
}

function listify(node: Tree | string): unknown {
  if (typeof node === 'string') return node;
  const keys = Object.keys(node);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((k) => listify(node[String(k)]!));
  }
  return Object.fromEntries(keys.map((k) => [k, listify(node[k]!)]));
}

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function element(name: string, value: unknown, style: QueryStyle): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) {
    const tag = style === 'ec2' ? 'item' : 'member';
    return `<${name}>${value.map((v) => element(tag, v, style)).join('')}</${name}>`;
  }
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === 'object') {
    const inner = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => element(k, v, style))
      .join('');
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${escape(String(value as string | number | boolean))}</${name}>`;
}

export function xmlResponse(
  style: QueryStyle,
  xmlns: string,
  operation: string,
  output: Record<string, unknown>,
  requestId: string,
): string {
  const body = Object.entries(output)
    .map(([k, v]) => element(k, v, style))
    .join('');
  const head = `<?xml version="1.0" encoding="UTF-8"?>\n`;
  if (style === 'ec2') {
    return `${head}<${operation}Response xmlns="${xmlns}"><requestId>${requestId}</requestId>${body}</${operation}Response>`;
  }
  return `${head}<${operation}Response xmlns="${xmlns}"><${operation}Result>${body}</${operation}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`;
}

export function xmlError(
  style: QueryStyle,
  xmlns: string,
  code: string,
  message: string,
  status: number,
  requestId: string,
): string {
  const head = `<?xml version="1.0" encoding="UTF-8"?>\n`;
  if (style === 'ec2') {
    return `${head}<Response><Errors><Error><Code>${escape(code)}</Code><Message>${escape(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
  }
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return `${head}<ErrorResponse xmlns="${xmlns}"><Error><Type>${type}</Type><Code>${escape(code)}</Code><Message>${escape(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}
