/** @jsxRuntime automatic */
/** @jsxImportSource react */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { render } from 'ink-testing-library';
import type { Alert } from '../../../src/model/alert.js';
import type { FeedPacket } from '../../../src/model/feed-packet.js';
import type { EngineToUi, Snapshot } from '../../../src/engine/protocol.js';
import type { BlockRecord } from '../../../src/model/block-record.js';
import { App, type EngineActions } from '../../../src/ui/app.js';
import type { HistoryEntry } from '../../../src/model/history-entry.js';
import { EngineDataStore } from '../../../src/ui/store/engine-data-store.js';
import { themeFromEnv } from '../../../src/ui/theme.js';
import { eventLoopTurns, waitFor } from '../../support/wait-for.js';

const ESC = '\u001b';

function packet(i: number, over: Partial<FeedPacket> = {}): FeedPacket {
  return { tsMicros: 1_763_000_000_000_000 + i * 1000, proto: 6, src: '203.0.113.9', srcPort: 40000 + i, dst: '10.0.0.2', dstPort: i % 2 === 0 ? 22 : 80, tcpFlags: 2, length: 60, icmpType: -1, info: null, country: null, process: null, flowUid: i + 1, ...over };
}

function alert(over: Partial<Alert> = {}): Alert {
  return {
    event_type: 'alert', id: 'a1', timestamp: '2025-11-13T02:13:20.000Z', attack_type: 'PORT_SCAN', severity: 'high',
    attacker_ip: '203.0.113.9', target_ip: '10.0.0.2', target_port: null, protocol: 'tcp', packet_count: 1000, duration: 1.5,
    reverse_dns: null, country: null, process: null, action: 'logged',
    attack_details: { scan_type: 'SYN', ports_count: 1000, service: null, first_seen: '2025-11-13T02:13:19.000Z', interface: 'eth0', platform_info: 'Linux' },
    ...over,
  };
}

let seq = 0;
function snapshot(over: Partial<Snapshot> = {}, packets = 10): EngineToUi {
  return {
    type: 'snapshot',
    snapshot: {
      seq: ++seq, ts: Date.now(), packetTimeMicros: 0,
      stats: { packets, bytes: 600, malformed: 0, malformed_by_reason: {}, non_ip: 0, dropped: null, elapsed_s: seq, pps: 10, alerts: 1, flows_active: 1, flows_evicted: 0, flows_expired: 0, event_loop_lag_ms: { p50: 0, p99: 0, max: 0 }, rss_mb: 0, rss_peak_mb: 0, blocks_active: 0, first_packet: null, last_packet: null },
      newPackets: [], skippedPackets: 0, flows: [], newAlerts: [], blocks: [],
      ...over,
    },
  };
}

/** What a frame must show: a pattern, a pattern it must not match, or a predicate. */
type FrameCheck = RegExp | { not: RegExp } | ((frame: string) => boolean);

function frameMatches(check: FrameCheck, frame: string): boolean {
  if (check instanceof RegExp) return check.test(frame);
  if (typeof check === 'function') return check(frame);
  return !check.not.test(frame);
}

function describeCheck(check: FrameCheck): string {
  if (check instanceof RegExp) return `a frame matching ${String(check)}`;
  if (typeof check === 'function') return `a frame satisfying ${check.toString()}`;
  return `a frame not matching ${String(check.not)}`;
}

/** What the fake engine's history file holds; null = the run keeps none. */
let historyFile: HistoryEntry[] | null = null;

function setup() {
  const store = new EngineDataStore(1000);
  const calls: { block: [string, number, string][]; unblock: string[] } = { block: [], unblock: [] };
  let blocks: BlockRecord[] = [];
  const actions: EngineActions = {
    block: async (address, durationSeconds, reason) => {
      calls.block.push([address, durationSeconds, reason]);
      const now = Date.now();
      const record: BlockRecord = { address, network: `${address}/32`, port: null, reason, createdAt: now, expiresAt: now + durationSeconds * 1000, action: 'dry_run', offense: 1, firewall: 'none' };
      blocks = [...blocks, record];
      store.apply(snapshot({ blocks }));
      return record;
    },
    history: async () => ({ available: historyFile !== null, entries: historyFile ?? [] }),
    unblock: async (address) => {
      calls.unblock.push(address);
      blocks = blocks.filter((b) => b.address !== address);
      store.apply(snapshot({ blocks }));
    },
    unblockAll: async () => {
      const count = blocks.length;
      blocks = [];
      store.apply(snapshot({ blocks }));
      return count;
    },
  };
  let quit = 0;
  store.apply({ type: 'started', source: { kind: 'file', description: 'scan.pcap' } });
  store.apply(snapshot({ newPackets: Array.from({ length: 10 }, (_, i) => packet(i)), newAlerts: [alert()] }));
  const ui = render(<App store={store} actions={actions} theme={themeFromEnv({ NO_COLOR: '1' })} blockSeconds={300} dryRun={true} onQuit={() => quit++} />);
  const frame = () => ui.lastFrame() ?? '';
  /**
   * Waits until the frame passes `check` (and `also`, for state outside the frame), then lets
   * React run the effects of that render. Ink attaches key handlers in effects: a key written
   * after a new frame is on screen but before its effects ran would reach the handlers of the
   * previous frame (a prompt that is drawn but does not listen yet).
   */
  const shows = async (check: FrameCheck, also?: () => boolean): Promise<string> => {
    await waitFor(() => frameMatches(check, frame()) && (also?.() ?? true), { message: () => `${describeCheck(check)}${also ? ` and ${also.toString()}` : ''}; last frame:\n${frame()}` });
    await eventLoopTurns();
    return frame();
  };
  /**
   * Types `keys` as one input chunk and waits for what it must change. Without `until`, for keys
   * whose effect is not visible: the caller then waits for a later key's visible effect (keys are
   * handled in order, so that proves this one was handled too).
   */
  const press = async (keys: string, until?: FrameCheck, also?: () => boolean): Promise<string> => {
    ui.stdin.write(keys);
    if (until === undefined) {
      await eventLoopTurns();
      return frame();
    }
    return shows(until, also);
  };
  mounted.push(() => {
    ui.unmount();
    store.dispose();
  });
  return { store, ui, calls, press, shows, frame, quits: () => quit };
}

/** Unmounted after each test even when an assertion fails, so no timer keeps the run alive. */
const mounted: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of mounted.splice(0)) cleanup();
});

describe('App (ink-testing-library)', () => {
  test('an alert the policy marks prompted opens the block prompt for its attacker once; y blocks, and the notice says the outcome', async () => {
    const { store, frame, press, shows, calls } = setup();
    store.apply(snapshot({ newAlerts: [alert({ id: 'p1', attacker_ip: '198.51.100.66', action: 'prompted', attack_details: { service: null, first_seen: '2025-11-13T02:13:19.000Z', interface: 'eth0', platform_info: 'Linux', response_note: 'not auto-blocked yet: the source has not completed a handshake (could be spoofed)' } })] }));
    await shows(/Block 198\.51\.100\.66/);
    assert.match(frame(), /not auto-blocked yet/);
    await press('y', /dry run: recorded block of 198\.51\.100\.66/);
    assert.deepEqual(calls.block.map((c) => c[0]), ['198.51.100.66']);
    assert.doesNotMatch(frame(), /Block\? y \/ N/, 'the prompt closed');
    // A later alert for the same attacker does not ask again: once the alert is on screen (three
    // alerts in the tab bar), the effect that would open the prompt has run.
    store.apply(snapshot({ newAlerts: [alert({ id: 'p2', attacker_ip: '198.51.100.66', action: 'prompted', attack_type: 'SSH_BRUTE_FORCE' })] }));
    await shows(/3 Alerts \(3\)/);
    assert.doesNotMatch(frame(), /Block 198\.51\.100\.66/);
  });

  test('a prompted alert does not block without y: other keys are swallowed, n cancels', async () => {
    const { store, frame, press, shows, calls } = setup();
    store.apply(snapshot({ newAlerts: [alert({ id: 'p3', attacker_ip: '198.51.100.67', action: 'prompted' })] }));
    await shows(/Block 198\.51\.100\.67/);
    await press('j');
    await press('b');
    // d is the prompt's own key: once its effect shows, j and b (handled before it) were swallowed.
    await press('d', /for 15m/);
    assert.deepEqual(calls.block, []);
    assert.match(frame(), /Block 198\.51\.100\.67/, 'the modal prompt keeps the keys');
    await press('n', { not: /Block 198\.51\.100\.67/ });
    assert.deepEqual(calls.block, []);
  });

  test('header names the replay; the feed pane shows packets with TCP flags', async () => {
    const { shows, frame } = setup();
    await shows(/REPLAY scan\.pcap/);
    assert.match(frame(), /203\.0\.113\.9:40000/);
    assert.match(frame(), /10\.0\.0\.2:22/);
    assert.match(frame(), / S /);
  });

  test('country tags show in the feed and the country filter uses them', async () => {
    const { store, frame, press, shows } = setup();
    store.apply(snapshot({ newPackets: [packet(60, { src: '198.51.100.20', country: 'DE' }), packet(61, { src: '198.51.100.21', country: 'US' })] }));
    await shows(/198\.51\.100\.20:40060 .*\[DE\]/);
    await press('/', /filter>/);
    await press('country de', /filter> country de/);
    await press('\r', /filter: country de/);
    assert.match(frame(), /198\.51\.100\.20/);
    assert.doesNotMatch(frame(), /198\.51\.100\.21/);
  });

  test('1-5, Tab and h switch panes: alerts, blocked, history, connections', async () => {
    const { frame, press } = setup();
    await press('3', /TIME +SEV +ATTACK/);
    assert.match(frame(), /PORT_SCAN/);
    assert.match(frame(), /1000/);
    await press('4', /Nothing is blocked/);
    await press('h', /alert .*203\.0\.113\.9.*PORT_SCAN/s);
    await press('\t', /TIME .*PROTO .*SOURCE/);
    await press('\t', /PROTO .*LOCAL\/ORIGIN/);
    await press('1', /TIME .*PROTO .*SOURCE/);
    await press('2', /PROTO .*LOCAL\/ORIGIN/);
    assert.match(frame(), /No connections/);
  });

  test('b asks first; the prompt takes every key; y blocks with the chosen duration', async () => {
    const { frame, press, calls, quits } = setup();
    await press('3', /TIME +SEV +ATTACK/);
    await press('b', /Block 203\.0\.113\.9/);
    assert.match(frame(), /PORT_SCAN \(SYN, 1000 ports\)/);
    assert.match(frame(), /Block\? y \/ N/);
    assert.match(frame(), /for 5m/);
    // Keys of the pane below do nothing while the prompt is open; d (the prompt's) shows they were handled.
    await press('4');
    await press('j');
    await press('d', /for 15m/);
    assert.match(frame(), /Block 203\.0\.113\.9/);
    assert.doesNotMatch(frame(), /Nothing is blocked/);
    // q cancels the prompt (the safe default) instead of quitting; nothing was blocked.
    await press('q', { not: /Block\? y \/ N/ });
    assert.equal(quits(), 0);
    assert.equal(calls.block.length, 0);
    await press('b', /Block\? y \/ N/);
    assert.match(frame(), /for 5m/, 'a new prompt starts from the default duration');
    await press('d', /for 15m/);
    await press('y', /dry run: recorded block of 203\.0\.113\.9/);
    assert.deepEqual(calls.block, [['203.0.113.9', 900, 'PORT_SCAN (SYN, 1000 ports)']]);
    await press('4', /203\.0\.113\.9 .*PORT_SCAN.*dry_run/);
    assert.match(frame(), /14m5\ds|15m00s/);
    // u unblocks the highlighted row of the blocked pane.
    await press('u', /Nothing is blocked/);
    assert.deepEqual(calls.unblock, ['203.0.113.9']);
  });

  test('N, n, Esc and Enter all cancel the block prompt', async () => {
    const { press, calls } = setup();
    await press('3', /TIME +SEV +ATTACK/);
    for (const key of ['N', 'n', ESC, '\r']) {
      await press('b', /Block\? y \/ N/);
      await press(key, { not: /Block\? y \/ N/ });
    }
    assert.equal(calls.block.length, 0);
  });

  test('/ filters the feed; an invalid filter shows an error and keeps the previous one; Esc clears', async () => {
    const { frame, press } = setup();
    await press('/', /filter>/);
    await press('port 80', /filter> port 80/);
    await press('\r', /filter: port 80/);
    assert.doesNotMatch(frame(), /filter>/, 'the prompt closed');
    assert.match(frame(), /10\.0\.0\.2:80/);
    assert.doesNotMatch(frame(), /10\.0\.0\.2:22 /);
    await press('/', /filter> port 80/);
    await press(' and prot tcp', /filter> port 80 and prot tcp/);
    await press('\r', /unknown term 'prot'/);
    await press(ESC, { not: /filter>/ });
    assert.match(frame(), /filter: port 80/);
    assert.doesNotMatch(frame(), /10\.0\.0\.2:22 /);
    await press(ESC, { not: /filter: / });
    assert.match(frame(), /10\.0\.0\.2:22/);
  });

  test('letters typed into the filter never reach the keymap (q does not quit)', async () => {
    const { press, quits } = setup();
    await press('/', /filter>/);
    await press('q', /filter> q/);
    await press('b', /filter> qb/);
    assert.equal(quits(), 0);
  });

  test('p freezes the display while capture goes on; p again catches up', async () => {
    const { store, frame, press, shows } = setup();
    await press('p', /PAUSED/);
    store.apply(snapshot({ newPackets: [packet(99, { src: '198.51.100.77' })] }, 11));
    // The header reads the live data: its packet count shows the snapshot arrived and was drawn.
    await shows(/pkts 11 /);
    assert.doesNotMatch(frame(), /198\.51\.100\.77/);
    await press('p', /198\.51\.100\.77/);
  });

  test('j/k and arrows move the highlight; ? shows help from the keymap; q quits', async () => {
    const { press, quits, frame } = setup();
    await press('k');
    await press('\u001b[A');
    await press('j');
    await press('?', /block the highlighted address/);
    assert.match(frame(), /1-5 +panes/);
    await press('?', { not: /block the highlighted address/ });
    await press('q', () => quits() === 1);
  });

  test('attacker-controlled text is escaped, never passed to the terminal raw', async () => {
    const { store, shows } = setup();
    const evil = `GET /${ESC}]52;c;SGVsbG8=\u0007 Host: a${ESC}[2Jb\u202eUA: x\rX\bY`;
    store.apply(snapshot({ newPackets: [packet(50, { info: evil })] }));
    const f = await shows(/\\e\]52/);
    assert.ok(!f.includes(ESC), 'no raw ESC in the frame (NO_COLOR: Ink adds none)');
    assert.ok(!f.includes('\u0007') && !f.includes('\u202e') && !f.includes('\r') && !f.includes('\b'));
  });

  test('the history pane shows the history file through the engine when there is one', async () => {
    historyFile = [
      { kind: 'alert', alert: alert({ id: 'old', attacker_ip: '192.0.2.77', attack_type: 'PORT_SCAN' }) },
      { kind: 'block', at: '2025-11-12T10:00:00.000Z', address: '192.0.2.77', reason: 'PORT_SCAN', durationSeconds: 300, action: 'dry_run' },
    ];
    try {
      const { press } = setup();
      await press('5', (f) => /192\.0\.2\.77/.test(f) && /history file/.test(f));
    } finally {
      historyFile = null;
    }
  });

  test('reverse-DNS names and process names from an alert are escaped in the alerts pane and the block prompt', async () => {
    const { store, press } = setup();
    store.apply(snapshot({ newAlerts: [alert({ id: 'a2', attacker_ip: '198.51.100.5', reverse_dns: `evil${ESC}]8;;http://x${ESC}\\.example`, process: `sshd${ESC}[2J\u202e` })] }));
    const f = await press('3', /evil\\e\]8;;http:/);
    assert.ok(!f.includes(ESC) && !f.includes('\u202e'));
    await press('j');
    const prompt = await press('b', /process sshd\\e\[2J\\u\{202e\}/);
    assert.ok(!prompt.includes(ESC));
  });
});
