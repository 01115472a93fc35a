/**
 * An error the user can fix (an input, a file, a configuration). Its message is complete on its own:
 * it names what is wrong, shows the value (unless secret) and says what is accepted.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
}

/** What a parser returns instead of a value it refuses: the reason, in words for the user. */
export interface Problem {
  problem: string;
}

/** The message of anything thrown, without assuming it is an Error. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}
