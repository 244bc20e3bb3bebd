import { readFileSync } from 'node:fs';
import { resolveTool } from '../exec/system-path.js';

/**
 * Least privilege for the engine: it needs CAP_NET_RAW (capture) and CAP_NET_ADMIN (nft,
 * iptables, ipset: the firewall tools need nothing else), and CAP_SYS_PTRACE only to name the
 * local process of other users' sockets (/proc/PID/fd; the `processes` enricher). Root keeps
 * every capability it may ever have in its bounding set; the engine is started (or restarted)
 * through `setpriv --bounding-set` so that its bounding, permitted and effective sets are just
 * these — also for every command it runs — and none can come back.
 */
export const ENGINE_CAPABILITIES = ['net_raw', 'net_admin'] as const;
export const PROCESS_ATTRIBUTION_CAPABILITY = 'sys_ptrace';

/** Bit numbers of linux/capability.h for the names we use. */
const CAP_BITS: Readonly<Record<string, number>> = { net_admin: 12, net_raw: 13, sys_ptrace: 19 };

/** The environment variable that marks a process already started with the reduced set. */
export const CAPS_DROPPED_ENV = 'SNOOPY_TUI_ENGINE_CAPS';

export interface CapabilitySets {
  effective: bigint;
  permitted: bigint;
  bounding: bigint;
  inheritable: bigint;
  ambient: bigint;
}

/** CapInh/CapPrm/CapEff/CapBnd/CapAmb of /proc/PID/status (or of `text`). */
export function readCapabilities(pid: number | 'self' = 'self', text?: string): CapabilitySets | null {
  let status: string;
  try {
    status = text ?? readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const get = (key: string): bigint | null => {
    const m = new RegExp(`^${key}:\\s*([0-9a-f]{1,16})$`, 'm').exec(status);
    return m ? BigInt(`0x${m[1]}`) : null;
  };
  const effective = get('CapEff');
  const permitted = get('CapPrm');
  const bounding = get('CapBnd');
  const inheritable = get('CapInh');
  const ambient = get('CapAmb') ?? 0n;
  if (effective === null || permitted === null || bounding === null || inheritable === null) return null;
  return { effective, permitted, bounding, inheritable, ambient };
}

/** The capability mask of `names`. */
export function capabilityMask(names: readonly string[]): bigint {
  let mask = 0n;
  for (const n of names) {
    const bit = CAP_BITS[n];
    if (bit === undefined) throw new RangeError(`unknown capability ${n}`);
    mask |= 1n << BigInt(bit);
  }
  return mask;
}

/** The capabilities the engine keeps for a run. */
export function engineCapabilities(processAttribution: boolean): string[] {
  return processAttribution ? [...ENGINE_CAPABILITIES, PROCESS_ATTRIBUTION_CAPABILITY] : [...ENGINE_CAPABILITIES];
}

/**
 * The argv prefix that starts a program with only `caps` (setpriv from util-linux, found on the
 * system path), or null when this process holds no more than that already (nothing to drop) or
 * setpriv is missing (then `why` says so).
 */
export function reducedCapabilityPrefix(caps: readonly string[], current: CapabilitySets | null = readCapabilities()): { argv: string[] | null; why: string | null } {
  const keep = capabilityMask(caps);
  if (current === null) return { argv: null, why: 'cannot read /proc/self/status' };
  if ((current.bounding & ~keep) === 0n && (current.effective & ~keep) === 0n) return { argv: null, why: null };
  const setpriv = resolveTool('/usr/bin/setpriv');
  if (setpriv === null) return { argv: null, why: 'setpriv (util-linux) is not installed, so the engine keeps every capability it has' };
  const list = caps.map((c) => `+${c}`).join(',');
  // --pdeathsig: the engine never outlives the process that started it (a kill -9 of that one).
  return { argv: [setpriv, `--bounding-set=-all,${list}`, '--inh-caps=-all', '--pdeathsig', 'SIGKILL', '--'], why: null };
}
