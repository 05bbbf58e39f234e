import { ConfigError, loadConfig } from '../../src/config';

const NO_FILE = { envFile: false as const };
const A = '11111111-1111-1111-1111-111111111111';
const B = '22222222-2222-2222-2222-222222222222';
const RESOURCE = (name: string): string =>
  `/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/${name}`;

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env, NO_FILE);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => p.message);
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('ALERT_SOURCE: rules, Sentinel incidents, or both, per workspace', () => {
  it('defaults the embedded workspace to both and a real one to rules', () => {
    expect(loadConfig({}, NO_FILE).incidents.sources).toEqual({ local: 'both' });
    expect(loadConfig({ LOG_ANALYTICS_WORKSPACE_ID: A, WORKSPACE_NAME: 'soc' }, NO_FILE).incidents.sources).toEqual({ soc: 'rules' });
  });

  it('takes ALERT_SOURCE for every workspace and WORKSPACE_<NAME>_SOURCE for one', () => {
    const config = loadConfig(
      {
        WORKSPACES: 'contoso,fabrikam',
        WORKSPACE_CONTOSO_ID: A,
        WORKSPACE_CONTOSO_RESOURCE_ID: RESOURCE('contoso'),
        WORKSPACE_FABRIKAM_ID: B,
        WORKSPACE_FABRIKAM_SOURCE: 'RULES',
        ALERT_SOURCE: 'incidents',
      },
      NO_FILE,
    );
    expect(config.incidents.sources).toEqual({ contoso: 'incidents', fabrikam: 'rules' });
    expect(config.incidents.writeBack).toBe(true);
  });

  it('refuses a source it does not know, naming the choices', () => {
    expect(problems({ ALERT_SOURCE: 'sentinel' })).toEqual([expect.stringMatching(/ALERT_SOURCE.*one of rules, incidents, both/)]);
  });

  it('asks for the ARM id of a real workspace that writes back to its incidents, or for the write-back to be turned off', () => {
    expect(problems({ LOG_ANALYTICS_WORKSPACE_ID: A, ALERT_SOURCE: 'both' })).toEqual([
      expect.stringMatching(
        /WORKSPACE_RESOURCE_ID is not set but workspace "sentinel" follows Sentinel incidents.*INCIDENT_WRITE_BACK=false/,
      ),
    ]);
    const off = loadConfig({ LOG_ANALYTICS_WORKSPACE_ID: A, ALERT_SOURCE: 'both', INCIDENT_WRITE_BACK: 'false' }, NO_FILE);
    expect(off.incidents).toMatchObject({ sources: { sentinel: 'both' }, writeBack: false });
  });

  it('reads the incident filter and refuses bad entries, every problem at once', () => {
    const config = loadConfig(
      {
        INCIDENT_RULE_IDS: 'EACA3B98-B7EB-404B-9E37-4069F893DC64',
        INCIDENT_TITLES: 'Run Command, sign-in',
        INCIDENT_SEVERITIES: 'high,Medium',
        INCIDENT_PRODUCTS: 'Azure Sentinel',
      },
      NO_FILE,
    );
    expect(config.incidents.filter).toEqual({
      ruleIds: ['eaca3b98-b7eb-404b-9e37-4069f893dc64'],
      titles: ['Run Command', 'sign-in'],
      severities: ['High', 'Medium'],
      products: ['Azure Sentinel'],
    });
    expect(problems({ INCIDENT_RULE_IDS: 'not-a-guid', INCIDENT_SEVERITIES: 'Critical', INCIDENT_POLL_INTERVAL: 'often' })).toHaveLength(3);
  });
});
