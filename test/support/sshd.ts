/**
 * A throwaway sshd inside a test's network namespace: its own host key, one client key, key
 * login for root only, everything in a temporary directory (the host's sshd is untouched).
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnIn } from './netns.js';

export interface TestSshd {
  process: ChildProcess;
  /** Private key that logs in as root. */
  clientKey: string;
  /** argv prefix for `ssh` with that key and no host-key prompts. */
  sshArgv(target: string, bindAddress?: string): string[];
}

export function startSshd(ns: string, dir: string): TestSshd {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const hostKey = join(dir, 'host_ed25519_key');
  const clientKey = join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', clientKey]);
  execFileSync('cp', [`${clientKey}.pub`, join(dir, 'authorized_keys')]);
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      'Port 22',
      'ListenAddress 0.0.0.0',
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'UsePAM no',
      'PermitRootLogin prohibit-password',
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'StrictModes no',
      'UseDNS no',
      'PrintMotd no',
      '',
    ].join('\n'),
  );
  // sshd needs its privilege-separation directory (normally made by the service unit).
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const child = spawnIn(ns, ['/usr/sbin/sshd', '-D', '-e', '-f', config], { stdio: 'ignore' });
  return {
    process: child,
    clientKey,
    sshArgv: (target, bindAddress) => [
      'ssh',
      '-F', '/dev/null',
      '-i', clientKey,
      '-o', 'IdentitiesOnly=yes',
      '-o', 'BatchMode=yes',
      '-o', 'StrictHostKeyChecking=no',
      '-o', 'UserKnownHostsFile=/dev/null',
      '-o', 'LogLevel=ERROR',
      ...(bindAddress !== undefined ? ['-b', bindAddress] : []),
      `root@${target}`,
    ],
  };
}
