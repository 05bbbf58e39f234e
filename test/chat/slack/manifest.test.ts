import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SLASH_COMMANDS } from '../../../src/chat/slack';

const ROOT = join(__dirname, '..', '..', '..');
/** The parts of Slack's manifest schema this test reads. */
interface Manifest {
  _metadata: { major_version: number };
  display_information: { name: string; description: string; long_description: string; background_color: string };
  features: { bot_user: { display_name: string }; slash_commands: { command: string; description: string; usage_hint: string }[] };
  oauth_config: { scopes: { bot: string[] } };
  settings: { socket_mode_enabled: boolean; interactivity: { is_enabled: boolean }; event_subscriptions: { bot_events: string[] } };
}

const manifest = parse(readFileSync(join(ROOT, 'manifests', 'slack', 'manifest.yml'), 'utf8')) as Manifest;

/** The OAuth scopes each Web API method FirstWatch calls needs (bot token). */
const METHOD_SCOPES: Record<string, string[]> = {
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'conversations.history': ['channels:history', 'groups:history'],
  'conversations.info': ['channels:read', 'groups:read'],
  'users.info': ['users:read', 'users:read.email'],
  'views.open': [],
  'auth.test': [],
};

/** Events the code listens to, and the scope each needs. */
const EVENT_SCOPES: Record<string, string[]> = {
  app_mention: ['app_mentions:read'],
  'message.im': ['im:history'],
  member_joined_channel: ['channels:read', 'groups:read'],
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const code = sources(join(ROOT, 'src', 'chat', 'slack'))
  .map((p) => readFileSync(p, 'utf8'))
  .join('\n');

function calledMethods(): string[] {
  const found = new Set<string>();
  for (const m of code.matchAll(/[cC]lient\.(chat|conversations|users|views|auth|apps|reactions|files)\.([a-zA-Z]+)\(/g))
    found.add(`${m[1]}.${m[2]}`);
  return [...found].sort();
}

function listenedEvents(): string[] {
  const found = new Set<string>();
  for (const m of code.matchAll(/app\.event\('([a-z_]+)'/g)) found.add(m[1]);
  // app.message with channel_type 'im' is the message.im subscription.
  if (/app\.message\(/.test(code) && /channel_type !== 'im'/.test(code)) found.add('message.im');
  return [...found].sort();
}

describe('manifests/slack/manifest.yml', () => {
  it('has the keys Slack requires, within its limits', () => {
    expect(manifest._metadata).toMatchObject({ major_version: 1 });
    expect(manifest.display_information.name).toBe('FirstWatch');
    expect(manifest.display_information.description.length).toBeLessThanOrEqual(140);
    expect(manifest.display_information.long_description.length).toBeGreaterThanOrEqual(175);
    expect(manifest.display_information.background_color).toMatch(/^#[0-9a-f]{6}$/i);
    expect(manifest.features.bot_user.display_name.length).toBeLessThanOrEqual(80);
    expect(manifest.settings).toMatchObject({ socket_mode_enabled: true, interactivity: { is_enabled: true } });
    expect(Array.isArray(manifest.oauth_config.scopes.bot)).toBe(true);
  });

  it('declares exactly the slash commands the code registers, with the same hints', () => {
    const declared = manifest.features.slash_commands.map((c) => ({
      command: c.command,
      description: c.description,
      usageHint: c.usage_hint,
    }));
    expect(declared).toEqual(SLASH_COMMANDS.map((c) => ({ command: c.command, description: c.description, usageHint: c.usageHint })));
    for (const c of declared) {
      expect(c.command).toMatch(/^\/[a-z0-9_-]{1,31}$/);
      expect(c.description.length).toBeLessThanOrEqual(100);
    }
  });

  it('subscribes to exactly the events the code listens to', () => {
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(listenedEvents());
  });

  it('asks for the scopes the called methods, commands and events need, and no others', () => {
    const methods = calledMethods();
    expect(methods).toEqual(expect.arrayContaining(['chat.postMessage', 'chat.update', 'conversations.history', 'users.info']));
    for (const m of methods) expect(Object.keys(METHOD_SCOPES)).toContain(m);
    const needed = new Set<string>(['commands']);
    for (const m of methods) for (const s of METHOD_SCOPES[m]) needed.add(s);
    for (const e of listenedEvents()) for (const s of EVENT_SCOPES[e] ?? []) needed.add(s);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
  });
});
