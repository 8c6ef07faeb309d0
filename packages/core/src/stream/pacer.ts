/**
 * One process-wide ticker for every stream that has audio to send. A timer per stream would
 * mean thousands of timers at scale; one tick that walks the active streams keeps wake-ups (and
 * so system calls) to one per period.
 */
export const PACER_TICK_MS = 20;

type Pump = () => void;

const active = new Set<Pump>();
let timer: NodeJS.Timeout | undefined;

function tick(): void {
  for (const pump of active) pump();
}

/** Calls `pump` every tick until {@link stopPacing} is called for it. */
export function startPacing(pump: Pump): void {
  active.add(pump);
  // Open sockets keep the process alive; the ticker alone must not.
  timer ??= setInterval(tick, PACER_TICK_MS).unref();
}

export function stopPacing(pump: Pump): void {
  active.delete(pump);
  if (active.size === 0 && timer !== undefined) {
    clearInterval(timer);
    timer = undefined;
  }
}
