export { callstream, callstream as default } from './plugin.js';
export { streamStatusRoute } from './status-callback.js';

export type { CallstreamDecorator, CallstreamPluginOptions, CallstreamRequest } from './plugin.js';
export type { StreamStatusRouteOptions } from './status-callback.js';
