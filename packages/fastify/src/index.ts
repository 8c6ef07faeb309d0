export { callstream, callstream as default } from './plugin.js';

export type { CallstreamDecorator, CallstreamPluginOptions } from './plugin.js';
