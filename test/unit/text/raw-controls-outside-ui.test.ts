/**
 * Raw control bytes outside the UI. Headless stdout, the daily logs, syslog
 * and webhooks carry network text (an HTTP path with the 8-bit CSI U+009B, `c2 9b` in UTF-8);
 * error lines echo command-line text (`-i $'\e]52;…\a'`). Every one goes through the one
 * sanitizer: JSON keeps the same value with `\u009b` escapes, plain lines show `\e`, `\a`, `\u{9b}`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { JsonLinesWriter } from '../../../src/sinks/json-lines/json-lines-writer.js';
import { escapeMarkup, notifySendArgv } from '../../../src/sinks/notify/desktop-commands.js';
import { syslogMessage } from '../../../src/sinks/syslog/syslog-writer.js';
import { DailyJsonLog } from '../../../src/store/daily-log/daily-json-log.js';
import { safeJsonStringify } from '../../../src/text/display-sanitizer.js';
import { CLI } from '../../support/run-cli.js';
import { newAlert } from '../../../src/engine/detectors/new-alert.js';
import { recordingContext } from '../../support/recording-context.js';

const HOSTILE = `/index.php?x=\u009b2J\u001b]52;c;ZXZpbA==\u0007\u202eevil\u2028`;
/** Bytes a terminal acts on: ESC, BEL, C1 (UTF-8 c2 80..c2 9f), bidi and line separators. */
function rawControls(bytes: Buffer): string[] {
  const found: string[] = [];
  const text = bytes.toString('utf8');
  for (const ch of text) if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/u.test(ch)) found.push(`U+${ch.codePointAt(0)!.toString(16)}`);
  return found;
}

function hostileAlert() {
  const { ctx } = recordingContext();
  const a = newAlert(ctx, { attackType: 'PATH_TRAVERSAL', severity: 'high', attacker: '203.0.113.7', nowMicros: Date.now() * 1000, details: { request: HOSTILE } });
  a.reverse_dns = 'x\u009b31m.example';
  return a;
}

describe('no raw control bytes outside the UI', () => {
  test('JSON outputs: same value, escaped bytes (headless stdout, syslog, webhooks)', () => {
    const a = hostileAlert();
    const text = safeJsonStringify(a);
    assert.deepEqual(rawControls(Buffer.from(text)), []);
    assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(a)), 'a parser reads back the very same alert');
    assert.ok(text.includes('\\u009b2J'));
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    new JsonLinesWriter(out).write(a);
    assert.deepEqual(rawControls(Buffer.concat(chunks)), []);
    assert.deepEqual(rawControls(Buffer.from(syslogMessage(a))), []);
  });

  test('attacks_*.json daily log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snoopy-c1-'));
    try {
      const log = new DailyJsonLog(dir);
      log.logAlert(hostileAlert());
      await log.close();
      const file = readdirSync(dir).find((n) => n.startsWith('attacks_'))!;
      const bytes = readFileSync(join(dir, file));
      assert.deepEqual(rawControls(bytes), []);
      assert.ok(!bytes.includes(Buffer.from([0xc2, 0x9b])), 'no c2 9b');
      assert.equal((JSON.parse(bytes.toString()) as { attack_details: { request: string } }).attack_details.request, HOSTILE);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('notify-send: the body is markup-escaped, title and body sanitized', () => {
    assert.equal(escapeMarkup(`<a href="x">&'`), '&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
    const argv = notifySendArgv({ title: 't', body: '<b>x</b> <img src="file:///etc/passwd">', urgency: 'critical' } as never);
    assert.equal(argv.at(-1), '&lt;b&gt;x&lt;/b&gt; &lt;img src=&quot;file:///etc/passwd&quot;&gt;');
  });

  test("error lines: -i $'\\e]52;…\\a' is echoed with visible escapes, no ESC or BEL", () => {
    const r = spawnSync(process.execPath, [CLI, '--headless', '-i', '\u001b]52;c;ZXZpbA==\u0007\u009b2J'], { encoding: 'buffer', timeout: 30_000 });
    assert.notEqual(r.status, 0);
    assert.deepEqual(rawControls(r.stderr), [], r.stderr.toString());
    assert.match(r.stderr.toString(), /\\e\]52;c;ZXZpbA==\\a\\u\{9b\}2J/);
  });
});
