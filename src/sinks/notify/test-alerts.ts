import type { RunConfig } from '../../config/run-config.js';
import { activeChannels, type NotifierDeps } from './create-notifier.js';
import { redactSecrets } from './redact.js';

export interface TestAlertResult {
  channel: string;
  target: string;
  ok: boolean;
  reason: string | null;
}

/**
 * `--test-alerts`: one test message through every channel a live run would use, one attempt each
 * (with the channel's timeout), all at once. Reasons are redacted.
 */
export async function sendTestAlerts(config: RunConfig, deps: NotifierDeps = {}, now: () => Date = () => new Date()): Promise<TestAlertResult[]> {
  const at = now().toISOString();
  return Promise.all(
    activeChannels(config, true, deps).map(async ({ channel, policy }) => {
      try {
        await channel.send({ kind: 'test', at }, policy.timeoutMs);
        return { channel: channel.name, target: channel.target, ok: true, reason: null };
      } catch (e) {
        return { channel: channel.name, target: channel.target, ok: false, reason: redactSecrets((e as Error).message || String(e), channel.secrets) };
      }
    }),
  );
}

/** One line per channel: `webhook (http://127.0.0.1:8080/…): ok` / `…: failed: HTTP 401: Unauthorized`. */
export function formatTestAlerts(results: readonly TestAlertResult[]): string {
  if (results.length === 0) return 'no notification channel is enabled (see notifications.* in the config file)\n';
  return results.map((r) => `${r.channel} (${r.target}): ${r.ok ? 'ok' : `failed: ${r.reason}`}\n`).join('');
}
