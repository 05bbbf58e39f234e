import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, redactConfig } from '../../src/config';

const NO_FILE = { envFile: false as const };

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, NO_FILE);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(Object.keys(env))}`);
}

describe('loadConfig defaults', () => {
  const config = loadConfig({}, NO_FILE);

  it('falls back to the embedded defaults with no configuration', () => {
    expect(config.workspace).toMatchObject({
      mode: 'local',
      name: 'local',
      endpoint: 'https://api.loganalytics.io/v1',
      localDir: './data/workspace',
      localPort: 0,
    });
    expect(config.storage).toEqual({ kind: 'sqlite', sqlitePath: './data/firstwatch.db' });
    expect(config.server).toEqual({ host: '127.0.0.1', port: 3978, nodeEnv: 'development' });
    expect(config.teams).toEqual({ mode: 'playground', playgroundPort: 56150, channels: [] });
    expect(config.slack).toEqual({ mode: 'off' });
    expect(config.console.enabled).toBe(true);
    expect(config.schedule).toEqual({
      pollOverlapMs: 600_000,
      ingestionDelayAllowanceMs: 48 * 3_600_000,
      lateRows: 'count',
      lateRowScanMs: 14 * 86_400_000,
      detectionsDir: './detections',
      scheduleOverrides: {},
    });
    expect(config.hunt).toEqual({
      perUserPerMinute: 6,
      defaultLookbackMs: 7 * 86_400_000,
      maxLookbackMs: 30 * 86_400_000,
      maxConcurrency: 5,
      cacheSeconds: 60,
    });
    // The embedded demo: no real chat platform, nobody listed.
    expect(config.responders).toEqual({ mode: 'open' });
    expect(config.logging.level).toBe('info');
  });

  it('is deeply frozen', () => {
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.schedule.scheduleOverrides)).toBe(true);
    expect(Object.isFrozen(config.teams.mode === 'playground' && config.teams.channels)).toBe(true);
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ PORT: '  ', LOG_LEVEL: '' }, NO_FILE).server.port).toBe(3978);
  });
});

describe('loadConfig with values', () => {
  it('reads a real workspace, Teams bot and Slack socket mode', () => {
    const config = loadConfig(
      {
        LOG_ANALYTICS_WORKSPACE_ID: '11111111-2222-3333-4444-555555555555',
        TEAMS_APP_ID: '66666666-7777-8888-9999-000000000000',
        TEAMS_APP_PASSWORD: 'teams-pass',
        TEAMS_CHANNELS: 'SOC alerts, 19:abc@thread.tacv2',
        SLACK_BOT_TOKEN: 'xoxb-123-abc',
        SLACK_APP_TOKEN: 'xapp-1-abc',
        SLACK_CHANNELS: 'C0123ABCD,C0123ABCD, G999',
        SLACK_API_URL: 'http://127.0.0.1:4000/api',
        POLL_OVERLAP: '1h30m',
        DETECTION_SCHEDULE_OVERRIDES: 'first-time-runcommand=*/5 * * * *,other=0,30 * * * *',
        RESPONDERS: 'alice@contoso.com,U0123',
        CONSOLE_OUTPUT: 'yes',
        TEAMS_PLAYGROUND: 'off',
      },
      NO_FILE,
    );
    expect(config.workspace).toMatchObject({
      mode: 'log-analytics',
      name: 'sentinel',
      workspaceId: '11111111-2222-3333-4444-555555555555',
    });
    expect(config.teams).toMatchObject({ mode: 'bot', channels: ['SOC alerts', '19:abc@thread.tacv2'] });
    expect(config.slack).toEqual({
      mode: 'socket',
      botToken: 'xoxb-123-abc',
      appToken: 'xapp-1-abc',
      channels: ['C0123ABCD', 'G999'],
      apiUrl: 'http://127.0.0.1:4000/api/',
      huntVisibility: 'in_channel',
    });
    expect(config.schedule.pollOverlapMs).toBe(90 * 60_000);
    expect(config.schedule.scheduleOverrides).toEqual({ 'first-time-runcommand': '*/5 * * * *', other: '0,30 * * * *' });
    expect(config.responders).toEqual({ mode: 'restricted', allow: ['alice@contoso.com', 'U0123'], channelMembers: false });
    expect(config.console.enabled).toBe(true);
  });

  it('turns console output off by default once Slack or a Teams bot is configured', () => {
    const config = loadConfig(
      { RESPONDERS: 'channel-members', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'abcdef0123456789abcdef' },
      NO_FILE,
    );
    expect(config.slack).toEqual({
      mode: 'http',
      botToken: 'xoxb-1',
      signingSecret: 'abcdef0123456789abcdef',
      channels: [],
      huntVisibility: 'in_channel',
    });
    expect(config.console.enabled).toBe(false);
  });

  it('selects Postgres when DATABASE_URL is set', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://fw:pw@db:5432/fw' }, NO_FILE).storage).toEqual({
      kind: 'postgres',
      databaseUrl: 'postgres://fw:pw@db:5432/fw',
    });
  });

  it('reads a Teams bot with its credentials, and no tenant for a multi-tenant registration', () => {
    const config = loadConfig(
      { RESPONDERS: 'channel-members', TEAMS_APP_ID: '66666666-7777-8888-9999-000000000000', TEAMS_APP_PASSWORD: 'teams-pass' },
      NO_FILE,
    );
    expect(config.teams).toEqual({ mode: 'bot', appId: '66666666-7777-8888-9999-000000000000', appPassword: 'teams-pass', channels: [] });
  });

  it('takes Socket Mode when both an app token and a signing secret are set', () => {
    const config = loadConfig(
      {
        RESPONDERS: 'channel-members',
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_APP_TOKEN: 'xapp-1',
        SLACK_SIGNING_SECRET: 'abcdef0123456789abcdef',
      },
      NO_FILE,
    );
    expect(config.slack).toEqual({ mode: 'socket', botToken: 'xoxb-1', appToken: 'xapp-1', channels: [], huntVisibility: 'in_channel' });
  });

  it('gives a log-analytics workspace its id', () => {
    const config = loadConfig({ LOG_ANALYTICS_WORKSPACE_ID: '11111111-2222-3333-4444-555555555555' }, NO_FILE);
    expect(config.workspaces).toEqual([
      {
        name: 'sentinel',
        mode: 'log-analytics',
        workspaceId: '11111111-2222-3333-4444-555555555555',
        endpoint: 'https://api.loganalytics.io/v1',
      },
    ]);
  });

  it('accepts every boolean spelling', () => {
    for (const [text, value] of [
      ['true', true],
      ['1', true],
      ['YES', true],
      ['on', true],
      ['false', false],
      ['0', false],
      ['no', false],
      ['Off', false],
    ] as const) {
      expect(loadConfig({ CONSOLE_OUTPUT: text }, NO_FILE).console.enabled).toBe(value);
    }
  });

  it('does not start the Playground by default in production', () => {
    expect(loadConfig({ NODE_ENV: 'production' }, NO_FILE).teams.mode).toBe('off');
  });
});

describe('loadConfig errors', () => {
  const bad: [string, Record<string, string>, RegExp][] = [
    ['LOG_ANALYTICS_WORKSPACE_ID', { LOG_ANALYTICS_WORKSPACE_ID: 'not-a-guid' }, /GUID/],
    ['LOG_ANALYTICS_ENDPOINT', { LOG_ANALYTICS_ENDPOINT: 'https://api.loganalytics.io/v2' }, /ending in \/v1/],
    ['LOG_ANALYTICS_ENDPOINT', { LOG_ANALYTICS_ENDPOINT: 'http://api.loganalytics.io/v1' }, /https/],
    ['WORKSPACE_RESOURCE_ID', { WORKSPACE_RESOURCE_ID: '/subscriptions/x' }, /ARM id/],
    ['LOCAL_WORKSPACE_PORT', { LOCAL_WORKSPACE_PORT: '70000' }, /0 to 65535/],
    ['QUERY_MAX_RETRIES', { QUERY_MAX_RETRIES: 'many' }, /whole number/],
    ['QUERY_TIMEOUT_SECONDS', { QUERY_TIMEOUT_SECONDS: '601' }, /1 to 600/],
    ['POLL_CRON', { POLL_CRON: 'every hour' }, /cron expression/],
    ['POLL_OVERLAP', { POLL_OVERLAP: '10 minutes' }, /10m, 6h, 7d/],
    ['INGESTION_DELAY_ALLOWANCE', { INGESTION_DELAY_ALLOWANCE: '-6h' }, /unit/],
    ['DETECTION_SCHEDULE_OVERRIDES', { DETECTION_SCHEDULE_OVERRIDES: 'rule=every 5' }, /"rule=every 5" is not one/],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://db/fw' }, /Postgres URL/],
    ['HOST', { HOST: 'not a host' }, /host name or IP/],
    ['PORT', { PORT: '80.5' }, /0 to 65535/],
    ['PUBLIC_URL', { PUBLIC_URL: 'ftp://example.com' }, /https URL/],
    ['NODE_ENV', { NODE_ENV: 'staging' }, /development, production, test/],
    ['TEAMS_APP_ID', { TEAMS_APP_ID: 'bot', TEAMS_APP_PASSWORD: 'x' }, /GUID/],
    ['TEAMS_APP_PASSWORD', { TEAMS_APP_ID: '66666666-7777-8888-9999-000000000000' }, /client secret/],
    ['TEAMS_PLAYGROUND', { TEAMS_PLAYGROUND: 'maybe' }, /yes\/no/],
    ['TEAMS_PLAYGROUND', { TEAMS_PLAYGROUND: 'true', NODE_ENV: 'production' }, /production/],
    ['TEAMS_PLAYGROUND_PORT', { TEAMS_PLAYGROUND_PORT: 'abc' }, /whole number/],
    ['SLACK_APP_TOKEN', { SLACK_BOT_TOKEN: 'xoxb-1' }, /SLACK_APP_TOKEN .*or SLACK_SIGNING_SECRET/],
    ['SLACK_BOT_TOKEN', { SLACK_BOT_TOKEN: 'xoxp-user-token', SLACK_APP_TOKEN: 'xapp-1' }, /xoxb-/],
    ['SLACK_APP_TOKEN', { SLACK_APP_TOKEN: 'xapp-1' }, /SLACK_BOT_TOKEN is not/],
    ['SLACK_CHANNELS', { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', SLACK_CHANNELS: 'C0123,#general' }, /"#general" is not one/],
    ['SLACK_HUNT_VISIBILITY', { SLACK_HUNT_VISIBILITY: 'private' }, /in_channel, ephemeral/],
    ['CONSOLE_OUTPUT', { CONSOLE_OUTPUT: '2' }, /true\/false/],
    ['RESPONDERS', { RESPONDERS: 'alice smith' }, /emails, UPNs/],
    ['HUNT_DEFAULT_LOOKBACK', { HUNT_DEFAULT_LOOKBACK: '40d' }, /at most HUNT_MAX_LOOKBACK/],
    ['HUNT_MAX_CONCURRENCY', { HUNT_MAX_CONCURRENCY: '0' }, /1 to 50/],
    ['HUNT_CACHE_SECONDS', { HUNT_CACHE_SECONDS: 'x' }, /whole number/],
    ['LOG_LEVEL', { LOG_LEVEL: 'verbose' }, /fatal, error, warn, info/],
    ['AZURE_TENANT_ID', { AZURE_TENANT_ID: 'not a tenant' }, /tenant GUID or a domain/],
    ['AZURE_TENANT_ID', { AZURE_CLIENT_SECRET: 'x', AZURE_CLIENT_ID: '66666666-7777-8888-9999-000000000000' }, /needs AZURE_TENANT_ID/],
  ];

  it.each(bad)('%s: a wrong value gives one line naming the variable', (variable, env, allowed) => {
    const err = errorOf(env);
    expect(err.message).not.toMatch(/[\r\n]/);
    expect(err.variables).toContain(variable);
    expect(err.message).toContain(variable);
    expect(err.message).toMatch(allowed);
  });

  it('quotes the given value for plain variables', () => {
    expect(errorOf({ PORT: 'abc' }).message).toBe('PORT="abc" is not valid: expected a whole number from 0 to 65535');
  });

  it('reports every problem at once, still on one line', () => {
    const err = errorOf({ PORT: 'x', LOG_LEVEL: 'loud', POLL_CRON: 'x' });
    expect(err.variables).toEqual(expect.arrayContaining(['PORT', 'LOG_LEVEL', 'POLL_CRON']));
    expect(err.message).not.toMatch(/\n/);
  });

  it('never shows a secret in an error', () => {
    const secrets = {
      AZURE_CLIENT_SECRET: 'azure-secret-value',
      TEAMS_APP_PASSWORD: 'teams-secret-value',
      SLACK_BOT_TOKEN: 'xoxp-slack-secret-value',
      SLACK_APP_TOKEN: 'xoxa-app-secret-value',
      SLACK_SIGNING_SECRET: 'short!',
      DATABASE_URL: 'mysql://fw:db-secret-value@db/fw',
    };
    const err = errorOf(secrets);
    for (const value of [
      'azure-secret-value',
      'teams-secret-value',
      'slack-secret-value',
      'app-secret-value',
      'short!',
      'db-secret-value',
    ]) {
      expect(err.message).not.toContain(value);
    }
    expect(err.message).toContain('SLACK_BOT_TOKEN=***');
    expect(err.message).toContain('DATABASE_URL="mysql://fw:***@db/fw"');
  });

  it('counts a platform with an invalid token as asked for, so no second line blames the missing token', () => {
    const err = errorOf({
      RESPONDERS: 'channel-members',
      SLACK_BOT_TOKEN: 'xoxp-user',
      SLACK_APP_TOKEN: 'xapp-1',
      WORKSPACES: 'contoso',
      WORKSPACE_CONTOSO_ID: '11111111-2222-3333-4444-555555555555',
      WORKSPACE_CONTOSO_SLACK_CHANNELS: 'C0123ABCD',
    });
    expect(err.variables).toEqual(['SLACK_BOT_TOKEN']);
  });

  it('does not echo a malformed database URL that may hold a password', () => {
    const err = errorOf({ DATABASE_URL: 'postgres//fw:pw-secret@db' });
    expect(err.message).not.toContain('pw-secret');
  });
});

describe('redactConfig', () => {
  it('hides every secret and masks the database password', () => {
    const config = loadConfig(
      {
        RESPONDERS: 'alice@contoso.com',
        AZURE_TENANT_ID: 'contoso.onmicrosoft.com',
        AZURE_CLIENT_ID: '11111111-2222-3333-4444-555555555555',
        AZURE_CLIENT_SECRET: 'azure-secret-value',
        TEAMS_APP_ID: '66666666-7777-8888-9999-000000000000',
        TEAMS_APP_PASSWORD: 'teams-secret-value',
        SLACK_BOT_TOKEN: 'xoxb-slack-secret-value',
        SLACK_APP_TOKEN: 'xapp-app-secret-value',
        SLACK_SIGNING_SECRET: 'signingsecretvalue0123',
        DATABASE_URL: 'postgres://fw:db-secret-value@db:5432/fw',
      },
      NO_FILE,
    );
    const printed = JSON.stringify(redactConfig(config));
    for (const value of [
      'azure-secret-value',
      'teams-secret-value',
      'slack-secret-value',
      'app-secret-value',
      'signingsecretvalue0123',
      'db-secret-value',
    ]) {
      expect(printed).not.toContain(value);
    }
    const redacted = redactConfig(config);
    expect(redacted.slack).toMatchObject({ mode: 'socket', botToken: '***', appToken: '***' });
    expect(redacted.teams).toMatchObject({ mode: 'bot', appPassword: '***' });
    expect(redacted.storage).toEqual({ kind: 'postgres', databaseUrl: 'postgres://fw:***@db:5432/fw' });
    expect(redacted.azure.clientId).toBe('11111111-2222-3333-4444-555555555555');
    // The original keeps its secrets for the code that needs them.
    expect(config.slack).toMatchObject({ botToken: 'xoxb-slack-secret-value' });
  });

  it('hides the signing secret in HTTP mode', () => {
    const config = loadConfig(
      { RESPONDERS: 'channel-members', SLACK_BOT_TOKEN: 'xoxb-slack-secret-value', SLACK_SIGNING_SECRET: 'signingsecretvalue0123' },
      NO_FILE,
    );
    expect(redactConfig(config).slack).toMatchObject({ mode: 'http', botToken: '***', signingSecret: '***' });
  });

  it('leaves unset secrets unset', () => {
    const redacted = redactConfig(loadConfig({}, NO_FILE));
    expect(redacted.slack).toEqual({ mode: 'off' });
    expect(redacted.azure.clientSecret).toBeUndefined();
  });
});

describe('.env file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fw-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fills in what the environment lacks; real variables win, even when empty', () => {
    const file = join(dir, 'a.env');
    writeFileSync(file, '# comment\nPORT=4000\nHOST=0.0.0.0\nLOG_LEVEL="debug"\nWORKSPACE_NAME=from-file\n');
    const config = loadConfig({ PORT: '5000', WORKSPACE_NAME: '' }, { envFile: file });
    expect(config.server.port).toBe(5000);
    expect(config.server.host).toBe('0.0.0.0');
    expect(config.logging.level).toBe('debug');
    expect(config.workspace.name).toBe('local');
  });

  it('reports a bad value from the file by its variable', () => {
    const file = join(dir, 'b.env');
    writeFileSync(file, 'HUNT_MAX_LOOKBACK=forever\n');
    expect(() => loadConfig({}, { envFile: file })).toThrow(/HUNT_MAX_LOOKBACK="forever"/);
  });

  it('requires a file that was named explicitly', () => {
    expect(() => loadConfig({}, { envFile: join(dir, 'missing.env') })).toThrow(ConfigError);
  });

  it('ignores a missing default .env in the working directory', () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(loadConfig({}).server.port).toBe(3978);
      writeFileSync(join(dir, '.env'), 'PORT=4100\n');
      expect(loadConfig({}).server.port).toBe(4100);
    } finally {
      process.chdir(cwd);
    }
  });

  it('loads .env.example as shipped, which documents every variable the sections read', () => {
    const examplePath = join(__dirname, '../../.env.example');
    expect(loadConfig({}, { envFile: examplePath }).workspace.mode).toBe('local');
    const documented = new Set([...readFileSync(examplePath, 'utf8').matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    const sectionsDir = join(__dirname, '../../src/config/sections');
    const read = new Set<string>();
    for (const name of readdirSync(sectionsDir)) {
      for (const m of readFileSync(join(sectionsDir, name), 'utf8').matchAll(/r\.(?:get|isSet|raw)\('([A-Z][A-Z0-9_]+)'/g)) read.add(m[1]);
    }
    expect(read.size).toBeGreaterThan(40);
    expect([...read].filter((v) => !documented.has(v))).toEqual([]);
    expect([...documented].filter((v) => !read.has(v))).toEqual([]);
  });
});
