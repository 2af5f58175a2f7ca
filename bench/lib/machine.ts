import fs from 'node:fs';
import os from 'node:os';
import { execFileSync } from 'node:child_process';

export interface MachineInfo {
  date: string;
  host: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  temporalCli: string;
  ferretdb: string;
  loadAverageAtStart: [number, number, number];
  loadAverageAtEnd?: [number, number, number];
}

function versionOf(binary: string | undefined, args: string[]): string {
  if (!binary) return 'external';
  try {
    return execFileSync(binary, args, { encoding: 'utf8', timeout: 10_000 }).split('\n').filter(Boolean).slice(0, 1).join(' ').trim();
  } catch {
    return 'unknown';
  }
}

export function loadAverage(): [number, number, number] {
  const [a, b, c] = os.loadavg();
  return [a, b, c].map((x) => Math.round((x ?? 0) * 100) / 100) as [number, number, number];
}

export function machineInfo(temporalBinary: string | undefined, ferretdbBinary: string | undefined): MachineInfo {
  return {
    date: new Date().toISOString(),
    host: os.hostname(),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    temporalCli: versionOf(temporalBinary, ['--version']),
    ferretdb: versionOf(ferretdbBinary, ['--version']),
    loadAverageAtStart: loadAverage(),
  };
}

/** Resident set size of a process in MiB, from /proc (null when it is gone or not local). */
export function rssMiB(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Math.round((Number(match[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

/** CPU time (user + system) a process has used so far, in seconds, from /proc (null when it is gone or not local). */
export function cpuSeconds(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / CLOCK_TICKS : null;
  } catch {
    return null;
  }
}

/** USER_HZ: 100 on every Linux the bench runs on. */
const CLOCK_TICKS = 100;
