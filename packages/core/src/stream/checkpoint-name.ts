let counter = 0;

/**
 * The default name of a `checkpoint()` of a call, local or remote: `cs-mark-<n>`, unique in the
 * process.
 *
 * @internal
 * @example
 * call.checkpoint(nextCheckpointName());
 */
export function nextCheckpointName(): string {
  return `cs-mark-${++counter}`;
}
