import type { World } from '../world';
import { ok, type MethodTable } from './result';

/** auth.test (who the bot is) and apps.connections.open (where Socket Mode connects). */
export function authMethods(world: World): MethodTable {
  const r = world.records;
  return {
    'apps.connections.open': () => ok({ url: `${r.origin.replace('http://', 'ws://')}/socket-mode` }),
    'auth.test': () =>
      ok({
        url: 'https://firstwatch-standin.slack.com/',
        team: 'FirstWatch Stand-in',
        user: 'firstwatch',
        team_id: r.teamId,
        user_id: r.botUserId,
        bot_id: r.botId,
        is_enterprise_install: false,
      }),
  };
}
