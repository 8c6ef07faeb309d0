export { AttachedStreamServer, attachStreamServer } from './attach.js';
export { streamStatusMiddleware } from './status-callback.js';

export type { AttachOptions } from './attach.js';
export type { StreamStatusMiddleware, StreamStatusMiddlewareOptions } from './status-callback.js';
