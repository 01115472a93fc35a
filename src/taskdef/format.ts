/**
 * Whether a data file (task definition, AppSpec, config) is read as YAML or JSON — the one rule for every
 * reader: .yml/.yaml are YAML, .json is JSON, and any other name is JSON when its text starts like JSON
 * (`{` or `[`), else YAML.
 */
export function isYamlSource(text: string, file: string): boolean {
  return /\.ya?ml$/i.test(file) || (!/\.json$/i.test(file) && !/^\s*[[{]/.test(text));
}
