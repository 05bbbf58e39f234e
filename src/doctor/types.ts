import type { TokenCredential } from '@azure/core-auth';
import type { Logger } from '../logging/logger';
import type { Clock } from '../time/clock';

/** ok: works; warn: works but worth a look; FAIL: blocks alerting; skip: not applicable to this configuration. */
export type Verdict = 'ok' | 'warn' | 'FAIL' | 'skip';

/** One line of the doctor's report. */
export interface CheckResult {
  /** What was checked, e.g. "workspace contoso" or "slack channel C0123". */
  check: string;
  verdict: Verdict;
  /** What was found, in one line. */
  detail: string;
  /** What to do about it, when there is something to do. */
  fix?: string;
}

export interface DoctorOptions {
  clock?: Clock;
  /** The Azure identity; default DefaultAzureCredential (managed identity, workload identity, env secret or az login). */
  credential?: TokenCredential;
  /** Entra authority for the Teams bot's token; default https://login.microsoftonline.com. */
  teamsAuthority?: string;
  /** Longest wait for any one service, in ms. Default 20 000. */
  timeoutMs?: number;
  logger?: Logger;
}
