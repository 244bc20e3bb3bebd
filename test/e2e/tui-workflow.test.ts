/**
 * The whole path as a user takes it, in network namespaces: the packed tarball installed into a
 * temporary prefix; an SSH login from the attacker namespace into an sshd in the victim
 * namespace, in a real 80x24 terminal (tmux); `snoopy-tui` started there over a history file of
 * 200 entries; a SYN scan from another address, its alert, details, a block into nftables, the
 * History pane; an SQL injection against a python3 web server and the feed filtered on python3.
 * Traffic only between the namespaces made here.
 *
 * Needs root, ip netns, tmux, nmap, curl, nft, ssh, sshd, npm (with the registry or its cache)
 * and a built dist/; skipped with the reason otherwise. SNOOPY_UI_SCREENS=DIR saves each screen
 * as text there.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { HeadlessProcess } from './headless-process.js';
import { historyEntries, writeHistoryFile } from '../support/history-fixture.js';
import { execIn, spawnIn, type NetnsPair } from '../support/netns.js';
import { addAttackerAddress, cliNetnsSkipReason, useNetnsSuite } from '../support/netns-suite.js';
import { capturePatched, packAndInstall, REPO_ROOT, type PackedInstall } from '../support/packed-install.js';
import { startSshd, type TestSshd } from '../support/sshd.js';
import { shQuote, tmuxAvailable, TmuxServer, type TmuxSession, WRAPPER_EXIT_LINE } from '../support/tmux.js';
import { waitFor } from '../support/wait-for.js';

const TOOLS = ['ip', 'tmux', 'nmap', 'curl', 'nft', 'ssh', 'ssh-keygen', 'npm'];
const skipReason = cliNetnsSkipReason(TOOLS) ?? (tmuxAvailable() ? null : 'tmux does not run here');

/** Scans; nothing else. */
const SCANNER = '10.88.0.3';
/** Sends the SQL injection. */
const WEB_CLIENT = '10.88.0.4';
const PYTHON = '/usr/bin/python3';
const SQLI_URL = (host: string) => `http://${host}/?id=1%27%20OR%20%271%27=%271`;

let net: NetnsPair;
let tmp: string;
let install: PackedInstall;
let sshd: TestSshd;
let historyFile: string;

useNetnsSuite(skipReason, 'snoopy-flow-', async (pair, dir) => {
  net = pair;
  tmp = dir;
  addAttackerAddress(net, `${SCANNER}/24`);
  addAttackerAddress(net, `${WEB_CLIENT}/24`);
  install = packAndInstall(dir);
  sshd = startSshd(net.victim, join(dir, 'sshd'));
  const webroot = join(dir, 'www');
  mkdirSync(webroot);
  writeFileSync(join(webroot, 'index.html'), '<p>victim</p>\n');
  spawnIn(net.victim, [PYTHON, '-m', 'http.server', '--bind', '0.0.0.0', '80'], { stdio: 'ignore', cwd: webroot });
  await waitFor(() => execIn(net.attacker, ['curl', '-s', '-o', '/dev/null', '--max-time', '2', `http://${net.victimV4}/`], 5000).then(() => true, () => false), { timeoutMs: 20_000, intervalMs: 100, message: 'the web server in the victim namespace' });
  await waitFor(() => execIn(net.attacker, [...sshd.sshArgv(net.victimV4, net.attackerV4), 'true'], 10_000).then(() => true, () => false), { timeoutMs: 20_000, intervalMs: 200, message: 'the sshd in the victim namespace' });
  historyFile = join(dir, 'history.json');
  writeHistoryFile(historyFile, historyEntries(200));
});

const screensDir = process.env['SNOOPY_UI_SCREENS'];
function saveScreen(name: string, screen: string): void {
  if (screensDir === undefined) return;
  mkdirSync(screensDir, { recursive: true });
  writeFileSync(join(screensDir, `${name}.txt`), screen);
}

/** Rows of the Packets pane: `! 12:00:01 tcp 10.88.0.1:5000 10.88.0.2:22 …`. */
function feedRows(screen: string): string[] {
  return screen.split('\n').filter((l) => /^[! ] \d\d:\d\d:\d\d (tcp|udp|icmp|icmpv6|ip\d+) /.test(l));
}

function historyRows(screen: string): string[] {
  return screen.split('\n').filter((l) => /^\d\d-\d\d-\d\d \d\d:\d\d:\d\d +(alert|block|unblock) /.test(l));
}

describe('the packed tarball, installed globally', { skip: skipReason ?? false }, () => {
  test('installs into a prefix with its install scripts, the capture binding patched; the command runs from there', () => {
    assert.ok(capturePatched(install), `cap rebuilt with stats(); npm said:\n${install.installLog}`);
    assert.match(execFileSync(install.bin, ['--version'], { encoding: 'utf8' }), /^snoopy-tui \d+\.\d+\.\d+\n$/);
    const lines = execFileSync(install.bin, ['--replay', join(REPO_ROOT, 'fixtures/nmap-syn.pcap'), '--headless'], { encoding: 'utf8' }).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(lines.some((j) => j.event_type === 'alert' && j.attack_type === 'PORT_SCAN' && j.attacker_ip === '10.77.0.1'));
  });

  test('live capture from the installed command counts kernel drops (a number, not null)', async () => {
    const engine = new HeadlessProcess(net.victim, ['--headless', '-i', net.victimIf, '--refresh', '0.2', '--no-fail2ban', '--firewall', 'none', '--history', join(tmp, 'drops-history.json'), '--log-dir', join(tmp, 'drops-logs')], [], [install.bin]);
    try {
      const stats = await engine.waitForLine((j) => j.event_type === 'stats', 20_000, 'a stats line');
      assert.equal(typeof stats.json!.dropped, 'number', stats.raw);
    } finally {
      await engine.interrupt();
    }
  });
});

describe('the whole path over SSH at 80x24', { skip: skipReason ?? false }, () => {
  test('own session out of the feed; scan → strip within 2 s → details → b y → nftables; History reads and scrolls; python3 on alerts and in the filter', async () => {
    const server = new TmuxServer(join(tmp, 'tmux'));
    try {
      const remote = [
        'exec env',
        shQuote(`PATH=${install.prefix}/bin:/usr/sbin:/usr/bin:/sbin:/bin`),
        'snoopy-tui',
        ...['-i', net.victimIf, '--history', historyFile, '--log-dir', join(tmp, 'logs'), '--pcap-dir', join(tmp, 'pcaps'), '--firewall', 'nftables', '--no-fail2ban'].map(shQuote),
      ].join(' ');
      const [ssh, ...sshArgs] = sshd.sshArgv(net.victimV4, net.attackerV4);
      const ui: TmuxSession = server.start({ name: 'flow', width: 80, height: 24, cwd: tmp, argv: ['ip', 'netns', 'exec', net.attacker, ssh!, '-tt', ...sshArgs, remote], lingerSeconds: 5 });

      // Started, and the session it is drawn through found and hidden.
      await ui.waitForScreen(/snoopy-tui LIVE .*\[running\]/, 30_000, 'the live UI over SSH');
      await ui.waitForScreen(/own SSH hidden \(o shows\)/, 10_000, 'the own SSH session found and hidden');
      // Idle for a few seconds of redraws (each one SSH traffic): none of it in the feed.
      const idle = await ui.waitForScreen((s) => /up 0m0[4-9]s|up 0m[1-5]\ds/.test(s), 30_000, 'four seconds of uptime');
      saveScreen('packets-idle', idle);
      const sessionRows = feedRows(idle).filter((r) => r.includes(`${net.victimV4}:22 `) || r.includes(`${net.victimV4}:22`));
      assert.deepEqual(sessionRows, [], `rows of the own SSH session at idle:\n${idle}`);
      const rate = Number(/(\d+(?:\.\d+)?k?) pkt\/s/.exec(idle)?.[1]?.replace('k', 'e3') ?? NaN);
      assert.ok(rate <= 5, `the packet rate at idle leaves the session out: ${rate} pkt/s\n${idle}`);
      // Not vacuous: shown, the session's packets are there.
      await ui.key('o', (s) => feedRows(s).some((r) => r.includes(`${net.victimV4}:22`)), 'the own session shown with o', 10_000);
      await ui.key('o', /own SSH hidden \(o shows\)/, 'hidden again');

      // A SYN scan from another address: on the Packets pane, the strip names it within 2 s.
      const started = performance.now();
      const scan = execIn(net.attacker, ['nmap', '-n', '-Pn', '-sS', '-T4', '-S', SCANNER, '-e', net.attackerIf, '-p', '1-1000', '--max-retries', '0', net.victimV4], 60_000);
      const strip = await ui.waitForScreen(new RegExp(`NEW .*PORT_SCAN ${SCANNER.replaceAll('.', '\\.')}`), 2000, 'PORT_SCAN in the alert strip within 2 s of the scan');
      const stripMs = Math.round(performance.now() - started);
      process.stderr.write(`strip showed PORT_SCAN ${stripMs} ms after nmap started\n`);
      assert.match(strip, /\s1 Packets /, 'still on the Packets pane');
      saveScreen('packets-alert-strip', strip);
      await scan;
      // The balanced profile asks: the prompt opens by itself; n leaves it for now.
      saveScreen('block-prompt-policy', await ui.waitForScreen(new RegExp(`Block ${SCANNER.replaceAll('.', '\\.')}`), 10_000, 'the policy prompt'));
      await ui.key('n', (s) => !/Block\? y \/ N/.test(s), 'the prompt closed');

      // Its details.
      const alerts = (await ui.key('3', (sc) => /TIME +SEV +ATTACK/.test(sc) && new RegExp(`PORT_SCAN +${SCANNER.replaceAll('.', '\\.')}`).test(sc) && /no new alerts/.test(sc), 'the alert row on the Alerts pane, the strip cleared'))!;
      saveScreen('alerts', alerts);
      const detail = (await ui.key('Enter', /ALERT PORT_SCAN \w+ from 10\.88\.0\.3/, 'the alert details'))!;
      assert.match(detail, /scan +SYN, \d+ ports/);
      assert.match(detail, /attacker +10\.88\.0\.3/);
      assert.match(detail, /pcap +\//);
      saveScreen('detail-alert', detail);

      // b y from the details: the prompt says it may block, then nftables holds the scanner.
      saveScreen('block-prompt', (await ui.key('b', (s) => /Block 10\.88\.0\.3/.test(s) && /not a protected address/.test(s), 'the prompt with its protection check'))!);
      await ui.key('y', /blocked 10\.88\.0\.3\/32 in nftables/, 'the block notice');
      const set = execFileSync('ip', ['netns', 'exec', net.victim, 'nft', 'list', 'set', 'inet', 'snoopy', 'addr4'], { encoding: 'utf8' });
      assert.match(set, /10\.88\.0\.3 timeout/, set);
      saveScreen('blocked', (await ui.key('4', (sc) => /ADDRESS +CC +REASON/.test(sc) && /^10\.88\.0\.3 .*blocked/m.test(sc), 'the Blocked pane'))!);
      saveScreen('connections', (await ui.key('2', /ORIGIN +RESPONDER/, 'the Connections pane'))!);

      // History: the 200 entries and the new ones, one line each, scrolled to the new block.
      // The file's entries come from the engine a moment after the pane opens: wait for them too.
      const history = (await ui.key('5', (sc) => /block +10\.88\.0\.3 /.test(sc) && historyRows(sc).length >= 15, 'the new block and the file\'s entries in the History pane', 10_000))!;
      const rows = historyRows(history);
      assert.ok(rows.length >= 15, `${rows.length} readable history rows at 80x24:\n${history}`);
      saveScreen('history', history);
      await ui.key('g', /26-11-21 00:00:00 +alert/, 'the oldest entry at the top');
      await ui.key('G', /block +10\.88\.0\.3 /, 'back to the newest');

      // An SQL injection against python3: the alert names the process.
      await execIn(net.attacker, ['curl', '-s', '-o', '/dev/null', '--interface', WEB_CLIENT, '--max-time', '5', SQLI_URL(net.victimV4)], 10_000);
      await ui.waitForScreen(new RegExp(`Block ${WEB_CLIENT.replaceAll('.', '\\.')}`), 10_000, 'the policy prompt for the injection');
      await ui.key('n', (s) => !/Block\? y \/ N/.test(s), 'the prompt closed');
      const injection = (await ui.key('3', new RegExp(`SQL_INJECTION +${WEB_CLIENT.replaceAll('.', '\\.')} .*python3`), 'SQL_INJECTION with process python3', 10_000))!;
      saveScreen('alerts-sqli', injection);

      // The feed filtered on python3 (in the engine): only python3 rows.
      await ui.key('1', /TIME +PROTO +SOURCE/, 'the Packets pane');
      await ui.key('/', /filter>/, 'the filter prompt');
      await ui.type('process python3', (t) => `filter> ${t}`);
      const filtered = (await ui.key('Enter', (s) => /filter: process python3/.test(s) && !/filter>/.test(s) && feedRows(s).length > 0, 'python3 rows under the filter', 10_000))!;
      const rowsShown = feedRows(filtered);
      assert.ok(rowsShown.every((r) => / python3 /.test(r)), `rows that are not python3's:\n${filtered}`);
      saveScreen('packets-filtered', filtered);
      saveScreen('connections-filtered', (await ui.key('2', /ORIGIN +RESPONDER/, 'the Connections pane'))!);
      saveScreen('help', (await ui.key('?', /Colours/, 'the help'))!);

      await ui.key('q');
      assert.equal(await ui.waitForExit(20_000), 0, 'snoopy-tui quit and the SSH session ended with status 0');
      await ui.waitForScreen(WRAPPER_EXIT_LINE, 5000, 'the wrapper line');
    } finally {
      server.kill();
    }
  });
});

describe('review of the history file', { skip: skipReason ?? false }, () => {
  test('--review as root: the same History pane; u on the scanner\'s block lifts it from nftables', async () => {
    const server = new TmuxServer(join(tmp, 'tmux-review'), `snoopy-review-${process.pid}`);
    try {
      const before = execFileSync('ip', ['netns', 'exec', net.victim, 'nft', 'list', 'set', 'inet', 'snoopy', 'addr4'], { encoding: 'utf8' });
      assert.match(before, /10\.88\.0\.3 timeout/, 'the block from the run above is still in force');
      const review = server.start({ name: 'review', width: 80, height: 24, cwd: tmp, argv: ['ip', 'netns', 'exec', net.victim, install.bin, '--review', '--history', historyFile, '--firewall', 'nftables'], lingerSeconds: 5 });
      const history = await review.waitForScreen((s) => /snoopy-tui REVIEW /.test(s) && /block +10\.88\.0\.3 /.test(s), 20_000, 'the review on the History pane');
      assert.ok(historyRows(history).length >= 15, history);
      saveScreen('review-history', history);
      const blocked = (await review.key('4', (sc) => /ADDRESS +CC +REASON/.test(sc) && /^10\.88\.0\.3 .*blocked/m.test(sc), 'the scanner in the Blocked pane'))!;
      saveScreen('review-blocked', blocked);
      await review.key('b', /nothing is blocked from here/, 'b refused in a review');
      await review.key('u', /unblocked 10\.88\.0\.3/, 'the unblock notice', 20_000);
      const after = execFileSync('ip', ['netns', 'exec', net.victim, 'nft', 'list', 'set', 'inet', 'snoopy', 'addr4'], { encoding: 'utf8' });
      assert.doesNotMatch(after, /10\.88\.0\.3/, after);
      await review.key('q');
      assert.equal(await review.waitForExit(15_000), 0);
    } finally {
      server.kill();
    }
  });

  test('--review as an unprivileged user reads a readable history file; u says it needs root', async () => {
    const shared = mkdtempSync(join(tmpdir(), 'snoopy-review-user-'));
    const server = new TmuxServer(join(tmp, 'tmux-review-user'), `snoopy-review-user-${process.pid}`);
    try {
      chmodSync(shared, 0o755);
      const file = join(shared, 'history.json');
      writeHistoryFile(file, historyEntries(1200));
      chmodSync(file, 0o644);
      const review = server.start({ name: 'user', width: 80, height: 24, cwd: shared, argv: ['runuser', '-u', 'nobody', '--', process.execPath, join(REPO_ROOT, 'dist/cli.js'), '--review', '--history', file], lingerSeconds: 5 });
      const screen = await review.waitForScreen((s) => /snoopy-tui REVIEW /.test(s) && /1200\/1200/.test(s), 20_000, 'the review of 1,200 entries as nobody');
      assert.ok(historyRows(screen).length >= 15, screen);
      await review.key('k', /1199\/1200/, 'the highlight moves up');
      await review.key('u', /unblock failed: unblocking changes the firewall: review as root/, 'u refused without root');
      await review.key('q');
      assert.equal(await review.waitForExit(15_000), 0);
    } finally {
      server.kill();
      rmSync(shared, { recursive: true, force: true });
    }
  });
});

describe('process on alerts, in the JSON lines', { skip: skipReason ?? false }, () => {
  test('an SQL injection against the python3 server gives an alert whose process is python3', async () => {
    const engine = new HeadlessProcess(net.victim, ['--headless', '-i', net.victimIf, '--refresh', '0.2', '--no-fail2ban', '--firewall', 'none', '--history', join(tmp, 'json-history.json'), '--log-dir', join(tmp, 'json-logs')]);
    try {
      await engine.waitForLine((j) => j.event_type === 'stats', 20_000, 'a stats line');
      await execIn(net.attacker, ['curl', '-s', '-o', '/dev/null', '--interface', WEB_CLIENT, '--max-time', '5', SQLI_URL(net.victimV4)], 10_000);
      const first = await engine.waitForLine((j) => j.event_type === 'alert' && j.attack_type === 'SQL_INJECTION', 10_000, 'the SQL_INJECTION alert');
      // The owner of the listener is looked up as the request arrives: in the first line when it
      // was known already, else in the alert's next update (event_type alert_update).
      const named = await engine.waitForLine((j) => (j.event_type === 'alert' || j.event_type === 'alert_update') && j.id === first.json!.id && j.process === 'python3', 15_000, 'the alert naming python3').catch((e: Error) => {
        throw new Error(`${e.message}\nalert lines: ${[...engine.byType('alert'), ...engine.byType('alert_update')].map((l) => l.raw).join('\n')}`);
      });
      process.stderr.write(`SQL_INJECTION: process python3 ${first.json!.process === 'python3' ? 'in the first line' : `in an update ${named.at - first.at} ms later`}\n`);
      assert.equal(named.json!.target_port, 80);
      assert.equal((named.json!.attack_details as Record<string, unknown>).matched_part, 'request target');
    } finally {
      await engine.interrupt();
    }
  });
});
