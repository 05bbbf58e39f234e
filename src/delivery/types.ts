/**
 * The delivery vocabulary every layer shares: where a card goes and where it lives once posted.
 * It imports nothing, so the store, the cards and the domain can use it without knowing any chat platform.
 */

export type ChatPlatformName = 'teams' | 'slack' | 'console';

/** Where a posted card lives, as the platform needs it to update or reply later. */
export interface MessageRef {
  platform: ChatPlatformName;
  /** The configured target (Slack channel id, Teams channel id, 'console'). */
  target: string;
  /** Slack message ts; Teams activity id. */
  messageId: string;
  /** Slack thread_ts / Teams conversation id of the thread; defaults to messageId. */
  threadId?: string;
}

/** Whom an escalation copy mentions (optional, added for escalation routing). */
export interface EscalationMention {
  /** Slack: the mention as Slack writes it ('<!subteam^S123>', '<@U123>', '<!here>'); Teams: the AAD object id or tag id. */
  id: string;
  /** Teams: the name the mention shows. */
  name?: string;
  /** Teams: a person or a tag. */
  kind?: 'person' | 'tag';
}

/** How one copy of a card differs from the plain card (optional, added for escalation routing). */
export interface CardOptions {
  /** The escalation copy: it opens with who escalated it, to whom and why, and mentions the on-call people. */
  escalation?: { mention?: EscalationMention };
}

/** A posted copy of an alert's card as the outbox keeps it: where it is and how it is drawn there. */
export interface PostedCopy {
  target: string;
  /** How this copy differs from the plain card (the escalation copy); none for a plain copy. */
  options?: CardOptions;
}

/** One place an alert's card is delivered to. */
export interface DeliveryTarget {
  platform: ChatPlatformName;
  target: string;
}
