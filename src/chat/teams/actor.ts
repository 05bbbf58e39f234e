import type { Actor } from '../../alerts/types';
import type { Logger } from '../../logging/logger';
import { threadKey } from './sender';
import { TIMED_OUT, within } from '../../time/timeout';

/** Who clicked or typed, as the activity names them. */
export interface ActivitySender {
  id?: string;
  name?: string;
  aadObjectId?: string;
  /** Some channels carry these; Teams usually does not (see MemberDirectory). */
  userPrincipalName?: string;
  email?: string;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim().length > 0 ? v.trim() : undefined;
}

const EMAIL = /^[^\s@]{1,200}@[^\s@]{1,200}$/;

/** A plausible UPN / email, lower-cased; undefined otherwise. */
export function cleanEmail(v: unknown): string | undefined {
  const s = str(v);
  return s && s.length <= 320 && EMAIL.test(s) ? s.toLowerCase() : undefined;
}

/**
 * The person behind an activity: the Entra object id when Teams gives one (it
 * is stable across chats and tenants' renames), else the channel user id.
 * Undefined when the activity names nobody.
 */
export function actorFromSender(from: ActivitySender | undefined, email?: string): Actor | undefined {
  const id = str(from?.aadObjectId) ?? str(from?.id);
  if (!id) return undefined;
  const mail = cleanEmail(from?.userPrincipalName) ?? cleanEmail(from?.email) ?? cleanEmail(email);
  return {
    platform: 'teams',
    id,
    displayName: str(from?.name)?.slice(0, 200) ?? id,
    ...(mail ? { email: mail } : {}),
  };
}

/** GET /v3/conversations/{id}/members/{user}, as the connector client offers it. */
export interface MemberSource {
  getConversationMember(userId: string, conversationId: string): Promise<unknown>;
}

interface Cached {
  email?: string;
  until: number;
}

/**
 * Teams activities carry no UPN, and the allow-list is by UPN: look the
 * member up once (short timeout, the 5 s card budget matters more) and cache
 * the answer per user for an hour. A failed lookup leaves the actor without
 * email; an allow-list entry by Teams id still works then.
 */
export class MemberDirectory {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly logger: Logger,
    private readonly ttlMs = 3_600_000,
    private readonly timeoutMs = 1_500,
    private readonly now: () => number = Date.now,
  ) {}

  async emailOf(source: MemberSource | undefined, conversationId: string, userId: string | undefined): Promise<string | undefined> {
    if (!source || !userId) return undefined;
    const key = userId;
    const hit = this.cache.get(key);
    if (hit && hit.until > this.now()) return hit.email;
    try {
      const member = await within(source.getConversationMember(userId, threadKey(conversationId)), this.timeoutMs);
      if (member === TIMED_OUT || member === undefined) {
        this.logger.warn({ user: userId }, 'Teams: member lookup timed out; acting without a UPN');
        return undefined;
      }
      const m = typeof member === 'object' && member !== null ? (member as Record<string, unknown>) : {};
      const email = cleanEmail(m.userPrincipalName) ?? cleanEmail(m.email);
      this.cache.set(key, { email, until: this.now() + this.ttlMs });
      if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value as string);
      return email;
    } catch (err) {
      this.logger.warn(
        { user: userId, err: err instanceof Error ? err.message : String(err) },
        'Teams: member lookup failed; acting without a UPN',
      );
      return undefined;
    }
  }
}
