import type { AnalyzeReport } from './analyze.js';
import type { GeolocateReport } from './geolocate.js';
import { cell, formatSeconds, formatTime, INDENT, prose, renderPairs, renderTable, title, type TextStyle } from './text-table.js';

/** Blocked-attacker rows shown in the table; JSON has them all. */
const MAX_BLOCK_ROWS = 50;
/** An IPv6 address with a zone id fits; longer "addresses" (not ones) are cut. */
const ADDRESS_WIDTH = 45;

function section(out: string[], heading: string, style: TextStyle): void {
  out.push('', title(heading, style));
}

function none(out: string[]): void {
  out.push(`${INDENT}(none)`);
}

function more(out: string[], n: number, what: string, style: TextStyle): void {
  if (n > 0) out.push(...prose(`… and ${n} more ${what} (see --json)`, style));
}

/** `a 2, b 1` from a record of counts, skipping zeros unless all are zero. */
function counts(rec: Readonly<Record<string, number>>): string {
  const parts = Object.entries(rec)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

function hourHistogram(byHour: readonly number[], style: TextStyle): string[] {
  const max = Math.max(0, ...byHour);
  const countWidth = String(max).length;
  const barWidth = Math.max(10, Math.min(50, style.width - INDENT.length - 4 - countWidth - 4));
  return byHour.map((n, h) => {
    const len = max === 0 ? 0 : Math.max(n > 0 ? 1 : 0, Math.round((n / max) * barWidth));
    return `${INDENT}${String(h).padStart(2, '0')}  ${'#'.repeat(len).padEnd(barWidth)}  ${String(n).padStart(countWidth)}`;
  });
}

function place(country: string, region: string | null, city: string | null): string {
  return [city, region, country].filter((p): p is string => p !== null && p !== '').join(', ');
}

export function renderAnalyzeTable(r: AnalyzeReport, style: TextStyle): string {
  const out: string[] = [title(`snoopy-tui attack analysis: ${r.history_file}`, style), `${INDENT}generated ${formatTime(r.generated_at)}`];

  section(out, 'Summary', style);
  out.push(
    ...renderPairs(
      [
        ['Alerts', r.totals.alerts],
        ['Attackers', r.totals.attackers],
        ['Packets', r.totals.packets],
        ['Blocks', r.totals.blocks],
        ['Unblocks', r.totals.unblocks],
        ['First event', formatTime(r.time_span.first)],
        ['Last event', formatTime(r.time_span.last)],
        ['Time span', formatSeconds(r.time_span.seconds)],
      ],
      style,
    ),
  );

  section(out, 'Alerts by hour of day (UTC)', style);
  out.push(...hourHistogram(r.by_hour_utc, style));

  section(out, 'Top attackers', style);
  if (r.top_attackers.length === 0) none(out);
  else {
    out.push(
      ...renderTable(
        [
          { header: '#', align: 'right' },
          { header: 'Attacker', max: ADDRESS_WIDTH },
          { header: 'Alerts', align: 'right' },
          { header: 'Packets', align: 'right', optional: true },
          { header: 'Attack types', flex: true },
          { header: 'Country' },
          { header: 'Reverse DNS', flex: true },
          { header: 'Last seen', optional: true },
          { header: 'Blocks', align: 'right', optional: true },
        ],
        r.top_attackers.map((a, i) => [
          i + 1,
          a.attacker_ip,
          a.alerts,
          a.packets,
          a.attack_types.join(' '),
          a.country,
          a.reverse_dns,
          formatTime(a.last_seen),
          a.blocks,
        ]),
        style,
      ),
    );
    more(out, r.attackers_omitted, 'attackers', style);
    if (r.enrichment.reverse_dns.enabled && r.enrichment.reverse_dns.answered < r.enrichment.reverse_dns.asked) {
      const late = r.enrichment.reverse_dns.asked - r.enrichment.reverse_dns.answered;
      out.push(...prose(`(reverse DNS: ${late} of ${r.enrichment.reverse_dns.asked} names did not arrive in time: '-')`, style));
    }
  }

  section(out, 'Most targeted services and ports', style);
  if (r.targets.ports.length === 0) none(out);
  else {
    out.push(
      ...renderTable(
        [
          { header: 'Port', align: 'right' },
          { header: 'Proto' },
          { header: 'Service', flex: true },
          { header: 'Alerts', align: 'right' },
          { header: 'Attackers', align: 'right' },
          { header: 'Attack types', flex: true },
          { header: 'Processes', flex: true, optional: true },
        ],
        r.targets.ports.map((p) => [p.port, p.protocol, p.service, p.alerts, p.attackers, p.attack_types.join(' '), p.processes.join(' ')]),
        style,
      ),
    );
    more(out, r.targets.ports_omitted, 'ports', style);
  }
  if (r.targets.alerts_without_port > 0) out.push(...prose(`Alerts without a port or service: ${r.targets.alerts_without_port}`, style));
  const scans = r.targets.scans;
  out.push(
    ...prose(
      `Scans (counted apart): ${scans.alerts} alerts from ${scans.attackers} attackers, ${scans.ports_probed} ports probed` +
        (scans.alerts > 0 ? ` (${cell(counts(scans.by_scan_type))})` : ''),
      style,
    ),
  );

  section(out, 'Attack types', style);
  if (r.attack_types.length === 0) none(out);
  else {
    out.push(
      ...renderTable(
        [
          { header: 'Attack type', flex: true },
          { header: 'Alerts', align: 'right' },
          { header: 'Attackers', align: 'right' },
          { header: 'Packets', align: 'right', optional: true },
          { header: 'Low', align: 'right' },
          { header: 'Medium', align: 'right' },
          { header: 'High', align: 'right' },
          { header: 'Critical', align: 'right' },
        ],
        r.attack_types.map((t) => [
          t.attack_type,
          t.alerts,
          t.attackers,
          t.packets,
          t.severities.low,
          t.severities.medium,
          t.severities.high,
          t.severities.critical,
        ]),
        style,
      ),
    );
  }

  section(out, 'Blocks', style);
  const b = r.blocks;
  out.push(...prose(`Blocks: ${b.total} (${counts(b.by_action)})`, style));
  out.push(...prose(`Unblocks: ${b.unblocks.total} (${counts(b.unblocks.by_reason)})`, style));
  if (b.blocked_attackers.length > 0) {
    out.push('');
    out.push(
      ...renderTable(
        [
          { header: 'Address', max: ADDRESS_WIDTH },
          { header: 'Action' },
          { header: 'Blocked at' },
          { header: 'Last evidence', optional: true },
          { header: 'Attack went on', align: 'right' },
          { header: 'Alerts after', align: 'right', optional: true },
        ],
        b.blocked_attackers
          .slice(0, MAX_BLOCK_ROWS)
          .map((x) => [x.address, x.action, formatTime(x.blocked_at), formatTime(x.last_evidence), formatSeconds(x.continued_seconds), x.alerts_after_block]),
        style,
      ),
    );
    more(out, b.blocked_attackers.length - MAX_BLOCK_ROWS, 'blocked addresses', style);
  }

  notes(out, r.enrichment.geo, r.warnings, style);
  return `${out.join('\n')}\n`;
}

export function renderGeolocateTable(r: GeolocateReport, style: TextStyle): string {
  const out: string[] = [title(`snoopy-tui attack geography: ${r.history_file}`, style), `${INDENT}generated ${formatTime(r.generated_at)}`];
  out.push(...prose(`${r.totals.alerts} alerts from ${r.totals.attackers} attackers in ${r.totals.countries} countries or groups`, style));

  section(out, 'Attacks by country', style);
  if (r.countries.length === 0) none(out);
  else {
    out.push(
      ...renderTable(
        [
          { header: 'Code' },
          { header: 'Country', flex: true },
          { header: 'Alerts', align: 'right' },
          { header: 'Attackers', align: 'right' },
          { header: 'Share', align: 'right' },
        ],
        r.countries.map((c) => [c.country, c.name, c.alerts, c.attackers, `${c.share_pct.toFixed(1)}%`]),
        style,
      ),
    );
  }

  section(out, 'Attacks by region and city', style);
  if (r.regions.length === 0) out.push(...prose('(none: the geo database gives no region or city for these addresses)', style));
  else {
    out.push(
      ...renderTable(
        [
          { header: 'Place', flex: true },
          { header: 'Alerts', align: 'right' },
          { header: 'Attackers', align: 'right' },
        ],
        r.regions.map((g) => [place(g.country, g.region, g.city), g.alerts, g.attackers]),
        style,
      ),
    );
    more(out, r.regions_omitted, 'places', style);
  }
  out.push('', ...prose('LAN: private networks; RESERVED: documentation and other non-routable ranges; ??: unknown', style));
  notes(out, r.enrichment.geo, r.warnings, style);
  return `${out.join('\n')}\n`;
}

function notes(out: string[], geo: string, warnings: readonly string[], style: TextStyle): void {
  const lines: string[] = [];
  if (geo === 'failed') lines.push('geo database unavailable: countries are the ones recorded with the alerts');
  for (const w of warnings) lines.push(w);
  if (lines.length === 0) return;
  section(out, 'Notes', style);
  for (const l of lines) out.push(...prose(cell(l, ''), style));
}
