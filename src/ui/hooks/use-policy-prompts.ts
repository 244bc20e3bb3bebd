import { useEffect, useRef } from 'react';
import type { Alert } from '../../model/alert.js';
import type { BlockRecord } from '../../model/block-record.js';
import type { BlockTarget } from '../state/view-state.js';
import { alertSummary } from '../panes/alert-rows.js';

/**
 * The `prompt` policy: when the engine marks a new alert `prompted` — the profile
 * asks before blocking, or the source has not proven it is real — the UI opens the block prompt
 * for its attacker, once per attacker, when no other prompt is open and the display is live.
 * The prompt's safe default is No, so a key pressed by chance never blocks anyone.
 */
export function usePolicyPrompts(alerts: readonly Alert[], blocks: readonly BlockRecord[], canAsk: boolean, ask: (target: BlockTarget) => void): void {
  const asked = useRef(new Set<string>());
  useEffect(() => {
    if (!canAsk) return;
    const blocked = new Set(blocks.map((b) => b.address));
    for (let i = alerts.length - 1; i >= 0; i--) {
      const a = alerts[i]!;
      if (a.action !== 'prompted' || asked.current.has(a.attacker_ip) || blocked.has(a.attacker_ip)) continue;
      asked.current.add(a.attacker_ip);
      const note = typeof a.attack_details.response_note === 'string' ? ` — ${a.attack_details.response_note}` : '';
      const summary = alertSummary(a);
      ask({ address: a.attacker_ip, country: a.country, process: a.process, reason: `${a.attack_type} (${a.severity})${summary !== '' ? ` ${summary}` : ''}${note}` });
      return;
    }
  }, [alerts, blocks, canAsk, ask]);
}
