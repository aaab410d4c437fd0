export * from './halo-stub';
export * from './factory';
export * from './types';
export { haloInstant, lastChangeOf } from './time';
