import type { RunConfig } from '../../config/run-config.js';
import type { Alert, BlockRecord, HistoryEntry, ResponseEvent, UnblockReason } from '../../model/index.js';
import type { Host } from '../../host/host.js';
import { BlockManager } from '../../response/block-manager.js';
import type { BlockTiming } from '../../response/block-timing.js';
import { historyBlockState } from '../../response/history-blocks.js';
import { ProtectedAddresses } from '../../response/protected-addresses.js';
import { ProvenSources } from '../../response/proven-sources.js';
import { ResponsePolicy } from '../../response/response-policy.js';
import { ServiceGuard } from '../../response/service-guard.js';

export interface ResponseWiring {
  /** A UI that can ask is attached (engine process), else headless. */
  canPrompt: boolean;
  /** The history so far (null: none), for reconciling the firewall with it at start. */
  history(): Promise<HistoryEntry[] | null>;
  onEvent(event: ResponseEvent): void;
  onRecord(record: BlockRecord, kind: 'block' | 'unblock', reason?: UnblockReason): void;
  onAlertChanged(alert: Alert): void;
  /** Each block that went into the firewall (notifications). */
  onBlocked(record: BlockRecord): void;
  warn(line: string): void;
  debug(line: string): void;
  /** Latency tracing (opt-in): stage timestamps of each automatic block. */
  onTiming?(timing: BlockTiming): void;
}

/**
 * Builds the response side of a run from its config: the firewall backend (none for dry runs),
 * the never-block list, the policy, fail2ban, and the reconciliation with the history.
 */
export async function createBlockManager(config: RunConfig, host: Host, w: ResponseWiring, sourceKind: 'live' | 'file'): Promise<BlockManager> {
  // A capture file's attackers are long gone and its addresses may be anyone's: whatever the
  // config says, a replay never touches the firewall (resolveRunConfig sets it too; this is the
  // engine's own guard for callers that build a RunConfig directly).
  const dryRun = config.dryRun || sourceKind === 'file';
  const chosen = await host.chooseFirewall(dryRun ? 'none' : config.firewall, config.iptablesVariant);
  if (chosen.note !== null) (chosen.firewall.name === 'none' ? w.warn : w.debug)(chosen.note);
  const protection = new ProtectedAddresses(host.protectedSources(), config.allow);
  protection.onSshStatus = (problem) => (problem === null ? w.warn('live SSH sessions can be listed again: automatic blocks resume') : w.warn(`warning: ${problem}`));
  const fail2ban = config.fail2ban && !dryRun && chosen.firewall.name !== 'none' ? host.fail2ban(config.fail2banJail, w.warn) : null;
  const guard = Object.keys(config.stopServices).length > 0 && !dryRun ? new ServiceGuard(config.stopServices, host.serviceControl(), w.onEvent) : null;
  const onEvent = guard === null ? w.onEvent : (e: ResponseEvent) => (w.onEvent(e), guard.onResponseEvent(e));
  const manager = new BlockManager({
    firewall: chosen.firewall,
    dryRun: dryRun || chosen.firewall.name === 'none',
    protection,
    policy: new ResponsePolicy({ profile: config.profile, autoBlock: config.autoBlock, overrides: config.response }),
    proven: new ProvenSources((address) => protection.isOwn(address)),
    durationSeconds: config.blockDurationSeconds,
    maxDurationSeconds: config.maxBlockDurationSeconds,
    escalate: config.escalate,
    ipv6Prefix: config.ipv6BlockPrefix,
    requireProof: config.requireProof,
    canPrompt: w.canPrompt,
    onEvent,
    onRecord: w.onRecord,
    onAlertChanged: w.onAlertChanged,
    onBlocked: (r) => {
      w.onBlocked(r);
      if (fail2ban !== null) void fail2ban.ban(r.address);
    },
    warn: w.warn,
    ...(w.onTiming !== undefined ? { onTiming: w.onTiming } : {}),
  });
  const entries = dryRun ? null : await w.history();
  await manager.start(entries === null ? null : historyBlockState(entries, Date.now(), (line) => w.warn(`warning: ${line}`)));
  return manager;
}
