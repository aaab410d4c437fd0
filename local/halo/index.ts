export * from './halo-stub';
export * from './factory';
export * from './types';
export { haloInstant, haloTimestamp, lastChangeOf } from './time';
export { MAX_PER_PAGE, SORT_FIELDS } from './issue-query';
