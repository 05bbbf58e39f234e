import type { InteractionLinks } from '../interaction-links';
import type { StandinView } from '../types';
import { isRecord, str } from '../values';
import type { World } from '../world';
import { fail, ok, type MethodTable } from './result';

/** views.open: a modal needs a trigger_id from an interaction, usable once, and a modal within Slack's limits. */
export function viewsMethods(world: World, links: InteractionLinks): MethodTable {
  return {
    'views.open': (args) => {
      const triggerId = str(args.trigger_id);
      const trigger = triggerId === undefined ? undefined : links.trigger(triggerId);
      if (triggerId === undefined || trigger === undefined) return fail('invalid_trigger_id');
      if (trigger.used || trigger.expired) return fail('expired_trigger_id');
      if (!isRecord(args.view) || args.view.type !== 'modal') return fail('invalid_arguments');
      const view = args.view;
      const blocks = view.blocks;
      if (!Array.isArray(blocks) || blocks.length > 100) return fail('invalid_arguments');
      if (typeof view.private_metadata === 'string' && view.private_metadata.length > 3000) return fail('invalid_arguments');
      trigger.used = true;
      const v: StandinView = { id: world.nextId('V'), triggerId, view };
      world.records.views.push(v);
      return ok({ view: { id: v.id, ...view } });
    },
  };
}
