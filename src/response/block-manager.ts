import type { Alert } from '../model/alert.js';
import { canonicalAddress, canonicalCidr, networkOf, type CanonicalAddress } from '../net/canonical.js';
import { entryKey, type BlockSpec, type Firewall, type FirewallEntry } from '../platform/firewall/firewall.js';
import { blockEvent, unblockEvent } from './block-events.js';
import { type ResponseEvent, type UnblockReason } from '../model/response-event.js';
import type { BlockOutcome, BlockRecord } from '../model/block-record.js';
import { FirewallQueue } from './firewall-queue.js';
import { stageNow, type BlockTiming, type StageMark } from './block-timing.js';
import type { HistoryBlockState } from './history-blocks.js';
import type { ProtectedAddresses } from './protected-addresses.js';
import type { FlowProofView, ProvenSources } from './proven-sources.js';
import type { ResponsePolicy } from './response-policy.js';

export interface BlockManagerOptions {
  firewall: Firewall;
  /** Decide and record, change nothing (--dry-run, forced for replays). */
  dryRun: boolean;
  protection: ProtectedAddresses;
  policy: ResponsePolicy;
  proven: ProvenSources;
  /** Base block duration, seconds (--block-duration). */
  durationSeconds: number;
  /** Repeat offenders: each new block doubles, up to this many seconds (default 7 days). */
  maxDurationSeconds?: number;
  /** false: every block lasts durationSeconds. */
  escalate?: boolean;
  /** IPv6 attackers are blocked as this prefix (64: one host usually owns its /64). */
  ipv6Prefix?: number;
  /** Auto-block only sources that completed a handshake (spoofed sources cannot); false = trust the evidence. */
  requireProof?: boolean;
  /** Distinct services a scan's proven probes must reach before it is blessed (default SCAN_PROOF_SERVICES). */
  scanProofServices?: number;
  /** A UI is attached that can ask: `prompt` alerts become `prompted`, else `logged`. */
  canPrompt: boolean;
  /** Seconds without new evidence after which a blocked attack counts as stopped. */
  quietSeconds?: number;
  /** JSON lines / UI / history. */
  onEvent(event: ResponseEvent): void;
  onRecord?(record: BlockRecord, kind: 'block' | 'unblock', reason?: UnblockReason): void;
  /** An alert's action changed after it was published (proof arrived, the firewall failed). */
  onAlertChanged?(alert: Alert): void;
  /** A successful block, for integrations (fail2ban). */
  onBlocked?(record: BlockRecord): void;
  warn(line: string): void;
  now?: () => number;
  /** Latency tracing (opt-in): the stage timestamps of each automatic block, once its line is out. */
  onTiming?(timing: BlockTiming): void;
}

/** Alerts waiting for proof, at most this many (oldest forgotten). */
const MAX_WAITING = 1024;
/** Unproven evidence flows of waiting alerts remembered, at most this many (oldest forgotten). */
const MAX_PENDING_FLOWS = 8192;
/**
 * Scans are evidence of many probes: a blind spoofer's probes never complete, but a real host
 * whose address it forges may meanwhile connect to one or two services of ours (a visitor, a
 * reverse proxy on 80 and 443) — flows a scan detector counts too. A scan is blessed only by
 * proven probes of at least this many distinct services (a connect scan that found three open
 * ports); fewer, and it waits, logged or prompted.
 */
const SCAN_PROOF_SERVICES = 3;
/**
 * How long before a scan's first counted probe its handshakes still count as its own proof. A
 * connect scan reaches ports it touched before (an earlier visit) first: the detector does not
 * count those as new probes, so their handshakes complete just before `first_seen` (which also
 * carries whole milliseconds only). A second covers that; an older proof stays stale.
 */
const SCAN_PROOF_LEAD_MICROS = 1_000_000;
const SCAN_TYPES: ReadonlySet<string> = new Set(['PORT_SCAN', 'SLOW_SCAN', 'HOST_SWEEP', 'DISTRIBUTED_SCAN', 'OS_FINGERPRINT']);
/** The timer re-reads SSH peers when its list is older than this … */
const SSH_PEERS_FRESH_MS = 900;
/** … and a block waits for a fresh list when it is older than this. */
const SSH_PEERS_MAX_AGE_MS = 2500;
/** Attacks watched for "stopped", at most this many. */
const MAX_WATCHED = 4096;

/**
 * IPv6 addresses that stand for an IPv4 host (or many hosts) behind a translator: NAT64
 * (64:ff9b::/96, the local-use 64:ff9b:1::/48), SIIT (::ffff:0:a.b.c.d), IPv4-compatible (::/96)
 * and Teredo (2001::/32, a relay's clients share its /64). Their /64 is not one host's network —
 * 64:ff9b::/64 is the whole IPv4 internet through the translator — so they are blocked as /128.
 */
export function embedsIpv4(a: CanonicalAddress): boolean {
  const [w0, w1, w2] = a.words;
  if (w0 === 0x0064ff9b && w1 === 0 && w2 === 0) return true;
  if (w0 === 0x0064ff9b && w1 >>> 16 === 0x0001) return true;
  if (w0 === 0 && w1 === 0 && (w2 === 0xffff0000 || w2 === 0)) return true;
  return w0 === 0x20010000;
}

/**
 * Decides what happens to each alert and keeps the blocks: policy (log / prompt / block),
 * self-protection, proof that a source is not spoofed, durations with escalation for repeat
 * offenders, expiry (the kernel's own timeouts where the backend has them, our timer otherwise),
 * reconciliation with the history at start, and "attack stopped" notes.
 *
 * Decisions for new alerts are synchronous (the alert line carries its action); the firewall
 * change follows asynchronously in batches, and a failure updates the alert to block_failed.
 */
export class BlockManager {
  private readonly blocks = new Map<string, BlockRecord>();
  private readonly offenses = new Map<string, number>();
  /** Alert id → alert, for alerts that would be blocked once their own evidence is proven. */
  private readonly waitingForProof = new Map<string, Alert>();
  /** Flow uid → ids of waiting alerts whose evidence includes that (not yet proven) flow. */
  private readonly pendingFlows = new Map<number, string[]>();
  /** Attacker → ids of its scan alerts waiting for proof (each proof of the attacker re-checks them). */
  private readonly waitingScans = new Map<string, Set<string>>();
  /** Blocks between the decision and the firewall's answer: a second alert must not add another. */
  private readonly inFlight = new Map<string, Promise<BlockRecord>>();
  private readonly watched = new Map<string, { alert: Alert; count: number; changedAt: number }>();
  private readonly queue: FirewallQueue;
  private readonly now: () => number;
  private readonly ipv6Prefix: number;
  private readonly maxDuration: number;
  private readonly quietMicros: number;
  private firewallBroken: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private ticks = 0;
  private setupDone: Promise<void> | null = null;
  /** setupDone has resolved: a block need not wait for it. */
  private setupFinished = false;
  /** Latency tracing only: alert id → when it was raised, for alerts whose block is not decided yet. */
  private readonly raisedAt = new Map<string, number>();

  constructor(private readonly o: BlockManagerOptions) {
    this.now = o.now ?? Date.now;
    this.ipv6Prefix = o.ipv6Prefix ?? 64;
    this.maxDuration = o.maxDurationSeconds ?? 7 * 86_400;
    this.quietMicros = (o.quietSeconds ?? 60) * 1e6;
    this.queue = new FirewallQueue(o.firewall);
  }

  /** Why automatic blocks are off (self-protection cannot see live SSH sessions), or null. */
  selfProtectionProblem(): string | null {
    return this.o.protection.unknownSshPeers();
  }

  /** Sources proven not spoofed; the packet path feeds it. */
  get proven(): ProvenSources {
    return this.o.proven;
  }

  get firewallName(): string {
    return this.o.dryRun ? 'none' : this.o.firewall.name;
  }

  /**
   * Prepares the firewall and reconciles it with the history: blocks still in force are
   * re-applied with their remaining time, entries the history ended are removed, entries the
   * history does not know are adopted (kept, recorded). `history` null = no history file.
   */
  async start(history: HistoryBlockState | null): Promise<void> {
    await this.o.protection.refreshSshPeers();
    if (history !== null) for (const [address, n] of history.offenses) this.offenses.set(address, n);
    if (!this.o.dryRun) {
      try {
        await this.reconcile(history);
      } catch (e) {
        this.firewallBroken = (e as Error).message;
        this.o.warn(`firewall ${this.o.firewall.name} unusable: ${this.firewallBroken}; blocks will be recorded as block_failed, detection goes on`);
      }
    }
    this.timer = setInterval(() => this.expire(), 1000);
    this.timer.unref();
  }

  private async reconcile(history: HistoryBlockState | null): Promise<void> {
    const inFirewall = new Map<string, FirewallEntry>();
    for (const e of await this.o.firewall.list()) inFirewall.set(entryKey(e), e);
    const now = this.now();
    const add: BlockSpec[] = [];
    const remove: BlockSpec[] = [];
    let restored = 0;
    let adopted = 0;
    for (const [key, b] of history?.active ?? []) {
      const remaining = (b.expiresAt - now) / 1000;
      const family = b.network.includes(':') ? 6 : 4;
      // The never-block list may have grown since (--allow, a new SSH session): it wins.
      const protectedNow = this.o.protection.reasonForNetwork(b.network);
      if (protectedNow !== null) {
        if (inFirewall.has(key)) remove.push({ cidr: b.network, family, port: b.port, timeoutSeconds: 1 });
        const gone: BlockRecord = { address: b.address, network: b.network, port: b.port, reason: b.reason, createdAt: b.createdAt, expiresAt: b.expiresAt, action: 'blocked', detail: `lifted at start: ${protectedNow}`, offense: 1, firewall: this.o.firewall.name };
        this.o.onRecord?.(gone, 'unblock', 'manual');
        inFirewall.delete(key);
        continue;
      }
      // Re-applied even when present: the same element with its remaining time, never a second one.
      add.push({ cidr: b.network, family, port: b.port, timeoutSeconds: remaining });
      const record: BlockRecord = { address: b.address, network: b.network, port: b.port, reason: b.reason, createdAt: b.createdAt, expiresAt: b.expiresAt, action: 'blocked', detail: 'restored from history', offense: history?.offenses.get(b.address) ?? 1, firewall: this.o.firewall.name };
      if (b.alertId !== undefined) record.alertId = b.alertId;
      if (b.attackType !== undefined) record.attackType = b.attackType;
      if (b.origin !== undefined) record.origin = b.origin;
      this.blocks.set(key, record);
      restored++;
    }
    for (const [key, e] of inFirewall) {
      if (this.blocks.has(key)) continue;
      if ((history !== null && history.ended.has(key)) || this.o.protection.reasonForNetwork(e.cidr) !== null) {
        remove.push({ cidr: e.cidr, family: e.family, port: e.port, timeoutSeconds: 1 });
        continue;
      }
      const seconds = e.remainingSeconds ?? this.o.durationSeconds;
      const address = e.cidr.split('/')[0]!;
      const record: BlockRecord = { address, network: e.cidr, port: e.port, reason: 'found in the firewall at start', createdAt: now, expiresAt: now + seconds * 1000, action: 'blocked', detail: 'adopted from the firewall (not in the history)', offense: 1, firewall: this.o.firewall.name };
      this.blocks.set(key, record);
      this.o.onRecord?.(record, 'block');
      if (e.remainingSeconds === null && this.o.firewall.kernelTimeouts) add.push({ cidr: e.cidr, family: e.family, port: e.port, timeoutSeconds: seconds });
      adopted++;
    }
    // Our table exists when it holds entries; setup (idempotent) also rewrites its rules, so
    // later removals and expiries of adopted entries reach the firewall.
    if (add.length + remove.length > 0 || inFirewall.size > 0) await this.ensureSetup();
    if (add.length + remove.length > 0) await this.o.firewall.apply(add, remove);
    if (restored + adopted + remove.length > 0) {
      this.o.warn(`firewall ${this.o.firewall.name}: ${restored} block(s) restored from the history with their remaining time, ${remove.length} stale entr${remove.length === 1 ? 'y' : 'ies'} removed, ${adopted} unknown entr${adopted === 1 ? 'y' : 'ies'} adopted`);
    }
  }

  /**
   * Our table / chain / sets are created on the first block (or restore), not at start: a run
   * that never blocks leaves the host's firewall exactly as it found it. A failed setup is
   * retried on the next block.
   */
  private ensureSetup(): Promise<void> {
    this.setupDone ??= this.o.firewall.setup().then(
      () => {
        this.setupFinished = true;
      },
      (e: unknown) => {
        this.setupDone = null;
        throw e;
      },
    );
    return this.setupDone;
  }

  /** Active blocks (blocked or dry run), oldest first. */
  active(): BlockRecord[] {
    return [...this.blocks.values()];
  }

  /**
   * Sets `alert.action` for a new alert before it is published, and starts a block when the
   * policy says so. Called from the packet path: synchronous, never waits; its only I/O is a
   * block's firewall command, started here when nothing needs waiting for. `flows`/`slot`: the
   * flow of the packet the detector raised it on (-1: raised off a packet, e.g. on a tick).
   */
  onAlert(alert: Alert, flows: FlowProofView | null = null, slot = -1): void {
    const attacker = canonicalAddress(alert.attacker_ip);
    if (attacker === null) return;
    const action = this.o.policy.actionFor(alert.attack_type);
    if (action === 'log') return;
    if (action === 'prompt') {
      alert.action = this.o.canPrompt ? 'prompted' : 'logged';
      return;
    }
    if (this.o.onTiming !== undefined) {
      if (this.raisedAt.size >= MAX_WAITING) this.raisedAt.delete(this.raisedAt.keys().next().value as string);
      this.raisedAt.set(alert.id, stageNow());
    }
    const proven = flows !== null && this.provenEvidence(alert, attacker.text, flows, slot);
    this.decideBlock(alert, attacker, proven);
    if (this.waitingForProof.has(alert.id) && flows !== null) this.notePending(alert, attacker.text, flows, slot);
  }

  /**
   * A detector counted the packet in `slot` as more evidence for `alert` (it called changed).
   * For an alert waiting for proof: a proven flow of its attacker blesses it now; an unproven
   * one is remembered, and blesses it if its handshake completes (onFlowProven).
   */
  onEvidence(alert: Alert, flows: FlowProofView, slot: number): void {
    if (slot < 0 || !this.waitingForProof.has(alert.id)) return;
    const attacker = canonicalAddress(alert.attacker_ip);
    if (attacker === null) return;
    if (this.provenEvidence(alert, attacker.text, flows, slot)) this.bless(alert, attacker);
    else this.notePending(alert, attacker.text, flows, slot);
  }

  /**
   * Is the packet in `slot` proven evidence of `alert`? It must belong to a proven flow of the
   * attacker, and not be the very ACK that completed it: a detector that counts "a handshake
   * completed" as evidence would otherwise take any real visit of the forged address for part of
   * the attack. (A flow whose opening SYN the detector counted is blessed in onFlowProven.)
   */
  private provenEvidence(alert: Alert, attacker: string, flows: FlowProofView, slot: number): boolean {
    if (SCAN_TYPES.has(alert.attack_type)) return this.scanProven(alert, attacker);
    return slot >= 0 && !flows.lastProved() && this.o.proven.provesFlow(flows, slot, attacker);
  }

  /**
   * A scan's probes are flows to many services; a blind spoofer's never complete. It is proven
   * when its source completed handshakes with at least SCAN_PROOF_SERVICES distinct services of
   * ours since the scan began (a connect scan finding open ports does; a visitor or proxy whose
   * address is forged reaches one or two), SCAN_PROOF_LEAD_MICROS before its first probe included.
   */
  private scanProven(alert: Alert, attacker: string): boolean {
    const since = Date.parse(alert.attack_details.first_seen) * 1000 - SCAN_PROOF_LEAD_MICROS;
    if (!Number.isFinite(since)) return false;
    return this.o.proven.servicesSince(attacker, since) >= (this.o.scanProofServices ?? SCAN_PROOF_SERVICES);
  }

  /** The packet path's proof hand-off (FlowEvent.SOURCE_PROVEN): waiting alerts with that flow in their evidence go on. */
  onFlowProven(flows: FlowProofView, slot: number): void {
    const source = this.o.proven.flowProven(flows, slot);
    if (source === null) return;
    const scans = this.waitingScans.get(source);
    if (scans !== undefined) {
      for (const id of [...scans]) {
        const alert = this.waitingForProof.get(id);
        if (alert === undefined) scans.delete(id);
        else if (this.scanProven(alert, source)) this.bless(alert, canonicalAddress(source)!);
      }
    }
    const uid = flows.uidOf(slot);
    const ids = this.pendingFlows.get(uid);
    if (ids === undefined) return;
    this.pendingFlows.delete(uid);
    for (const id of ids) {
      const alert = this.waitingForProof.get(id);
      if (alert === undefined || SCAN_TYPES.has(alert.attack_type)) continue;
      const attacker = canonicalAddress(alert.attacker_ip);
      if (attacker !== null && attacker.text === source) this.bless(alert, attacker);
    }
  }

  private notePending(alert: Alert, attacker: string, flows: FlowProofView, slot: number): void {
    if (slot < 0 || this.o.proven.originator(flows, slot) !== attacker) return;
    const uid = flows.uidOf(slot);
    const ids = this.pendingFlows.get(uid);
    if (ids !== undefined) {
      if (!ids.includes(alert.id) && ids.length < 8) ids.push(alert.id);
      return;
    }
    if (this.pendingFlows.size >= MAX_PENDING_FLOWS) this.pendingFlows.delete(this.pendingFlows.keys().next().value as number);
    this.pendingFlows.set(uid, [alert.id]);
  }

  private bless(alert: Alert, attacker: CanonicalAddress): void {
    this.waitingForProof.delete(alert.id);
    this.waitingScans.get(attacker.text)?.delete(alert.id);
    this.decideBlock(alert, attacker, true);
    this.o.onAlertChanged?.(alert);
  }

  /** Evidence keeps coming for an alert (called on updates), for "attack stopped". */
  noteActivity(alert: Alert, nowMicros: number): void {
    const w = this.watched.get(alert.id);
    if (w !== undefined && w.count !== alert.packet_count) {
      w.count = alert.packet_count;
      w.changedAt = nowMicros;
    }
  }

  /** Packet-time housekeeping: attacks without new evidence for the quiet period have stopped. */
  onPacketTime(nowMicros: number): void {
    for (const [id, w] of this.watched) {
      if (w.alert.packet_count !== w.count) {
        w.count = w.alert.packet_count;
        w.changedAt = nowMicros;
        continue;
      }
      if (nowMicros - w.changedAt < this.quietMicros) continue;
      this.watched.delete(id);
      this.o.onEvent({ event_type: 'attack_stopped', timestamp: new Date(nowMicros / 1000).toISOString(), attacker_ip: w.alert.attacker_ip, attack_type: w.alert.attack_type, alert_id: id, duration: w.alert.duration, action: w.alert.action });
    }
  }

  private decideBlock(alert: Alert, attacker: CanonicalAddress, proven: boolean): void {
    const reason = this.o.protection.reasonFor(attacker);
    if (reason !== null) {
      alert.action = 'suppressed';
      alert.attack_details.response_note = `not blocked: ${reason}`;
      this.record(this.newRecord(attacker, alert, 'suppressed', `protected: ${reason}`, 0));
      return;
    }
    // Fail closed: without a current list of live SSH sessions, a block could cut the admin's.
    const blind = this.o.protection.unknownSshPeers();
    if (blind !== null) {
      alert.action = this.o.canPrompt ? 'prompted' : 'logged';
      alert.attack_details.response_note = `not auto-blocked: ${blind}`;
      this.o.warn(`not blocking ${attacker.text} (${alert.attack_type}): ${blind}`);
      return;
    }
    // sshd's own TCP stack accepted the connection that the log line reports: the source is real.
    const provenByLog = typeof alert.attack_details.source === 'string' && alert.attack_details.source.includes('auth_log');
    if ((this.o.requireProof ?? true) && !provenByLog && !proven) {
      alert.action = this.o.canPrompt ? 'prompted' : 'logged';
      alert.attack_details.response_note = 'not auto-blocked yet: none of its packets came in a handshake this host completed with the source (could be spoofed)';
      if (!this.waitingForProof.has(alert.id)) {
        if (this.waitingForProof.size >= MAX_WAITING) this.waitingForProof.delete(this.waitingForProof.keys().next().value as string);
        this.waitingForProof.set(alert.id, alert);
        if (SCAN_TYPES.has(alert.attack_type)) {
          let ids = this.waitingScans.get(attacker.text);
          if (ids === undefined) {
            if (this.waitingScans.size >= MAX_WAITING) this.waitingScans.delete(this.waitingScans.keys().next().value as string);
            this.waitingScans.set(attacker.text, (ids = new Set()));
          }
          ids.add(alert.id);
        }
      }
      return;
    }
    const key = this.keyFor(attacker, null);
    const existing = this.blocks.get(key);
    if (existing !== undefined || this.inFlight.has(key)) {
      alert.action = existing?.action === 'dry_run' || (existing === undefined && this.o.dryRun) ? 'dry_run' : 'blocked';
      alert.attack_details.response_note = 'already blocked';
      this.watch(alert);
      return;
    }
    alert.action = this.o.dryRun ? 'dry_run' : this.firewallBroken !== null ? 'block_failed' : 'blocked';
    delete alert.attack_details.response_note;
    this.watch(alert);
    const trace = this.startTrace(alert, attacker);
    const pending = this.applyBlock(attacker, null, this.escalatedSeconds(attacker.text), `${alert.attack_type} detected`, alert, trace).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, pending);
  }

  /** A block asked for by a person (UI `b`): no policy, no proof needed; protection still applies. */
  async block(address: string, durationSeconds: number, reason: string, port: BlockSpec['port'] = null): Promise<BlockRecord> {
    const attacker = canonicalAddress(address);
    if (attacker === null) throw new RangeError(`not an IP address: ${JSON.stringify(address)}`);
    if (!Number.isFinite(durationSeconds) || durationSeconds <= 0) throw new RangeError('block duration must be positive');
    const why = this.o.protection.reasonFor(attacker);
    if (why !== null) return this.record(this.newRecord(attacker, null, 'suppressed', `protected: ${why}`, durationSeconds, reason, port));
    return this.applyBlock(attacker, port, durationSeconds, reason, null);
  }

  private async applyBlock(attacker: CanonicalAddress, port: BlockSpec['port'], seconds: number, reason: string, alert: Alert | null, trace: BlockTiming | null = null): Promise<BlockRecord> {
    const record = await this.checkAndApply(attacker, port, seconds, reason, alert, trace);
    if (trace !== null) {
      trace.action = record.action;
      this.o.onTiming?.(trace);
    }
    return record;
  }

  /** Tracing on: the stages so far of the block being decided for `alert`. */
  private startTrace(alert: Alert, attacker: CanonicalAddress): BlockTiming | null {
    if (this.o.onTiming === undefined) return null;
    const raised = this.raisedAt.get(alert.id);
    this.raisedAt.delete(alert.id);
    const trace: BlockTiming = { address: attacker.text, alert_id: alert.id, action: '', stages: {} };
    if (raised !== undefined) trace.stages.alert_raised = raised;
    trace.stages.decided = stageNow();
    return trace;
  }

  private async checkAndApply(attacker: CanonicalAddress, port: BlockSpec['port'], seconds: number, reason: string, alert: Alert | null, trace: BlockTiming | null): Promise<BlockRecord> {
    // Last look at live SSH sessions: the list is at most ~2 s old (re-read every second by the
    // timer); older, and `ss` runs now, before anything is blocked.
    // With nothing to wait for (a fresh list, the firewall set up), everything up to handing the
    // change to the firewall happens in this call: called from the packet path, the command
    // then runs while the rest of that batch of packets is processed, not after it.
    if (!this.o.protection.sshPeersFresh(SSH_PEERS_MAX_AGE_MS)) await this.o.protection.refreshSshPeers(SSH_PEERS_MAX_AGE_MS);
    const blind = alert !== null ? this.o.protection.unknownSshPeers() : null;
    if (blind !== null) {
      alert!.action = this.o.canPrompt ? 'prompted' : 'logged';
      alert!.attack_details.response_note = `not auto-blocked: ${blind}`;
      this.o.onAlertChanged?.(alert!);
      this.o.warn(`not blocking ${attacker.text} (${alert!.attack_type}): ${blind}`);
      return this.record(this.newRecord(attacker, alert, 'suppressed', `not blocked: ${blind}`, seconds, reason, port), trace);
    }
    const late = this.o.protection.reasonFor(attacker);
    if (trace !== null) trace.stages.protection_checked = stageNow();
    if (late !== null) {
      if (alert !== null) {
        alert.action = 'suppressed';
        alert.attack_details.response_note = `not blocked: ${late}`;
        this.o.onAlertChanged?.(alert);
      }
      return this.record(this.newRecord(attacker, alert, 'suppressed', `protected: ${late}`, seconds, reason, port), trace);
    }
    const network = this.networkFor(attacker);
    const offense = (this.offenses.get(attacker.text) ?? 0) + 1;
    const record = this.newRecord(attacker, alert, this.o.dryRun ? 'dry_run' : 'blocked', undefined, seconds, reason, port, network, offense);
    if (!this.o.dryRun) {
      if (this.firewallBroken !== null) return this.failed(record, alert, this.firewallBroken, trace);
      try {
        if (!this.setupFinished) await this.ensureSetup();
        if (trace !== null) trace.stages.queued = stageNow();
        await this.queue.add({ cidr: network, family: attacker.family, port, timeoutSeconds: seconds }, trace === null ? null : markOn(trace));
        if (trace !== null) trace.stages.applied = stageNow();
      } catch (e) {
        return this.failed(record, alert, (e as Error).message, trace);
      }
    }
    this.offenses.set(attacker.text, offense);
    this.blocks.set(entryKey({ cidr: network, port }), record);
    this.record(record, trace);
    if (record.action === 'blocked') this.o.onBlocked?.(record);
    return record;
  }

  private failed(record: BlockRecord, alert: Alert | null, why: string, trace: BlockTiming | null = null): BlockRecord {
    record.action = 'block_failed';
    record.detail = why;
    if (alert !== null) {
      alert.action = 'block_failed';
      alert.attack_details.response_note = `block failed: ${why}`;
      this.o.onAlertChanged?.(alert);
    }
    return this.record(record, trace);
  }

  async unblock(address: string, reason: UnblockReason = 'manual'): Promise<BlockRecord | null> {
    const a = canonicalAddress(address);
    if (a === null) return null;
    const found = [...this.blocks.entries()].filter(([, r]) => r.address === a.text);
    if (found.length === 0) return null;
    for (const [key, r] of found) await this.remove(key, r, reason);
    return found[0]![1];
  }

  async unblockAll(reason: UnblockReason = 'manual'): Promise<number> {
    const all = [...this.blocks.entries()];
    for (const [key, r] of all) await this.remove(key, r, reason);
    return all.length;
  }

  private async remove(key: string, r: BlockRecord, reason: UnblockReason): Promise<void> {
    this.blocks.delete(key);
    if (r.action === 'blocked' && !this.o.dryRun && this.firewallBroken === null && this.setupDone !== null) {
      try {
        await this.queue.remove({ cidr: r.network, family: r.network.includes(':') ? 6 : 4, port: r.port, timeoutSeconds: 1 });
      } catch (e) {
        this.o.warn(`unblock ${r.address} failed: ${(e as Error).message}`);
      }
    }
    const now = this.now();
    this.o.onRecord?.(r, 'unblock', reason);
    this.o.onEvent(unblockEvent(r, reason, now));
  }

  /** Wall-clock expiry: the kernel drops timed entries itself; other backends need our removal. */
  private expire(): void {
    const now = this.now();
    // Addresses come and go (DHCP, VPN, new SSH sessions): keep the never-block list current.
    // SSH peers are re-read every second here, so a block rarely waits for `ss` itself.
    if (++this.ticks % 10 === 0) this.o.protection.refreshHost();
    void this.o.protection.refreshSshPeers(SSH_PEERS_FRESH_MS);
    for (const [key, r] of this.blocks) {
      if (r.expiresAt > now) continue;
      this.blocks.delete(key);
      if (r.action === 'blocked' && !this.o.firewall.kernelTimeouts && !this.o.dryRun && this.setupDone !== null) {
        this.queue.remove({ cidr: r.network, family: r.network.includes(':') ? 6 : 4, port: r.port, timeoutSeconds: 1 }).catch((e: Error) => this.o.warn(`removing expired block of ${r.address} failed: ${e.message}`));
      }
      this.o.onRecord?.(r, 'unblock', 'expired');
      this.o.onEvent(unblockEvent(r, 'expired', now));
    }
  }

  /** Stops the expiry timer; `flush` removes everything of ours from the firewall (exit policy). */
  async stop(flush: boolean): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.queue.idle();
    if (flush && !this.o.dryRun) {
      const now = this.now();
      try {
        await this.o.firewall.flush();
      } catch (e) {
        this.o.warn(`flushing firewall ${this.o.firewall.name} failed: ${(e as Error).message}`);
        return;
      }
      for (const r of this.blocks.values()) {
        this.o.onRecord?.(r, 'unblock', 'flush');
        this.o.onEvent(unblockEvent(r, 'flush', now));
      }
      this.blocks.clear();
    }
  }

  /**
   * A decision another part of the fleet made (pulled from a CrowdSec Local API), enforced as
   * it is: its own network and remaining time, no escalation, recorded with its origin.
   * Self-protection applies as to our own blocks (a protected address is recorded `suppressed`).
   * An address already blocked here keeps its block. Null: nothing to do.
   */
  async enforceFleetDecision(d: { network: string; remainingSeconds: number; origin: string; reason: string }): Promise<BlockRecord | null> {
    const network = canonicalCidr(d.network);
    if (network === null || !(d.remainingSeconds > 0)) return null;
    const [text, len] = network.split('/') as [string, string];
    const base = canonicalAddress(text)!;
    const single = Number(len) === (base.family === 4 ? 32 : 128);
    if (this.blocks.has(entryKey({ cidr: network, port: null })) || this.inFlight.has(entryKey({ cidr: network, port: null }))) return null;
    await this.o.protection.refreshSshPeers(SSH_PEERS_MAX_AGE_MS);
    const why = single ? this.o.protection.reasonFor(base) : this.o.protection.reasonForNetwork(network);
    const record = this.newRecord(base, null, this.o.dryRun ? 'dry_run' : 'blocked', undefined, d.remainingSeconds, d.reason, null, network, this.offenses.get(base.text) ?? 0);
    record.origin = d.origin;
    if (why !== null) {
      record.action = 'suppressed';
      record.detail = `protected: ${why}`;
      return this.record(record);
    }
    const key = entryKey({ cidr: network, port: null });
    const apply = (async () => {
      if (!this.o.dryRun) {
        if (this.firewallBroken !== null) return this.failed(record, null, this.firewallBroken);
        try {
          await this.ensureSetup();
          await this.queue.add({ cidr: network, family: base.family, port: null, timeoutSeconds: d.remainingSeconds });
        } catch (e) {
          return this.failed(record, null, (e as Error).message);
        }
      }
      this.blocks.set(key, record);
      this.record(record);
      if (record.action === 'blocked') this.o.onBlocked?.(record);
      return record;
    })().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, apply);
    return apply;
  }

  /** The fleet lifted its decision for `network`: our block of it goes, unless this host made it. */
  async liftFleetDecision(network: string): Promise<BlockRecord | null> {
    const cidr = canonicalCidr(network);
    if (cidr === null) return null;
    const key = entryKey({ cidr, port: null });
    await this.inFlight.get(key);
    const r = this.blocks.get(key);
    if (r?.origin === undefined) return null;
    await this.remove(key, r, 'manual');
    return r;
  }

  /** base × 2^(offenses so far), capped: 5 min → 10 min → 20 min … → 7 days. */
  private escalatedSeconds(address: string): number {
    const base = this.o.durationSeconds;
    if (this.o.escalate === false) return base;
    const previous = this.offenses.get(address) ?? 0;
    return Math.min(this.maxDuration, base * 2 ** Math.min(previous, 30));
  }

  private networkFor(a: CanonicalAddress): string {
    if (a.family === 4 || this.ipv6Prefix >= 128 || embedsIpv4(a)) return networkOf(a, a.family === 4 ? 32 : 128);
    const wide = networkOf(a, this.ipv6Prefix);
    // Never let a /64 cover one of our own or protected addresses: fall back to the host.
    return this.o.protection.reasonForNetwork(wide) === null ? wide : networkOf(a, 128);
  }

  private keyFor(a: CanonicalAddress, port: BlockSpec['port']): string {
    return entryKey({ cidr: this.networkFor(a), port });
  }

  private watch(alert: Alert): void {
    if (this.watched.has(alert.id)) return;
    if (this.watched.size >= MAX_WATCHED) this.watched.delete(this.watched.keys().next().value as string);
    this.watched.set(alert.id, { alert, count: alert.packet_count, changedAt: Date.parse(alert.timestamp) * 1000 });
  }

  private newRecord(a: CanonicalAddress, alert: Alert | null, action: BlockOutcome, detail: string | undefined, seconds: number, reason?: string, port: BlockSpec['port'] = null, network?: string, offense?: number): BlockRecord {
    const now = this.now();
    const record: BlockRecord = {
      address: a.text,
      network: network ?? networkOf(a, a.family === 4 ? 32 : 128),
      port,
      reason: reason ?? (alert !== null ? `${alert.attack_type} detected` : 'manual'),
      createdAt: now,
      expiresAt: now + seconds * 1000,
      action,
      offense: offense ?? (this.offenses.get(a.text) ?? 0),
      firewall: this.firewallName as BlockRecord['firewall'],
    };
    if (detail !== undefined) record.detail = detail;
    if (alert !== null) {
      record.alertId = alert.id;
      record.attackType = alert.attack_type;
    }
    return record;
  }

  private record(r: BlockRecord, trace: BlockTiming | null = null): BlockRecord {
    this.o.onRecord?.(r, 'block');
    this.o.onEvent(blockEvent(r));
    if (trace !== null) trace.stages.block_written = stageNow();
    return r;
  }
}

function markOn(trace: BlockTiming): StageMark {
  return (stage) => {
    trace.stages[stage] = stageNow();
  };
}
