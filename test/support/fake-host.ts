import { release, type } from 'node:os';
import type { Host } from '../../src/host/host.js';
import { loadCountryDatabase } from '../../src/enrich/geo/country-database.js';
import { openCaptureFile } from '../../src/engine/capture/file/open-capture-file.js';
import type { PacketSource } from '../../src/engine/capture/packet-source.js';
import { SourceOpenError } from '../../src/engine/capture/packet-source.js';
import type { Firewall } from '../../src/platform/firewall/firewall.js';
import { NoFirewall } from '../../src/platform/firewall/no-firewall.js';
import type { LogSource } from '../../src/platform/logs/log-source.js';
import { NullProcessOwnerLookup } from '../../src/platform/process-owners/process-owner-lookup.js';
import type { ProcessSample } from '../../src/model/process-sample.js';

export interface FakeHostOptions {
  /** A capture file played as if it were live capture (kind 'live', interface 'fake0'). */
  liveCaptureFile?: string;
  /** The firewall `--firewall auto` (or any choice) gets; default: none. */
  firewall?: Firewall;
  ownAddresses?: string[];
  sshPeers?: string[] | (() => Promise<string[]>);
  gateways?: string[];
  resolvers?: string[];
  /** The auth log a run watches, whatever --auth-log says. */
  authLog?: LogSource;
  processes?: ProcessSample[];
  /** Country tables: the real ones (files bundled with geoip-lite) unless set. */
  countries?: Host['loadCountryDatabase'];
  /** attack_details.platform_info; default: this machine's, as the real host says it. */
  platformInfo?: string;
}

/** What the fake host saw the run do. */
export interface FakeHostLog {
  commands: (readonly string[])[];
  fail2banBans: string[];
  services: string[];
}

/**
 * A Host for in-process runs: no root, no network, no commands. Everything OS-bound is answered
 * from the options; live capture is a capture file played as live.
 */
export function fakeHost(options: FakeHostOptions = {}): Host & { log: FakeHostLog } {
  const log: FakeHostLog = { commands: [], fail2banBans: [], services: [] };
  const own = options.ownAddresses ?? ['10.77.0.2'];
  return {
    log,
    platformInfo: options.platformInfo ?? `${type()} ${release()}`,
    pid: process.pid,
    openLiveCapture: async (capture) => {
      if (options.liveCaptureFile === undefined) throw new SourceOpenError(`the fake host has no live capture (interface ${capture.interface ?? 'default'})`);
      return asLive(await openCaptureFile(options.liveCaptureFile, { speed: 'max' }));
    },
    interfaceAddresses: () => own.map((a) => (a.includes(':') ? `${a}/128` : `${a}/32`)),
    protectedSources: () => ({
      ownAddresses: () => own,
      gateways: () => options.gateways ?? [],
      resolvers: () => options.resolvers ?? [],
      sshPeers: async () => (typeof options.sshPeers === 'function' ? options.sshPeers() : (options.sshPeers ?? [])),
    }),
    chooseFirewall: async () => ({ firewall: options.firewall ?? new NoFirewall(), note: null }),
    fail2ban: () => ({
      ban: async (address) => {
        log.fail2banBans.push(address);
        return true;
      },
    }),
    serviceControl: () => ({
      stop: async (unit) => void log.services.push(`stop ${unit}`),
      start: async (unit) => void log.services.push(`start ${unit}`),
    }),
    processOwners: () => new NullProcessOwnerLookup(),
    processSampler: () => ({ sample: async () => options.processes ?? [] }),
    openAuthLog: () => options.authLog ?? null,
    loadCountryDatabase: options.countries ?? (() => loadCountryDatabase()),
    dnsResolver: () => ({ reverse: async () => [], cancel: () => undefined }),
    runCommand: async (argv) => {
      log.commands.push(argv);
      return { exitCode: 0, stdout: '', stderr: '' };
    },
    fetch: async () => new Response('{}', { status: 200 }),
  };
}

/** A file source that says it is live. */
function asLive(file: PacketSource): PacketSource {
  return {
    kind: 'live',
    description: 'fake0',
    start: (sink) => file.start(sink),
    stop: () => file.stop(),
    stats: () => file.stats(),
  } as PacketSource;
}
