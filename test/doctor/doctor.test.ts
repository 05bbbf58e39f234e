import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TokenCredential } from '@azure/core-auth';
import { exitCodeOf, formatReport, identityOf, nextRuns, runDoctorFromEnv, type CheckResult } from '../../src/doctor';
import { openSqliteStore } from '../../src/store';
import { generateWorkspace, serveWorkspace, type WorkspaceServer } from '../../src/workspace';
import { startSlackStandin, type SlackStandin } from '../support/slack-standin';
import { stringify } from 'yaml';
import { baseRule } from '../detections/fixtures';

const ROOT = path.join(__dirname, '../..');
const NO_FILE = { envFile: false as const };

function line(results: CheckResult[], check: string): CheckResult {
  const found = results.find((r) => r.check === check);
  if (found === undefined) throw new Error(`no "${check}" line in:\n${formatReport(results)}`);
  return found;
}

const fails = (results: CheckResult[]): string[] => results.filter((r) => r.verdict === 'FAIL').map((r) => r.check);

/** A base64url JWT with these claims (unsigned: the doctor only reads who it names). */
function jwt(claims: Record<string, unknown>): string {
  const part = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none' })}.${part(claims)}.`;
}

describe('firstwatch doctor', () => {
  let dir: string;
  let base: Record<string, string>;
  let wsDir: string;
  let workspace: WorkspaceServer;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fw-doctor-'));
    base = {
      DETECTIONS_DIR: path.join(ROOT, 'detections'),
      SQLITE_PATH: path.join(dir, 'fw.db'),
      LOCAL_WORKSPACE_DIR: path.join(dir, 'embedded'),
      TEAMS_PLAYGROUND: 'false',
    };
    wsDir = path.join(dir, 'served');
    await generateWorkspace({ dir: wsDir, now: new Date(), seed: 3, days: 2 });
    workspace = await serveWorkspace({ dir: wsDir });
  }, 60_000);

  afterAll(async () => {
    await workspace?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The served workspace as the one workspace "acme". */
  const served = (server: WorkspaceServer): Record<string, string> => ({
    WORKSPACES: 'acme',
    WORKSPACE_ACME_ID: server.workspaceIds[0] as string,
    WORKSPACE_ACME_ENDPOINT: server.url,
  });

  it('passes on the embedded defaults, one line per check', async () => {
    const results = await runDoctorFromEnv({ ...base, TEAMS_PLAYGROUND: 'true' }, NO_FILE);
    expect(fails(results)).toEqual([]);
    expect(exitCodeOf(results)).toBe(0);
    expect(line(results, 'detections').verdict).toBe('ok');
    expect(line(results, 'schedule first-time-runcommand').detail).toMatch(
      /^"0 \* \* \* \*" \(from queryFrequency 1h\); next \S+Z, \S+Z, \S+Z$/,
    );
    expect(line(results, 'store').verdict).toBe('ok');
    expect(line(results, 'azure token (local)').verdict).toBe('skip');
    expect(line(results, 'workspace local').verdict).toBe('ok');
    expect(line(results, 'rules on local').detail).toMatch(/^(\d+) of \1 rule queries run$/);
    for (const table of ['BehaviorAnalytics', 'SigninLogs', 'AzureActivity', 'AuditLogs']) {
      expect(line(results, `workspace local ${table}`)).toMatchObject({
        verdict: 'ok',
        detail: expect.stringMatching(/rows in 7d, newest TimeGenerated .* ago/),
      });
    }
    expect(line(results, 'slack').verdict).toBe('skip');
    expect(line(results, 'teams')).toMatchObject({
      verdict: 'ok',
      detail: expect.stringMatching(/Playground, anonymous: no credentials to check/),
    });
    const report = formatReport(results);
    expect(report.split('\n')).toHaveLength(results.length + 1);
    expect(report).toMatch(/^Ready to alert/m);
  }, 60_000);

  it('fails an unreachable workspace and names the variable to fix', async () => {
    const gone = await serveWorkspace({ dir: wsDir });
    await gone.close();
    const results = await runDoctorFromEnv({ ...base, ...served(gone) }, NO_FILE);
    expect(line(results, 'workspace acme')).toMatchObject({
      verdict: 'FAIL',
      detail: expect.stringMatching(/^unreachable: acme: the workspace could not be reached/),
      fix: expect.stringMatching(/^check WORKSPACE_ACME_ENDPOINT \(http:\/\/127\.0\.0\.1:\d+\/v1\)/),
    });
    expect(exitCodeOf(results)).toBe(1);
  }, 60_000);

  it('infers a missing Log Analytics Reader role from a 403 and says how to grant it', async () => {
    workspace.faults.next({ status: 403 });
    const results = await runDoctorFromEnv({ ...base, ...served(workspace) }, NO_FILE);
    expect(line(results, 'workspace acme')).toMatchObject({
      verdict: 'FAIL',
      detail: expect.stringMatching(/refused \(HTTP 403\).*lacks the Log Analytics Reader role/),
      fix: expect.stringMatching(
        /^az role assignment create --assignee <principal object id> --role "Log Analytics Reader" --scope \/subscriptions\//,
      ),
    });
    expect(exitCodeOf(results)).toBe(1);

    const guarded = await serveWorkspace({ dir: wsDir, requireBearer: 'secret-token' });
    try {
      const refused = await runDoctorFromEnv({ ...base, ...served(guarded) }, NO_FILE);
      expect(line(refused, 'workspace acme')).toMatchObject({
        verdict: 'FAIL',
        detail: expect.stringMatching(/HTTP 401.*Log Analytics Reader/),
      });
    } finally {
      await guarded.close();
    }
  }, 60_000);

  it('checks that the workspace has the tables the detections read', async () => {
    const results = await runDoctorFromEnv({ ...base, ...served(workspace) }, NO_FILE);
    expect(fails(results)).toEqual([]);
    expect(line(results, 'workspace acme BehaviorAnalytics').detail).toMatch(/read by first-time-runcommand/);
    expect(line(results, 'azure token (acme)').verdict).toBe('skip');
  }, 60_000);

  it('runs every rule once, and fails one over a table the workspace lacks, naming the table and the way to add it', async () => {
    const rules = await mkdtemp(path.join(os.tmpdir(), 'fw-doctor-rules-'));
    try {
      await copyFile(path.join(ROOT, 'detections/first-time-runcommand.yaml'), path.join(rules, 'first-time-runcommand.yaml'));
      await writeFile(
        path.join(rules, 'process-creation.yaml'),
        stringify(
          baseRule({
            id: '44444444-2222-4333-8444-555555555555',
            query: 'SecurityEvent\n| where EventID == 4688\n| project TimeGenerated, UserPrincipalName = Account',
          }),
        ),
      );
      const results = await runDoctorFromEnv({ ...base, DETECTIONS_DIR: rules }, NO_FILE);
      expect(line(results, 'rule process-creation on local')).toMatchObject({
        verdict: 'FAIL',
        detail: expect.stringMatching(/refused its query, so every run would fail: .*unknown table 'SecurityEvent'/),
        fix: expect.stringMatching(/^add the SecurityEvent table to the local workspace \(.*firstwatch workspace import\)/),
      });
      expect(line(results, 'rules on local').detail).toBe('1 of 2 rule queries run');
      expect(exitCodeOf(results)).toBe(1);
      expect(formatReport(results)).not.toMatch(/Ready to alert/);
    } finally {
      await rm(rules, { recursive: true, force: true });
    }
  }, 60_000);

  it('reports an Azure identity that cannot get a token, and does not query its workspace', async () => {
    const credential: TokenCredential = {
      getToken: async () => {
        throw new Error('DefaultAzureCredential failed to retrieve a token from the included credentials.');
      },
    };
    const results = await runDoctorFromEnv(
      { ...base, LOG_ANALYTICS_WORKSPACE_ID: '11111111-2222-3333-4444-555555555555', LOG_ANALYTICS_ENDPOINT: 'https://127.0.0.1:9/v1' },
      NO_FILE,
      { credential },
    );
    expect(line(results, 'azure token')).toMatchObject({
      verdict: 'FAIL',
      detail: expect.stringMatching(/^no token for https:\/\/127\.0\.0\.1:9: DefaultAzureCredential failed/),
    });
    expect(line(results, 'workspace sentinel').verdict).toBe('skip');
  }, 60_000);

  it('names the identity a token speaks for', () => {
    expect(identityOf(jwt({ upn: 'alice@contoso.com', oid: 'o-1' }))).toEqual({
      description: 'user alice@contoso.com (object id o-1)',
      objectId: 'o-1',
      principalType: 'User',
    });
    expect(
      identityOf(
        jwt({
          idtyp: 'app',
          appid: 'a-1',
          oid: 'o-2',
          xms_mirid: '/subscriptions/s/resourcegroups/g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/fw-id',
        }),
      ),
    ).toEqual({
      description: 'managed identity fw-id (client id a-1, object id o-2)',
      objectId: 'o-2',
      principalType: 'ServicePrincipal',
    });
  });

  describe('Slack', () => {
    let standin: SlackStandin;
    beforeAll(async () => {
      standin = await startSlackStandin({
        channels: [
          { id: 'C0ALERTS', name: 'secops-alerts', member: true },
          { id: 'C0OUTSIDE', name: 'soc-outside', member: false },
        ],
      });
    });
    afterAll(async () => {
      await standin?.close();
    });
    const slack = (token: string, channels: string): Record<string, string> => ({
      RESPONDERS: 'channel-members',
      SLACK_BOT_TOKEN: token,
      SLACK_SIGNING_SECRET: standin.signingSecret,
      SLACK_API_URL: standin.url,
      SLACK_CHANNELS: channels,
    });

    it('passes a valid token and a channel the bot is in', async () => {
      const results = await runDoctorFromEnv({ ...base, ...slack(standin.botToken, 'C0ALERTS') }, NO_FILE);
      expect(line(results, 'slack bot token')).toMatchObject({ verdict: 'ok', detail: expect.stringMatching(/^auth\.test: bot @/) });
      expect(line(results, 'slack channel C0ALERTS')).toMatchObject({ verdict: 'ok', detail: '#secops-alerts: the bot is a member' });
      expect(fails(results)).toEqual([]);
    }, 60_000);

    it('fails a bad bot token', async () => {
      const results = await runDoctorFromEnv({ ...base, ...slack('xoxb-not-the-token', 'C0ALERTS') }, NO_FILE);
      expect(line(results, 'slack bot token')).toMatchObject({
        verdict: 'FAIL',
        detail: 'auth.test failed: invalid_auth',
        fix: expect.stringMatching(/^set SLACK_BOT_TOKEN/),
      });
      expect(exitCodeOf(results)).toBe(1);
    }, 60_000);

    it('fails a channel the bot is not in, and one that does not exist', async () => {
      const results = await runDoctorFromEnv({ ...base, ...slack(standin.botToken, 'C0ALERTS,C0OUTSIDE,C0NOWHERE') }, NO_FILE);
      expect(line(results, 'slack channel C0ALERTS').verdict).toBe('ok');
      expect(line(results, 'slack channel C0OUTSIDE')).toMatchObject({
        verdict: 'FAIL',
        detail: expect.stringMatching(/^#soc-outside: the bot is not a member/),
        fix: expect.stringMatching(/\/invite/),
      });
      expect(line(results, 'slack channel C0NOWHERE')).toMatchObject({
        verdict: 'FAIL',
        detail: 'conversations.info failed: channel_not_found',
      });
      expect(fails(results)).toEqual(['slack channel C0OUTSIDE', 'slack channel C0NOWHERE']);
    }, 60_000);
  });

  describe('schedules', () => {
    it('fails an invalid cron expression with one line naming the variable', async () => {
      const results = await runDoctorFromEnv({ ...base, POLL_CRON: 'every hour' }, NO_FILE);
      expect(results).toEqual([
        expect.objectContaining({
          check: 'config POLL_CRON',
          verdict: 'FAIL',
          detail: expect.stringMatching(/^POLL_CRON="every hour" is not valid: expected a cron expression/),
        }),
      ]);
      expect(exitCodeOf(results)).toBe(1);
    });

    it('computes the next runs of a valid expression and refuses an invalid one', () => {
      const runs = nextRuns('*/5 * * * *', 3) as Date[];
      expect(runs).toHaveLength(3);
      expect(runs.map((r) => r.getUTCMinutes() % 5)).toEqual([0, 0, 0]);
      expect(runs[1].getTime() - runs[0].getTime()).toBe(300_000);
      expect(nextRuns('61 * * * *', 3)).toBeUndefined();
    });
  });

  describe('Teams bot', () => {
    let entra: Server;
    let authority: string;
    beforeAll(async () => {
      // Entra's token endpoint as far as client credentials go: one app, one secret.
      entra = createServer((req, res) => {
        let body = '';
        req.on('data', (d: Buffer) => (body += d.toString()));
        req.on('end', () => {
          const form = new URLSearchParams(body);
          const good =
            req.url === '/contoso.onmicrosoft.com/oauth2/v2.0/token' &&
            form.get('grant_type') === 'client_credentials' &&
            form.get('client_secret') === 'right-secret';
          res.writeHead(good ? 200 : 401, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify(
              good
                ? { token_type: 'Bearer', access_token: 'x', expires_in: 3600 }
                : { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 1' },
            ),
          );
        });
      });
      await new Promise<void>((resolve) => entra.listen(0, '127.0.0.1', resolve));
      authority = `http://127.0.0.1:${(entra.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => entra.close(() => resolve()));
    });
    const bot = (secret: string): Record<string, string> => ({
      TEAMS_PLAYGROUND: 'false',
      RESPONDERS: 'channel-members',
      TEAMS_APP_ID: '66666666-7777-8888-9999-000000000000',
      TEAMS_APP_PASSWORD: secret,
      TEAMS_TENANT_ID: 'contoso.onmicrosoft.com',
      TEAMS_CHANNELS: 'SOC Alerts',
    });

    it('obtains a token with the right secret, and knows a channel only once the bot has been there', async () => {
      const env = { ...base, SQLITE_PATH: path.join(dir, 'teams.db'), ...bot('right-secret') };
      const before = await runDoctorFromEnv(env, NO_FILE, { teamsAuthority: authority });
      expect(line(before, 'teams bot credentials')).toMatchObject({
        verdict: 'ok',
        detail: expect.stringMatching(/obtained a Bot Framework token from tenant contoso\.onmicrosoft\.com/),
      });
      expect(line(before, 'teams channel SOC Alerts')).toMatchObject({
        verdict: 'FAIL',
        fix: expect.stringMatching(/npm run package:teams/),
      });

      const store = openSqliteStore(path.join(dir, 'teams.db'));
      await store.saveConversationRef('teams', '19:abc@thread.tacv2', 'SOC Alerts', { conversation: { id: '19:abc@thread.tacv2' } });
      await store.close();
      const after = await runDoctorFromEnv(env, NO_FILE, { teamsAuthority: authority });
      expect(line(after, 'teams channel SOC Alerts').verdict).toBe('ok');
    }, 60_000);

    it('explains a wrong client secret', async () => {
      const results = await runDoctorFromEnv({ ...base, ...bot('wrong-secret') }, NO_FILE, { teamsAuthority: authority });
      expect(line(results, 'teams bot credentials')).toMatchObject({
        verdict: 'FAIL',
        detail: expect.stringMatching(/invalid_client: AADSTS7000215: Invalid client secret provided\.$/),
        fix: expect.stringMatching(/^TEAMS_APP_PASSWORD is not a valid client secret/),
      });
    }, 60_000);
  });
});
