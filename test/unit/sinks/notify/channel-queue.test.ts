import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Alert, Severity } from '../../../../src/model/alert.js';
import { ChannelQueue, DEFAULT_POLICY, type DeliveryPolicy } from '../../../../src/sinks/notify/channel-queue.js';
import type { NotificationChannel } from '../../../../src/sinks/notify/notification-channel.js';
import { buildDispatcher } from '../../../../src/sinks/notify/notification-dispatcher.js';
import type { NotifyEvent } from '../../../../src/sinks/notify/notify-event.js';
import { redactSecrets, REDACTED, urlSecrets } from '../../../../src/sinks/notify/redact.js';
import { TelegramChannel } from '../../../../src/sinks/notify/telegram-channel.js';
import { slackEscape } from '../../../../src/sinks/notify/slack-channel.js';
import { waitFor } from '../../../support/wait-for.js';

function alert(severity: Severity, n = 0): NotifyEvent {
  return { kind: 'alert', alert: { event_type: 'alert', id: `a${n}`, severity, attack_type: 'PORT_SCAN', attacker_ip: '203.0.113.5' } as unknown as Alert };
}

/** A channel whose sends are scripted: 'ok', 'fail', or 'hang' (until aborted). */
function scripted(outcomes: ('ok' | 'fail' | 'hang')[], secrets: string[] = []) {
  const seen: NotifyEvent[] = [];
  const channel: NotificationChannel = {
    name: 'webhook',
    target: 'http://127.0.0.1/…',
    secrets,
    send: (event, _timeout, signal) => {
      seen.push(event);
      const outcome = outcomes.shift() ?? 'ok';
      if (outcome === 'ok') return Promise.resolve();
      if (outcome === 'fail') return Promise.reject(new Error(`HTTP 500 at http://x/hook/${secrets[0] ?? ''}`));
      return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    },
  };
  return { channel, seen };
}

/** Until nothing is queued or in flight (retries included). */
async function idle(q: ChannelQueue): Promise<void> {
  await waitFor(() => q.pending === 0, { message: () => `the queue to drain (${q.pending} pending, counters ${JSON.stringify(q.counters)})` });
}

const fast: DeliveryPolicy = { ...DEFAULT_POLICY, backoffMs: 1, maxBackoffMs: 4, perMinute: 1000 };

describe('ChannelQueue', () => {
  test('push returns at once even while the channel hangs; a full queue drops the oldest and counts it', async () => {
    const { channel, seen } = scripted(['hang']);
    const q = new ChannelQueue(channel, { ...fast, queueCapacity: 3 }, () => {});
    for (let i = 0; i < 10; i++) q.push(alert('high', i));
    assert.equal(seen.length, 1, 'one message in flight');
    assert.equal(q.counters.dropped, 6, '10 pushed: 1 in flight, 3 queued, 6 dropped');
    const left = await q.close(10);
    assert.equal(left, 4, 'the hung one and the three queued were not sent');
  });

  test('failures are retried with backoff, then reported once, redacted, and counted', async () => {
    const failures: string[] = [];
    const { channel, seen } = scripted(['fail', 'fail', 'fail'], ['S3CRETTOKEN']);
    const q = new ChannelQueue(channel, { ...fast, retries: 2 }, (_c, reason) => failures.push(reason));
    q.push(alert('high'));
    await idle(q);
    assert.equal(seen.length, 3, 'first attempt + 2 retries');
    assert.equal(q.counters.retried, 2);
    assert.equal(q.counters.failed, 1);
    assert.deepEqual(failures, [`HTTP 500 at http://x/hook/${REDACTED}`]);
  });

  test('a retry that then works counts as sent', async () => {
    const { channel } = scripted(['fail', 'ok']);
    const q = new ChannelQueue(channel, fast, () => assert.fail('no failure expected'));
    q.push(alert('high'));
    await idle(q);
    assert.deepEqual([q.counters.sent, q.counters.retried, q.counters.failed], [1, 1, 0]);
  });

  test('minSeverity filters and perMinute limits, both counted', async () => {
    let now = 0;
    const { channel, seen } = scripted([]);
    const q = new ChannelQueue(channel, { ...fast, minSeverity: 'high', perMinute: 2 }, () => {}, () => {}, () => now);
    q.push(alert('low'));
    q.push(alert('medium'));
    for (let i = 0; i < 4; i++) q.push(alert('critical', i));
    assert.equal(q.counters.filtered, 2);
    assert.equal(q.counters.rateLimited, 2);
    now = 60_000;
    q.push(alert('high', 9));
    await q.close(1000);
    assert.equal(seen.length, 3, 'two in the first minute, one in the next');
  });
});

describe('NotificationDispatcher', () => {
  test('fans out to every channel, and one warning per channel per minute', async () => {
    const warnings: string[] = [];
    const a = scripted(['fail', 'fail'], ['TOKENAAAA']);
    const b = scripted([]);
    b.channel.name === 'webhook' && Object.assign(b.channel, { name: 'slack' });
    const d = buildDispatcher(
      [
        { channel: a.channel, policy: { ...fast, retries: 0 } },
        { channel: b.channel, policy: fast },
      ],
      { warn: (l) => warnings.push(l), now: () => 0 },
    );
    d.notifyAlert(alert('high', 1).kind === 'alert' ? (alert('high', 1) as { alert: Alert }).alert : (undefined as never));
    d.notifyBlock({ address: '203.0.113.5', reason: 'PORT_SCAN', createdAt: 0, expiresAt: 1, action: 'dry_run', network: '203.0.113.5/32', port: null, offense: 1, firewall: 'none' });
    await d.close(1000);
    assert.equal(a.seen.length, 2);
    assert.equal(b.seen.length, 2);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.ok(!warnings[0]!.includes('TOKENAAAA'));
    assert.deepEqual(d.counters()['webhook']!.failed, 2);
  });
});

describe('secrets', () => {
  test('webhook URLs: the whole URL, its path and long segments are redacted, the origin stays', () => {
    const url = 'https://hooks.slack.com/services/T0001/B0002/XXXXsecretXXXX?token=abc123456';
    const text = `POST ${url} failed; path /services/T0001/B0002/XXXXsecretXXXX; token=abc123456`;
    const out = redactSecrets(text, urlSecrets(url));
    assert.ok(!out.includes('XXXXsecretXXXX') && !out.includes('abc123456'), out);
    assert.ok(out.includes('POST <redacted> failed'), out);
  });

  test('Telegram: the bot token is a secret in every form, the target shows no token', () => {
    const ch = new TelegramChannel({ botToken: '123456:AAbbCCddEE', chatId: '42', apiBase: 'http://127.0.0.1:9' });
    assert.ok(!ch.target.includes('AAbbCCddEE'));
    const out = redactSecrets('bot123456:AAbbCCddEE and bot123456%3AAAbbCCddEE', ch.secrets);
    assert.ok(!out.includes('AAbbCCddEE'), out);
  });

  test('Slack escaping of & < >', () => {
    assert.equal(slackEscape('<!channel> & <http://evil|click>'), '&lt;!channel&gt; &amp; &lt;http://evil|click&gt;');
  });
});
