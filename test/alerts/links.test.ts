import { gunzipSync } from 'node:zlib';
import { azureResourceUrl, defenderUserUrl, logAnalyticsQueryUrl } from '../../src/alerts/links';
import { toAlertView } from '../../src/cards/alert-view';
import { DETECTION_QUERY, TENANT_ID, WORKSPACE_RESOURCE_ID, cardContext, makeAlert } from '../cards/fixtures';

const PREFIX = `https://portal.azure.com/#@${TENANT_ID}/blade/Microsoft_OperationsManagementSuite_Workspace/Logs.ReactView/resourceId/`;

/** Undoes what the portal link does: the query back from the `q` segment. */
function decodeQuery(url: string): { workspace: string; query: string; timespan: string } {
  const m = /\/resourceId\/([^/]+)\/source\/LogsBlade\.AnalyticsShareLinkToQuery\/q\/([^/]+)\/timespan\/([^/]+)$/.exec(url);
  if (!m) throw new Error(`not a Log Analytics share link: ${url}`);
  const packed = decodeURIComponent(decodeURIComponent(m[2]));
  return { workspace: decodeURIComponent(m[1]), query: gunzipSync(Buffer.from(packed, 'base64')).toString('utf8'), timespan: m[3] };
}

describe('Log Analytics query link', () => {
  it('decodes back to the exact detection query (gunzip of the double-encoded base64)', () => {
    const link = toAlertView(makeAlert(), cardContext()).links.find((l) => l.kind === 'log-analytics');
    expect(link?.url.startsWith(PREFIX)).toBe(true);
    expect(decodeQuery(link!.url)).toEqual({ workspace: WORKSPACE_RESOURCE_ID, query: DETECTION_QUERY, timespan: 'P1D' });
  });

  it('round-trips queries with every awkward character', () => {
    const query = 'T | where x has "ä/€ +%2F" and y == \'a&b=c?d#e\'\n| take 10 // 🔎';
    const url = logAnalyticsQueryUrl(query, WORKSPACE_RESOURCE_ID, TENANT_ID)!;
    expect(url).not.toMatch(/[\s"'<>]/);
    const q = url.split('/q/')[1].split('/timespan/')[0];
    expect(q).not.toMatch(/[+/=]/); // base64's own +, / and = are encoded twice
    expect(decodeQuery(url).query).toBe(query);
  });

  it('is omitted without a workspace resource id or a query, and without the tenant it has no @tenant part', () => {
    const links = (ctx: Parameters<typeof cardContext>[0]) => toAlertView(makeAlert(), cardContext(ctx)).links.map((l) => l.kind);
    expect(links({ workspaceResourceId: undefined })).not.toContain('log-analytics');
    expect(links({ detectionQuery: undefined })).not.toContain('log-analytics');
    expect(links({ detectionQuery: '   ' })).not.toContain('log-analytics');
    expect(logAnalyticsQueryUrl('T', 'not-a-resource-id', TENANT_ID)).toBeUndefined();
    expect(logAnalyticsQueryUrl('T', WORKSPACE_RESOURCE_ID, undefined)).toMatch(
      /^https:\/\/portal\.azure\.com\/#blade\/Microsoft_OperationsManagementSuite_Workspace\//,
    );
  });
});

describe('portal links refuse what is not an id', () => {
  it('Defender: both ids must be GUIDs', () => {
    expect(defenderUserUrl('a1b2c3d4-e5f6-4789-8abc-def012345678', TENANT_ID)).toBe(
      `https://security.microsoft.com/user?aad=a1b2c3d4-e5f6-4789-8abc-def012345678&tid=${TENANT_ID}`,
    );
    expect(defenderUserUrl('x&tid=evil', TENANT_ID)).toBeUndefined();
    expect(defenderUserUrl('a1b2c3d4-e5f6-4789-8abc-def012345678', 'contoso.com&x=1')).toBeUndefined();
  });

  it('Azure resource: only /subscriptions/… ids, each segment encoded', () => {
    expect(
      azureResourceUrl('/subscriptions/s1/resourceGroups/rg-é(prod)/providers/Microsoft.Compute/virtualMachines/vm?1', TENANT_ID),
    ).toBe(
      `https://portal.azure.com/#@${TENANT_ID}/resource/subscriptions/s1/resourceGroups/rg-%C3%A9(prod)/providers/Microsoft.Compute/virtualMachines/vm%3F1`,
    );
    expect(azureResourceUrl('javascript:alert(1)', TENANT_ID)).toBeUndefined();
    expect(azureResourceUrl('/subscriptions/s1/../../evil', TENANT_ID)).toBeUndefined();
    expect(azureResourceUrl('/subscriptions/s1//x', TENANT_ID)).toBeUndefined();
    expect(azureResourceUrl('/subscriptions/s1/resourceGroups/rg 1', TENANT_ID)).toBeUndefined();
    expect(azureResourceUrl('/subscriptions/s1', 'evil.example/#')).toBe('https://portal.azure.com/#resource/subscriptions/s1');
  });
});
