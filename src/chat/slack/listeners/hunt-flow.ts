import type { RespondFn } from '@slack/bolt';
import type { HuntReport } from '../../../alerts/types';
import type { CommandContext, HuntRequest } from '../../../alerts/commands';
import { escapeMrkdwn } from '../mrkdwn';
import type { SlackHandlerDeps } from './deps';
import { formatInOneUnit } from '../../../time/duration';
import { TIMED_OUT, within } from '../../../time/timeout';

/** Where the "Hunting …" note goes and is then replaced by the result. */
export type HuntPlace =
  | { kind: 'thread'; channel: string; threadTs: string }
  | { kind: 'channel'; channel: string; respond?: RespondFn }
  | { kind: 'ephemeral'; respond: RespondFn };

interface Note {
  replace(message: { text: string; blocks?: unknown[] }): Promise<void>;
}

class HuntTimeout extends Error {}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  const answer = await within(work, ms);
  if (answer === TIMED_OUT) throw new HuntTimeout(`no answer within ${ms < 60_000 ? `${Math.ceil(ms / 1000)}s` : formatInOneUnit(ms)}`);
  return answer;
}

async function postNote(deps: SlackHandlerDeps, place: HuntPlace, message: { text: string; blocks?: unknown[] }): Promise<Note> {
  if (place.kind === 'thread' || place.kind === 'channel') {
    const threadTs = place.kind === 'thread' ? place.threadTs : undefined;
    try {
      const ts = await deps.platform.postMessage(place.channel, { ...message, ...(threadTs !== undefined ? { threadTs } : {}) });
      return { replace: (m) => deps.platform.updateMessage(place.channel, ts, m) };
    } catch (err) {
      // Not in that channel (a /hunt typed anywhere): answer the person privately instead.
      if (place.kind === 'channel' && place.respond !== undefined) {
        deps.logger.warn(
          { channel: place.channel, err: err instanceof Error ? err.message : String(err) },
          'Slack: hunt note could not be posted in the channel; answering privately',
        );
        return postNote(deps, { kind: 'ephemeral', respond: place.respond }, message);
      }
      throw err;
    }
  }
  const respond = place.respond;
  await respond({
    response_type: 'ephemeral',
    text: message.text,
    ...(message.blocks !== undefined ? { blocks: message.blocks as never } : {}),
  });
  return {
    replace: async (m) => {
      await respond({
        response_type: 'ephemeral',
        replace_original: true,
        text: m.text,
        ...(m.blocks !== undefined ? { blocks: m.blocks as never } : {}),
      });
    },
  };
}

/**
 * Posts "Hunting …", runs the hunt, replaces the note with the report (or the
 * reason it failed). Never throws: every outcome ends as a message.
 */
export async function runHunt(deps: SlackHandlerDeps, request: HuntRequest, ctx: CommandContext, place: HuntPlace): Promise<void> {
  const upn = escapeMrkdwn(request.upn);
  const log = deps.logger.child({ hunt: request.upn, alertId: request.alertId });
  let note: Note;
  try {
    if (deps.hunt === undefined) {
      await postNote(deps, place, {
        text: `:information_source: Hunting is not configured on this FirstWatch (no Log Analytics workspace to query), so ${upn} cannot be hunted from here.`,
      });
      return;
    }
    // The cards' "Hunting …" message; the result replaces it.
    note = await postNote(deps, place, deps.renderReply({ kind: 'hunt', request }));
  } catch (err) {
    log.error({ err: err instanceof Error ? err.message : String(err) }, 'Slack: could not post the hunt note');
    return;
  }
  let report: HuntReport;
  try {
    report = await withTimeout(deps.hunt.run(request, ctx), deps.huntTimeoutMs);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const what = err instanceof HuntTimeout ? 'timed out' : 'failed';
    log.warn({ reason }, `Slack: hunt ${what}`);
    await note.replace({ text: `:x: Hunt for ${upn} ${what}: ${escapeMrkdwn(reason)}` }).catch((e: unknown) => {
      log.error({ err: e instanceof Error ? e.message : String(e) }, 'Slack: could not report the hunt failure');
    });
    return;
  }
  try {
    await note.replace(deps.renderHunt(report));
  } catch (err) {
    log.error({ err: err instanceof Error ? err.message : String(err) }, 'Slack: could not post the hunt result');
    await note
      .replace({ text: `:x: Hunt for ${upn} finished (${report.totalEvents} events) but its result could not be shown in Slack.` })
      .catch(() => undefined);
  }
}
