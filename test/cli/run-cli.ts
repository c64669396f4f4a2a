import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs a built CLI script to its exit, from the project root, with stdin an open pipe nobody
 * writes to (a CLI that prompted would hang, not pass), or, given `input`, a pipe that carries
 * `input` and then closes. `env` is laid over this process's environment; an `undefined` value
 * removes the variable. SIGKILL after `timeoutMs`: then `code` is null.
 */
export async function runCli(
  script: string,
  args: string[],
  env: Record<string, string | undefined>,
  timeoutMs: number,
  input?: string,
): Promise<CliRun> {
  const started = performance.now();
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env };
  for (const [name, value] of Object.entries(childEnv))
    if (value === undefined) delete childEnv[name];
  const child = spawn(process.execPath, [script, ...args], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (input !== undefined) child.stdin.end(input);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(killer);
  return { code, stdout, stderr, ms: performance.now() - started };
}
