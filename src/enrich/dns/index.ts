export { MAX_NAME_LENGTH, ReverseDnsResolver } from './reverse-dns.js';
export type { PtrResolver, ReverseDnsOptions, ReverseDnsStats } from './reverse-dns.js';
