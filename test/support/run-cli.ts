import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = `${REPO_ROOT}dist/cli.js`;
export const FIXTURES = `${REPO_ROOT}fixtures/`;

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON lines. */
  lines: Record<string, any>[];
}

/** Runs the built binary (npm test builds first) and parses its JSON lines. */
/** `jsonLines: false` for output that is not JSON lines (reports, help). */
export function runCli(args: string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; jsonLines?: boolean } = {}): CliRun {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    env: options.env ?? process.env,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (options.jsonLines === false) return { status: r.status, stdout: r.stdout, stderr: r.stderr, lines: [] };
  const lines = r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, any>);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, lines };
}

/** `capinfos -c -M` packet count, or null when capinfos is not installed. */
export function capinfosCount(file: string): number | null {
  const r = spawnSync('capinfos', ['-c', '-M', file], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  const m = /Number of packets:\s*(\d+)/.exec(r.stdout);
  return m ? Number(m[1]) : null;
}

export function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}
