// What a result was measured on: the CPU (model, cores), Node, the date and how busy the machine was.
// Figures from two machines differ by more than most changes we measure, so every result carries this,
// and each run is kept under a name that says when and on what (bench/results/<date>-<cpu>.json).
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  /** The clock os.cpus() reports for the first core, in MHz (0 when the kernel does not say). */
  mhz: number;
  node: string;
  /** When the run started (ISO 8601, UTC). */
  date: string;
  /** The 1, 5 and 15 minute load averages when the run started: other work on the machine shows here. */
  loadAverageAtStart: number[];
}

export function describeMachine(): Machine {
  const list = cpus();
  return {
    cpu: cpuModel(list[0]?.model),
    cores: list.length,
    mhz: list[0]?.speed ?? 0,
    node: process.version,
    date: new Date().toISOString(),
    loadAverageAtStart: loadAverage(),
  };
}

export function loadAverage(): number[] {
  return loadavg().map((l) => Math.round(l * 100) / 100);
}

/** os.cpus()'s model; /proc/cpuinfo's when that is empty (some virtual machines). */
function cpuModel(fromOs: string | undefined): string {
  if (fromOs !== undefined && fromOs.trim() !== '' && fromOs !== 'unknown') return fromOs.trim();
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => /^(model name|Hardware|Processor)\s*:/.test(l));
    return line?.split(':')[1]?.trim() || 'unknown CPU';
  } catch {
    return 'unknown CPU';
  }
}

/**
 * A short file-name-safe name of the CPU and its cores: "Intel(R) Xeon(R) CPU @ 2.00GHz" with 2 cores
 * → "intel-xeon-2.00ghz-2c"; "AMD EPYC 7B13" → "amd-epyc-7b13-2c".
 */
export function cpuShortName(machine: Pick<Machine, 'cpu' | 'cores'>): string {
  const words = machine.cpu
    .replace(/\((R|TM|tm|r)\)/g, '')
    .replace(/\b(CPU|Processor|\d+-Core)\b/gi, '')
    .replace(/@/g, '')
    .toLowerCase()
    .split(/[^a-z0-9.]+/)
    .filter((w) => w !== '');
  return [...words.slice(0, 4), `${machine.cores}c`].join('-');
}

/** The file a run is kept in: bench/results/<YYYY-MM-DD>T<HHMM>Z-<cpu>.json (several runs a day each keep their own). */
export function resultFileName(machine: Machine): string {
  const stamp = machine.date.slice(0, 16).replace(':', '');
  return `${stamp}Z-${cpuShortName(machine)}.json`;
}

export function machineLine(machine: Machine): string {
  return `machine: ${machine.cpu}, ${machine.cores} cores${machine.mhz > 0 ? ` (${machine.mhz} MHz)` : ''}; Node ${machine.node}; ${machine.date}; load average ${machine.loadAverageAtStart.join(' / ')} at start`;
}

/**
 * The CPU time (ms) the whole machine spent busy so far, from /proc/stat's first line: user, nice,
 * system, irq, softirq and steal (idle and iowait are not busy; guest time is already in user).
 * NaN where there is no /proc/stat.
 */
export function machineBusyMs(stat?: string): number {
  let text = stat;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/stat', 'utf8');
    } catch {
      return Number.NaN;
    }
  }
  const fields = (text.split('\n')[0] ?? '').trim().split(/\s+/);
  if (fields[0] !== 'cpu') return Number.NaN;
  const [user, nice, system, , , irq, softirq, steal] = fields.slice(1, 9).map(Number);
  // USER_HZ is 100 on Linux: a tick is 10 ms.
  return [user, nice, system, irq, softirq, steal].reduce<number>((sum, ticks) => sum + (ticks ?? 0), 0) * 10;
}

/** utime + stime of a process, in ms (from /proc; clock ticks are 100 per second on Linux); NaN once it is gone. */
export function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** How busy the machine was over a stretch: in cores, by the bench's own processes and by everything else. */
export interface CpuShare {
  seconds: number;
  /** The bench's processes (the generator, the local servers, the targets measured). */
  benchCores: number;
  /** Other work on the machine meanwhile (other people's builds and tests, the system). */
  otherCores: number;
}

/**
 * Starts measuring; the function returned ends the stretch. `pids` are the bench's processes, alive for
 * the whole stretch: their CPU is subtracted from the machine's to give the rest's.
 */
export function cpuShare(pids: ReadonlyArray<number | undefined>): () => CpuShare {
  const started = performance.now();
  const machine = machineBusyMs();
  const own = pids.map(processCpuMs);
  return () => {
    const seconds = (performance.now() - started) / 1000;
    const bench = pids.map(processCpuMs).reduce((sum, ms, i) => sum + (ms - own[i]!), 0);
    const busy = machineBusyMs() - machine;
    const cores = (ms: number) => Math.round((ms / 1000 / seconds) * 100) / 100;
    return { seconds: Math.round(seconds * 10) / 10, benchCores: cores(bench), otherCores: cores(Math.max(0, busy - bench)) };
  };
}
