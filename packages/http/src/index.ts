export { attachStreamServer } from './attach.js';

export type { AttachedStreamServer, AttachOptions } from './attach.js';
