export { AttachedStreamServer, attachStreamServer } from './attach.js';

export type { AttachOptions } from './attach.js';
