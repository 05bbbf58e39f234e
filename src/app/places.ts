import type { Place, PlaceResolver } from '../alerts/access/place';
import { parseTeamsConversation } from '../chat/teams/conversations';
import type { DeliveryTarget } from '../delivery/types';
import type { ConversationStore } from '../store/conversation-store';

export interface PlaceSources {
  /** Each workspace's alert targets, as the running platforms registered them (read at each request). */
  workspaces: readonly { name: string; targets: readonly DeliveryTarget[] }[];
  /** Escalation channels: they receive every workspace's escalations. */
  escalation: readonly DeliveryTarget[];
  conversations: Pick<ConversationStore, 'getConversationRef'>;
}

const SLACK_DIRECT = /^D[A-Z0-9]{2,}$/;

/**
 * Which origins are configured channels, direct messages or the CLI. Slack
 * channels compare by id; Teams channels by the id or the name FirstWatch
 * stored for the conversation the request came from.
 */
export function placeResolver(sources: PlaceSources): PlaceResolver {
  const bound = (platform: string, matches: (target: string) => boolean): Place => {
    const all = sources.workspaces.map((w) => w.name);
    if (sources.escalation.some((t) => t.platform === platform && matches(t.target))) return { kind: 'channel', workspaces: all };
    const workspaces = sources.workspaces
      .filter((w) => w.targets.some((t) => t.platform === platform && matches(t.target)))
      .map((w) => w.name);
    return workspaces.length > 0 ? { kind: 'channel', workspaces } : { kind: 'elsewhere' };
  };
  return async (origin) => {
    if (origin === 'cli') return { kind: 'local' };
    const colon = origin.indexOf(':');
    const platform = colon < 0 ? origin : origin.slice(0, colon);
    const id = colon < 0 ? '' : origin.slice(colon + 1);
    if (id.length === 0) return { kind: 'elsewhere' };
    if (platform === 'slack') {
      if (SLACK_DIRECT.test(id)) return { kind: 'direct' };
      return bound('slack', (t) => t.toUpperCase() === id.toUpperCase());
    }
    if (platform === 'teams') {
      const record = await sources.conversations.getConversationRef('teams', id);
      // Only the record stored under this very id describes it (a look-up by name could find another conversation).
      const stored = record !== undefined && record.key === id ? parseTeamsConversation(record.ref) : undefined;
      if (stored?.kind === 'personal') return { kind: 'direct' };
      if (stored !== undefined && stored.kind !== 'channel') return { kind: 'elsewhere' };
      const name = stored?.name.toLowerCase();
      return bound('teams', (t) => t === id || (name !== undefined && t.toLowerCase() === name));
    }
    return { kind: 'elsewhere' };
  };
}
