import type { Alert } from '../../alerts/types';
import { alertText, describeStatus, toAlertView } from '../../cards';
import { blindText, digestText, type BlindView, type DigestView } from '../../cards';
import type { CardContextFor } from '../../cards/card-context';
import type { ChatPlatform } from '../../delivery/chat-platform';
import type { MessageRef } from '../../delivery/types';

export interface ConsolePlatformOptions {
  /** Where cards are written; default stdout. */
  out?: NodeJS.WritableStream;
  cardContext: CardContextFor;
  color?: boolean;
  /** Shown in the CLI hints printed under each card. */
  cliUser?: string;
}

/**
 * Prints cards as readable text: the embedded default, dry runs, and a
 * record of what the bot did in a terminal.
 */
export class ConsolePlatform implements ChatPlatform {
  readonly name = 'console' as const;
  private readonly out: NodeJS.WritableStream;

  constructor(private readonly options: ConsolePlatformOptions) {
    this.out = options.out ?? process.stdout;
  }

  async postAlert(target: string, alert: Alert): Promise<MessageRef> {
    this.out.write(this.render(alert) + '\n');
    return { platform: 'console', target, messageId: alert.id, threadId: alert.id };
  }

  async updateAlert(ref: MessageRef, alert: Alert): Promise<void> {
    this.out.write(`[${ref.messageId}] ${describeStatus(alert, this.options.cardContext(alert).now)}\n`);
  }

  async postDigest(target: string, digest: DigestView): Promise<MessageRef> {
    this.out.write(digestText(digest) + '\n');
    return { platform: 'console', target, messageId: `digest-${digest.first[0]?.id ?? 'empty'}` };
  }

  async postBlind(target: string, view: BlindView): Promise<MessageRef> {
    this.out.write(blindText(view) + '\n');
    return { platform: 'console', target, messageId: `blind-${view.detectionSlug}-${view.workspace}` };
  }

  async replyInThread(ref: MessageRef, text: string): Promise<void> {
    this.out.write(`[${ref.messageId}] ↳ ${text}\n`);
  }

  render(alert: Alert): string {
    const view = toAlertView(alert, this.options.cardContext(alert));
    return alertText(view, { color: this.options.color, cliUser: this.options.cliUser });
  }
}
