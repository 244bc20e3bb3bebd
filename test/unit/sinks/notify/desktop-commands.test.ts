import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appleScriptString, escapeMarkup, notifySendArgv, osascriptArgv, powerShellString, powerShellToastArgv, windowsToastScript, NOTIFY_SEND, OSASCRIPT, POWERSHELL } from '../../../../src/sinks/notify/desktop-commands.js';
import { DesktopChannel } from '../../../../src/sinks/notify/desktop-channel.js';
import type { CommandRunner } from '../../../../src/platform/exec/run-command.js';

/** Text an attacker controls (reverse DNS, process names) trying every quote of every target. */
const HOSTILE = `evil" & do shell script "rm -rf ~" & "\\'; Remove-Item C:\\ -Recurse; '‘’‚‛$(calc)\`whoami\` <toast>`;

/** Reads one AppleScript string literal at the start of `s`: returns its value and the rest. */
function readAppleScriptLiteral(s: string): { value: string; rest: string } {
  assert.equal(s[0], '"');
  let value = '';
  for (let i = 1; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') value += s[++i]!;
    else if (c === '"') return { value, rest: s.slice(i + 1) };
    else value += c;
  }
  throw new Error('unterminated AppleScript string');
}

/** Reads one PowerShell single-quoted literal (any of ' ‘ ’ ‚ ‛ ends it unless doubled). */
function readPowerShellLiteral(s: string): { value: string; rest: string } {
  const quote = /['\u2018\u2019\u201a\u201b]/;
  assert.match(s[0]!, quote);
  let value = '';
  for (let i = 1; i < s.length; i++) {
    const c = s[i]!;
    if (quote.test(c)) {
      if (s[i + 1] !== undefined && quote.test(s[i + 1]!)) {
        value += c;
        i++;
      } else return { value, rest: s.slice(i + 1) };
    } else value += c;
  }
  throw new Error('unterminated PowerShell string');
}

describe('desktop notification commands', () => {
  const m = { title: `-t ${HOSTILE}`, body: HOSTILE, severity: 'high' as const };

  test('notify-send: absolute path, options ended by --, texts as their own argv elements', () => {
    // The body is markup to notification servers: escaped; the title is plain text.
    assert.deepEqual(notifySendArgv(m), [NOTIFY_SEND, '--app-name=snoopy-tui', '--urgency=critical', '--', m.title, escapeMarkup(m.body)]);
    assert.equal(notifySendArgv({ ...m, severity: 'low' })[2], '--urgency=normal');
  });

  test('osascript: one -e statement; both texts are single AppleScript literals that read back exactly', () => {
    const argv = osascriptArgv(m);
    assert.equal(argv.length, 3);
    assert.equal(argv[0], OSASCRIPT);
    assert.equal(argv[1], '-e');
    const script = argv[2]!;
    assert.ok(script.startsWith('display notification '));
    const body = readAppleScriptLiteral(script.slice('display notification '.length));
    assert.equal(body.value, m.body);
    assert.ok(body.rest.startsWith(' with title '));
    const title = readAppleScriptLiteral(body.rest.slice(' with title '.length));
    assert.equal(title.value, m.title);
    assert.equal(title.rest, ' sound name "Basso"', 'nothing of the attacker text is left outside the literals');
    assert.equal(appleScriptString('a"b\\c'), '"a\\"b\\\\c"');
  });

  test('PowerShell toast: -EncodedCommand UTF-16LE script; texts are literals that read back exactly, also with typographic quotes', () => {
    const argv = powerShellToastArgv(m);
    assert.deepEqual(argv.slice(0, 6), [POWERSHELL, '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand']);
    assert.equal(argv.length, 7);
    assert.match(argv[6]!, /^[A-Za-z0-9+/]+=*$/, 'only base64 reaches the Windows command line');
    const script = Buffer.from(argv[6]!, 'base64').toString('utf16le');
    assert.equal(script, windowsToastScript(m));
    const lines = script.split('\n');
    const literalIn = (line: string, prefix: string) => {
      const at = line.indexOf(prefix);
      assert.ok(at >= 0, `${prefix} in ${line}`);
      const lit = readPowerShellLiteral(line.slice(at + prefix.length));
      assert.equal(lit.rest, ')) | Out-Null');
      return lit.value;
    };
    assert.equal(literalIn(lines[4]!, '$texts.Item(0).AppendChild($xml.CreateTextNode('), m.title);
    assert.equal(literalIn(lines[5]!, '$texts.Item(1).AppendChild($xml.CreateTextNode('), m.body);
    assert.equal(lines.length, 7, 'no line of the script comes from attacker text');
    assert.equal(powerShellString("it's ‘x’"), "'it''s ‘‘x’’'");
  });

  test('DesktopChannel runs notify-send through the injected runner with cleaned text (no control characters)', async () => {
    const calls: (readonly string[])[] = [];
    const run: CommandRunner = async (argv) => (calls.push(argv), { exitCode: 0, stdout: '', stderr: '' });
    const channel = new DesktopChannel('linux', run);
    await channel.send({ kind: 'block', block: { address: '203.0.113.9', reason: 'line1\nline2\u202e\u001b[31m', createdAt: 0, expiresAt: 1000, action: 'dry_run', network: '203.0.113.9/32', port: null, offense: 1, firewall: 'none' }, severity: 'high' }, 1000);
    assert.equal(calls.length, 1);
    const body = calls[0]!.at(-1)!;
    assert.ok(!/[\u0000-\u001f\u202e]/.test(body), body);
    // The one display sanitizer's escapes (\n, \e, \u{202e}), as in every other output.
    assert.match(body, /line1\\nline2\\u\{202e\}\\e\[31m/);
  });

  test('a missing notify-send is a clear reason, not a crash', async () => {
    const { CommandError } = await import('../../../../src/platform/exec/run-command.js');
    const run: CommandRunner = async (argv) => {
      throw new CommandError(argv, 'not-found', null, '', 'not installed');
    };
    await assert.rejects(new DesktopChannel('linux', run).send({ kind: 'test', at: 'now' }, 1000), /apt install libnotify-bin/);
  });
});
