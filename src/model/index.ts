/**
 * The records every part of a run shares: what the engine reports (alerts, stats, flows, feed
 * packets), what the response side decides (blocks, response events) and what the history keeps.
 * Plain data only; no part of the engine, the UI or the platform lives here.
 */
export * from './alert.js';
export * from './block-record.js';
export * from './engine-stats.js';
export * from './feed-packet.js';
export * from './fleet-status.js';
export * from './flow-summary.js';
export * from './history-entry.js';
export * from './process-sample.js';
export * from './response-action.js';
export * from './response-event.js';
