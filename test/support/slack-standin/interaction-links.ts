import type { StandinResponse } from './types';
import type { World } from './world';

/**
 * What Slack hands out with each interaction and later checks: response_urls (served by
 * the stand-in, recording what the bot posts to them) and trigger ids (one modal each).
 */
export class InteractionLinks {
  private readonly triggers = new Map<string, { used: boolean }>();
  private readonly responseUrls = new Map<string, StandinResponse['issuedFor']>();

  constructor(private readonly world: World) {}

  issueResponseUrl(issuedFor: StandinResponse['issuedFor']): string {
    const id = this.world.nextId('R');
    this.responseUrls.set(id, issuedFor);
    return `${this.world.records.origin}/response/${id}`;
  }

  issueTrigger(): string {
    const id = `${this.world.nextId('')}.${Math.floor(Math.random() * 1e9)}`;
    this.triggers.set(id, { used: false });
    return id;
  }

  trigger(id: string): { used: boolean } | undefined {
    return this.triggers.get(id);
  }

  /** Records a post to a response_url; false when the stand-in never issued it. */
  receiveResponse(id: string, url: string, body: Record<string, unknown>): boolean {
    const issuedFor = this.responseUrls.get(id);
    if (issuedFor === undefined) return false;
    this.world.records.responses.push({ url, body, issuedFor });
    return true;
  }
}
