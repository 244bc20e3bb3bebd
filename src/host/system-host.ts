import { Resolver } from 'node:dns/promises';
import { release, type } from 'node:os';
import { LiveCaptureSource } from '../engine/capture/live/live-capture-source.js';
import { loadCountryDatabase } from '../enrich/geo/country-database.js';
import { chooseFirewall } from '../platform/firewall/choose-firewall.js';
import { Fail2banBridge } from '../platform/fail2ban.js';
import { runCommand } from '../platform/exec/run-command.js';
import { openAuthLog } from '../platform/logs/open-auth-log.js';
import { hostAddresses } from '../platform/network-interfaces.js';
import { createProcessOwnerLookup } from '../platform/process-owners/create-process-owner-lookup.js';
import { ProcSampler } from '../platform/processes/proc-sampler.js';
import { hostProtectedSources } from '../platform/self-protection/host-protected-sources.js';
import { ServiceControl } from '../platform/service-control.js';
import type { Host } from './host.js';

/** The machine we run on. */
export function systemHost(): Host {
  return {
    platformInfo: `${type()} ${release()}`,
    pid: process.pid,
    openLiveCapture: async (options) => new LiveCaptureSource(options),
    interfaceAddresses: hostAddresses,
    protectedSources: () => hostProtectedSources(),
    chooseFirewall: (choice, variant) => chooseFirewall(choice, runCommand, process.platform, variant),
    fail2ban: (jail, warn) => (Fail2banBridge.available() ? new Fail2banBridge(jail, warn) : null),
    serviceControl: () => new ServiceControl(),
    processOwners: () => createProcessOwnerLookup(),
    processSampler: () => new ProcSampler(),
    openAuthLog: (option, live, warn) => openAuthLog(option, live, warn),
    loadCountryDatabase: () => loadCountryDatabase(),
    // The system's servers, one try: a slow PTR name is worth less than a free slot.
    dnsResolver: () => new Resolver({ timeout: 1500, tries: 1 }),
    runCommand,
    fetch: (input, init) => fetch(input, init),
  };
}
