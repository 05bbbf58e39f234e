import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlayground, type PlaygroundHandle } from '../../../src/chat/teams/playground';

/** The Playground's mock tenant, as GET /_internal/v1/config describes it. */
export interface PlaygroundConfig {
  tenantId: string;
  bot: { id: string; name: string };
  currentUser: { id: string; name: string; aadObjectId: string; email?: string; userPrincipleName?: string };
  users: { id: string; name: string; aadObjectId: string; email?: string }[];
  personalChat: { id: string; name: string };
  groupChats: { id: string; name: string; members: string[] }[];
  teams: {
    id: string;
    name: string;
    aadGroupId?: string;
    channels: { id: string; name: string; channelType?: string }[];
    members: string[];
  }[];
}

export interface TestPlayground extends PlaygroundHandle {
  /** GET /_internal/v1/config (waits, as the UI does, until the bot endpoint answers). */
  config(): Promise<PlaygroundConfig>;
  /** Asks the Playground to "install" the bot in a conversation (installationUpdate + conversationUpdate to the bot). */
  install(conversationId: string): Promise<void>;
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`Playground config: ${what} is not an object`);
  return v as Record<string, unknown>;
}

/**
 * Starts the Playground on a free port in a temp dir (its devTools/ log lands
 * there); stop() removes the dir. By default the bot is not installed anywhere
 * yet, so a test can watch the UI (or install()) do it.
 */
export async function startTestPlayground(botEndpoint: string, options: { installBot?: boolean } = {}): Promise<TestPlayground> {
  const cwd = mkdtempSync(join(tmpdir(), 'fw-playground-'));
  const handle = await startPlayground({ botEndpoint, port: 0, cwd, startTimeoutMs: 60_000, installBot: options.installBot ?? false });
  const base = `http://127.0.0.1:${handle.port}`;
  return {
    ...handle,
    // The CLI prints localhost; the loopback address avoids any resolver detour.
    url: `${base}/`,
    async config() {
      const res = await fetch(`${base}/_internal/v1/config`, { signal: AbortSignal.timeout(20_000) });
      if (!res.ok) throw new Error(`Playground config: HTTP ${res.status}`);
      const body = obj(await res.json(), 'the answer');
      return obj(body.config, 'config') as unknown as PlaygroundConfig;
    },
    async install(conversationId) {
      const res = await fetch(`${base}/_debug/conversation/${encodeURIComponent(conversationId)}/installation`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`Playground install in ${conversationId}: HTTP ${res.status}`);
    },
    async stop() {
      await handle.stop();
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}
