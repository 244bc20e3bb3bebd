import type { ProfileName } from '../../../src/config/profiles.js';
import type { Firewall } from '../../../src/platform/firewall/firewall.js';
import type { Alert, AttackType } from '../../../src/model/alert.js';
import { newAlert } from '../../../src/engine/detectors/new-alert.js';
import type { BlockEvent, ResponseEvent, UnblockEvent } from '../../../src/model/response-event.js';
import { BlockManager, type BlockManagerOptions } from '../../../src/response/block-manager.js';
import type { BlockRecord } from '../../../src/model/block-record.js';
import { ProtectedAddresses } from '../../../src/response/protected-addresses.js';
import { ProvenSources } from '../../../src/response/proven-sources.js';
import { ResponsePolicy } from '../../../src/response/response-policy.js';
import { recordingContext } from '../../support/recording-context.js';
import { FakeFirewall } from './fake-firewall.js';
import { FakeFlows } from './fake-flows.js';
import { canonicalAddress } from '../../../src/net/canonical.js';

export const T0 = Date.parse('2026-03-01T12:00:00.000Z');

export interface HostState {
  own: string[];
  gateways: string[];
  resolvers: string[];
  ssh: string[];
}

export interface Harness {
  manager: BlockManager;
  firewall: FakeFirewall;
  /**
   * `proven.add(address)`: the alerts of `address` given to onAlert without a flow from now on
   * come with their evidence in a handshake this host completed with it (a proven flow).
   */
  proven: { add(address: string, tsMicros?: number): void };
  /** The real proof bookkeeping behind the manager. */
  proofs: ProvenSources;
  /** Flows for onAlert / onEvidence / onFlowProven; `h.flows.add(src, OWN)` opens one to this host. */
  flows: FakeFlows;
  protection: ProtectedAddresses;
  host: HostState;
  clock: { now: number };
  events: ResponseEvent[];
  records: { record: BlockRecord; kind: 'block' | 'unblock'; reason: string | undefined }[];
  changed: Alert[];
  blocked: BlockRecord[];
  warnings: string[];
  /** How many apply() calls the FakeFirewall had seen when start() returned (the reconciliation, if any). */
  applyBase: number;
  blockEvents(): BlockEvent[];
  unblockEvents(): UnblockEvent[];
  /** A new alert from `attacker` (packet time = the clock). */
  alert(attacker: string, attackType?: AttackType, details?: Record<string, unknown>): Alert;
}

export interface HarnessOptions extends Partial<Omit<BlockManagerOptions, 'firewall' | 'protection' | 'policy' | 'proven' | 'onEvent' | 'warn'>> {
  firewall?: FakeFirewall;
  /** A real backend (over a fake CommandRunner) instead of the FakeFirewall; `firewall` then stays unused. */
  backend?: Firewall;
  profile?: ProfileName;
  autoBlock?: boolean | null;
  allow?: string[];
  host?: Partial<HostState>;
}

/**
 * A BlockManager over a FakeFirewall, a fixed host (own 10.0.2.15 and 2001:db8:1:2::15,
 * gateway 10.0.2.2, resolver 10.255.255.53), policy high-security (PORT_SCAN → block), base
 * duration 300 s, and a clock the test moves.
 */
export function harness(o: HarnessOptions = {}): Harness {
  const host: HostState = { own: ['10.0.2.15', 'fe80::15%eth0', '2001:db8:1:2::15'], gateways: ['10.0.2.2'], resolvers: ['10.255.255.53'], ssh: [], ...o.host };
  const clock = { now: T0 };
  const firewall = o.firewall ?? new FakeFirewall();
  const protection = new ProtectedAddresses(
    { ownAddresses: () => host.own, gateways: () => host.gateways, resolvers: () => host.resolvers, sshPeers: async () => [...host.ssh] },
    o.allow ?? [],
    () => clock.now,
  );
  const proofs = new ProvenSources((a) => protection.isOwn(a));
  const flows = new FakeFlows(() => clock.now * 1000);
  const provenAddresses = new Set<string>();
  const events: ResponseEvent[] = [];
  const records: Harness['records'] = [];
  const changed: Alert[] = [];
  const blocked: BlockRecord[] = [];
  const warnings: string[] = [];
  const { firewall: _f, backend, profile, autoBlock, allow: _a, host: _h, ...rest } = o;
  const manager = new BlockManager({
    firewall: backend ?? firewall,
    dryRun: false,
    protection,
    policy: new ResponsePolicy({ profile: profile ?? 'high-security', autoBlock: autoBlock ?? null, overrides: {} }),
    proven: proofs,
    durationSeconds: 300,
    canPrompt: true,
    // One proven probe blesses a scan here; the distinct-services rule has its own tests.
    scanProofServices: 1,
    onEvent: (e) => events.push(e),
    onRecord: (record, kind, reason) => records.push({ record: { ...record }, kind, reason }),
    onAlertChanged: (a) => changed.push(a),
    onBlocked: (r) => blocked.push(r),
    warn: (l) => warnings.push(l),
    now: () => clock.now,
    ...rest,
  });
  const { ctx } = recordingContext();
  const onAlert = manager.onAlert.bind(manager);
  manager.onAlert = (alert, view = null, slot = -1) => {
    const attacker = canonicalAddress(alert.attacker_ip)?.text;
    if (view === null && attacker !== undefined && provenAddresses.has(attacker)) {
      const s = flows.add(attacker, attacker.includes(':') ? '2001:db8:1:2::15' : '10.0.2.15', true);
      manager.onFlowProven(flows, s);
      return onAlert(alert, flows, s);
    }
    return onAlert(alert, view, slot);
  };
  return {
    manager,
    firewall,
    proven: { add: (address) => void provenAddresses.add(canonicalAddress(address)!.text) },
    proofs,
    flows,
    protection,
    host,
    clock,
    events,
    records,
    changed,
    blocked,
    warnings,
    applyBase: 0,
    blockEvents: () => events.filter((e): e is BlockEvent => e.event_type === 'block'),
    unblockEvents: () => events.filter((e): e is UnblockEvent => e.event_type === 'unblock'),
    alert: (attacker, attackType = 'PORT_SCAN', details = {}) => newAlert(ctx, { attackType, severity: 'high', attacker, nowMicros: clock.now * 1000, details }),
  };
}
