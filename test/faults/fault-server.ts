import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { type Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';

/**
 * The built server (test/support/shared-build.ts) as a child process, for what only a real
 * process shows: signals, exit codes, the listening socket closing.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** Everything the process printed so far (shown when a test fails). */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** SIGKILL if still running (afterAll). */
  kill(): Promise<void>;
}

export async function startServer(
  main: string,
  port: number,
  env: Record<string, string>,
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [main], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
    at: performance.now(),
  }));
  const server: ServerProcess = {
    child,
    port,
    output: () => output,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
  // Generous: on a loaded 2-core machine a cold start can take several times its usual second.
  const deadline = performance.now() + 60_000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`the server exited with ${child.exitCode}:\n${output}`);
    const res = await send({ port, method: 'GET', path: '/health/ready' });
    if (res.status === 200) return server;
    await new Promise((r) => setTimeout(r, 100));
  }
  await server.kill();
  throw new Error(`the server was not ready within 60 s:\n${output}`);
}

export interface Sent {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  body?: unknown;
  /** The network error instead of a response: ECONNREFUSED, ECONNRESET ("socket hang up"), … */
  error?: string;
  /** When the request was written (the server has it), and when it was answered. */
  sentAt?: number;
  at: number;
}

/** One HTTP request; never rejects: a network failure comes back as `error`. */
export function send(options: {
  port: number;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  agent?: Agent | false;
  timeoutMs?: number;
}): Promise<Sent> {
  return new Promise((resolvePromise) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    let sentAt: number | undefined;
    const req = request(
      {
        host: '127.0.0.1',
        port: options.port,
        method: options.method,
        path: options.path,
        agent: options.agent ?? false,
        headers: {
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
          ...options.headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('error', (error: NodeJS.ErrnoException) =>
          resolvePromise({ error: error.code ?? error.message, sentAt, at: performance.now() }),
        );
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON
          }
          resolvePromise({
            status: res.statusCode,
            headers: res.headers,
            body,
            sentAt,
            at: performance.now(),
          });
        });
      },
    );
    req.setTimeout(options.timeoutMs ?? 20_000, () => req.destroy(new Error('ETIMEDOUT (client)')));
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolvePromise({ error: error.code ?? error.message, sentAt, at: performance.now() }),
    );
    req.on('finish', () => (sentAt = performance.now()));
    req.end(payload);
  });
}
