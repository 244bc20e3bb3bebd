import { compare, countryOf, rankAttackers } from './analyze.js';
import type { Enrichment } from './enrich.js';
import type { ReportHistory } from './load-history.js';

/** Region/city rows kept; the rest are counted in `regions_omitted`. */
export const TOP_REGIONS = 100;

export interface CountryRow {
  /** ISO 3166-1 alpha-2, or 'LAN' (private space), 'RESERVED' (non-routable), '??' (unknown). */
  country: string;
  name: string;
  alerts: number;
  attackers: number;
  /** Share of all alerts, percent, one decimal. */
  share_pct: number;
}

export interface RegionRow {
  country: string;
  region: string | null;
  city: string | null;
  alerts: number;
  attackers: number;
}

export interface GeolocateReport {
  report: 'geolocate';
  generated_at: string;
  history_file: string;
  history_found: boolean;
  totals: { alerts: number; attackers: number; countries: number };
  countries: CountryRow[];
  regions: RegionRow[];
  regions_omitted: number;
  enrichment: { geo: Enrichment['geoState'] };
  warnings: string[];
}

let displayNames: Intl.DisplayNames | null | undefined;

/** English name of a country code ('GB' → 'United Kingdom'); our labels for the special groups. */
export function countryName(code: string): string {
  if (code === 'LAN') return 'private network';
  if (code === 'RESERVED') return 'reserved range';
  if (!/^[A-Z]{2}$/.test(code)) return 'unknown';
  if (displayNames === undefined) {
    try {
      displayNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
    } catch {
      displayNames = null;
    }
  }
  try {
    return displayNames?.of(code) ?? code;
  } catch {
    return code;
  }
}

export function buildGeolocateReport(history: ReportHistory, enrichment: Enrichment, now: Date): GeolocateReport {
  const attackers = rankAttackers(history.alerts);
  const countries = new Map<string, { alerts: number; attackers: number }>();
  const regions = new Map<string, RegionRow>();
  for (const agg of attackers) {
    const tags = enrichment.tags.get(agg.key);
    const country = countryOf(tags, agg.alerts);
    const c = countries.get(country) ?? { alerts: 0, attackers: 0 };
    c.alerts += agg.alerts.length;
    c.attackers++;
    countries.set(country, c);
    const region = tags?.region ?? null;
    const city = tags?.city ?? null;
    if (region === null && city === null) continue;
    const key = JSON.stringify([country, region, city]);
    const r = regions.get(key) ?? { country, region, city, alerts: 0, attackers: 0 };
    r.alerts += agg.alerts.length;
    r.attackers++;
    regions.set(key, r);
  }
  const total = history.alerts.length;
  const countryRows: CountryRow[] = [...countries.entries()]
    .map(([country, c]) => ({
      country,
      name: countryName(country),
      alerts: c.alerts,
      attackers: c.attackers,
      share_pct: total === 0 ? 0 : Math.round((c.alerts / total) * 1000) / 10,
    }))
    .sort((x, y) => y.alerts - x.alerts || y.attackers - x.attackers || compare(x.country, y.country));
  const regionRows = [...regions.values()].sort(
    (x, y) => y.alerts - x.alerts || compare(x.country, y.country) || compare(x.region ?? '', y.region ?? '') || compare(x.city ?? '', y.city ?? ''),
  );
  return {
    report: 'geolocate',
    generated_at: now.toISOString(),
    history_file: history.path,
    history_found: history.found,
    totals: { alerts: total, attackers: attackers.length, countries: countryRows.length },
    countries: countryRows,
    regions: regionRows.slice(0, TOP_REGIONS),
    regions_omitted: Math.max(0, regionRows.length - TOP_REGIONS),
    enrichment: { geo: enrichment.geoState },
    warnings: [...history.warnings],
  };
}
