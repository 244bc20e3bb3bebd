/**
 * Notifications end to end: the built CLI sends to an HTTP server this test runs on 127.0.0.1
 * (never anywhere else: Telegram's apiBase points here too).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLI, FIXTURES } from '../support/run-cli.js';

interface Received {
  method: string;
  path: string;
  body: string;
  at: number;
}

/** Paths under /hang/ are never answered; /fail/ answers 401 like Telegram with a wrong token. */
function startServer(): Promise<{ server: Server; base: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString('utf8')));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', body, at: Date.now() });
      if (req.url?.startsWith('/hang/')) return;
      if (req.url?.startsWith('/fail/')) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(`{"ok":false,"description":"Unauthorized for ${req.url}"}`);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received })));
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** ms from spawn to the first stdout line with each event_type. */
  firstLineAt: Map<string, number>;
  ms: number;
}

/** Runs the CLI without blocking this process's event loop (the server lives here). */
function runAsync(args: string[], onStderr?: (line: string, child: ReturnType<typeof spawn>) => void): Promise<Run> {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const firstLineAt = new Map<string, number>();
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString('utf8');
    for (const m of stdout.matchAll(/"event_type":"(\w+)"/g)) if (!firstLineAt.has(m[1]!)) firstLineAt.set(m[1]!, Date.now() - started);
  });
  let pending = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString('utf8');
    pending += d.toString('utf8');
    let nl;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      onStderr?.(line, child);
    }
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.on('close', (status) => {
      clearTimeout(killer);
      resolve({ status, stdout, stderr, firstLineAt, ms: Date.now() - started });
    }),
  );
}

const dir = mkdtempSync(join(tmpdir(), 'snp-ntf-int-'));
function configFile(name: string, json: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(json));
  return file;
}

const TOKEN = '987654:SECRETbotTOKENxyz';
const HOOK_SECRET = 'HOOKsecretPATH123';
const SLACK_SECRET = 'SLACKsecretPATH456';

describe('notifications through a local HTTP server', { concurrency: false }, () => {
  let srv: Awaited<ReturnType<typeof startServer>>;
  before(async () => (srv = await startServer()));
  after(() => new Promise<void>((r) => (srv.server.closeAllConnections(), srv.server.close(() => r()))));

  test('a replay with explicitly enabled channels: webhook gets the alert line, Slack {text}, Telegram /bot<token>/sendMessage', async () => {
    srv.received.length = 0;
    const config = configFile('all.json', {
      notifications: {
        webhook: { enabled: true, url: `${srv.base}/hook/${HOOK_SECRET}`, minSeverity: 'low' },
        slack: { enabled: true, url: `${srv.base}/slack/${SLACK_SECRET}`, minSeverity: 'low' },
        telegram: { enabled: true, botToken: TOKEN, chatId: '-100777', apiBase: srv.base, minSeverity: 'low' },
      },
    });
    const run = await runAsync(['-c', config, '--headless', '--replay', `${FIXTURES}nmap-syn.pcap`, '--debug']);
    assert.equal(run.status, 0, run.stderr);
    const alerts = run.stdout.split('\n').filter((l) => l.includes('"event_type":"alert"')).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(alerts.length, 1);
    const alert = alerts[0]!;

    const hook = srv.received.filter((r) => r.path === `/hook/${HOOK_SECRET}`);
    assert.equal(hook.length, 1);
    assert.equal(hook[0]!.method, 'POST');
    assert.deepEqual(JSON.parse(hook[0]!.body), alert, 'the webhook body is the §3.2 alert line itself');

    const slack = srv.received.filter((r) => r.path === `/slack/${SLACK_SECRET}`);
    assert.equal(slack.length, 1);
    const slackBody = JSON.parse(slack[0]!.body) as { text: string };
    assert.deepEqual(Object.keys(slackBody), ['text']);
    assert.match(slackBody.text, /PORT_SCAN/);
    assert.ok(slackBody.text.includes(String(alert['attacker_ip'])));

    const tg = srv.received.filter((r) => r.path.includes('/sendMessage'));
    assert.equal(tg.length, 1);
    assert.equal(tg[0]!.method, 'POST');
    assert.equal(tg[0]!.path, `/bot${TOKEN}/sendMessage`);
    const tgBody = JSON.parse(tg[0]!.body) as { chat_id: string; text: string };
    assert.equal(tgBody.chat_id, '-100777');
    assert.match(tgBody.text, /PORT_SCAN/);

    for (const secret of [TOKEN, HOOK_SECRET, SLACK_SECRET]) assert.ok(!run.stderr.includes(secret) && !run.stdout.includes(secret), `--debug output shows no ${secret}`);
    assert.match(run.stderr, /notify telegram: sending to http:\/\/127\.0\.0\.1:\d+\/… chat -100777/);
  });

  test('a replay without explicit channels sends nothing', async () => {
    srv.received.length = 0;
    const config = configFile('none.json', { notifications: { webhook: { url: `${srv.base}/hook/x` } } });
    const run = await runAsync(['-c', config, '--headless', '--replay', `${FIXTURES}nmap-syn.pcap`]);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(srv.received.length, 0);
  });

  test('a channel whose server never answers does not delay alerts, and does not hold the process open', async () => {
    srv.received.length = 0;
    const config = configFile('hang.json', {
      notifications: {
        webhook: { enabled: true, url: `${srv.base}/hang/${HOOK_SECRET}`, minSeverity: 'low', timeoutSeconds: 60, retries: 3 },
        slack: { enabled: true, url: `${srv.base}/slack/${SLACK_SECRET}`, minSeverity: 'low' },
      },
    });
    const run = await runAsync(['-c', config, '--headless', '--replay', `${FIXTURES}nmap-syn.pcap`]);
    assert.equal(run.status, 0, run.stderr);
    const hung = srv.received.find((r) => r.path.startsWith('/hang/'));
    assert.ok(hung !== undefined, 'the hung server did receive the request');
    // Generous bounds: the channel's timeout is 60 s; the alert line came at once and the run
    // ended after the 3 s close grace, never waiting for the hung request.
    assert.ok(run.firstLineAt.get('alert')! < 10_000, `alert line after ${run.firstLineAt.get('alert')} ms`);
    assert.ok(run.ms < 20_000, `run took ${run.ms} ms`);
    assert.equal(srv.received.filter((r) => r.path.startsWith('/slack/')).length, 1, 'the other channel is not held up');
    assert.match(run.stderr, /notify webhook: 1 message\(s\) not sent before exit/);
    assert.ok(!run.stderr.includes(HOOK_SECRET));
  });

  test('--test-alerts: one line per channel, ok / failed with reason, secrets redacted, exit status', async (t) => {
    srv.received.length = 0;
    const good = configFile('test-good.json', {
      syslog: false,
      notifications: {
        webhook: { enabled: true, url: `${srv.base}/hook/${HOOK_SECRET}` },
        telegram: { enabled: true, bot_token: TOKEN, chat_id: 42, apiBase: srv.base },
      },
    });
    const ok = await runAsync(['-c', good, '--test-alerts']);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    const okLines = ok.stdout.trim().split('\n');
    assert.equal(okLines.length, 2);
    assert.match(okLines[0]!, /^webhook \(http:\/\/127\.0\.0\.1:\d+\/…\): ok$/);
    assert.match(okLines[1]!, /^telegram \(http:\/\/127\.0\.0\.1:\d+\/… chat 42\): ok$/);
    assert.equal(JSON.parse(srv.received.find((r) => r.path.startsWith('/hook/'))!.body).event_type, 'test');

    // A port nobody listens on (just closed); fetch refuses the "bad ports" like 1 outright.
    const closedPort = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const bad = configFile('test-bad.json', {
      syslog: false,
      notifications: {
        webhook: { enabled: true, url: `${srv.base}/hook/${HOOK_SECRET}` },
        telegram: { enabled: true, botToken: TOKEN, chatId: '42', apiBase: `${srv.base}/fail` },
        slack: { enabled: true, url: `http://127.0.0.1:${closedPort}/${SLACK_SECRET}`, timeoutSeconds: 2 },
      },
    });
    const failed = await runAsync(['-c', bad, '--test-alerts']);
    assert.equal(failed.status, 1);
    const lines = failed.stdout.trim().split('\n');
    assert.equal(lines.length, 3, failed.stdout);
    assert.match(lines[0]!, /^webhook .*: ok$/);
    assert.equal(lines[1], `slack (http://127.0.0.1:${closedPort}/…): failed: connection refused`);
    assert.match(lines[2]!, /^telegram .*: failed: HTTP 401: .*Unauthorized for <redacted>/);
    for (const secret of [TOKEN, HOOK_SECRET, SLACK_SECRET, 'SECRETbotTOKENxyz']) assert.ok(!failed.stdout.includes(secret) && !failed.stderr.includes(secret), secret);
    t.diagnostic(`--test-alerts output: ${failed.stdout.trim().replace(/\n/g, ' | ')}`);
  });
});
