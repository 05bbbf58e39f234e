/**
 * A local Slack for tests: the Web API methods FirstWatch calls (Slack's
 * response shapes, token and membership checks, Block Kit limits, a per-channel
 * chat.postMessage rate limit answered with 429 + Retry-After), recording every
 * call and message; and Slack's side of interactions: signed HTTP posts to the
 * bot (or Socket Mode envelopes) for buttons, modals, slash commands and events,
 * with response_urls it serves itself.
 *
 * Where things are: world.ts (its users, channels and records), recorded.ts (what
 * tests ask of the records), web-api/ (one file per method family), rate-limit.ts,
 * faults.ts (failures and holds a test arranges), interactions.ts (payloads),
 * http-mode.ts and sender.ts (signed posts to the bot), socket-mode.ts and
 * websocket-peer.ts, server.ts (routing).
 */
import { Faults } from './faults';
import { httpMode } from './http-mode';
import { InteractionLinks } from './interaction-links';
import { Interactions } from './interactions';
import { PostRateLimiter } from './rate-limit';
import { recordQueries } from './recorded';
import { startServer } from './server';
import { SocketModeServer } from './socket-mode';
import type { SlackStandin, SlackStandinOptions } from './standin';
import type { InjectedFailure } from './types';
import { webApi } from './web-api';
import { createWorld } from './world';

export * from './types';
export type { SlackStandin, SlackStandinOptions } from './standin';
export { slackSignature } from './sender';

export async function startSlackStandin(opts: SlackStandinOptions = {}): Promise<SlackStandin> {
  const world = createWorld(opts);
  const appToken = opts.appToken ?? 'xapp-standin-token';
  const faults = new Faults();
  const links = new InteractionLinks(world);
  const interactions = new Interactions(world, links);
  const socketMode = new SocketModeServer(world, interactions);
  const api = webApi(world, { faults, limiter: new PostRateLimiter(world), links, appToken });
  const queries = recordQueries(world);

  const server = await startServer(world, { api, faults, links, socketMode });
  world.records.origin = server.origin;
  world.records.url = `${server.origin}/api/`;

  // One object: tests read and change the records on it, and every part sees their changes.
  return Object.assign(world.records, {
    failNext: (method: string, failure: InjectedFailure, times?: number) => faults.failNext(method, failure, times),
    hold: (method: string) => faults.hold(method),
    ...queries,
    ...httpMode(world, interactions),
    socket: socketMode.side(appToken, queries.waitFor),
    close: () => server.close(),
  });
}
