import type { RequestHandler } from 'express';
import type { App } from './build';

export interface ChatHandles {
  /** Routes for the HTTP server. */
  http: { teams?: RequestHandler; slack?: RequestHandler };
  /** Lines to print at start-up (where to click, what is off). */
  banner: string[];
  stop(): Promise<void>;
}

/**
 * Starts the configured chat platforms and registers them with the app.
 * `interactive: false` (one-shot polls) posts cards but serves no interactions.
 */
export async function startChat(app: App, options: { interactive?: boolean } = {}): Promise<ChatHandles> {
  void options;
  const banner: string[] = [];
  if (app.platforms.console !== undefined) banner.push('Alerts are printed here (console output).');
  return { http: {}, banner, stop: async () => undefined };
}
