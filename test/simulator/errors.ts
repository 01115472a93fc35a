/** An error the simulated service answers with: AWS's error type (code) and HTTP status. */
export class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export const notFound = (type: string, message: string) => new AwsError(type, message, 400);
export const invalidParameter = (message: string) => new AwsError('InvalidParameterException', message, 400);
