/**
 * `npm run generate` (and `--check`): writes the request shapes the actions check before any AWS call,
 * read from the installed @aws-sdk/client-ecs type declarations with the TypeScript compiler — every
 * member, whether it is required, its type, its enum values, and whether it is deprecated:
 * - src/validate/shape.generated.ts: RegisterTaskDefinitionRequest (the validator, render);
 * - src/ecs/service-shape.generated.ts: UpdateService's deploymentConfiguration, loadBalancers and
 *   serviceConnectConfiguration (deploy's inputs).
 * A new ECS field arrives with an SDK upgrade and a re-run of this script; the contract test fails while a
 * generated file is behind the installed SDK.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const sdkPackage = require.resolve('@aws-sdk/client-ecs/package.json');
const sdkVersion = (JSON.parse(await readFile(sdkPackage, 'utf8')) as { version: string }).version;
const entry = join(dirname(sdkPackage), 'dist-types', 'index.d.ts');

const program = ts.createProgram([entry], { strict: true, noEmit: true, skipLibCheck: true });
const checker = program.getTypeChecker();

/** A member's type, as a short reference: string, integer, number, boolean, enum:Name, list:<ref>, map:<ref>, struct:Name. */
type Ref = string;
let structs: Record<
  string,
  { members: Record<string, Ref>; required: string[]; deprecated: string[]; union?: boolean }
> = {};
let enums: Record<string, string[]> = {};
/** Members the ECS API models as Double (Type.member); every other number is an Integer. */
let doubles = new Set<string>();
let current = '';

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
  // A Smithy document (hookDetails): any JSON value.
  if (node && ts.isTypeReferenceNode(node) && node.typeName.getText() === '__DocumentType') return 'document';
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
  // The SDK's types say number for both; the API model tells Integer from Double.
  if (only.flags & ts.TypeFlags.Number) return doubles.has(current) ? 'number' : 'integer';
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
    current = `${name}.${key}`;
    try {
      entry.members[key] = refOf(type, member.type);
    } catch (error) {
      throw new Error(`${name}.${key}: ${(error as Error).message}`);
    }
    if (!member.questionToken) entry.required.push(key);
    if (ts.getJSDocTags(member).some((t) => t.tagName.text === 'deprecated')) entry.deprecated.push(key);
  }
}

const sorted = <T>(o: Record<string, T>) =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

interface Target {
  out: string;
  roots: string[];
  doubles: string[];
  /** The generated file's text around the shape object. */
  head: string;
  constant: string;
}

const TARGETS: Target[] = [
  {
    out: join(ROOT, 'src', 'validate', 'shape.generated.ts'),
    roots: ['RegisterTaskDefinitionRequest'],
    // ECS models every number of a task definition as an Integer.
    doubles: [],
    head: `import type { TaskDefinitionShape } from './shape.js';\n\nexport const SDK_VERSION = '${sdkVersion}';\n`,
    constant: 'SHAPE: TaskDefinitionShape',
  },
  {
    out: join(ROOT, 'src', 'ecs', 'service-shape.generated.ts'),
    roots: ['DeploymentConfiguration', 'LoadBalancer', 'ServiceConnectConfiguration'],
    // Doubles in the ECS API model (shape Double): "multiples of 0.1".
    doubles: ['CanaryConfiguration.canaryPercent', 'LinearConfiguration.stepPercent'],
    head: `import type { TaskDefinitionShape } from '../validate/shape.js';\n`,
    constant: 'SERVICE_SHAPE: TaskDefinitionShape',
  },
];

let stale = 0;
for (const target of TARGETS) {
  structs = {};
  enums = {};
  doubles = new Set(target.doubles);
  for (const root of target.roots) walk(root);
  const text = `// Generated by scripts/generate-taskdef-shape.ts from @aws-sdk/client-ecs ${sdkVersion}; do not edit.
// Run \`npm run generate\` after upgrading the SDK.
${target.head}
export const ${target.constant} = ${JSON.stringify({ root: target.roots[0], structs: sorted(structs), enums: sorted(enums) }, null, 2)};
`;
  if (process.argv.includes('--check')) {
    const current = await readFile(target.out, 'utf8').catch(() => '');
    if (current !== text) {
      console.error(
        `${target.out} is not what @aws-sdk/client-ecs ${sdkVersion} gives: run npm run generate.`,
      );
      stale++;
    }
  } else {
    await writeFile(target.out, text);
    console.log(
      `wrote ${target.out}: ${Object.keys(structs).length} structures, ${Object.keys(enums).length} enums (SDK ${sdkVersion})`,
    );
  }
}
if (stale) process.exit(1);
