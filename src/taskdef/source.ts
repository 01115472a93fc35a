/** Reads task definition and AppSpec files, JSON or YAML (isYamlSource decides), with errors that say the line and column. */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { UserError, errorMessage } from '../errors.js';
import { JsonSyntaxError, parseJson, positionAt } from '../json/parse.js';
import type { Logger } from '../log.js';
import { isYamlSource } from './format.js';
import { normalizeTaskDefinition } from './normalize.js';

export async function readDataFile(path: string, inputName: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new UserError(
        `Input '${inputName}' names ${path}, which does not exist. Paths are relative to the workspace (GITHUB_WORKSPACE).`,
      );
    }
    throw new UserError(`Cannot read ${path} (input '${inputName}'): ${errorMessage(error)}`);
  }
  if (!isYamlSource(text, path)) {
    try {
      return parseJson(text).value;
    } catch (error) {
      if (error instanceof JsonSyntaxError)
        throw new UserError(`${path} is not valid JSON: ${error.message}.`);
      throw error;
    }
  }
  // The YAML parser loads only for YAML files.
  const { parseDocument } = await import('yaml');
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const { line, column } = positionAt(text, first.pos[0]);
    throw new UserError(
      `${path} is not valid YAML: ${first.message.split('\n')[0]} at line ${line}, column ${column}.`,
    );
  }
  return doc.toJS();
}

/** The task definition file an input names (relative to the workspace), normalized, its warnings logged. */
export async function loadTaskDefinitionInput(
  value: string,
  inputName: string,
  workspace: string,
  log: Logger,
): Promise<Record<string, unknown>> {
  const path = isAbsolute(value) ? value : join(workspace, value);
  const normalized = normalizeTaskDefinition(await readDataFile(path, inputName));
  for (const w of normalized.warnings) log.warning(w);
  return normalized.definition;
}
