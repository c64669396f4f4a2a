import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/** A child process of the bench (the app, the bare server, a CLI), its output in a log file. */
export interface Child {
  readonly name: string;
  readonly proc: ChildProcess;
  readonly pid: number;
  readonly logFile: string;
  /** `performance.now()` just before the spawn. */
  readonly spawnedAt: number;
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  readonly exited: Promise<number | string>;
  exitStatus: number | string | undefined;
}

/**
 * Every process the bench starts goes through here, so that all of them are stopped on every
 * way out: normal end, failure, time budget, Ctrl-C (see {@link Processes.stopAll} and
 * {@link Processes.killAllSync}).
 */
export class Processes {
  private readonly children = new Set<Child>();

  /** Children run in `logDir`: no `.env` of a working copy leaks into a run. */
  constructor(readonly logDir: string) {}

  /** Starts `node <args>` with exactly `env`. */
  start(name: string, args: string[], env: NodeJS.ProcessEnv): Child {
    const logFile = join(this.logDir, `${name}.log`);
    const fd = openSync(logFile, 'a');
    const spawnedAt = performance.now();
    const proc = spawn(process.execPath, args, {
      cwd: this.logDir,
      env,
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    if (proc.pid === undefined) throw new Error(`could not start ${name}`);
    let resolveExit: (status: number | string) => void = () => undefined;
    const exited = new Promise<number | string>((resolve) => (resolveExit = resolve));
    const child: Child = {
      name,
      proc,
      pid: proc.pid,
      logFile,
      spawnedAt,
      exited,
      exitStatus: undefined,
    };
    proc.once('exit', (code, signal) => {
      child.exitStatus = code ?? signal ?? 'unknown';
      this.children.delete(child);
      resolveExit(child.exitStatus);
    });
    this.children.add(child);
    return child;
  }

  /** Runs `node <args>` to completion; rejects with the end of its log unless it exits 0. */
  async run(
    name: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    timeoutMs: number,
  ): Promise<void> {
    const child = this.start(name, args, env);
    const timer = setTimeout(() => child.proc.kill('SIGKILL'), timeoutMs);
    const status = await child.exited;
    clearTimeout(timer);
    if (status !== 0) {
      throw new Error(`${name} exited with ${status}:\n${logTail(child.logFile)}`);
    }
  }

  /** SIGTERM (the app's graceful shutdown), then SIGKILL after `graceMs`. */
  async stop(child: Child, graceMs = 5_000): Promise<void> {
    if (child.exitStatus !== undefined) return;
    child.proc.kill('SIGTERM');
    const timer = setTimeout(() => child.proc.kill('SIGKILL'), graceMs);
    await child.exited;
    clearTimeout(timer);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.children].map((child) => this.stop(child)));
  }

  /** Last resort from a `process.on('exit')` handler, where nothing asynchronous runs. */
  killAllSync(): void {
    for (const child of this.children) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

export function logTail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** A port free on the loopback interface right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function probe(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 1_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(0));
  });
}

/**
 * Polls `url` every 10 ms until it answers 200; returns the milliseconds from the child's spawn.
 * Rejects when the child dies first or `timeoutMs` passes.
 */
export async function waitReady(child: Child, url: string, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitStatus !== undefined) {
      throw new Error(
        `${child.name} exited (${child.exitStatus}) before ready:\n${logTail(child.logFile)}`,
      );
    }
    if ((await probe(url)) === 200) return performance.now() - child.spawnedAt;
    await sleep(10);
  }
  throw new Error(`${child.name} not ready within ${timeoutMs} ms:\n${logTail(child.logFile)}`);
}

/** Resident memory of a process in MB (VmRSS of /proc/<pid>/status); NaN if it is gone. */
export function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return kb ? Number(kb[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Samples a process's RSS every 250 ms while running; the peak is what "under load" reports. */
export class RssSampler {
  private timer: NodeJS.Timeout | undefined;
  peak = 0;

  constructor(private readonly pid: number) {}

  /** Samples while `work` runs; returns its result. */
  async during<T>(work: () => Promise<T>): Promise<T> {
    this.sample();
    this.timer = setInterval(() => this.sample(), 250);
    try {
      return await work();
    } finally {
      clearInterval(this.timer);
      this.sample();
    }
  }

  private sample(): void {
    const mb = rssMb(this.pid);
    if (mb > this.peak) this.peak = mb;
  }
}

/** The soft limit on open files of this process (inherited by its children). */
export function openFileLimit(): number {
  const limits = readFileSync('/proc/self/limits', 'utf8');
  const match = /^Max open files\s+(\d+|unlimited)/m.exec(limits);
  return !match || match[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(match[1]);
}
