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
  /** The last line printed for each card, so a thread reply that says the same as the status line is not printed again. */
  private readonly lastLine = new Map<string, string>();

  constructor(private readonly options: ConsolePlatformOptions) {
    this.out = options.out ?? process.stdout;
  }

  async postAlert(target: string, alert: Alert): Promise<MessageRef> {
    this.out.write(this.render(alert) + '\n');
    return { platform: 'console', target, messageId: alert.id, threadId: alert.id };
  }

  async updateAlert(ref: MessageRef, alert: Alert): Promise<void> {
    const status = describeStatus(alert, this.options.cardContext(alert).now);
    if (this.lastLine.get(ref.messageId) === status) return;
    this.lastLine.set(ref.messageId, status);
    this.out.write(`[${ref.messageId}] ${status}\n`);
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
    // Each change is printed once: the card's update and its audit reply say the same (whichever comes first is printed).
    if (this.lastLine.get(ref.messageId) === text) return;
    this.lastLine.set(ref.messageId, text);
    this.out.write(`[${ref.messageId}] ↳ ${text}\n`);
  }

  render(alert: Alert): string {
    const view = toAlertView(alert, this.options.cardContext(alert));
    return alertText(view, { color: this.options.color, cliUser: this.options.cliUser });
  }
}
