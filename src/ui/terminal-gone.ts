/** Errors a read or write gets once the terminal is gone (its pty closed, the SSH link dropped). */
const GONE_CODES = new Set(['EIO', 'EPIPE', 'ENXIO', 'EBADF', 'ECONNRESET']);

export function isTerminalGone(e: unknown): boolean {
  const code = typeof e === 'object' && e !== null && 'code' in e ? (e as { code: unknown }).code : undefined;
  return typeof code === 'string' && GONE_CODES.has(code);
}
