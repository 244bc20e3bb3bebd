/**
 * The UI process needs no privileges: capture, the firewall and the history file belong to the
 * engine process, which is forked first and keeps root. Under `sudo`, the UI then becomes the
 * person who ran sudo (SUDO_UID / SUDO_GID), so a bug in rendering attacker-controlled text, in
 * Ink or in React runs without root.
 *
 * Order matters: supplementary groups first and the group before the user, because once the
 * uid is not 0 the process may no longer change its groups. setuid() as root sets the real,
 * effective and saved uid, so the drop cannot be undone; that is checked, not assumed.
 */

/** The parts of `process` this needs; tests pass a fake. */
export interface PrivilegeProcess {
  env: Record<string, string | undefined>;
  getuid(): number;
  getgid(): number;
  getgroups(): number[];
  setgroups(groups: number[]): void;
  setgid(id: number): void;
  setuid(id: number): void;
}

export type DropResult =
  | { dropped: true; uid: number; gid: number }
  | { dropped: false; reason: string };

function idFromEnv(value: string | undefined): number | null {
  if (value === undefined || !/^\d{1,10}$/.test(value)) return null;
  const n = Number(value);
  return n > 0 && n < 0xffff_ffff ? n : null;
}

/**
 * Drops to SUDO_UID/SUDO_GID when running as root under sudo. Does nothing (dropped: false,
 * with the reason) when not root or not started through sudo. Throws when a drop was due but
 * did not fully happen: running on as root after a failed drop is the one unsafe outcome.
 */
export function dropToInvokingUser(proc: PrivilegeProcess): DropResult {
  if (proc.getuid() !== 0) return { dropped: false, reason: 'not running as root' };
  const uid = idFromEnv(proc.env['SUDO_UID']);
  const gid = idFromEnv(proc.env['SUDO_GID']);
  if (uid === null || gid === null) return { dropped: false, reason: 'not started through sudo (no SUDO_UID/SUDO_GID)' };
  proc.setgroups([]);
  proc.setgid(gid);
  proc.setuid(uid);
  if (proc.getuid() !== uid || proc.getgid() !== gid || proc.getgroups().some((g) => g !== gid)) {
    throw new Error(`dropping privileges to uid ${uid} gid ${gid} did not take effect`);
  }
  let regained = false;
  try {
    proc.setuid(0);
    regained = true;
  } catch {
    // expected: EPERM
  }
  if (regained) throw new Error('privileges could be regained after dropping them');
  return { dropped: true, uid, gid };
}

/** This process, or null where ids do not exist (Windows). */
export function currentProcessPrivileges(): PrivilegeProcess | null {
  const p = process;
  if (!p.getuid || !p.getgid || !p.getgroups || !p.setgroups || !p.setgid || !p.setuid) return null;
  return {
    env: p.env,
    getuid: p.getuid.bind(p),
    getgid: p.getgid.bind(p),
    getgroups: p.getgroups.bind(p),
    setgroups: p.setgroups.bind(p),
    setgid: p.setgid.bind(p),
    setuid: p.setuid.bind(p),
  };
}
