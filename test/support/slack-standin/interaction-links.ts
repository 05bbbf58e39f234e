import type { StandinResponse } from './types';
import type { World } from './world';

/** Slack: a trigger_id opens one modal within 3 s of the interaction. */
export const TRIGGER_TTL_MS = 3_000;
/** Slack: a response_url takes up to 5 posts within 30 minutes of the interaction. */
export const RESPONSE_URL_USES = 5;
export const RESPONSE_URL_TTL_MS = 30 * 60_000;

/**
 * What Slack hands out with each interaction and later checks: response_urls (served by
 * the stand-in, recording what the bot posts to them; 5 uses in 30 minutes) and trigger
 * ids (one modal each, within 3 seconds).
 */
export class InteractionLinks {
  private readonly triggers = new Map<string, { used: boolean; issuedAt: number }>();
  private readonly responseUrls = new Map<string, { issuedFor: StandinResponse['issuedFor']; issuedAt: number; uses: number }>();

  constructor(private readonly world: World) {}

  issueResponseUrl(issuedFor: StandinResponse['issuedFor']): string {
    const id = this.world.nextId('R');
    this.responseUrls.set(id, { issuedFor, issuedAt: this.world.records.now(), uses: 0 });
    return `${this.world.records.origin}/response/${id}`;
  }

  issueTrigger(): string {
    const id = `${this.world.nextId('')}.${Math.floor(Math.random() * 1e9)}`;
    this.triggers.set(id, { used: false, issuedAt: this.world.records.now() });
    return id;
  }

  /** The trigger, with `expired` once its 3 s are over. */
  trigger(id: string): { used: boolean; expired: boolean } | undefined {
    const t = this.triggers.get(id);
    if (t === undefined) return undefined;
    return {
      get used() {
        return t.used;
      },
      set used(v: boolean) {
        t.used = v;
      },
      expired: this.world.records.now() - t.issuedAt > TRIGGER_TTL_MS,
    };
  }

  /**
   * Records a post to a response_url: 'unknown' when the stand-in never issued it,
   * 'expired' after 30 minutes, 'used' after 5 posts (nothing recorded then).
   */
  receiveResponse(id: string, url: string, body: Record<string, unknown>): 'ok' | 'unknown' | 'expired' | 'used' {
    const link = this.responseUrls.get(id);
    if (link === undefined) return 'unknown';
    if (this.world.records.now() - link.issuedAt > RESPONSE_URL_TTL_MS) return 'expired';
    if (link.uses >= RESPONSE_URL_USES) return 'used';
    link.uses += 1;
    this.world.records.responses.push({ url, body, issuedFor: link.issuedFor });
    return 'ok';
  }
}
