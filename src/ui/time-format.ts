/**
 * How the UI writes times: in the local zone (the process's TZ) with the zone named once in the
 * header, or in UTC (--utc). Packet times and ISO strings alike.
 */
export interface TimeFormat {
  /** The zone as shown in the header: `UTC`, `CET`, `GMT+1` … */
  readonly zone: string;
  /** HH:MM:SS. */
  clock(ms: number): string;
  /** YYYY-MM-DD HH:MM:SS. */
  dateTime(ms: number): string;
}

const pad = (n: number): string => String(n).padStart(2, '0');

export function timeFormat(utc: boolean, now: Date = new Date()): TimeFormat {
  if (utc) {
    return {
      zone: 'UTC',
      clock: (ms) => new Date(ms).toISOString().slice(11, 19),
      dateTime: (ms) => new Date(ms).toISOString().slice(0, 19).replace('T', ' '),
    };
  }
  return {
    zone: localZoneName(now),
    clock: (ms) => {
      const d = new Date(ms);
      return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    },
    dateTime: (ms) => {
      const d = new Date(ms);
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    },
  };
}

/** The local zone's short name, or its offset when the platform has no name for it. */
function localZoneName(now: Date): string {
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(now).find((p) => p.type === 'timeZoneName');
    if (part !== undefined && part.value !== '') return part.value;
  } catch {
    // fall through to the offset
  }
  const offset = -now.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  return `UTC${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}

/** Milliseconds of an ISO time, or NaN. */
export function isoMs(iso: string): number {
  return Date.parse(iso);
}

/** "--:--:--" for a missing time; packet time (µs) otherwise. */
export function packetClock(format: TimeFormat, micros: number): string {
  return micros <= 0 ? '--:--:--' : format.clock(micros / 1000);
}
