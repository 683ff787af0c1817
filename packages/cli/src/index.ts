export { main } from './main.js';
export { EXIT } from './io.js';
export type { CliIO, Output } from './io.js';
export { demoSnapshotPath } from './commands/audit.js';
