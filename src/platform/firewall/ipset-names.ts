/** Our ipsets (names ≤ 31 characters), shared by the iptables backend and its listing parser. */
export const IPSETS = { addr4: 'snoopy-addr4', addr6: 'snoopy-addr6', port4: 'snoopy-port4', port6: 'snoopy-port6' } as const;
