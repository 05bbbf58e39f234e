import type { InjectedFailure } from './types';

/** Failures and holds a test arranges for the next calls of a method. */
export class Faults {
  private readonly failures = new Map<string, { failure: InjectedFailure; times: number }[]>();
  private readonly holds = new Map<string, { arrived: () => void; gate: Promise<void> }[]>();

  failNext(method: string, failure: InjectedFailure, times = 1): void {
    const list = this.failures.get(method) ?? [];
    list.push({ failure, times });
    this.failures.set(method, list);
  }

  hold(method: string): { reached: Promise<void>; release(): void } {
    let arrived!: () => void;
    let release!: () => void;
    const reached = new Promise<void>((r) => {
      arrived = r;
    });
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const list = this.holds.get(method) ?? [];
    list.push({ arrived, gate });
    this.holds.set(method, list);
    return { reached, release };
  }

  /** The failure this call of `method` gets, if one is due; uses up one of its times. */
  takeFailure(method: string): InjectedFailure | undefined {
    const queued = this.failures.get(method);
    const injected = queued?.[0];
    if (injected === undefined) return undefined;
    injected.times -= 1;
    if (injected.times <= 0) queued?.shift();
    return injected.failure;
  }

  /** The gate a held call of `method` waits on, after telling the test it arrived; undefined if not held. */
  heldUntilRelease(method: string): Promise<void> | undefined {
    const held = this.holds.get(method)?.shift();
    if (held === undefined) return undefined;
    held.arrived();
    return held.gate;
  }
}
