import { readdir, readFile } from 'node:fs/promises';
import type { ProcessSample } from '../../model/process-sample.js';


export interface ProcessSampler {
  sample(): Promise<ProcessSample[]>;
}

const MAX_CMDLINE_BYTES = 4096;

/**
 * Reads every process's stat and cmdline from /proc (Linux). Bounded: at most `maxProcesses`
 * per sample. Processes that vanish between listing and reading are skipped. Nothing from a
 * process ever reaches a shell: names and command lines are data.
 */
export class ProcSampler implements ProcessSampler {
  skipped = 0;

  constructor(
    private readonly procRoot = '/proc',
    private readonly maxProcesses = 8192,
  ) {}

  async sample(): Promise<ProcessSample[]> {
    const names = await readdir(this.procRoot);
    const out: ProcessSample[] = [];
    for (const entry of names) {
      if (out.length >= this.maxProcesses) {
        this.skipped++;
        break;
      }
      if (!/^\d+$/.test(entry)) continue;
      const s = await this.read(Number(entry));
      if (s !== null) out.push(s);
    }
    return out;
  }

  private async read(pid: number): Promise<ProcessSample | null> {
    try {
      const stat = await readFile(`${this.procRoot}/${pid}/stat`, 'latin1');
      // "pid (comm) state ppid …": comm may contain spaces and parentheses, so cut at the last ')'.
      const close = stat.lastIndexOf(')');
      const open = stat.indexOf('(');
      if (open < 0 || close < open) return null;
      const fields = stat.slice(close + 2).split(' ');
      // Fields after comm start at index 3 (state); utime and stime are fields 14 and 15.
      const cpuTicks = Number(fields[11]) + Number(fields[12]);
      const raw = await readFile(`${this.procRoot}/${pid}/cmdline`);
      const cut = raw.subarray(0, Math.min(raw.length, MAX_CMDLINE_BYTES));
      const cmdline = new TextDecoder('utf-8', { fatal: false }).decode(cut).replace(/\0+$/, '').replace(/\0/g, ' ');
      const name = Buffer.from(stat.slice(open + 1, close), 'latin1').toString('utf8');
      return { pid, name, cmdline, cpuTicks: Number.isFinite(cpuTicks) ? cpuTicks : 0 };
    } catch {
      return null; // gone, or not ours to read
    }
  }
}
