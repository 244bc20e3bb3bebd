/**
 * Section "start": how long `snoopy-tui --version` takes as a whole process (spawn to exit),
 * beside `tcpdump --version` and `tshark --version` measured the same way, RUNS times each,
 * one after the other. The time to the first TUI frame is the "ui" section's row.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CLI, ROOT } from './bench-netns.js';
import { makeRow, passMiss, skippedRow, spread, type Row, type SectionResult } from './table.js';

const RUNS = 5;
const TARGET_VERSION_S = 0.15;
const SECTION = 'start';

/** Wall time of one whole process, in seconds; null when it did not exit 0. */
function wall(cmd: string, args: string[]): number | null {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'ignore' });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return r.status === 0 ? s : null;
}

function runs(cmd: string, args: string[]): number[] | null {
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = wall(cmd, args);
    if (s === null) return null;
    out.push(s);
  }
  return out;
}

export async function benchStart(): Promise<SectionResult> {
  if (!existsSync(CLI)) return { rows: [skippedRow(SECTION, 'dist/cli.js missing (npm run build)')], raw: null };
  const ours = runs(process.execPath, [CLI, '--version']);
  if (ours === null) return { rows: [skippedRow(SECTION, 'node dist/cli.js --version failed')], raw: null };
  const bare = runs(process.execPath, ['-e', '0']);
  const tcpdump = runs('tcpdump', ['--version']);
  const tshark = runs('tshark', ['--version']);
  const s = spread(ours);
  const rows: Row[] = [
    makeRow(SECTION, 'snoopy-tui --version (node dist/cli.js --version)', s, 's', {
      target: `≤ ${TARGET_VERSION_S} s`,
      result: passMiss(s.median <= TARGET_VERSION_S),
      note: bare === null ? undefined : `node -e 0 alone: median ${spread(bare).median.toFixed(3)} s`,
    }),
  ];
  if (tcpdump !== null) rows.push(makeRow(SECTION, 'tcpdump --version', spread(tcpdump), 's'));
  if (tshark !== null) rows.push(makeRow(SECTION, 'tshark --version', spread(tshark), 's'));
  return { rows, raw: { ours, node_e_0: bare, tcpdump, tshark } };
}
