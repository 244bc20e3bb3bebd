/** The protocols a stream is read as. */
export type StreamApp = 'HTTP' | 'FTP' | 'POP3' | 'IMAP' | 'SMTP';

const APPS: readonly StreamApp[] = ['HTTP', 'FTP', 'POP3', 'IMAP', 'SMTP'];

/**
 * Server ports whose connections get a stream. HTTP on any other port gets one when the
 * client's first bytes are a request (see couldStartHttpRequest); TLS ports are not listed:
 * their bytes cannot be read.
 */
const PORTS: Readonly<Record<StreamApp, readonly number[]>> = {
  HTTP: [80, 81, 591, 3000, 5000, 7001, 8000, 8008, 8080, 8081, 8088, 8888, 9000],
  FTP: [21],
  POP3: [110],
  IMAP: [143],
  SMTP: [25, 587, 2525],
};

/** Port → 1 + index into APPS (0: none); one array read per lookup. */
const BY_PORT = new Uint8Array(65536);
APPS.forEach((app, i) => {
  for (const p of PORTS[app]) BY_PORT[p] = i + 1;
});

/** The protocol of a server port, or null. */
export function appOfPort(port: number): StreamApp | null {
  const i = BY_PORT[port & 0xffff]!;
  return i === 0 ? null : APPS[i - 1]!;
}
