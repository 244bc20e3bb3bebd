import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseCliArgs } from '../../../src/cli/args.js';
import { resolveRunConfig } from '../../../src/cli/resolve-config.js';
import { parseConfigText } from '../../../src/config/config-file.js';
import { ConfigError } from '../../../src/config/config-error.js';

const resolve = (...argv: string[]) => resolveRunConfig(parseCliArgs(argv));

describe('command line', () => {
  test('defaults: balanced profile, live, TUI speed 1; headless replays at max speed', () => {
    const c = resolve();
    assert.equal(c.profile, 'balanced');
    assert.equal(c.replayFile, null);
    assert.equal(c.thresholds.portScan.ports, 15);
    assert.equal(resolve('--replay', 'x.pcap').speed, 1);
    assert.equal(resolve('--replay', 'x.pcap', '--headless').speed, 'max');
    assert.equal(resolve('--replay', 'x.pcap', '--speed', '4').speed, 4);
  });

  test('profile and --threshold', () => {
    assert.equal(resolve('--profile', 'high-security').thresholds.portScan.ports, 10);
    assert.equal(resolve('--profile', 'development').thresholds.portScan.ports, 50);
    assert.equal(resolve('--profile', 'development', '--threshold', '7').thresholds.portScan.ports, 7);
  });

  const bad: [string[], RegExp][] = [
    [['--bogus'], /^unknown option --bogus \(see --help\)$/],
    [['--profile', 'paranoid'], /--profile must be one of high-security, balanced, development, got 'paranoid'/],
    [['--threshold', 'ten'], /--threshold must be a positive integer, got 'ten'/],
    [['--threshold', '0'], /--threshold must be a positive integer/],
    [['--threshold', '1'], /--threshold must be at least 2/],
    [['--speed', 'fast', '--replay', 'a'], /--speed must be a number from 0\.001 to 1000000, got 'fast'/],
    [['--speed', '1e-300', '--replay', 'a'], /--speed must be a number from 0\.001 to 1000000, got '1e-300'/],
    [['--speed', '2'], /--speed only applies with --replay/],
    [['--home-net', '10.0.0.0/99'], /--home-net: bad prefix length/],
    [['--refresh', '-1'], /option --refresh needs a value \(to pass a value starting with '-', write --refresh=VALUE\)/],
    [['--refresh=-1'], /--refresh must be a number from 0\.05 to 86400/],
    [['-i', 'eth0', '--replay', 'a.pcap'], /exclude each other/],
    [['--replay'], /needs a value/],
    [['stray'], /unexpected argument 'stray'/],
  ];
  for (const [argv, message] of bad) {
    test(`${argv.join(' ')} → one clear line`, () => {
      assert.throws(() => resolve(...argv), (e: unknown) => e instanceof ConfigError && message.test(e.message) && !e.message.includes('\n'));
    });
  }
});

describe('config file', () => {
  test('keys apply, and flags win over the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'snoopy-cfg-'));
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ profile: 'high-security', homeNet: ['10.0.0.0/8'], thresholds: { portScan: { ports: 30, windowSeconds: 5 } }, flows: { capacity: 1000 } }));
    const c = resolve('-c', file);
    assert.equal(c.profile, 'high-security');
    assert.deepEqual(c.homeNet, ['10.0.0.0/8']);
    assert.equal(c.thresholds.portScan.ports, 30);
    assert.equal(c.thresholds.portScan.windowSeconds, 5);
    assert.equal(c.flows.capacity, 1000);
    assert.equal(resolve('-c', file, '--threshold', '12').thresholds.portScan.ports, 12);
  });

  const bad: [string, RegExp][] = [
    ['{"treshold": 5}', /config file t.json: unknown key 'treshold'/],
    ['{"thresholds": {"portScan": {"ports": -3}}}', /key 'thresholds.portScan.ports' must be an integer from 2 to 65536, got -3/],
    ['{"profile": 7}', /key 'profile' must be one of/],
    ['{"homeNet": ["10.0.0.0/8", "bogus"]}', /key 'homeNet': not an IP address or CIDR: "bogus"/],
    ['[1,2]', /the top level must be a JSON object/],
    ['{"debug": "yes"}', /key 'debug' must be true or false/],
    ['{not json', /config file t.json: not valid JSON/],
    ['{"__proto__": {"x": 1}}', /unknown key '__proto__'/],
  ];
  for (const [text, message] of bad) {
    test(`${text} → names the key and the problem`, () => {
      assert.throws(() => parseConfigText(text, 't.json'), (e: unknown) => e instanceof ConfigError && message.test(e.message));
    });
  }

  test('signature patterns are compiled when the config is read: a bad one is one line naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'snoopy-cfg-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ signatures: { XSS: ['ok-pattern', '(unclosed'] } }));
    assert.throws(() => resolve('-c', bad), (e: unknown) => e instanceof ConfigError && /key 'signatures'.*XSS\[1\]/.test(e.message) && !e.message.includes('\n'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ signatures: { XSS: ['evilmarker'] }, thresholds: { bruteForce: { attempts: { ssh: 2 } } } }));
    const c = resolve('-c', good);
    assert.deepEqual(c.signatures, { XSS: ['evilmarker'] });
    assert.equal(c.thresholds.bruteForce.attempts.ssh, 2);
    assert.equal(c.thresholds.bruteForce.attempts.ftp, 10, 'the rest of the profile stays');
  });

  test('suspiciousPorts (a list with risk levels) replaces the risky-port table; bad entries name their key', () => {
    assert.equal(resolve().suspiciousPorts, null, 'default table unless configured');
    const dir = mkdtempSync(join(tmpdir(), 'snoopy-cfg-'));
    const good = join(dir, 'ports.json');
    writeFileSync(good, JSON.stringify({ suspiciousPorts: { '22': { service: 'SSH', risk: 'medium' }, '3306': { service: 'MySQL', risk: 'high' } } }));
    assert.deepEqual(resolve('-c', good).suspiciousPorts, { 22: { name: 'SSH', risk: 'medium' }, 3306: { name: 'MySQL', risk: 'high' } });
    const cases: [unknown, RegExp][] = [
      [{ '70000': { service: 'x', risk: 'low' } }, /'70000' is not a port/],
      [{ http: { service: 'x', risk: 'low' } }, /'http' is not a port/],
      [{ '23': { service: 'Telnet', risk: 'severe' } }, /key 'suspiciousPorts\.23\.risk' must be one of low, medium, high, critical/],
      [{ '23': { service: '', risk: 'low' } }, /key 'suspiciousPorts\.23\.service'/],
      [{ '23': { service: 'Telnet', risk: 'low', note: 'x' } }, /unknown key 'suspiciousPorts\.23\.note'/],
      [['23'], /must be an object of port/],
    ];
    for (const [value, re] of cases) {
      assert.throws(() => parseConfigText(JSON.stringify({ suspiciousPorts: value }), 'c.json'), (e: unknown) => e instanceof ConfigError && re.test(e.message), JSON.stringify(value));
    }
  });

  test('scan detector thresholds come from the profile and the file (thresholds.distributedScan / hostSweep / slowScan / osFingerprint)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'snoopy-cfg-'));
    const file = join(dir, 'scans.json');
    writeFileSync(file, JSON.stringify({ profile: 'development', thresholds: { distributedScan: { sources: 4 }, hostSweep: { hosts: 7, windowSeconds: 9 }, slowScan: { ports: 12 }, osFingerprint: { probeKinds: 6 } } }));
    const c = resolve('-c', file);
    assert.deepEqual(c.thresholds.distributedScan, { ports: 50, sources: 4, windowSeconds: 30 });
    assert.deepEqual(c.thresholds.hostSweep, { hosts: 7, windowSeconds: 9 });
    assert.deepEqual(c.thresholds.slowScan, { ports: 12, windowSeconds: 900 });
    assert.deepEqual(c.thresholds.osFingerprint, { probeKinds: 6, windowSeconds: 30 });
    assert.equal(resolve().thresholds.hostSweep.hosts, 20, 'balanced by default');
    assert.throws(() => parseConfigText('{"thresholds": {"hostSweep": {"hostz": 3}}}', 't.json'), /unknown key 'thresholds.hostSweep.hostz'/);
    assert.throws(() => parseConfigText('{"thresholds": {"slowScan": {"ports": 0}}}', 't.json'), /key 'thresholds.slowScan.ports' must be an integer from 2 to 65536/);
  });

  test('a missing config file is one line', () => {
    assert.throws(() => resolve('-c', '/nonexistent/snoopy.json'), /cannot read config file \/nonexistent\/snoopy.json: no such file/);
  });
});
