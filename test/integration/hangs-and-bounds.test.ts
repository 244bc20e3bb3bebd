/**
 * Inputs that hung or spun the engine — a FIFO
 * or /dev/zero as capture, config or blocklist, `--speed 1e-300`, a flow capacity past 2^29 — and
 * a capture of a link type the decoder cannot read. Each is now one clear line and a non-zero
 * exit, well within a deadline (a hang would be killed by spawnSync's timeout: status null).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { FIXTURES, runCli } from '../support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'snoopy-hangs-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const fifo = join(dir, 'fifo');
execFileSync('mkfifo', [fifo]);
const REPLAY = ['--headless', '--replay', `${FIXTURES}nmap-syn.pcap`];

function oneLineError(args: string[], pattern: RegExp, status = 1): void {
  const started = Date.now();
  const r = runCli(args, { timeoutMs: 15_000, jsonLines: false });
  assert.notEqual(r.status, null, `${args.join(' ')}: still running after 15 s (killed)`);
  assert.equal(r.status, status, `${args.join(' ')}: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, pattern);
  assert.ok(Date.now() - started < 10_000);
}

describe('inputs that hung the engine are one line and a non-zero exit', () => {
  test('--replay FIFO, --replay /dev/zero', () => {
    oneLineError(['--headless', '--replay', fifo], /^snoopy-tui: capture file is not a regular file \(a FIFO\): /);
    oneLineError(['--headless', '--replay', '/dev/zero'], /not a regular file \(a character device\): \/dev\/zero$/);
  });

  test('-c FIFO, -c /dev/zero, and a config file past 1 MiB', () => {
    oneLineError([...REPLAY, '-c', fifo], /^snoopy-tui: cannot read config file .*fifo: not a regular file \(a FIFO\)$/);
    oneLineError([...REPLAY, '-c', '/dev/zero'], /cannot read config file \/dev\/zero: not a regular file \(a character device\)$/);
    const big = join(dir, 'big.json');
    writeFileSync(big, `{"profile":"balanced"${' '.repeat(2 << 20)}}`);
    oneLineError([...REPLAY, '-c', big], /cannot read config file .*big\.json: larger than 1048576 bytes/);
  });

  test('--blocklist FIFO, --blocklist /dev/zero', () => {
    oneLineError([...REPLAY, '--blocklist', fifo], /^snoopy-tui: cannot read blocklist .*fifo: not a regular file \(a FIFO\)$/);
    oneLineError([...REPLAY, '--blocklist', '/dev/zero'], /cannot read blocklist \/dev\/zero: not a regular file/);
  });

  test('--speed 1e-300 and other numbers out of range, on the command line and in the config', () => {
    oneLineError([...REPLAY, '--speed', '1e-300'], /--speed must be a number from 0\.001 to 1000000, got '1e-300'/);
    oneLineError([...REPLAY, '--refresh', '1e-300'], /--refresh must be a number from 0\.05 to 86400/);
    const cfg = (o: unknown) => {
      const p = join(dir, `c${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(p, JSON.stringify(o));
      return p;
    };
    oneLineError([...REPLAY, '-c', cfg({ speed: 1e-300 })], /key 'speed' must be a number from 0\.001 to 1000000/);
    oneLineError([...REPLAY, '-c', cfg({ flows: { capacity: 2 ** 30 } })], /key 'flows\.capacity' must be an integer from 16 to 16777216/);
    oneLineError([...REPLAY, '-c', cfg({ thresholds: { flood: { synPps: 1e-300 } } })], /key 'thresholds\.flood\.synPps' must be a positive number from 0\.000001 to 1073741824, got 1e-300/);
  });

  test('a capture of a link type we cannot decode (147, USER0) is one line, not a quiet exit 0', () => {
    const pcap = Buffer.from(readFileSync(`${FIXTURES}nmap-syn.pcap`));
    pcap.writeUInt32LE(147, 20);
    const file = join(dir, 'user0.pcap');
    writeFileSync(file, pcap);
    oneLineError(['--headless', '--replay', file], /^snoopy-tui: link type 147 \(LINKTYPE_147\) cannot be decoded; supported: .*user0\.pcap$/);
  });
});
