import type { Severity } from '../model/alert.js';

/** A service flagged as risky (config key `suspiciousPorts`): its name, and its risk as the alert's severity. */
export interface RiskyPort {
  name: string;
  risk: Severity;
}
