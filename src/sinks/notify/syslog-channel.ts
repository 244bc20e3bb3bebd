import { safeJsonStringify } from '../../text/display-sanitizer.js';
import { SyslogWriter, syslogMessage } from '../syslog/syslog-writer.js';
import type { NotificationChannel } from './notification-channel.js';
import { eventRecord, eventSeverity, type NotifyEvent } from './notify-event.js';

/**
 * Syslog / journald as a notification channel: an adapter over SyslogWriter (util-linux logger,
 * facility auth, priority by severity). Alerts keep the record format SyslogWriter always wrote;
 * blocks and tests are their JSON record on one line.
 */
export class SyslogChannel implements NotificationChannel {
  readonly name = 'syslog' as const;
  readonly target = 'logger (auth facility)';
  readonly secrets: readonly string[] = [];

  constructor(private readonly sink: SyslogWriter = new SyslogWriter()) {}

  async send(event: NotifyEvent): Promise<void> {
    if (!this.sink.enabled) throw new Error('logger (util-linux) is not installed');
    const message = event.kind === 'alert' ? syslogMessage(event.alert) : `${event.kind} ${safeJsonStringify(eventRecord(event))}`;
    const code = await this.sink.write(message, eventSeverity(event));
    if (code !== 0) throw new Error(`logger exited with status ${code}`);
  }
}
