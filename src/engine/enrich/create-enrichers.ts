import type { RunConfig } from '../../config/run-config.js';
import { ReverseDnsResolver } from './dns/index.js';
import { GeoTagger } from './geo/index.js';

/** The enrichers a run config asks for (both on by default; config keys `geo`, `reverseDns`). */
export function createEnrichers(config: RunConfig): { geo: GeoTagger | null; reverseDns: ReverseDnsResolver | null } {
  return {
    geo: config.geo ? new GeoTagger() : null,
    reverseDns: config.reverseDns ? new ReverseDnsResolver() : null,
  };
}
