/** Docker CLI login and logout. The password goes on standard input, never on the command line. */
import type { CommandRunner } from '../exec.js';

export class DockerLoginError extends Error {
  override readonly name = 'DockerLoginError';
  constructor(
    readonly registry: string,
    readonly stderr: string,
  ) {
    super(`docker login to ${registry} failed: ${stderr.trim() || '(no message)'}`);
  }

  /** The Docker CLI is there but no daemon answers (common on daemonless runners). */
  get daemonUnreachable(): boolean {
    return /Cannot connect to the Docker daemon|Is the docker daemon running|error during connect/i.test(
      this.stderr,
    );
  }
}

function redact(text: string, secret: string): string {
  return secret ? text.split(secret).join('***') : text;
}

export async function dockerLogin(
  runner: CommandRunner,
  docker: string,
  login: { registry: string; username: string; password: string },
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const result = await runner.run(
    docker,
    ['login', '--username', login.username, '--password-stdin', login.registry],
    {
      input: login.password,
      env,
    },
  );
  if (result.code !== 0) throw new DockerLoginError(login.registry, redact(result.stderr, login.password));
}

export async function dockerLogout(
  runner: CommandRunner,
  docker: string,
  registry: string,
  env: NodeJS.ProcessEnv,
): Promise<{ ok: boolean; message: string }> {
  const result = await runner.run(docker, ['logout', registry], { env });
  return { ok: result.code === 0, message: (result.code === 0 ? result.stdout : result.stderr).trim() };
}
