/** @jsxRuntime automatic */
/** @jsxImportSource react */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import stringWidth from 'string-width';
import type { AddressCheck } from '../../../src/engine/protocol.js';
import type { BlockRecord } from '../../../src/model/block-record.js';
import type { HistoryEntry } from '../../../src/model/history-entry.js';
import { App, type EngineActions } from '../../../src/ui/app.js';
import { EngineDataStore } from '../../../src/ui/store/engine-data-store.js';
import { themeFromEnv } from '../../../src/ui/theme.js';
import { eventLoopTurns, waitFor } from '../../support/wait-for.js';
import { renderAt } from './ink-harness.js';
import { alert, feedState, flow, packet, snapshot, UTC } from './ui-fixtures.js';

const ESC = '\u001b';
const UP = '\u001b[A';

/** What a frame must show: a pattern, a pattern it must not match, or a predicate. */
type FrameCheck = RegExp | { not: RegExp } | ((frame: string) => boolean);

function frameMatches(check: FrameCheck, frame: string): boolean {
  if (check instanceof RegExp) return check.test(frame);
  if (typeof check === 'function') return check(frame);
  return !check.not.test(frame);
}

interface SetupOptions {
  history?: HistoryEntry[] | null;
  columns?: number;
  rows?: number;
  protectedReason?: string | null;
  source?: 'live' | 'file' | 'review';
  bell?: () => void;
}

function setup(options: SetupOptions = {}) {
  const store = new EngineDataStore(1000);
  const calls = { block: [] as [string, number, string][], unblock: [] as string[], feed: [] as [string, boolean][], check: [] as string[] };
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
    history: async () => ({ available: options.history != null, entries: options.history ?? [] }),
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
    setFeed: async (filter, showOwn) => {
      calls.feed.push([filter, showOwn]);
      return feedState({ filter });
    },
    checkAddress: async (address): Promise<AddressCheck> => {
      calls.check.push(address);
      return { address, protectedReason: options.protectedReason ?? null, local: false };
    },
    activity: async (address) => ({ packets: [packet(5, { src: address, info: 'GET /x' })], flows: [flow(9, { origAddr: address })] }),
  };
  let quit = 0;
  store.apply({ type: 'started', source: { kind: options.source ?? 'file', description: 'scan.pcap' }, local: ['10.0.0.2'] });
  store.apply(snapshot({ newPackets: Array.from({ length: 10 }, (_, i) => packet(i)), newAlerts: [alert()] }));
  const ui = renderAt(<App store={store} actions={actions} theme={themeFromEnv({ NO_COLOR: '1' })} time={UTC} blockSeconds={300} dryRun={true} onQuit={() => quit++} {...(options.bell ? { bell: options.bell } : {})} />, options.columns ?? 80, options.rows ?? 24);
  const frame = () => ui.lastFrame();
  /** Waits until the frame passes `check`, then lets React run that render's effects. */
  const shows = async (check: FrameCheck, also?: () => boolean): Promise<string> => {
    await waitFor(() => frameMatches(check, frame()) && (also?.() ?? true), { message: () => `${String(check)}; last frame:\n${frame()}` });
    await eventLoopTurns();
    return frame();
  };
  /** Sends `keys` as one read and waits for what it must change (no `until`: a later key's effect proves it). */
  const press = async (keys: string, until?: FrameCheck, also?: () => boolean): Promise<string> => {
    ui.type(keys);
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

const mounted: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of mounted.splice(0)) cleanup();
});

/** No line of the frame is wider than the terminal, and it has fewer lines than the terminal. */
function assertFits(frame: string, columns: number, rows: number): void {
  const lines = frame.split('\n');
  assert.ok(lines.length < rows, `${lines.length} lines at ${columns}x${rows}:\n${frame}`);
  for (const line of lines) assert.ok(stringWidth(line) <= columns, `line wider than ${columns}: ${JSON.stringify(line)} (${stringWidth(line)})`);
}

describe('App at 80x24', () => {
  test('an alert the policy marks prompted opens the block prompt once, with the protection check; y blocks', async () => {
    const { store, frame, press, shows, calls } = setup();
    store.apply(snapshot({ newAlerts: [alert({ id: 'p1', attacker_ip: '198.51.100.66', action: 'prompted', attack_details: { service: null, first_seen: '2025-11-13T02:13:19.000Z', interface: 'eth0', platform_info: 'Linux', response_note: 'not auto-blocked yet' } })] }));
    await shows(/Block 198\.51\.100\.66/);
    await shows(/not a protected address/);
    assert.deepEqual(calls.check, ['198.51.100.66']);
    await press('y', /dry run: recorded block of 198\.51\.100\.66/);
    assert.deepEqual(calls.block.map((c) => c[0]), ['198.51.100.66']);
    assert.doesNotMatch(frame(), /Block\? y \/ N/);
    store.apply(snapshot({ newAlerts: [alert({ id: 'p2', attacker_ip: '198.51.100.66', action: 'prompted', attack_type: 'SSH_BRUTE_FORCE' })] }));
    await shows(/3 Alerts 3 /);
    assert.doesNotMatch(frame(), /Block 198\.51\.100\.66/);
  });

  test('a protected address says so in the prompt before y', async () => {
    const { press } = setup({ protectedReason: 'live SSH peer' });
    await press('3', /TIME +SEV +ATTACK/);
    const f = await press('b', /PROTECTED: live SSH peer/);
    assert.match(f, /will refuse/);
  });

  test('b then y in one burst blocks: the y is routed against the prompt the b opened', async () => {
    const { ui, shows, calls } = setup();
    ui.type('3');
    await shows(/TIME +SEV +ATTACK/);
    ui.type('b', 'y');
    await shows(/dry run: recorded block of 203\.0\.113\.9/);
    assert.deepEqual(calls.block.map((c) => c[0]), ['203.0.113.9']);
  });

  test('b and y in one read (a paste, or keys faster than a read) block too', async () => {
    const { press, calls } = setup();
    await press('3', /TIME +SEV +ATTACK/);
    await press('by', /dry run: recorded block of 203\.0\.113\.9/);
    assert.equal(calls.block.length, 1);
  });

  test('filter keys in a burst are all kept: a, b, c typed quickly read abc', async () => {
    const { ui, shows } = setup();
    ui.type('/');
    await shows(/filter>/);
    ui.type('p', 'o', 'r', 't', ' ', '2', '2');
    await shows(/filter> port 22/);
    // Backspace twice and new digits, in one burst.
    ui.type('\u007f', '\u007f', '8', '0');
    await shows(/filter> port 80/);
  });

  test('/ opens empty with the filter in force as a hint; ↑ recalls it; Ctrl-U clears; a pasted filter with its Enter applies', async () => {
    const { press, frame, calls } = setup();
    await press('/', /filter>/);
    await press('port 80\r', (f) => /\/port 80/.test(f) && !/filter>/.test(f));
    assert.deepEqual(calls.feed, [['port 80', false]]);
    assert.match(frame(), /10\.0\.0\.2:80/);
    assert.doesNotMatch(frame(), /10\.0\.0\.2:22 /);
    await press('/', /filter> +now: port 80/);
    await press(UP, /filter> port 80/);
    await press('\u0015', /filter> +now: port 80/);
    await press('port 22 and prot tcp\r', /unknown term 'prot'/);
    assert.match(frame(), /\/port 80/, 'the filter in force stays');
    await press(ESC, { not: /filter>/ });
    await press(ESC, { not: /\/port 80/ });
    assert.deepEqual(calls.feed.at(-1), ['', false]);
  });

  test('the filter applies to the alerts pane, and the tab bar names the panes it cannot apply to', async () => {
    const { store, press, frame } = setup();
    store.apply(snapshot({ newAlerts: [alert({ id: 'web', attacker_ip: '198.51.100.80', target_port: 80, attack_type: 'SQL_INJECTION', process: 'python3' })] }));
    await press('3', /SQL_INJECTION/);
    await press('/', /filter>/);
    await press('port 80\r', /\/port 80/);
    assert.match(frame(), /SQL_INJECTION/);
    assert.doesNotMatch(frame(), /PORT_SCAN/);
    await press('/', /filter>/);
    await press('process python3\r', /\/process python3 \(not 4\)/);
  });

  test('the strip shows unseen alerts on every pane until the Alerts pane is viewed', async () => {
    const { store, press, shows } = setup();
    await shows(/1 NEW +HIGH PORT_SCAN 203\.0\.113\.9 logged/);
    store.apply(snapshot({ newAlerts: [alert({ id: 'b2', attack_type: 'SQL_INJECTION', attacker_ip: '198.51.100.3', severity: 'high' })] }));
    await shows(/2 NEW +HIGH SQL_INJECTION 198\.51\.100\.3 logged \| HIGH PORT_SCAN/);
    await press('2', /2 NEW/);
    await press('3', /no new alerts \(2 in all/);
    await press('1', /no new alerts/);
  });

  test('Enter opens the detail of an alert: rule, bytes with the header, process, recent packets; Esc returns', async () => {
    const { store, press, frame } = setup();
    store.apply(
      snapshot({
        newAlerts: [
          alert({
            id: 'sqli', attack_type: 'SHELLSHOCK', attacker_ip: '198.51.100.9', target_port: 80, process: 'python3',
            attack_details: { service: 'HTTP', first_seen: '2025-11-13T02:13:19.000Z', interface: 'eth0', platform_info: 'Linux', matched: 'shellshock-function-definition', matched_part: 'header User-Agent', matched_text: `() { :; }; /bin/bash -c id${ESC}[2J`, sample: 'GET /cgi-bin/x HTTP/1.1', pcap_file: '/var/lib/snoopy-tui/pcaps/x.pcap' },
          }),
        ],
      }),
    );
    await press('3', /SHELLSHOCK/);
    const d = await press('\r', /ALERT SHELLSHOCK HIGH from 198\.51\.100\.9/);
    assert.match(d, /rule +shellshock-function-definition/);
    assert.match(d, /matched in +header User-Agent/);
    assert.match(d, /bytes +\(\) \{ :; \}; \/bin\/bash -c id\\e\[2J/);
    assert.ok(!d.includes(ESC), 'attacker bytes are escaped');
    assert.match(d, /process +python3/);
    await press('j', /pcap +\/var\/lib\/snoopy-tui\/pcaps\/x\.pcap/);
    assert.match(await press('\u001b[6~'), /recent packets of 198\.51\.100\.9|connections of/);
    await press(ESC, /TIME +SEV +ATTACK/);
    assert.doesNotMatch(frame(), /ALERT SHELLSHOCK/);
  });

  test('b from the detail view opens the prompt for its address', async () => {
    const { press } = setup();
    await press('1', /SOURCE/);
    await press('\r', /PACKET tcp/);
    await press('b', /Block 203\.0\.113\.9/);
  });

  test('the History pane shows 1000 entries one line each, highlights and scrolls, filters, and b offers the entry address', async () => {
    const history: HistoryEntry[] = Array.from({ length: 1000 }, (_, i) =>
      i % 2 === 0
        ? { kind: 'alert' as const, alert: alert({ id: `h${i}`, attacker_ip: `198.51.${Math.floor(i / 250)}.${i % 250}`, timestamp: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(), target_port: i % 4 === 0 ? 22 : 80 }) }
        : { kind: 'block' as const, at: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(), address: `198.51.${Math.floor(i / 250)}.${i % 250}`, reason: 'PORT_SCAN', durationSeconds: 300, action: 'blocked' as const },
    );
    const { press, frame } = setup({ history });
    const f = await press('5', /198\.51\.3\.249/);
    const rows = f.split('\n').filter((l) => /^\d\d-\d\d-\d\d \d\d:\d\d:\d\d (alert|block)/.test(l));
    assert.ok(rows.length >= 15, `${rows.length} history rows at 80x24:\n${f}`);
    assertFits(f, 80, 24);
    assert.match(f, /1000\/1000/);
    await press('g', /1\/1000/);
    await press('j', /2\/1000/);
    await press('G', /1000\/1000/);
    await press('/', /filter>/);
    await press('port 22\r', /\/port 22/);
    const filtered = frame().split('\n').filter((l) => /^\d\d-\d\d-\d\d/.test(l));
    assert.ok(filtered.length > 0 && filtered.every((l) => / alert /.test(l)), frame());
    await press('b', /Block 198\.51\.3\.246/);
  });

  test('nothing wraps at 80x24 with a long filter and a notice; below 80x24 one line says the terminal is too small', async () => {
    const { press, frame, ui, shows } = setup();
    await press('/', /filter>/);
    await press('ip 10.0.0.2 and proto tcp and not country LAN and not process sshd and port 1-65535\r', /\/ip 10\.0/);
    for (const pane of ['1', '2', '3', '4', '5', '?']) {
      await press(pane);
      await eventLoopTurns();
      assertFits(frame(), 80, 24);
    }
    ui.resize(70, 20);
    const small = await shows(/too small/);
    assert.equal(small.trim().split('\n').length, 1);
    assert.match(small, /70x20 is too small: snoopy-tui needs 80x24/);
  });

  test('the help fits 80x24 and has a colour legend', async () => {
    const { press } = setup();
    const f = await press('?', /Colours/);
    assertFits(f, 80, 24);
    assert.match(f, /attacker \(has an alert\)/);
    assert.doesNotMatch(f, /…/, 'no help line is cut');
  });

  test('the Packets pane shows PROCESS and CC at 80 columns', async () => {
    const { store, shows } = setup();
    store.apply(snapshot({ newPackets: [packet(40, { process: 'python3', country: 'DE' })] }));
    const f = await shows(/python3 +\[DE\]/);
    assert.match(f, /PROCESS CC/);
  });

  test('attacker-controlled text is escaped, never passed to the terminal raw', async () => {
    const { store, shows } = setup({ columns: 200, rows: 40 });
    const evil = `GET /${ESC}]52;c;SGVsbG8=\u0007 Host: a${ESC}[2Jb\u202eUA: x\rX\bY`;
    store.apply(snapshot({ newPackets: [packet(50, { info: evil })] }));
    const f = await shows(/\\e\]52/);
    assert.ok(!f.includes(ESC) && !f.includes('\u0007') && !f.includes('\u202e') && !f.includes('\r') && !f.includes('\b'));
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
    await shows(/pkts 11 /);
    assert.doesNotMatch(frame(), /198\.51\.100\.77/);
    await press('p', /198\.51\.100\.77/);
  });

  test('o shows the own SSH session and asks the engine to; the header says which', async () => {
    const { store, press, shows, calls } = setup();
    store.apply(snapshot({ feed: feedState({ own: { sessions: ['10.0.0.9:5000 → 10.0.0.2:22'], packets: 5, bytes: 500, hidden: true } }) }));
    await shows(/own SSH hidden \(o shows\)/);
    await press('o', /own SSH shown \(o hides\)/);
    assert.deepEqual(calls.feed, [['', true]]);
  });

  test('the bell (config bell) rings once for each new alert, not for updates or the alerts already there', async () => {
    let rings = 0;
    const { store, shows } = setup({ bell: () => rings++ });
    await shows(/1 NEW/);
    assert.equal(rings, 0);
    store.apply(snapshot({ newAlerts: [alert({ id: 'n1', attacker_ip: '198.51.100.1' })] }));
    await shows(/2 NEW/);
    await waitFor(() => rings === 1);
    store.apply(snapshot({ newAlerts: [alert({ id: 'n1', attacker_ip: '198.51.100.1', packet_count: 9 })] }));
    store.apply(snapshot({ newAlerts: [alert({ id: 'n2', attacker_ip: '198.51.100.2' })] }));
    await shows(/3 NEW/);
    await waitFor(() => rings === 2);
  });

  test('a review: the file\'s alerts are not new, one the file gains is; no prompt for prompted ones; b says it blocks nothing', async () => {
    const { store, press, calls, shows, frame } = setup({ source: 'review' });
    await shows(/no new alerts \(1 in all/);
    store.apply(snapshot({ newAlerts: [alert({ id: 'later', attacker_ip: '198.51.100.40', action: 'prompted' })] }));
    await shows(/3 Alerts 2/);
    assert.match(frame(), / 1 NEW +HIGH PORT_SCAN 198\.51\.100\.40 prompted$/m);
    assert.doesNotMatch(frame(), /Block 198\.51\.100\.40/);
    await press('3', /TIME +SEV +ATTACK/);
    await press('b', /nothing is blocked from here/);
    assert.deepEqual(calls.check, []);
  });

  test('u on the blocked pane lifts the highlighted block; q quits', async () => {
    const { press, calls, quits } = setup();
    await press('3', /TIME +SEV +ATTACK/);
    await press('b', /Block\? y \/ N/);
    await press('d', /for 15m/);
    await press('y', /dry run/);
    await press('4', /203\.0\.113\.9 .*dry_run/);
    await press('u', /Nothing is blocked/);
    assert.deepEqual(calls.unblock, ['203.0.113.9']);
    assert.equal(calls.block[0]![1], 900);
    await press('q');
    await waitFor(() => quits() === 1);
  });
});
