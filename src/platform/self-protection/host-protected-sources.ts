import { networkInterfaces } from 'node:os';
import { hostAddresses } from '../network-interfaces.js';
import type { CommandRunner } from '../exec/run-command.js';
import { readGateways } from './gateways.js';
import { readResolvers } from './resolvers.js';
import { readSshPeers } from './ssh-peers.js';

/** This host's never-block sources: its addresses (link-local too), gateways, resolvers, SSH peers. */
export function hostProtectedSources(run?: CommandRunner) {
  return {
    ownAddresses: (): string[] => {
      const out = hostAddresses();
      for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) out.push(a.address);
      return out;
    },
    gateways: () => readGateways(),
    resolvers: () => readResolvers(),
    sshPeers: () => readSshPeers(run),
  };
}
