export { callstream, callstream as default } from './plugin.js';

export type { CallstreamDecorator, CallstreamPluginOptions, CallstreamRequest } from './plugin.js';
