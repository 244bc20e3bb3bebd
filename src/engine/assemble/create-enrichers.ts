import type { RunConfig } from '../../config/run-config.js';
import { ReverseDnsResolver } from '../../enrich/dns/index.js';
import { GeoTagger } from '../../enrich/geo/index.js';
import type { Host } from '../../host/host.js';
import type { ProcessOwnerLookup } from '../../platform/process-owners/process-owner-lookup.js';

export interface Enrichers {
  geo: GeoTagger | null;
  reverseDns: ReverseDnsResolver | null;
  processOwners: ProcessOwnerLookup | null;
}

/** The enrichers a run config asks for (all on by default; config keys `geo`, `reverseDns`, `processes`). */
export function createEnrichers(config: RunConfig, host: Host): Enrichers {
  return {
    // Country only: the engine never shows region or city, and geoip-lite's city tables cost ~146 MB.
    geo: config.geo ? new GeoTagger({ loader: () => host.loadCountryDatabase() }) : null,
    reverseDns: config.reverseDns ? new ReverseDnsResolver({ resolver: host.dnsResolver() }) : null,
    // Only live capture has processes to name; a replay never builds the lookup.
    processOwners: config.processes && config.replayFile === null ? host.processOwners() : null,
  };
}
