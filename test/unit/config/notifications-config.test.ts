import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseCliArgs } from '../../../src/cli/args.js';
import { resolveRunConfig } from '../../../src/cli/resolve-config.js';
import { activeChannels } from '../../../src/sinks/notify/create-notifier.js';

const dir = mkdtempSync(join(tmpdir(), 'snp-ntf-config-'));
let n = 0;
function withConfig(json: unknown, ...argv: string[]) {
  const file = join(dir, `c${n++}.json`);
  writeFileSync(file, typeof json === 'string' ? json : JSON.stringify(json));
  return resolveRunConfig(parseCliArgs(['-c', file, ...argv]));
}

describe('notifications in the config file', () => {
  test('the snake_case spellings bot_token / chat_id (numeric chat id) are accepted', () => {
    const c = withConfig({ notifications: { telegram: { enabled: true, bot_token: '1:abc', chat_id: -100123 } } });
    assert.equal(c.notifications.telegram.botToken, '1:abc');
    assert.equal(c.notifications.telegram.chatId, '-100123');
    assert.equal(c.notifications.telegram.enabled, true);
  });

  test('a bad URL or token is named by key, and its value is never echoed', () => {
    for (const [json, key] of [
      [{ notifications: { webhook: { url: 'ftp://x/SECRETPATH' } } }, 'notifications.webhook.url'],
      [{ notifications: { slack: { url: 'not a url SECRETPATH' } } }, 'notifications.slack.url'],
      [{ notifications: { telegram: { botToken: 'has/SECRETPATH' } } }, 'notifications.telegram.botToken'],
    ] as const) {
      assert.throws(
        () => withConfig(json),
        (e: Error) => e.message.includes(key) && !e.message.includes('SECRETPATH'),
      );
    }
  });

  test('an enabled channel without what it needs, unknown keys and bad values are one-line errors', () => {
    assert.throws(() => withConfig({ notifications: { webhook: { enabled: true } } }), /notifications\.webhook' is enabled but has no 'url'/);
    assert.throws(() => withConfig({ notifications: { telegram: { enabled: true, botToken: '1:a' } } }), /needs both 'botToken' and 'chatId'/);
    assert.throws(() => withConfig({ notifications: { email: {} } }), /unknown key 'notifications\.email'/);
    assert.throws(() => withConfig({ notifications: { slack: { minSeverity: 'urgent' } } }), /minSeverity' must be one of low, medium, high, critical/);
    assert.throws(() => withConfig({ notifications: { slack: { perMinute: 0 } } }), /perMinute' must be a positive integer/);
  });

  test('live: syslog on by default, others only when enabled; replay: only explicitly enabled channels', () => {
    const names = (c: ReturnType<typeof withConfig>, live: boolean) => activeChannels(c, live).map((x) => x.channel.name);
    const plain = withConfig({});
    assert.deepEqual(names(plain, true), ['syslog']);
    assert.deepEqual(names(plain, false), []);
    assert.deepEqual(names(withConfig({ syslog: false }), true), [], 'the older top-level syslog key still turns it off');
    const c = withConfig({ notifications: { webhook: { enabled: true, url: 'http://127.0.0.1:1/h' }, syslog: { enabled: true } } });
    assert.deepEqual(names(c, true), ['webhook', 'syslog']);
    assert.deepEqual(names(c, false), ['webhook', 'syslog']);
  });

  test('-v / verbose and --dashboard parse', () => {
    assert.equal(withConfig({ verbose: true }).verbose, true);
    assert.equal(resolveRunConfig(parseCliArgs(['-v'])).verbose, true);
    assert.equal(parseCliArgs(['--dashboard']).dashboard, true);
  });
});
