import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/**
 * A child server process that onedoor starts and must stop: its output goes to a
 * log file, its pid to a file, so a launcher that was itself killed leaves
 * nothing that the next start cannot clean up.
 */
export interface ManagedProcessOptions {
  name: string;
  command: string;
  args: string[];
  /** Folder for `<name>.log` and `<name>.pid`. */
  runDir: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export class ManagedProcess {
  readonly name: string;
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> | undefined;
  private readonly options: ManagedProcessOptions;

  constructor(options: ManagedProcessOptions) {
    this.name = options.name;
    this.options = options;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get logFile(): string {
    return path.join(this.options.runDir, `${this.name}.log`);
  }

  private get pidFile(): string {
    return path.join(this.options.runDir, `${this.name}.pid`);
  }

  start(): void {
    fs.mkdirSync(this.options.runDir, { recursive: true });
    killLeftover(this.pidFile, this.options.command);
    const log = fs.openSync(this.logFile, 'a');
    const child = spawn(this.options.command, this.options.args, {
      cwd: this.options.cwd,
      env: this.options.env ?? process.env,
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : null)));
      child.on('error', () => resolve(null));
    });
    if (child.pid) fs.writeFileSync(this.pidFile, `${child.pid}\n${this.options.command}\n`);
  }

  isRunning(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves when the process exits; rejects never. */
  whenExited(): Promise<number | null> {
    return this.exited ?? Promise.resolve(null);
  }

  /** SIGTERM, then SIGKILL if it has not gone within the grace period. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child || !this.isRunning()) {
      this.removePidFile();
      return;
    }
    child.kill('SIGTERM');
    const timedOut = await Promise.race([
      this.whenExited().then(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(true), graceMs).unref()),
    ]);
    if (timedOut) {
      child.kill('SIGKILL');
      await this.whenExited();
    }
    this.removePidFile();
  }

  /** Kills without grace, as a crash would. */
  async kill(): Promise<void> {
    if (this.child && this.isRunning()) {
      this.child.kill('SIGKILL');
      await this.whenExited();
    }
    this.removePidFile();
  }

  lastLogLines(count = 20): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-count).join('\n');
    } catch {
      return '';
    }
  }

  private removePidFile(): void {
    fs.rmSync(this.pidFile, { force: true });
  }
}

/**
 * A pid file left by a launcher that died without cleaning up: if that process
 * still runs the same program it holds our data files, so end it.
 */
function killLeftover(pidFile: string, command: string): void {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 1) return;
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (cmdline.split('\0')[0] === command) process.kill(pid, 'SIGKILL');
  } catch {
    // Gone already, or not ours.
  }
  fs.rmSync(pidFile, { force: true });
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not allocate a port'));
      });
    });
  });
}

/** Waits until something accepts TCP connections on the port, or the process dies, or time runs out. */
export async function waitForPort(
  port: number,
  process: ManagedProcess | undefined,
  timeoutMs: number,
  host = '127.0.0.1',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await canConnect(port, host)) return;
    if (process && !process.isRunning()) {
      throw new Error(`${process.name} exited before listening on ${host}:${port}. Its log:\n${process.lastLogLines()}`);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${process?.name ?? 'server'} did not listen on ${host}:${port} within ${timeoutMs} ms` +
          (process ? `. Its log:\n${process.lastLogLines()}` : ''),
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function canConnect(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
