import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from '../../logging/logger';

/** Slack's replay window: a request dated more than this far from now, either way, is refused. */
export const SLACK_TIMESTAMP_WINDOW_SEC = 5 * 60;

/**
 * Bolt refuses requests older than five minutes but accepts any from the
 * future; a captured request dated ahead could be replayed for as long as
 * that date lies ahead. Refuse both sides before the signature is checked.
 * A missing or unreadable timestamp is left to Bolt, which refuses it.
 */
export function slackRequestAge(clock: () => Date, logger: Logger): RequestHandler {
  return (req, res, next) => {
    const raw = req.get('x-slack-request-timestamp');
    const ts = raw !== undefined && /^\d{1,12}$/.test(raw) ? Number(raw) : undefined;
    if (ts !== undefined && Math.abs(clock().getTime() / 1000 - ts) > SLACK_TIMESTAMP_WINDOW_SEC) {
      logger.warn({ skewSeconds: Math.round(ts - clock().getTime() / 1000) }, 'Slack: request timestamp outside the five-minute window');
      res.status(401).json({ error: 'request timestamp outside the five-minute window' });
      return;
    }
    next();
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const userId = (v: unknown): boolean => isRecord(v) && typeof v.id === 'string' && v.id.length > 0;

/** What is wrong with a signed body's shape, for the kinds FirstWatch handles; undefined when it looks right. */
export function slackBodyProblem(body: unknown): string | undefined {
  if (!isRecord(body)) return 'the payload is not an object';
  if (typeof body.command === 'string') {
    return typeof body.user_id === 'string' && typeof body.channel_id === 'string'
      ? undefined
      : 'a slash command without user_id or channel_id';
  }
  switch (body.type) {
    case 'block_actions':
      return userId(body.user) && Array.isArray(body.actions) ? undefined : 'a click without a user or actions';
    case 'view_submission':
    case 'view_closed':
      return userId(body.user) && isRecord(body.view) ? undefined : 'a view submission without a user or view';
    case 'event_callback':
      return isRecord(body.event) ? undefined : 'an event callback without an event';
    case 'url_verification':
      return typeof body.challenge === 'string' ? undefined : 'a url_verification without a challenge';
    default:
      return typeof body.type === 'string' ? undefined : 'a payload without a type';
  }
}

/**
 * Bolt answers 500 when it cannot process a correctly signed request. A body
 * of the wrong shape is the sender's fault: 400 with a fixed body (nothing was
 * changed: it failed before any listener acted). Anything else stays a 500.
 */
export function slackProcessError(logger: Logger) {
  return async (args: { error: Error; request: IncomingMessage & { body?: unknown }; response: ServerResponse }): Promise<boolean> => {
    const problem = slackBodyProblem(args.request.body);
    const status = problem !== undefined ? 400 : 500;
    if (problem !== undefined) logger.warn({ problem }, 'Slack: malformed signed payload refused');
    else logger.error({ err: args.error.message }, 'Slack: could not process a request');
    if (!args.response.headersSent) {
      args.response.writeHead(status, { 'content-type': 'application/json' });
      args.response.end(JSON.stringify({ error: problem !== undefined ? 'malformed Slack payload' : 'internal error' }));
    }
    return false;
  };
}
