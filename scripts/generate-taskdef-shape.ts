/**
 * `npm run generate` (and `--check`): writes src/validate/shape.generated.ts, the shape of
 * RegisterTaskDefinitionRequest — every member, whether it is required, its type, its enum values, and
 * whether it is deprecated — read from the installed @aws-sdk/client-ecs type declarations with the
 * TypeScript compiler. A new ECS field arrives with an SDK upgrade and a re-run of this script; the
 * contract test fails while the generated file is behind the installed SDK.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'src', 'validate', 'shape.generated.ts');
const require = createRequire(import.meta.url);
const sdkPackage = require.resolve('@aws-sdk/client-ecs/package.json');
const sdkVersion = (JSON.parse(await readFile(sdkPackage, 'utf8')) as { version: string }).version;
const entry = join(dirname(sdkPackage), 'dist-types', 'index.d.ts');

const program = ts.createProgram([entry], { strict: true, noEmit: true, skipLibCheck: true });
const checker = program.getTypeChecker();

/** A member's type, as a short reference: string, integer, boolean, enum:Name, list:<ref>, map:<ref>, struct:Name. */
type Ref = string;
const structs: Record<
  string,
  { members: Record<string, Ref>; required: string[]; deprecated: string[]; union?: boolean }
> = {};
const enums: Record<string, string[]> = {};

function interfaceNamed(name: string): ts.InterfaceDeclaration {
  for (const file of program.getSourceFiles()) {
    if (!file.fileName.includes('@aws-sdk/client-ecs')) continue;
    for (const statement of file.statements) {
      if (ts.isInterfaceDeclaration(statement) && statement.name.text === name) return statement;
    }
  }
  throw new Error(`@aws-sdk/client-ecs ${sdkVersion} declares no interface ${name}`);
}

/** The type node without `| undefined` and parentheses, where the SDK's names are. */
function unwrap(node: ts.TypeNode | undefined): ts.TypeNode | undefined {
  if (node && ts.isParenthesizedTypeNode(node)) return unwrap(node.type);
  if (node && ts.isUnionTypeNode(node)) {
    const kept = node.types.filter((t) => t.kind !== ts.SyntaxKind.UndefinedKeyword);
    return kept.length === 1 ? unwrap(kept[0]) : node;
  }
  return node;
}

function refOf(type: ts.Type, typeNode: ts.TypeNode | undefined): Ref {
  const node = unwrap(typeNode);
  // Drop `| undefined`.
  const parts = type.isUnion() ? type.types.filter((t) => !(t.flags & ts.TypeFlags.Undefined)) : [type];
  if (parts.length > 1 && parts.every((t) => t.isStringLiteral())) {
    // An SDK enum: `NetworkMode` is `(typeof NetworkMode)[keyof typeof NetworkMode]`, named by the type node.
    const name =
      node && ts.isTypeReferenceNode(node) ? node.typeName.getText() : `Enum${Object.keys(enums).length}`;
    enums[name] = parts.map((t) => (t as ts.StringLiteralType).value).sort();
    return `enum:${name}`;
  }
  if (parts.length > 1 && parts.every((t) => t.flags & ts.TypeFlags.Object)) return unionOf(parts, node);
  const only = parts[0]!;
  if (parts.length === 1 && only.isStringLiteral()) {
    const name = node && ts.isTypeReferenceNode(node) ? node.typeName.getText() : 'Literal';
    enums[name] = [only.value];
    return `enum:${name}`;
  }
  if (only.flags & ts.TypeFlags.String) return 'string';
  // ECS models every number of a task definition as an Integer.
  if (only.flags & ts.TypeFlags.Number) return 'integer';
  if (
    only.flags & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral) ||
    parts.every((t) => t.flags & ts.TypeFlags.BooleanLiteral)
  )
    return 'boolean';
  if (checker.isArrayType(only)) {
    const element = checker.getTypeArguments(only as ts.TypeReference)[0]!;
    const elementNode = node && ts.isArrayTypeNode(node) ? node.elementType : undefined;
    return `list:${refOf(element, elementNode)}`;
  }
  const symbol = only.getSymbol() ?? only.aliasSymbol;
  if (symbol?.getName() === '__type') {
    // Record<string, X>: a map.
    const index = checker.getIndexInfosOfType(only)[0];
    if (index) return `map:${refOf(index.type, undefined)}`;
  }
  const name = symbol?.getName();
  if (!name || !(only.flags & ts.TypeFlags.Object))
    throw new Error(`unknown type ${checker.typeToString(only)}`);
  if (checker.getIndexInfosOfType(only).length && !only.getProperties().length)
    return `map:${refOf(checker.getIndexInfosOfType(only)[0]!.type, undefined)}`;
  walk(name);
  return `struct:${name}`;
}

/** A Smithy union (SharingStrategy): one member of several, written as a structure flagged union. */
function unionOf(parts: ts.Type[], node: ts.TypeNode | undefined): Ref {
  const name = node && ts.isTypeReferenceNode(node) ? node.typeName.getText() : 'Union';
  if (structs[name]) return `struct:${name}`;
  const entry: (typeof structs)[string] = { members: {}, required: [], deprecated: [], union: true };
  structs[name] = entry;
  for (const part of parts) {
    for (const property of part.getProperties()) {
      const key = property.getName();
      const declaration = property.valueDeclaration;
      if (key === '$unknown' || !declaration || !ts.isPropertySignature(declaration)) continue;
      const type = checker.getTypeOfSymbolAtLocation(property, declaration);
      if (checker.getNonNullableType(type).flags & ts.TypeFlags.Never) continue;
      entry.members[key] = refOf(type, declaration.type);
    }
  }
  return `struct:${name}`;
}

function walk(name: string): void {
  if (structs[name]) return;
  const declaration = interfaceNamed(name);
  const entry: (typeof structs)[string] = { members: {}, required: [], deprecated: [] };
  structs[name] = entry;
  for (const member of declaration.members) {
    if (!ts.isPropertySignature(member) || !member.name) continue;
    const key = member.name.getText();
    const type = checker.getTypeAtLocation(member);
    try {
      entry.members[key] = refOf(type, member.type);
    } catch (error) {
      throw new Error(`${name}.${key}: ${(error as Error).message}`);
    }
    if (!member.questionToken) entry.required.push(key);
    if (ts.getJSDocTags(member).some((t) => t.tagName.text === 'deprecated')) entry.deprecated.push(key);
  }
}

walk('RegisterTaskDefinitionRequest');

const sorted = <T>(o: Record<string, T>) =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
const text = `// Generated by scripts/generate-taskdef-shape.ts from @aws-sdk/client-ecs ${sdkVersion}; do not edit.
// Run \`npm run generate\` after upgrading the SDK.
import type { TaskDefinitionShape } from './shape.js';

export const SDK_VERSION = '${sdkVersion}';

export const SHAPE: TaskDefinitionShape = ${JSON.stringify({ root: 'RegisterTaskDefinitionRequest', structs: sorted(structs), enums: sorted(enums) }, null, 2)};
`;

if (process.argv.includes('--check')) {
  const current = await readFile(OUT, 'utf8').catch(() => '');
  if (current !== text) {
    console.error(`${OUT} is not what @aws-sdk/client-ecs ${sdkVersion} gives: run npm run generate.`);
    process.exit(1);
  }
} else {
  await writeFile(OUT, text);
  console.log(
    `wrote ${OUT}: ${Object.keys(structs).length} structures, ${Object.keys(enums).length} enums (SDK ${sdkVersion})`,
  );
}
