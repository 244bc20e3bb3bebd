import type { RunConfig } from './run-config.js';

/** Keys a reload applies to the running process; every other change waits for a restart. */
const LIVE_KEYS = new Set<keyof RunConfig>(['thresholds', 'verbose']);

/** Top-level settings that differ between the running config and a reloaded one but are not applied live. */
export function settingsNeedingRestart(running: RunConfig, reloaded: RunConfig): string[] {
  const out: string[] = [];
  for (const key of Object.keys(reloaded) as (keyof RunConfig)[]) {
    if (LIVE_KEYS.has(key)) continue;
    if (JSON.stringify(running[key]) !== JSON.stringify(reloaded[key])) out.push(key);
  }
  return out;
}
