import type { Alert } from '../../src/alerts/types';
import type { ChatPlatform } from '../../src/delivery/chat-platform';
import type { CardOptions, ChatPlatformName, MessageRef } from '../../src/delivery/types';

/** Stands in for a chat server behind the ChatPlatform boundary: records every card, update and reply. */
export class RecordingPlatform implements ChatPlatform {
  readonly posts: { target: string; alertId: string; version: number; escalation: boolean; mention?: string }[] = [];
  readonly updates: { target: string; alertId: string; version: number; escalation: boolean }[] = [];
  readonly replies: { target: string; messageId: string; text: string }[] = [];
  private n = 0;

  constructor(readonly name: ChatPlatformName = 'slack') {}

  async postAlert(target: string, alert: Alert, options?: CardOptions): Promise<MessageRef> {
    const post: RecordingPlatform['posts'][number] = {
      target,
      alertId: alert.id,
      version: alert.version,
      escalation: options?.escalation !== undefined,
    };
    if (options?.escalation?.mention !== undefined) post.mention = options.escalation.mention.id;
    this.posts.push(post);
    const messageId = `m${++this.n}`;
    return { platform: this.name, target, messageId, threadId: messageId };
  }

  async updateAlert(ref: MessageRef, alert: Alert, options?: CardOptions): Promise<void> {
    this.updates.push({ target: ref.target, alertId: alert.id, version: alert.version, escalation: options?.escalation !== undefined });
  }

  async replyInThread(ref: MessageRef, text: string): Promise<void> {
    this.replies.push({ target: ref.target, messageId: ref.messageId, text });
  }
}
