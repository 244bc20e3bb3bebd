/**
 * End to end, live: the real binary (`node dist/cli.js --headless`) captures inside a victim
 * network namespace while real tools (nmap, curl, nping) act from an attacker namespace joined
 * by a veth pair. Traffic never leaves the two namespaces this file creates.
 *
 * Needs root, `ip netns`, nmap, nping, tcpdump, tshark, curl, python3, and a built dist/
 * (`npx tsc -p .`); skipped with the reason otherwise.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import {
  cleanupOnExit,
  createNetnsPair,
  destroyNetnsPair,
  execIn,
  inNetns,
  interfacePackets,
  netnsSkipReason,
  onPath,
  spawnIn,
  stopChild,
  sweepStaleNamespaces,
  type NetnsPair,
} from '../support/netns.js';
import { assertAlertContract, assertOneLineError, assertStatsContract } from './contract.js';
import { waitFor, waitForValue } from '../support/wait-for.js';
import { CLI_PATH, HeadlessProcess } from './headless-process.js';

const REPO_ROOT = new URL('../../', import.meta.url).pathname;
const TOOLS = ['ip', 'nmap', 'nping', 'tcpdump', 'tshark', 'curl', 'python3'];
/** The contract's bound: an alert is on stdout within this long of the scan's last probe. */
const MAX_ALERT_DELAY_MS = 2000;
/** Stats every 0.2 s: the first one with packets > 0 shows the engine is capturing. */
const REFRESH = '0.2';

const skipReason: string | null = (() => {
  const env = netnsSkipReason(TOOLS);
  if (env !== null) return env;
  if (!existsSync(CLI_PATH)) return `${CLI_PATH} is missing: build first with npx tsc -p .`;
  return null;
})();

let net: NetnsPair;
let tmp: string | undefined;
let removeExitHandlers: (() => void) | null = null;

before(async () => {
  if (skipReason !== null) return;
  sweepStaleNamespaces();
  net = await createNetnsPair();
  removeExitHandlers = cleanupOnExit(net);
  tmp = mkdtempSync(join(tmpdir(), 'snoopy-e2e-'));
});

function tmpDir(): string {
  assert.ok(tmp !== undefined, 'set up in before()');
  return tmp;
}

after(() => {
  if (skipReason !== null) return;
  // `net` is unset when before() failed half-way; createNetnsPair cleans up after itself then.
  if (net !== undefined) destroyNetnsPair(net);
  removeExitHandlers?.();
  if (tmp === undefined) return;
  // SNOOPY_E2E_KEEP=1 keeps the captures for a post-mortem.
  if (process.env.SNOOPY_E2E_KEEP) process.stdout.write(`# captures kept in ${tmp}\n`);
  else rmSync(tmp, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Helpers

/** Starts the engine in the victim namespace and returns once it demonstrably captures. */
async function startEngine(args: string[], readiness: 'icmp' | 'tcp22' = 'icmp'): Promise<HeadlessProcess> {
  const engine = new HeadlessProcess(net.victim, ['--headless', '--refresh', REFRESH, ...args]);
  // Probes every 200 ms until a stats line counts a packet; ICMP echoes are no scan probes,
  // and SYNs to the one port 22 are not a scan either.
  const probe =
    readiness === 'icmp'
      ? ['nping', '--icmp', '-c', '50', '--delay', '200ms', net.victimV4]
      : ['nping', '--tcp', '-p', '22', '-c', '50', '--delay', '200ms', net.victimV4];
  const pinger = spawnIn(net.attacker, probe, { stdio: 'ignore' });
  try {
    await engine.waitForLine((j) => j.event_type === 'stats' && typeof j.packets === 'number' && j.packets > 0, 10_000, 'stats line with packets > 0 (engine capturing)');
  } catch (e) {
    engine.kill();
    throw e;
  } finally {
    await stopChild(pinger, 'SIGKILL');
  }
  return engine;
}

interface Capture {
  file: string;
  /** Resolves once tcpdump has taken in as many frames as the veth carried since it started listening. */
  drained(): Promise<void>;
  /** Stops tcpdump; throws when the kernel dropped packets (the pcap would then miss probes). */
  stop(): Promise<void>;
}

/** tcpdump's statistics lines so far (one per SIGUSR1, and the last at exit), as [captured, dropped]. */
function tcpdumpStats(stderr: string): [number, number][] {
  const one = [...stderr.matchAll(/(\d+) packets? captured, \d+ packets? received by filter, (\d+) packets? dropped by kernel/g)].map((m) => [Number(m[1]), Number(m[2])] as [number, number]);
  const atExit = /(\d+) packets? captured\n\d+ packets? received by filter\n(\d+) packets? dropped by kernel/.exec(stderr);
  return atExit === null ? one : [...one, [Number(atExit[1]), Number(atExit[2])]];
}

/**
 * tcpdump on the victim's veth, returned once it listens. Immediate mode, or packets wait in a
 * ring block that SIGINT never flushes; no -U (a flush per packet makes the kernel drop), and a
 * large buffer, because nmap sends its 200 probes within a few milliseconds.
 */
async function startTcpdump(name: string): Promise<Capture> {
  const file = join(tmpDir(), `${name}.pcap`);
  const td = spawnIn(net.victim, ['tcpdump', '-i', net.victimIf, '-n', '--immediate-mode', '-B', '32768', '-Z', 'root', '-w', file]);
  let err = '';
  td.stdout!.resume();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tcpdump did not start listening within 5 s: ${err}`)), 5000);
    td.stderr!.setEncoding('utf8');
    td.stderr!.on('data', (s: string) => {
      err += s;
      if (/listening on/.test(err)) {
        clearTimeout(timer);
        resolve();
      }
    });
    td.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tcpdump exited (${code}): ${err}`));
    });
  });
  const baseline = interfacePackets(net.victim, net.victimIf);
  return {
    file,
    // Frames still in the kernel ring when tcpdump gets SIGINT may never reach the file: before
    // stopping, ask tcpdump for its count (SIGUSR1 prints it) until it has every frame the veth
    // carried since it listened. Frames from before that count too, so it can only be ahead.
    drained: async () => {
      let expected = 0;
      await waitFor(
        async () => {
          expected = interfacePackets(net.victim, net.victimIf) - baseline;
          const before = tcpdumpStats(err).length;
          td.kill('SIGUSR1');
          const [captured] = await waitForValue(() => tcpdumpStats(err)[before], { timeoutMs: 5000, message: 'tcpdump to print its statistics on SIGUSR1' });
          return captured >= expected;
        },
        { timeoutMs: 15_000, intervalMs: 50, message: () => `tcpdump to have captured the ${expected} frames the veth carried (tcpdump stderr: ${err.trim()})` },
      );
    },
    stop: async () => {
      await stopChild(td, 'SIGINT', 5000);
      const last = tcpdumpStats(err).at(-1);
      if (last === undefined || last[1] !== 0) throw new Error(`tcpdump lost packets, the pcap is incomplete: ${err.trim()}`);
    },
  };
}

interface Frame {
  /** Epoch milliseconds (capture time on the victim's veth). */
  ms: number;
  src: string;
  dstPort: number | null;
}

async function readFrames(file: string): Promise<Frame[]> {
  const r = await execFileText('tshark', ['-n', '-r', file, '-T', 'fields', '-E', 'separator=\t', '-e', 'frame.time_epoch', '-e', 'ip.src', '-e', 'ipv6.src', '-e', 'tcp.dstport'], 30_000);
  if (r.code !== 0) throw new Error(`tshark -r ${file} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [epoch, v4, v6, port] = l.split('\t');
      return { ms: Number(epoch) * 1000, src: v4 || v6 || '', dstPort: port ? Number(port) : null };
    });
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion with a hard timeout; never rejects on a non-zero exit. */
function execFileText(cmd: string, args: string[], timeoutMs = 15_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function runCliIn(ns: string, prefix: string[], args: string[]): Promise<RunResult> {
  const [cmd, argv] = inNetns(ns, [...prefix, process.execPath, CLI_PATH, ...args]);
  return execFileText(cmd, argv);
}

interface ScanCase {
  name: string;
  iface: () => string;
  nmap: () => string[];
  attackerIp: () => string;
  targetIp: () => string;
  scanType: string;
}

/**
 * The live scenario of a scan: engine capturing, tcpdump alongside, nmap from the attacker;
 * then the alert, its delay after the scan's last probe, a clean SIGINT shutdown.
 */
async function scanScenario(t: TestContext, c: ScanCase): Promise<void> {
  const iface = c.iface();
  const engine = await startEngine(['-i', iface]);
  try {
    const capture = await startTcpdump(c.name.replace(/\W+/g, '-'));
    const nmap = await execIn(net.attacker, ['nmap', ...c.nmap()], 60_000);
    assert.match(nmap.stdout, /Nmap done: 1 IP address \(1 host up\)/, `nmap ran: ${nmap.stdout}`);
    await capture.drained();
    await capture.stop();

    const frames = await readFrames(capture.file);
    const probes = frames.filter((f) => f.src === c.attackerIp());
    assert.ok(probes.length >= 200, `tcpdump saw the scan (${probes.length} frames from ${c.attackerIp()} of ${frames.length}: ${JSON.stringify(frames.slice(0, 3))})`);
    const firstProbe = probes[0]!.ms;
    const lastProbe = probes[probes.length - 1]!.ms;

    const alertLine = await engine.waitForLine((j) => j.event_type === 'alert', Math.max(100, lastProbe + 5000 - Date.now()), 'alert line');
    // Everything tcpdump saw has reached the engine too before we stop it (no loss, no late duplicate).
    await engine.waitForLine((j) => j.event_type === 'stats' && (j.packets as number) >= frames.length, 5000, `stats line with packets >= ${frames.length} (the pcap's frame count)`);
    const status = await engine.interrupt();

    // Delay after the last probe (the contract's bound), and the detection latency after the
    // probe that crossed the threshold (the ports_count of the first alert line).
    const delay = alertLine.at - lastProbe;
    const alert = alertLine.json!;
    const threshold = (alert.attack_details as Record<string, unknown>).ports_count as number;
    const seen = new Set<number>();
    let crossing: number | null = null;
    for (const p of probes) {
      if (p.dstPort === null) continue;
      seen.add(p.dstPort);
      if (seen.size === threshold) {
        crossing = p.ms;
        break;
      }
    }
    const summary = `${c.name}: alert ${delay.toFixed(1)} ms after the scan's last probe (scan lasted ${(lastProbe - firstProbe).toFixed(1)} ms, ${probes.length} frames from the attacker); ${crossing === null ? 'threshold probe not found' : `${(alertLine.at - crossing).toFixed(1)} ms after the probe of port #${threshold}`}`;
    t.diagnostic(summary);

    assert.ok(delay <= MAX_ALERT_DELAY_MS, `alert within ${MAX_ALERT_DELAY_MS} ms of the last probe (took ${delay.toFixed(1)} ms)`);
    assert.ok(alertLine.at >= firstProbe, 'the alert came after the scan started');

    assert.deepEqual(engine.nonJsonLines(), [], 'every stdout line is a JSON object');
    const alerts = engine.byType('alert').map((l) => l.json!);
    assert.equal(alerts.length, 1, `exactly one alert line: ${JSON.stringify(alerts)}`);
    for (const a of alerts) assertAlertContract(a, 'alert');
    for (const u of engine.byType('alert_update')) {
      assertAlertContract(u.json!, 'alert_update');
      assert.equal(u.json!.id, alert.id, 'updates carry the id of the alert they update');
    }
    assert.equal(alert.attack_type, 'PORT_SCAN');
    assert.equal(alert.attacker_ip, c.attackerIp());
    assert.equal(alert.target_ip, c.targetIp());
    const details = alert.attack_details as Record<string, unknown>;
    assert.equal(details.scan_type, c.scanType);
    assert.equal(details.interface, iface);
    const ts = Date.parse(alert.timestamp as string);
    assert.ok(ts >= firstProbe - 1000 && ts <= lastProbe + 1000, `timestamp ${alert.timestamp} is packet time within the scan`);

    assert.deepEqual(status, { code: 0, signal: null }, `exit after SIGINT; stderr: ${engine.stderr}`);
    const last = engine.lines[engine.lines.length - 1]?.json;
    assert.ok(last !== undefined, 'a last line');
    assertStatsContract(last);
    assert.ok((last.packets as number) > 0, 'the last stats line counts packets');
    assert.ok((last.alerts as number) >= 1, 'the last stats line counts the alert');
    assert.doesNotMatch(engine.stderr, /internal error|\n\s+at /, 'no crash on stderr');
    if (engine.stderr !== '') t.diagnostic(`engine stderr: ${engine.stderr.trim()}`);
  } finally {
    engine.kill();
  }
}

// ---------------------------------------------------------------------------------------------
// Tests

describe('live headless capture in network namespaces', { skip: skipReason ?? false }, () => {
  test('nmap SYN scan (IPv4) gives one PORT_SCAN alert within 2 s, SIGINT ends with stats', { timeout: 45_000 }, async (t) => {
    await scanScenario(t, {
      name: 'SYN scan IPv4',
      iface: () => net.victimIf,
      nmap: () => ['-Pn', '-n', '-sS', '-T4', '--top-ports', '200', net.victimV4],
      attackerIp: () => net.attackerV4,
      targetIp: () => net.victimV4,
      scanType: 'SYN',
    });
  });

  test('nmap connect scan (-sT) is named CONNECT', { timeout: 45_000 }, async (t) => {
    await scanScenario(t, {
      name: 'connect scan IPv4',
      iface: () => net.victimIf,
      nmap: () => ['-Pn', '-n', '-sT', '-T4', '--top-ports', '200', net.victimV4],
      attackerIp: () => net.attackerV4,
      targetIp: () => net.victimV4,
      scanType: 'CONNECT',
    });
  });

  test('nmap SYN scan over IPv6 names fd88::1', { timeout: 45_000 }, async (t) => {
    await scanScenario(t, {
      name: 'SYN scan IPv6',
      iface: () => net.victimIf,
      nmap: () => ['-6', '-Pn', '-n', '-sS', '-T4', '--top-ports', '200', net.victimV6],
      attackerIp: () => net.attackerV6,
      targetIp: () => net.victimV6,
      scanType: 'SYN',
    });
  });

  test('-i any (Linux cooked capture) detects the SYN scan', { timeout: 45_000 }, async (t) => {
    await scanScenario(t, {
      name: 'SYN scan on -i any',
      iface: () => 'any',
      nmap: () => ['-Pn', '-n', '-sS', '-T4', '--top-ports', '200', net.victimV4],
      attackerIp: () => net.attackerV4,
      targetIp: () => net.victimV4,
      scanType: 'SYN',
    });
  });

  test('benign HTTP requests and pings give no alert', { timeout: 45_000 }, async (t) => {
    const root = mkdtempSync(join(tmpDir(), 'www-'));
    writeFileSync(join(root, 'index.html'), '<h1>hello</h1>\n');
    const engine = await startEngine(['-i', net.victimIf]);
    const server = spawnIn(net.victim, ['python3', '-m', 'http.server', '8080', '--bind', '::', '--directory', root], { stdio: 'ignore' });
    try {
      // Wait for the server; each try is one request to one port.
      await waitFor(
        async () => (await execIn(net.attacker, ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '2', `http://${net.victimV4}:8080/`], 5000).catch(() => null))?.stdout === '200',
        { timeoutMs: 20_000, intervalMs: 100, message: 'python3 -m http.server answering 200' },
      );
      for (let i = 0; i < 5; i++) {
        const r = await execIn(net.attacker, ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '5', `http://${net.victimV4}:8080/${i % 2 === 0 ? '' : 'missing.html'}`], 10_000);
        assert.equal(r.stdout, i % 2 === 0 ? '200' : '404');
      }
      const v6 = await execIn(net.attacker, ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '5', '-g', `http://[${net.victimV6}]:8080/`], 10_000);
      assert.equal(v6.stdout, '200', 'the server answers over IPv6 too');
      await execIn(net.attacker, ['nping', '--icmp', '-c', '5', '--delay', '50ms', net.victimV4], 15_000);
      // Two more stats lines: whatever the traffic raised would be on stdout by then.
      const mark = engine.lines.length;
      await engine.waitForLine((j) => j.event_type === 'stats', 2000, 'stats line', mark);
      await engine.waitForLine((j) => j.event_type === 'stats', 2000, 'second stats line', engine.lines.length);
      const status = await engine.interrupt();

      assert.deepEqual(engine.nonJsonLines(), []);
      const alerts = engine.lines.filter((l) => l.json?.event_type === 'alert' || l.json?.event_type === 'alert_update').map((l) => l.json);
      assert.deepEqual(alerts, [], 'no alert for benign traffic');
      assert.deepEqual(status, { code: 0, signal: null }, `exit after SIGINT; stderr: ${engine.stderr}`);
      const last = engine.lines[engine.lines.length - 1]?.json;
      assert.ok(last !== undefined);
      assertStatsContract(last);
      assert.equal(last.alerts, 0);
      assert.ok((last.packets as number) >= 40, `the engine saw the benign traffic (${String(last.packets)} packets)`);
      t.diagnostic(`benign run: ${String(last.packets)} packets, 0 alerts`);
    } finally {
      await stopChild(server, 'SIGTERM');
      engine.kill();
    }
  });

  test("--bpf 'tcp port 22' reaches libpcap: the scan of other ports is not seen", { timeout: 45_000 }, async (t) => {
    const engine = await startEngine(['-i', net.victimIf, '--bpf', 'tcp port 22'], 'tcp22');
    try {
      const capture = await startTcpdump('bpf');
      await execIn(net.attacker, ['nmap', '-Pn', '-n', '-sS', '-T4', '--top-ports', '200', net.victimV4], 60_000);
      await capture.drained();
      await capture.stop();
      const frames = await readFrames(capture.file);
      const port22 = frames.filter((f) => f.dstPort === 22).length;
      assert.ok(frames.length >= 400, `the scan happened (${frames.length} frames on the veth)`);
      assert.ok(port22 >= 1, 'nmap probed port 22 too');
      // The engine has caught up with the scan once it counts a SYN to 22 sent after it: the
      // ring is read in order. (Scan frames let through by a broken filter would have been
      // counted long before, during the tcpdump and tshark work above, and fail the bound below.)
      const counted = Number(engine.byType('stats').at(-1)?.json?.packets ?? 0);
      const mark = engine.lines.length;
      await execIn(net.attacker, ['nping', '--tcp', '-p', '22', '-c', '1', net.victimV4], 15_000);
      await engine.waitForLine((j) => j.event_type === 'stats' && (j.packets as number) > counted, 10_000, `a stats line counting the SYN to 22 sent after the scan (more than ${counted} packets)`, mark);
      const status = await engine.interrupt();

      assert.deepEqual(status, { code: 0, signal: null }, `exit after SIGINT; stderr: ${engine.stderr}`);
      assert.deepEqual(engine.byType('alert').map((l) => l.json), [], 'no PORT_SCAN alert through the filter');
      const last = engine.lines[engine.lines.length - 1]?.json;
      assert.ok(last !== undefined);
      assertStatsContract(last);
      const packets = last.packets as number;
      // Only port-22 traffic passes: the readiness SYNs to 22 and their RSTs, nmap's probe of 22
      // and its reply; never the ~400 frames of the scan.
      assert.ok(packets > 0 && packets <= 40, `the filter let only port-22 packets through (${packets} of ${frames.length} on the wire)`);
      t.diagnostic(`--bpf 'tcp port 22': engine counted ${packets} packets while tcpdump saw ${frames.length}`);
    } finally {
      engine.kill();
    }
  });

  // The default home net is re-read from the kernel every 3 s, so an address the host gains
  // later (DHCP, a VPN, a link that comes up after the engine) becomes "ours".
  test('a scan of an address added after start is detected', { timeout: 90_000 }, async (t) => {
    const extra = '10.88.0.3';
    const engine = await startEngine(['-i', net.victimIf]);
    await execIn(net.victim, ['ip', 'addr', 'add', `${extra}/24`, 'dev', net.victimIf], 5000);
    try {
      // The engine sees the new address once it re-reads the home net (every 3 s): scan until a
      // scan of it raises an alert, each scan's alert due within 2 s of its end.
      let scans = 0;
      const line = await waitFor(
        async () => {
          const mark = engine.lines.length;
          scans++;
          await execIn(net.attacker, ['nmap', '-Pn', '-n', '-sS', '-T4', '--top-ports', '200', extra], 60_000);
          return engine.waitForLine((j) => j.event_type === 'alert', 2000, `alert for the scan of ${extra}`, mark);
        },
        { timeoutMs: 45_000, intervalMs: 100, message: () => `an alert for a scan of ${extra} (after ${scans} scans)` },
      );
      t.diagnostic(`alerted on scan ${scans} of ${extra}`);
      assert.equal(line.json!.target_ip, extra);
      t.diagnostic(`alert for ${extra}: ${line.raw}`);
    } finally {
      engine.kill();
      await execIn(net.victim, ['ip', 'addr', 'del', `${extra}/24`, 'dev', net.victimIf], 5000).catch(() => undefined);
    }
  });
});

describe('live capture errors are one line on stderr', { skip: skipReason ?? false }, () => {
  test('unknown interface lists the real ones', { timeout: 15_000 }, async () => {
    const r = await runCliIn(net.victim, [], ['--headless', '-i', 'nosuch0']);
    const line = assertOneLineError(r);
    assert.match(line, /nosuch0/);
    assert.match(line, /unknown interface/i);
    // The victim namespace has exactly lo and our veth.
    assert.match(line, /\blo\b/);
    assert.ok(line.includes(net.victimIf), `lists ${net.victimIf}: ${line}`);
  });

  test('live capture without privileges says root or CAP_NET_RAW is needed', { timeout: 15_000 }, async (t) => {
    if (!onPath('setpriv')) return t.skip('setpriv (util-linux) is not installed');
    const drop = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
    // The repo must be readable by uid 65534, cap's native binding included; copy nothing.
    const probe = await execFileText('ip', ['netns', 'exec', net.victim, ...drop, process.execPath, '-e', 'require(process.argv[1]); require("fs").readFileSync(process.argv[2])', join(REPO_ROOT, 'node_modules', 'cap'), CLI_PATH]);
    if (probe.code !== 0) return t.skip(`the repo is not readable by uid 65534: ${probe.stderr.trim().split('\n')[0] ?? ''}`);
    const r = await runCliIn(net.victim, drop, ['--headless', '-i', 'lo']);
    const line = assertOneLineError(r);
    assert.match(line, /\broot\b/);
    assert.match(line, /CAP_NET_RAW/);
  });

  test('a bad --bpf expression names the filter', { timeout: 15_000 }, async () => {
    const expr = 'tcp and and';
    const r = await runCliIn(net.victim, [], ['--headless', '-i', net.victimIf, '--bpf', expr]);
    const line = assertOneLineError(r);
    assert.ok(line.includes(expr), `names the filter: ${line}`);
    assert.match(line, /--bpf|filter/);
  });

  // libpcap rejects these in pcap_compile with messages that do not say "syntax"/"filter";
  // the source retries without the filter to know the filter is what was refused.
  test('bad --bpf expressions with semantic errors name the filter too', { timeout: 20_000 }, async () => {
    for (const expr of ['tcp port banana', 'port 99999', 'proto bogus', 'net 10.0.0.0/33']) {
      const r = await runCliIn(net.victim, [], ['--headless', '-i', net.victimIf, '--bpf', expr]);
      const line = assertOneLineError(r);
      assert.ok(line.includes(expr) && /--bpf/.test(line), `names the --bpf filter '${expr}': ${line}`);
    }
  });
});
