/**
 * GitHub workflow commands (`::error file=…,line=…::message`), written as text: what the CLI prints with
 * `--format github`, for a runner to read from a step's output. The escaping is the runner's own
 * (actions/runner src/Runner.Common/ActionCommand.cs, which @actions/core mirrors): in the message, % CR LF
 * become %25 %0D %0A; in a property also : and , (%3A %2C), which delimit properties. % goes first, so
 * text that already looks escaped ("%0A") reaches the log as it was written.
 */

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export type CommandProperties = Readonly<Record<string, string | number | undefined>>;

/** One workflow command line (without the newline); properties left undefined are left out. */
export function workflowCommand(command: string, properties: CommandProperties, message: string): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',');
  return `::${command}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}
