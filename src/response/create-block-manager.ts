import type { RunConfig } from '../config/run-config.js';
import type { Alert } from '../model/alert.js';
import { chooseFirewall } from '../platform/firewall/choose-firewall.js';
import { Fail2banBridge } from '../platform/fail2ban.js';
import { hostProtectedSources } from '../platform/self-protection/host-protected-sources.js';
import type { RunRecorder } from '../store/run-recorder.js';
import type { ResponseEvent } from '../model/response-event.js';
import type { BlockRecord } from '../model/block-record.js';
import { BlockManager } from './block-manager.js';
import { historyBlockState } from './history-blocks.js';
import { ProtectedAddresses } from './protected-addresses.js';
import { ProvenSources } from './proven-sources.js';
import { ResponsePolicy } from './response-policy.js';
import { ServiceGuard } from './service-guard.js';
import { ServiceControl } from '../platform/service-control.js';

export interface ResponseWiring {
  /** A UI that can ask is attached (engine process), else headless. */
  canPrompt: boolean;
  recorder: RunRecorder | null;
  onEvent(event: ResponseEvent): void;
  onAlertChanged(alert: Alert): void;
  warn(line: string): void;
  debug(line: string): void;
  /** Each block that went into the firewall (notifications). */
  onBlocked?(record: BlockRecord): void;
}

/**
 * Builds the response side of a run from its config: the firewall backend (none for dry runs),
 * the never-block list, the policy, fail2ban, and the reconciliation with the history.
 */
export async function createBlockManager(config: RunConfig, w: ResponseWiring, sourceKind: 'live' | 'file'): Promise<BlockManager> {
  // A capture file's attackers are long gone and its addresses may be anyone's: whatever the
  // config says, a replay never touches the firewall (resolveRunConfig sets it too; this is the
  // engine's own guard for callers that build a RunConfig directly).
  const dryRun = config.dryRun || sourceKind === 'file';
  const chosen = await chooseFirewall(dryRun ? 'none' : config.firewall, undefined, undefined, config.iptablesVariant);
  if (chosen.note !== null) (chosen.firewall.name === 'none' ? w.warn : w.debug)(chosen.note);
  const protection = new ProtectedAddresses(hostProtectedSources(), config.allow);
  await protection.refreshSshPeers();
  const fail2ban = config.fail2ban && !dryRun && chosen.firewall.name !== 'none' && Fail2banBridge.available() ? new Fail2banBridge(config.fail2banJail, w.warn) : null;
  const guard = Object.keys(config.stopServices).length > 0 && !dryRun ? new ServiceGuard(config.stopServices, new ServiceControl(), w.onEvent) : null;
  const onEvent = guard === null ? w.onEvent : (e: ResponseEvent) => (w.onEvent(e), guard.onResponseEvent(e));
  const manager = new BlockManager({
    firewall: chosen.firewall,
    dryRun: dryRun || chosen.firewall.name === 'none',
    protection,
    policy: new ResponsePolicy({ profile: config.profile, autoBlock: config.autoBlock, overrides: config.response }),
    proven: new ProvenSources(),
    durationSeconds: config.blockDurationSeconds,
    maxDurationSeconds: config.maxBlockDurationSeconds,
    escalate: config.escalate,
    ipv6Prefix: config.ipv6BlockPrefix,
    requireProof: config.requireProof,
    canPrompt: w.canPrompt,
    onEvent,
    onRecord: (record, kind, reason) => (kind === 'block' ? w.recorder?.block(record) : w.recorder?.unblock(record, reason ?? 'manual')),
    onAlertChanged: w.onAlertChanged,
    onBlocked: (r) => {
      w.onBlocked?.(r);
      if (fail2ban !== null) void fail2ban.ban(r.address);
    },
    warn: w.warn,
  });
  const entries = dryRun ? null : ((await w.recorder?.allEntries()) ?? null);
  await manager.start(entries === null ? null : historyBlockState(entries, Date.now()));
  return manager;
}
