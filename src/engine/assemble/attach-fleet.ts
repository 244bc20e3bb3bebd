import { readFileSync } from 'node:fs';
import type { CrowdsecSettings } from '../../config/fleet-options.js';
import { DecisionPuller, type FleetEnforcer } from '../../fleet/decision-puller.js';
import { describeApi } from '../../fleet/lapi-credentials.js';
import { LapiClient, LapiError } from '../../fleet/lapi-client.js';
import { newFleetStatus, type FleetStatus } from '../../model/fleet-status.js';
import type { BlockManager } from '../../response/block-manager.js';
import { crowdsecSink } from '../../sinks/crowdsec/crowdsec-sink.js';
import type { RunSink } from '../../sinks/run-sink.js';

/** A run's part in a CrowdSec fleet: push (watcher) and / or pull (bouncer). */
export interface AttachedFleet {
  readonly status: FleetStatus;
  /** Outputs of the run: our blocks to the API, and a person's `u` turned into a deletion there. */
  readonly sinks: RunSink[];
  /** Starts pulling decisions (bouncer role). */
  start(): void;
  /**
   * Runs `lift` (a person's "unblock all") with fleet blocks lifted here only: one keypress on
   * one host does not delete every decision of the fleet, community lists included.
   */
  localOnly<T>(lift: () => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

/**
 * Wires the Local API into a run: one client for both roles, the watcher's push sink, and the
 * bouncer's puller enforcing through the run's block manager (self-protection included). Built
 * after the block manager has reconciled the firewall, so restored blocks are not pushed again.
 */
export function attachFleet(settings: CrowdsecSettings, blocks: BlockManager, fetchFn: typeof fetch, warn: (line: string) => void): AttachedFleet {
  const self = settings.machine?.login ?? null;
  const status = newFleetStatus(describeApi(settings.url), { push: settings.machine !== null, pull: settings.bouncerKey !== null });
  const client = new LapiClient({ url: settings.url, machine: settings.machine, bouncerKey: settings.bouncerKey, fetch: fetchFn, userAgent: `snoopy-tui/${version()}` });
  const enforcer: FleetEnforcer = {
    async enforce(d) {
      const r = await blocks.enforceFleetDecision(d);
      return r === null ? null : { action: r.action, expiresAt: r.expiresAt };
    },
    lift: async (network) => void (await blocks.liftFleetDecision(network)),
    held: () => new Set(blocks.active().map((b) => b.network)),
    fromFleet: () => blocks.active().flatMap((b) => (b.origin !== undefined && b.port === null ? [b.network] : [])),
  };
  const puller = settings.bouncerKey !== null ? new DecisionPuller({ client, enforcer, status, intervalSeconds: settings.pullSeconds, warn }) : null;
  const sinks: RunSink[] = [];
  if (self !== null) sinks.push(crowdsecSink(client, self, status, warn));
  const deletes = { suspended: 0 };
  if (puller !== null) sinks.push(deleteOnUnblock(puller, client, self, status, deletes, warn));
  return {
    status,
    sinks,
    start: () => puller?.start(),
    async localOnly(lift) {
      deletes.suspended++;
      try {
        return await lift();
      } finally {
        deletes.suspended--;
      }
    },
    stop: async () => puller?.stop(),
  };
}

/** Our version, for the User-Agent (the API lists bouncers and machines with it). */
function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0';
  }
}

/**
 * A person lifted a block here (`u`): a fleet decision is deleted at the API too (every decision
 * the API holds for that network), and so is our own pushed decision for a block of ours; without
 * machine credentials the API cannot be asked, and the lift stays local.
 */
function deleteOnUnblock(puller: DecisionPuller, client: LapiClient, self: string | null, status: FleetStatus, deletes: { suspended: number }, warn: (line: string) => void): RunSink {
  let warnedLocalOnly = false;
  return {
    record(record, kind, reason) {
      if (kind !== 'unblock' || reason !== 'manual' || puller.isFleetLift(record.network)) return;
      const fromFleet = record.origin !== undefined;
      const ids = fromFleet ? puller.idsFor(record.network) : self !== null ? puller.idsFor(record.network, self) : [];
      if (ids.length === 0) return;
      puller.markLifted(record.network);
      if (deletes.suspended > 0) return;
      if (self === null) {
        if (!warnedLocalOnly) warn(`fleet: ${record.address} lifted here only: deleting a decision at the Local API needs --crowdsec-machine`);
        warnedLocalOnly = true;
        return;
      }
      for (const id of ids) {
        client.deleteDecision(id).catch((e: Error) => {
          status.errors[e instanceof LapiError ? e.operation : 'delete']++;
          status.lastError = e.message;
          warn(`fleet: deleting the decision for ${record.address} failed: ${e.message}`);
        });
      }
    },
  };
}
