/**
 * Which process polls. Exactly one process (replica) runs the detections at a
 * time; every process keeps serving chat interactions. Call tryAcquire on every
 * tick and poll only when it returns true: a process that is not the leader
 * keeps asking, so it takes over within one tick of the leader going away.
 */
export interface Leadership {
  /** Takes the poll lock when it is free; true while this process holds it. Safe to call on every tick. */
  tryAcquire(): Promise<boolean>;
  /** Gives the lock up (shutdown). Another process can take it on its next tick. */
  release(): Promise<void>;
  /** Who polls, in words, for logs: this process, or which other one, or why the lock could not be taken. */
  describe(): string;
}
