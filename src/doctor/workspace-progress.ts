import { formatDuration, type Config } from '../config';
import type { Detection } from '../detections/types';
import type { AlertStore } from '../store/alert-store';
import type { Clock } from '../time/clock';
import { messageOf } from './format';
import type { CheckResult } from './types';

export interface ProgressOptions {
  clock: Clock;
  timeoutMs: number;
}

/** A workspace is behind when its least advanced detection last finished a poll more than this many runs ago. */
const RUNS_BEHIND = 2;
/** The running instance answers /metrics on its own host at once, or it is not there. */
const METRICS_TIMEOUT_MS = 3_000;

/**
 * Per workspace: how far behind now its polls are (from the store's watermarks, which every
 * replica shares) and how often the service throttled it (from the running instance's /metrics:
 * throttling is counted in memory, since FirstWatch started).
 */
export async function checkWorkspaceProgress(
  config: Config,
  detections: readonly Detection[],
  store: Pick<AlertStore, 'getWatermark'> | undefined,
  options: ProgressOptions,
): Promise<CheckResult[]> {
  if (store === undefined || detections.length === 0) return [];
  const now = options.clock().getTime();
  const results: CheckResult[] = [];
  for (const entry of config.workspaces) {
    const check = `workspace ${entry.name} lag`;
    const polled: { detection: Detection; at: number }[] = [];
    const never: string[] = [];
    for (const d of detections) {
      const at = await store.getWatermark(entry.name, d.id);
      if (at === undefined) never.push(d.slug);
      else polled.push({ detection: d, at: at.getTime() });
    }
    if (polled.length === 0) {
      results.push({ check, verdict: 'skip', detail: 'not polled yet (no detection has finished a poll of it)' });
      continue;
    }
    // The detection furthest behind its own schedule says the most about the workspace.
    const behind = polled
      .map((p) => ({ ...p, lag: Math.max(0, now - p.at), runs: Math.max(0, now - p.at) / p.detection.queryFrequencyMs }))
      .sort((a, b) => b.runs - a.runs)[0] as { detection: Detection; lag: number; runs: number };
    const least = `${behind.detection.slug} (every ${formatDuration(behind.detection.queryFrequencyMs)})`;
    const notYet = never.length > 0 ? `; not polled yet by ${never.join(', ')}` : '';
    const late = behind.runs > RUNS_BEHIND;
    results.push({
      check,
      verdict: late ? 'warn' : 'ok',
      detail: `polled up to ${ago(behind.lag)} ago by the detection furthest behind its schedule, ${least}${notYet}`,
      ...(late
        ? {
            fix: `its polls have failed or been throttled for ${Math.floor(behind.runs)} runs: look for "poll failed" with workspace ${entry.name} in the log, and run FirstWatch if it is stopped`,
          }
        : {}),
    });
  }
  results.push(...(await throttling(config, options)));
  return results;
}

async function throttling(config: Config, options: ProgressOptions): Promise<CheckResult[]> {
  const host = ['0.0.0.0', '::', ''].includes(config.server.host) ? '127.0.0.1' : config.server.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${config.server.port}/metrics`;
  let body: string;
  try {
    const res = await fetch(url, {
      headers: config.server.metricsToken !== undefined ? { authorization: `Bearer ${config.server.metricsToken}` } : {},
      signal: AbortSignal.timeout(Math.min(options.timeoutMs, METRICS_TIMEOUT_MS)),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    body = await res.text();
  } catch (err) {
    return [
      {
        check: 'workspace throttling',
        verdict: 'skip',
        detail: `not known: no running FirstWatch answered ${url} (${messageOf(err)}); 429s are counted by the running instance`,
      },
    ];
  }
  const throttled = samples(body, 'firstwatch_workspace_throttled_total');
  const waitSum = samples(body, 'firstwatch_workspace_query_queue_seconds_sum');
  const waitCount = samples(body, 'firstwatch_workspace_query_queue_seconds_count');
  return config.workspaces.map((entry) => {
    const n = throttled.get(entry.name) ?? 0;
    const count = waitCount.get(entry.name) ?? 0;
    const wait =
      count > 0 ? `; its queries waited ${((waitSum.get(entry.name) ?? 0) / count).toFixed(1)} s on average for the query limiter` : '';
    return n > 0
      ? {
          check: `workspace ${entry.name} throttling`,
          verdict: 'warn' as const,
          detail: `${n} answer(s) 429 since FirstWatch started, each pausing this workspace's polls${wait}`,
          fix: "other tools share this identity's query limits (5 at once, 200 per 30 s): give FirstWatch its own identity, or space its schedules",
        }
      : {
          check: `workspace ${entry.name} throttling`,
          verdict: 'ok' as const,
          detail: `no 429 since FirstWatch started${wait}`,
        };
  });
}

/** `name{workspace="…"} value` lines of a Prometheus text body, by workspace. */
function samples(body: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  const line = new RegExp(`^${name}\\{(.*)\\} (\\S+)$`, 'gm');
  for (const m of body.matchAll(line)) {
    const workspace = /(?:^|,)workspace="((?:[^"\\]|\\.)*)"/.exec(m[1] as string)?.[1];
    const value = Number(m[2]);
    if (workspace === undefined || !Number.isFinite(value)) continue;
    const name = workspace.replace(/\\(.)/g, (_all, c: string) => (c === 'n' ? '\n' : c));
    out.set(name, (out.get(name) ?? 0) + value);
  }
  return out;
}

function ago(ms: number): string {
  if (ms < 60_000) return 'under a minute';
  return formatDuration(Math.floor(ms / 60_000) * 60_000);
}
