/**
 * Flag walk: every flag that `--help` lists (read from the built binary, so flags added later
 * are covered too) is given bad input, and each time the CLI must answer with exactly one line on
 * stderr, a non-zero exit and no stack trace.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FIXTURES, runCli } from '../support/run-cli.js';

interface HelpFlag {
  names: string[];
  /** The value placeholder (`N`, `FILE`, `a|b|c` …), null for a boolean flag. */
  metavar: string | null;
}

/** Flags from the help text: lines starting with `-x, --name` or `--name`, up to the two-space gap. */
export function flagsFromHelp(help: string): HelpFlag[] {
  const out: HelpFlag[] = [];
  for (const line of help.split('\n')) {
    if (!/^\s+-/.test(line)) continue;
    const head = line.trim().split(/\s{2,}/)[0]!;
    const names = [...head.matchAll(/(?:^|[\s,/])(--[a-z][a-z0-9-]*)/g)].map((m) => m[1]!);
    if (names.length === 0) continue;
    const last = head.split(/\s+/).at(-1)!;
    out.push({ names, metavar: last.startsWith('-') || last === '/' ? null : last });
  }
  return out;
}

/** Bad values by kind of placeholder; anything unknown gets the empty string. */
function badValues(flag: string, metavar: string): string[] {
  if (metavar.includes('|') && !/^N\|/.test(metavar)) return ['bogus'];
  if (/^(N|SECONDS)$|^N\|/.test(metavar)) return ['abc', '-5', '0', '1e999'];
  if (metavar.startsWith('CIDR')) return ['not-a-cidr', '10.0.0.0/33', ''];
  if (flag === '--profile') return ['paranoid', ''];
  return [''];
}

const BASE = ['--headless', '--replay', `${FIXTURES}benign-ssh.pcap`];

/** The base run minus whatever the flag under test would override. */
function baseFor(flag: string): string[] {
  if (flag === '--replay') return ['--headless'];
  if (flag === '--headless') return ['--replay', `${FIXTURES}benign-ssh.pcap`];
  return BASE;
}

/** null when the CLI answered with one clear error line; otherwise what it did instead. */
function oneLineErrorProblem(args: string[]): string | null {
  const r = runCli(args, { jsonLines: false, timeoutMs: 30_000 });
  const ok = r.status !== 0 && r.status !== null && r.stderr.trimEnd().split('\n').length === 1 && /^snoopy-tui: \S/.test(r.stderr) && !/\n\s+at |internal error|Error:/.test(r.stderr);
  return ok ? null : `snoopy-tui ${args.join(' ')} → status ${r.status}, stderr ${JSON.stringify(r.stderr)}`;
}

function assertOneLineError(args: string[]): void {
  const problem = oneLineErrorProblem(args);
  assert.equal(problem, null);
}

describe('flag walk over --help', () => {
  const help = runCli(['--help'], { jsonLines: false });
  const flags = flagsFromHelp(help.stdout);

  test('the help lists the flags it should (the parse works)', () => {
    const names = flags.flatMap((f) => f.names);
    for (const f of ['--interface', '--replay', '--threshold', '--headless', '--config', '--test-alerts', '--verbose', '--dashboard']) assert.ok(names.includes(f), f);
    assert.equal(flags.find((f) => f.names.includes('--threshold'))?.metavar, 'N');
    assert.equal(flags.find((f) => f.names.includes('--headless'))?.metavar, null);
    const base = runCli(BASE, { jsonLines: false });
    assert.equal(base.status, 0, `the base run itself succeeds: ${base.stderr}`);
  });

  test('every flag that takes a value: each bad value of its kind is one line and a non-zero exit', (t) => {
    let runs = 0;
    const problems: string[] = [];
    for (const { names, metavar } of flags) {
      if (metavar === null) continue;
      for (const name of names) {
        for (const bad of badValues(name, metavar)) {
          const problem = oneLineErrorProblem([...baseFor(name), `${name}=${bad}`]);
          if (problem !== null) problems.push(problem);
          runs++;
        }
      }
    }
    assert.deepEqual(problems, []);
    t.diagnostic(`${runs} bad values over ${flags.filter((f) => f.metavar !== null).length} value flags`);
    assert.ok(runs >= 20);
  });

  test('every boolean flag given a value (--flag=yes) is one line', (t) => {
    let runs = 0;
    const problems: string[] = [];
    for (const { names, metavar } of flags) {
      if (metavar !== null) continue;
      for (const name of names) {
        const problem = oneLineErrorProblem([`${name}=yes`]);
        if (problem !== null) problems.push(problem);
        runs++;
      }
    }
    assert.deepEqual(problems, []);
    t.diagnostic(`${runs} boolean flags`);
  });

  test('unknown flags, a missing value, a stray argument, and --dashboard with --headless are one line each', () => {
    assertOneLineError(['--no-such-flag']);
    assertOneLineError(['-Z']);
    assertOneLineError([...BASE, '--threshold']);
    assertOneLineError([...BASE, 'stray']);
    assertOneLineError(['--dashboard', ...BASE]);
  });
});

describe('--version', () => {
  test('alone, it prints the package version and nothing else', () => {
    const r = runCli(['--version'], { jsonLines: false });
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^snoopy-tui \d+\.\d+\.\d+\n$/);
    assert.equal(r.stderr, '');
  });

  test('with other flags it goes through the full parse: --help wins, and a bad flag is still refused', () => {
    const help = runCli(['--version', '--help'], { jsonLines: false });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^snoopy-tui — /);
    const bad = runCli(['--version', '--bogus'], { jsonLines: false });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /^snoopy-tui: unknown option --bogus/);
  });
});
