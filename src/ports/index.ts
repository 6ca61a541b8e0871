export type * from './clock.ts';
export { fixedClock, systemClock } from './clock.ts';
export type * from './forge.ts';
export { PERMISSION_ORDER } from './forge.ts';
export type * from './jobs.ts';
export type * from './lock.ts';
export type * from './metrics.ts';
export type * from './repo-source.ts';
