export * from './errors';
export * from './config';
export * from './logger';
export * from './progress';
export * from './eventRules';
export * from './rng';
export * from './vocabulary';
