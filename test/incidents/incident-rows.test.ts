import { readAlertRow, readIncidentRow, ruleGuid } from '../../src/incidents/incident-rows';
import { matchesFilter, FOLLOW_ALL } from '../../src/incidents/incident-filter';
import { incidentToAlert } from '../../src/incidents/incident-alert';

const RULE = 'eaca3b98-b7eb-404b-9e37-4069f893dc64';
const row = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  TimeGenerated: new Date('2026-11-27T10:00:00Z'),
  IncidentName: '5e3f0a51-8a4c-4d8e-9f0b-1c2d3e4f5a6b',
  IncidentNumber: 7,
  Title: 'First-time Run Command',
  Severity: 'Medium',
  Status: 'Active',
  Classification: '',
  Owner: { objectId: null, userPrincipalName: 'carol@contoso.com', assignedTo: 'Carol' },
  RelatedAnalyticRuleIds: [
    `/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/w/providers/Microsoft.SecurityInsights/alertRules/${RULE}`,
  ],
  AlertIds: ['0a1b2c3d-0000-4000-8000-000000000001', 'bad id with spaces'],
  AdditionalData: { alertProductNames: ['Azure Sentinel'], tactics: ['Execution'], techniques: ['T1651'] },
  ...over,
});

describe('SecurityIncident and SecurityAlert rows, read as untrusted log data', () => {
  it('reads an incident record: owner, rules (GUIDs out of ARM ids), alert ids that are ids, products, tactics', () => {
    const read = readIncidentRow(row());
    if ('problem' in read) throw new Error(read.problem);
    expect(read).toMatchObject({
      name: '5e3f0a51-8a4c-4d8e-9f0b-1c2d3e4f5a6b',
      number: 7,
      status: 'Active',
      owner: { userPrincipalName: 'carol@contoso.com', assignedTo: 'Carol' },
      ruleIds: [RULE],
      alertIds: ['0a1b2c3d-0000-4000-8000-000000000001'],
      productNames: ['Azure Sentinel'],
    });
    expect(read.classification).toBeUndefined();
  });

  it('refuses a record whose name is not an id or whose status Sentinel does not have, saying which', () => {
    expect(readIncidentRow(row({ IncidentName: '../../etc' }))).toEqual({ problem: expect.stringContaining('is not an incident id') });
    expect(readIncidentRow(row({ Status: 'Resolved' }))).toEqual({ problem: expect.stringContaining('is not New, Active or Closed') });
  });

  it('reads an alert: entities without references, tactics from text, techniques from JSON, the rule from ExtendedProperties or AlertType', () => {
    const alert = readAlertRow({
      SystemAlertId: '0a1b2c3d-0000-4000-8000-000000000001',
      AlertName: 'First-time Run Command',
      ProductName: 'Azure Sentinel',
      Tactics: 'LateralMovement, Execution',
      Techniques: '["T1021","T1651"]',
      SubTechniques: '["T1021.008"]',
      Entities: JSON.stringify([
        { $id: '2', Name: 'alice', UPNSuffix: 'contoso.com', Type: 'account' },
        { $ref: '2' },
        { $id: '3', HostName: 'vm-web-01', Type: 'host', OSFamily: 1 },
      ]),
      ExtendedProperties: '{"not": "rules"}',
      AlertType: `00000000-0000-0000-0000-000000000000_${RULE}`,
    });
    expect(alert).toMatchObject({
      tactics: ['LateralMovement', 'Execution'],
      techniques: ['T1021', 'T1651', 'T1021.008'],
      ruleIds: [RULE],
      entities: [
        { type: 'Account', fields: { Name: 'alice', UPNSuffix: 'contoso.com' } },
        { type: 'Host', fields: { HostName: 'vm-web-01', OSFamily: '1' } },
      ],
    });
    expect(readAlertRow({ SystemAlertId: 'x y' })).toBeUndefined();
    expect(ruleGuid('not a rule/')).toBeUndefined();
  });

  it('makes one alert per incident: fingerprint the incident name, subject from the account entity, details from Sentinel', () => {
    const incident = readIncidentRow(row());
    if ('problem' in incident) throw new Error(incident.problem);
    const alert = readAlertRow({
      SystemAlertId: '0a1b2c3d-0000-4000-8000-000000000001',
      Entities: JSON.stringify([
        { Name: 'alice', UPNSuffix: 'contoso.com', AadUserId: '9f1c2b6e-3a4d-4e5f-8a9b-0c1d2e3f4a5b', Type: 'account' },
      ]),
    });
    const made = incidentToAlert('soc', incident, alert ? [alert] : []);
    expect(made).toMatchObject({
      detectionId: 'sentinel-incident',
      fingerprint: incident.name,
      subject: { upn: 'alice@contoso.com', aadObjectId: '9f1c2b6e-3a4d-4e5f-8a9b-0c1d2e3f4a5b' },
      details: { 'Sentinel incident': '#7', 'Status in Sentinel': 'Active', 'Owner in Sentinel': 'carol@contoso.com' },
      raw: { IncidentName: incident.name },
    });
  });

  it('filters on rule, title, severity and product; an empty filter lets everything through', () => {
    const incident = readIncidentRow(row());
    if ('problem' in incident) throw new Error(incident.problem);
    expect(matchesFilter(FOLLOW_ALL, incident, [])).toBe(true);
    expect(matchesFilter({ ...FOLLOW_ALL, ruleIds: [RULE.toUpperCase()] }, incident, [])).toBe(true);
    expect(matchesFilter({ ...FOLLOW_ALL, titles: ['run command'] }, incident, [])).toBe(true);
    expect(matchesFilter({ ...FOLLOW_ALL, titles: ['phishing'] }, incident, [])).toBe(false);
    expect(matchesFilter({ ...FOLLOW_ALL, severities: ['High'] }, incident, [])).toBe(false);
    expect(matchesFilter({ ...FOLLOW_ALL, products: ['azure sentinel'] }, incident, [])).toBe(true);
    expect(matchesFilter({ ...FOLLOW_ALL, products: ['Microsoft Defender for Cloud'] }, incident, [])).toBe(false);
  });
});
