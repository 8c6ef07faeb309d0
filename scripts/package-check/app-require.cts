// CommonJS use of the ESM packages (require(esm), Node 20.19 or newer), typechecked as a .cts file.
/* eslint-disable @typescript-eslint/no-require-imports -- require() is what this file checks */
import assert = require('node:assert/strict');
import core = require('@callstream/core');
import simulator = require('@callstream/simulator');

assert.equal(core.encodeMulaw(new Int16Array([0]))[0], 0xff);
assert.equal(typeof simulator.simulateCall, 'function');
assert.ok(new core.CallstreamError('ERR_INVALID_JSON', 'x') instanceof Error);
console.log('app-require.cts: require() of the packages works');
