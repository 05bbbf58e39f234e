import { str } from '../values';
import type { World } from '../world';
import { fail, ok, type MethodTable } from './result';

/** users.info: the profile FirstWatch resolves a clicking user's email from. */
export function usersMethods(world: World): MethodTable {
  const r = world.records;
  return {
    'users.info': (args) => {
      const u = r.users.get(str(args.user) ?? '');
      if (u === undefined) return fail('user_not_found');
      return ok({
        user: {
          id: u.id,
          team_id: r.teamId,
          name: u.name,
          real_name: u.realName,
          deleted: u.deleted === true,
          is_bot: u.isBot === true,
          profile: {
            real_name: u.realName,
            display_name: u.displayName ?? '',
            ...(u.email !== undefined ? { email: u.email } : {}),
          },
        },
      });
    },
  };
}
