/**
 * Guards the `...Into` codec functions: a `length` past either array would silently write or
 * read nothing (typed arrays ignore out-of-range indexes), so it is a caller bug worth a throw.
 *
 * @internal
 */
export function checkLength(length: number, sourceLength: number, targetLength: number): void {
  if (!(length >= 0 && length <= sourceLength && length <= targetLength) || length % 1 !== 0) {
    throw new RangeError(
      `length ${length} must be an integer within the source (${sourceLength}) and the output (${targetLength})`,
    );
  }
}
