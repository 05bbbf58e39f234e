import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** The Playground's log lines for a page's WebSocket opening and closing. */
const OPENED = 'started web socket client';
const CLOSED = 'stopping web socket client';

/**
 * Which Agents Playground conversations an open page shows. The Playground
 * keeps what is sent while no page is connected in a buffer that it hands
 * to the next socket and then forgets: a socket that drops before the page
 * draws it (a loaded machine) loses those cards. So nothing is posted
 * there unless a page is connected and has opened the conversation (its
 * installation), and each installation from a page posts what is open again.
 * The Playground says nothing of its pages but its log file, read from where
 * the last read stopped.
 */
export class PlaygroundPages {
  private offset = 0;
  private carry = '';
  private opened = 0;
  private closed = 0;
  private readonly shown = new Set<string>();

  constructor(private readonly logFile: string) {}

  /** Sockets open now (a page that reconnects counts once it is back). */
  connected(): number {
    this.read();
    return this.opened - this.closed;
  }

  /** A page opened this conversation (its installation reached the bot). */
  opens(conversationId: string): void {
    this.shown.add(conversationId);
  }

  /** Why a card posted to this conversation now would not be seen, or undefined when a page shows it. */
  notShown(conversationId: string, url: string): string | undefined {
    if (this.connected() === 0) return `no page of the Agents Playground is open; open ${url} to see it`;
    if (!this.shown.has(conversationId)) return `no open page of the Agents Playground has opened this channel yet (${url})`;
    return undefined;
  }

  private read(): void {
    let fd: number;
    try {
      if (statSync(this.logFile).size <= this.offset) return;
      fd = openSync(this.logFile, 'r');
    } catch {
      return;
    }
    try {
      const chunk = Buffer.alloc(64 * 1024);
      for (;;) {
        const n = readSync(fd, chunk, 0, chunk.length, this.offset);
        if (n === 0) break;
        this.offset += n;
        // A marker split across two reads is found in the carried tail plus the new text; one that ends
        // inside the tail was counted by the read before.
        const carried = this.carry.length;
        const text = this.carry + chunk.toString('latin1', 0, n);
        this.opened += count(text, OPENED, carried);
        this.closed += count(text, CLOSED, carried);
        this.carry = text.slice(-Math.max(OPENED.length, CLOSED.length));
      }
    } finally {
      closeSync(fd);
    }
  }
}

/** Occurrences of marker that end after the first `carried` characters. */
function count(text: string, marker: string, carried: number): number {
  let n = 0;
  for (let i = text.indexOf(marker); i !== -1; i = text.indexOf(marker, i + marker.length)) if (i + marker.length > carried) n++;
  return n;
}
