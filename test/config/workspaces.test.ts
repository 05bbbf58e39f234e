import { ConfigError, loadConfig } from '../../src/config';

const NO_FILE = { envFile: false as const };
const A = '11111111-1111-1111-1111-111111111111';
const B = '22222222-2222-2222-2222-222222222222';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env, NO_FILE);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => p.message);
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('WORKSPACES: several workspaces, each with its own chat targets', () => {
  it("keeps the single-workspace variables working: one entry, the platforms' own channels", () => {
    expect(loadConfig({}, NO_FILE).workspaces).toEqual([{ name: 'local', mode: 'local', endpoint: 'https://api.loganalytics.io/v1' }]);
    const remote = loadConfig({ LOG_ANALYTICS_WORKSPACE_ID: A, WORKSPACE_NAME: 'soc' }, NO_FILE);
    expect(remote.workspaces).toEqual([{ name: 'soc', mode: 'log-analytics', workspaceId: A, endpoint: 'https://api.loganalytics.io/v1' }]);
  });

  it('reads each named workspace with its id, endpoint, resource id and channels', () => {
    const config = loadConfig(
      {
        WORKSPACES: 'contoso, fabrikam-eu',
        WORKSPACE_CONTOSO_ID: A,
        WORKSPACE_CONTOSO_SLACK_CHANNELS: 'C0CONTOSO',
        WORKSPACE_CONTOSO_RESPONDERS: 'carol@contoso.com, slack:U0CAROL',
        WORKSPACE_CONTOSO_RESOURCE_ID:
          '/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/contoso',
        WORKSPACE_FABRIKAM_EU_ID: B,
        WORKSPACE_FABRIKAM_EU_ENDPOINT: 'http://127.0.0.1:8123/v1',
        WORKSPACE_FABRIKAM_EU_TEAMS_CHANNELS: 'Fabrikam SOC',
        SLACK_BOT_TOKEN: 'xoxb-1-a',
        SLACK_APP_TOKEN: 'xapp-1-a',
        TEAMS_PLAYGROUND: 'true',
      },
      NO_FILE,
    );
    expect(config.workspaces).toEqual([
      {
        name: 'contoso',
        mode: 'log-analytics',
        workspaceId: A,
        endpoint: 'https://api.loganalytics.io/v1',
        resourceId:
          '/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/contoso',
        slackChannels: ['C0CONTOSO'],
        responders: ['carol@contoso.com', 'slack:U0CAROL'],
      },
      { name: 'fabrikam-eu', mode: 'log-analytics', workspaceId: B, endpoint: 'http://127.0.0.1:8123/v1', teamsChannels: ['Fabrikam SOC'] },
    ]);
  });

  it('names every problem on one line each', () => {
    expect(problems({ WORKSPACES: 'contoso' })).toEqual([
      'WORKSPACE_CONTOSO_ID is not set: workspace "contoso" needs its Log Analytics workspace id (a GUID)',
    ]);
    expect(problems({ WORKSPACES: 'contoso', WORKSPACE_CONTOSO_ID: 'nope' })[0]).toMatch(
      /^WORKSPACE_CONTOSO_ID="nope" is not valid: expected a GUID/,
    );
    expect(problems({ WORKSPACES: 'contoso', WORKSPACE_CONTOSO_ID: A, WORKSPACE_CONTSO_ID: B })).toEqual([
      expect.stringMatching(/^WORKSPACE_CONTSO_ID is not a setting of any workspace in WORKSPACES="contoso"/),
    ]);
    expect(problems({ WORKSPACE_CONTOSO_ID: A })).toEqual([expect.stringMatching(/^WORKSPACE_CONTOSO_ID is set but WORKSPACES is not/)]);
    expect(problems({ WORKSPACES: 'contoso', WORKSPACE_CONTOSO_ID: A, LOG_ANALYTICS_WORKSPACE_ID: B })).toEqual([
      expect.stringMatching(/^LOG_ANALYTICS_WORKSPACE_ID is set together with WORKSPACES/),
    ]);
    expect(problems({ WORKSPACES: 'contoso', WORKSPACE_CONTOSO_ID: A, WORKSPACE_CONTOSO_SLACK_CHANNELS: 'C0A' })).toEqual([
      expect.stringMatching(/^WORKSPACE_CONTOSO_SLACK_CHANNELS is set but SLACK_BOT_TOKEN is not/),
    ]);
    expect(problems({ WORKSPACES: 'a-b,a_b' })[0]).toMatch(/^WORKSPACES="a-b,a_b" is not valid/);
    expect(problems({ WORKSPACES: 'A-B,a-b', WORKSPACE_A_B_ID: A })).toEqual([expect.stringMatching(/share the variables WORKSPACE_A_B_/)]);
    expect(problems({ WORKSPACES: 'x', WORKSPACE_X_ID: A, WORKSPACE_X_ENDPOINT: 'http://example.com/v1' })[0]).toMatch(
      /^WORKSPACE_X_ENDPOINT=.* is not valid: expected an https URL ending in \/v1/,
    );
  });
});
