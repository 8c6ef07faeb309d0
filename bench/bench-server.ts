/** What the server process needs from each variant's server. */
export interface BenchServer {
  readonly port: number;
  /** Connections not yet closed. */
  openCalls(): number;
  /** Open connections that have sent `start`. */
  startedCalls(): number;
  close(): Promise<void>;
}
