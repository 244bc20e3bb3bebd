import type { Alert, Severity } from '../model/alert.js';
import type { BlockAction, UnblockReason } from '../model/history-entry.js';
import { firstEvidenceMs, iso, isScanAlert, lastEvidenceMs, seconds, serviceOf, timeMs } from './alert-facts.js';
import { addressKey, type AddressTags, type Enrichment } from './enrich.js';
import type { ReportHistory } from './load-history.js';

/** Rows kept in the ranked lists (attackers, ports); the rest are counted in `*_omitted`. */
export const TOP_ROWS = 25;

export interface AttackerRow {
  attacker_ip: string;
  alerts: number;
  packets: number;
  /** Attack types, most alerts first. */
  attack_types: string[];
  country: string;
  region: string | null;
  city: string | null;
  reverse_dns: string | null;
  first_seen: string;
  last_seen: string;
  blocks: number;
}

export interface PortRow {
  port: number | null;
  protocol: string | null;
  service: string | null;
  alerts: number;
  attackers: number;
  attack_types: string[];
  /** Local processes the alerts name (most alerts first). */
  processes: string[];
}

export interface AttackTypeRow {
  attack_type: string;
  alerts: number;
  attackers: number;
  packets: number;
  severities: Record<Severity, number>;
}

export interface BlockedAttackerRow {
  address: string;
  /** Action of the first block that took (or, in a dry run, would have taken) effect. */
  action: 'blocked' | 'dry_run';
  blocked_at: string;
  blocks: number;
  alerts: number;
  alerts_after_block: number;
  /** Last evidence packet of the address's alerts; null when the history has no alert from it. */
  last_evidence: string | null;
  /** How long its attack went on after the block, seconds (0: it had stopped by then). */
  continued_seconds: number | null;
}

export interface AnalyzeReport {
  report: 'analyze';
  generated_at: string;
  history_file: string;
  history_found: boolean;
  totals: { alerts: number; attackers: number; packets: number; blocks: number; unblocks: number };
  time_span: { first: string | null; last: string | null; seconds: number | null };
  /** Alerts by the UTC hour of their detection time, index 0..23. */
  by_hour_utc: number[];
  top_attackers: AttackerRow[];
  attackers_omitted: number;
  targets: {
    ports: PortRow[];
    ports_omitted: number;
    /** Non-scan alerts that name neither a port nor a service. */
    alerts_without_port: number;
    scans: { alerts: number; attackers: number; ports_probed: number; by_scan_type: Record<string, number> };
  };
  attack_types: AttackTypeRow[];
  blocks: {
    total: number;
    by_action: Record<BlockAction, number>;
    blocked_attackers: BlockedAttackerRow[];
    unblocks: { total: number; by_reason: Record<UnblockReason, number> };
  };
  enrichment: { geo: Enrichment['geoState']; reverse_dns: { enabled: boolean; asked: number; answered: number; named: number } };
  warnings: string[];
}

/** One attacker's alerts, before enrichment. */
export interface AttackerAggregate {
  key: string;
  alerts: Alert[];
  packets: number;
  firstMs: number;
  lastMs: number;
}

/** Attackers (by canonical address) with most alerts first, then most packets, then address. */
export function rankAttackers(alerts: readonly Alert[]): AttackerAggregate[] {
  const by = new Map<string, AttackerAggregate>();
  for (const a of alerts) {
    const key = addressKey(a.attacker_ip);
    let agg = by.get(key);
    if (agg === undefined) {
      agg = { key, alerts: [], packets: 0, firstMs: Infinity, lastMs: -Infinity };
      by.set(key, agg);
    }
    agg.alerts.push(a);
    agg.packets += a.packet_count;
    agg.firstMs = Math.min(agg.firstMs, firstEvidenceMs(a));
    agg.lastMs = Math.max(agg.lastMs, lastEvidenceMs(a));
  }
  return [...by.values()].sort((x, y) => y.alerts.length - x.alerts.length || y.packets - x.packets || compare(x.key, y.key));
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Names counted, most first (ties by name). */
function ranked(counts: Map<string, number>): string[] {
  return [...counts.entries()].sort((x, y) => y[1] - x[1] || compare(x[0], y[0])).map(([k]) => k);
}

function bump<K>(m: Map<K, number>, k: K, n = 1): void {
  m.set(k, (m.get(k) ?? 0) + n);
}

/** The country to show: the database's answer, else the one recorded with the alerts. */
export function countryOf(tags: AddressTags | undefined, alerts: readonly Alert[]): string {
  const tagged = tags?.country ?? '??';
  if (tagged !== '??') return tagged;
  for (let i = alerts.length - 1; i >= 0; i--) {
    const c = alerts[i]!.country;
    if (typeof c === 'string' && c !== '') return c;
  }
  return '??';
}

/** The reverse-DNS name: the looked-up one when lookups are on, else the latest recorded one. */
export function reverseDnsOf(tags: AddressTags | undefined, alerts: readonly Alert[], lookedUp: boolean): string | null {
  if (lookedUp) return tags?.reverseDns ?? null;
  for (let i = alerts.length - 1; i >= 0; i--) {
    const n = alerts[i]!.reverse_dns;
    if (typeof n === 'string' && n !== '') return n;
  }
  return null;
}

export function buildAnalyzeReport(history: ReportHistory, enrichment: Enrichment, now: Date): AnalyzeReport {
  const { alerts, blocks, unblocks } = history;
  const attackers = rankAttackers(alerts);

  // Time span over every recorded event: alert evidence, blocks, unblocks.
  let firstMs = Infinity;
  let lastMs = -Infinity;
  for (const a of attackers) {
    firstMs = Math.min(firstMs, a.firstMs);
    lastMs = Math.max(lastMs, a.lastMs);
  }
  for (const e of [...blocks, ...unblocks]) {
    const t = timeMs(e.at);
    if (t === null) continue;
    firstMs = Math.min(firstMs, t);
    lastMs = Math.max(lastMs, t);
  }
  const hasSpan = Number.isFinite(firstMs);

  const byHour = new Array<number>(24).fill(0);
  let packets = 0;
  for (const a of alerts) {
    byHour[new Date(timeMs(a.timestamp)!).getUTCHours()]! += 1;
    packets += a.packet_count;
  }

  const blockCount = new Map<string, number>();
  for (const b of blocks) bump(blockCount, addressKey(b.address));

  const topAttackers: AttackerRow[] = attackers.slice(0, TOP_ROWS).map((agg) => {
    const tags = enrichment.tags.get(agg.key);
    const types = new Map<string, number>();
    for (const a of agg.alerts) bump(types, a.attack_type);
    return {
      attacker_ip: agg.key,
      alerts: agg.alerts.length,
      packets: agg.packets,
      attack_types: ranked(types),
      country: countryOf(tags, agg.alerts),
      region: tags?.region ?? null,
      city: tags?.city ?? null,
      reverse_dns: reverseDnsOf(tags, agg.alerts, enrichment.dns.enabled),
      first_seen: new Date(agg.firstMs).toISOString(),
      last_seen: new Date(agg.lastMs).toISOString(),
      blocks: blockCount.get(agg.key) ?? 0,
    };
  });

  return {
    report: 'analyze',
    generated_at: now.toISOString(),
    history_file: history.path,
    history_found: history.found,
    totals: { alerts: alerts.length, attackers: attackers.length, packets, blocks: blocks.length, unblocks: unblocks.length },
    time_span: hasSpan ? { first: iso(firstMs), last: iso(lastMs), seconds: seconds(lastMs - firstMs) } : { first: null, last: null, seconds: null },
    by_hour_utc: byHour,
    top_attackers: topAttackers,
    attackers_omitted: Math.max(0, attackers.length - TOP_ROWS),
    targets: targetsOf(alerts),
    attack_types: attackTypesOf(alerts),
    blocks: blocksOf(history, attackers),
    enrichment: { geo: enrichment.geoState, reverse_dns: { ...enrichment.dns } },
    warnings: [...history.warnings],
  };
}

function targetsOf(alerts: readonly Alert[]): AnalyzeReport['targets'] {
  interface PortAgg {
    row: Omit<PortRow, 'attackers' | 'attack_types' | 'processes'>;
    attackers: Set<string>;
    types: Map<string, number>;
    processes: Map<string, number>;
  }
  const ports = new Map<string, PortAgg>();
  const scanAttackers = new Set<string>();
  const byScanType = new Map<string, number>();
  let scanAlerts = 0;
  let portsProbed = 0;
  let withoutPort = 0;
  for (const a of alerts) {
    const attacker = addressKey(a.attacker_ip);
    if (isScanAlert(a)) {
      scanAlerts++;
      scanAttackers.add(attacker);
      portsProbed += a.attack_details.ports_count ?? 0;
      bump(byScanType, a.attack_details.scan_type ?? 'unknown');
      continue;
    }
    const service = serviceOf(a);
    if (a.target_port === null && service === null) {
      withoutPort++;
      continue;
    }
    const key = JSON.stringify([a.target_port, a.protocol, service]);
    let agg = ports.get(key);
    if (agg === undefined) {
      agg = { row: { port: a.target_port, protocol: a.protocol, service, alerts: 0 }, attackers: new Set(), types: new Map(), processes: new Map() };
      ports.set(key, agg);
    }
    agg.row.alerts++;
    agg.attackers.add(attacker);
    bump(agg.types, a.attack_type);
    if (typeof a.process === 'string' && a.process !== '') bump(agg.processes, a.process);
  }
  const rows: PortRow[] = [...ports.values()]
    .map((p) => ({ ...p.row, attackers: p.attackers.size, attack_types: ranked(p.types), processes: ranked(p.processes) }))
    .sort((x, y) => y.alerts - x.alerts || y.attackers - x.attackers || (x.port ?? 65536) - (y.port ?? 65536) || compare(x.service ?? '', y.service ?? ''));
  const scanTypes: Record<string, number> = {};
  for (const t of [...byScanType.keys()].sort()) scanTypes[t] = byScanType.get(t)!;
  return {
    ports: rows.slice(0, TOP_ROWS),
    ports_omitted: Math.max(0, rows.length - TOP_ROWS),
    alerts_without_port: withoutPort,
    scans: { alerts: scanAlerts, attackers: scanAttackers.size, ports_probed: portsProbed, by_scan_type: scanTypes },
  };
}

function attackTypesOf(alerts: readonly Alert[]): AttackTypeRow[] {
  const by = new Map<string, { row: AttackTypeRow; attackers: Set<string> }>();
  for (const a of alerts) {
    let agg = by.get(a.attack_type);
    if (agg === undefined) {
      agg = {
        row: { attack_type: a.attack_type, alerts: 0, attackers: 0, packets: 0, severities: { low: 0, medium: 0, high: 0, critical: 0 } },
        attackers: new Set(),
      };
      by.set(a.attack_type, agg);
    }
    agg.row.alerts++;
    agg.row.packets += a.packet_count;
    agg.row.severities[a.severity]++;
    agg.attackers.add(addressKey(a.attacker_ip));
  }
  return [...by.values()]
    .map((t) => ({ ...t.row, attackers: t.attackers.size }))
    .sort((x, y) => y.alerts - x.alerts || compare(x.attack_type, y.attack_type));
}

function blocksOf(history: ReportHistory, attackers: readonly AttackerAggregate[]): AnalyzeReport['blocks'] {
  const byAction: Record<BlockAction, number> = { blocked: 0, dry_run: 0, suppressed: 0, block_failed: 0 };
  const byReason: Record<UnblockReason, number> = { expired: 0, manual: 0, flush: 0 };
  const alertsOf = new Map(attackers.map((a) => [a.key, a.alerts] as const));
  const first = new Map<string, { action: 'blocked' | 'dry_run'; at: number; blocks: number }>();
  for (const b of history.blocks) {
    byAction[b.action]++;
    if (b.action !== 'blocked' && b.action !== 'dry_run') continue;
    const key = addressKey(b.address);
    const at = timeMs(b.at)!;
    const seen = first.get(key);
    if (seen === undefined) first.set(key, { action: b.action, at, blocks: 1 });
    else {
      seen.blocks++;
      if (at < seen.at) {
        seen.at = at;
        seen.action = b.action;
      }
    }
  }
  for (const u of history.unblocks) byReason[u.reason]++;
  const rows: BlockedAttackerRow[] = [...first.entries()]
    .map(([address, b]) => {
      const alerts = alertsOf.get(address) ?? [];
      let last = -Infinity;
      let after = 0;
      for (const a of alerts) {
        last = Math.max(last, lastEvidenceMs(a));
        if (timeMs(a.timestamp)! > b.at) after++;
      }
      const hasAlerts = alerts.length > 0;
      return {
        address,
        action: b.action,
        blocked_at: new Date(b.at).toISOString(),
        blocks: b.blocks,
        alerts: alerts.length,
        alerts_after_block: after,
        last_evidence: hasAlerts ? new Date(last).toISOString() : null,
        continued_seconds: hasAlerts ? seconds(Math.max(0, last - b.at)) : null,
      };
    })
    .sort((x, y) => compare(x.blocked_at, y.blocked_at) || compare(x.address, y.address));
  return {
    total: history.blocks.length,
    by_action: byAction,
    blocked_attackers: rows,
    unblocks: { total: history.unblocks.length, by_reason: byReason },
  };
}
