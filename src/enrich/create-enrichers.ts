import type { RunConfig } from '../config/run-config.js';
import { ReverseDnsResolver } from './dns/index.js';
import { GeoTagger } from './geo/index.js';
import { loadCountryDatabase } from './geo/country-database.js';
import { createProcessOwnerLookup, type ProcessOwnerLookup } from '../platform/process-owners/process-owner-lookup.js';

/** The enrichers a run config asks for (all on by default; config keys `geo`, `reverseDns`, `processes`). */
export function createEnrichers(config: RunConfig): { geo: GeoTagger | null; reverseDns: ReverseDnsResolver | null; processOwners: ProcessOwnerLookup | null } {
  return {
    // Country only: the engine never shows region or city, and geoip-lite's city tables cost ~146 MB.
    geo: config.geo ? new GeoTagger({ loader: () => loadCountryDatabase() }) : null,
    reverseDns: config.reverseDns ? new ReverseDnsResolver() : null,
    // Only live capture has processes to name; a replay never builds the lookup.
    processOwners: config.processes && config.replayFile === null ? createProcessOwnerLookup() : null,
  };
}
