import { KqlError } from '../../src/kql';
import { rows, source, table } from './fixtures';
import { checkedQueries } from './support/checked';

const { q, verify } = checkedQueries('mv-apply');
const audit = table('AuditLogs', 'Id:string, TargetResources:dynamic, Size:string', [
  {
    Id: 'a1',
    Size: 'Standard_NC24',
    TargetResources: [
      {
        type: 'User',
        userPrincipalName: 'bob@contoso.com',
        modifiedProperties: [{ displayName: 'Role.DisplayName', newValue: '"Global Administrator"' }],
      },
      { type: 'Group', displayName: 'Admins' },
    ],
  },
  { Id: 'a2', Size: 'Standard_B2s', TargetResources: [{ type: 'Group', displayName: 'All' }] },
  { Id: 'a3', Size: 'Standard_B2s', TargetResources: [] },
]);
const src = source(audit);

describe('mv-apply', () => {
  it('keeps the row once per element the subquery lets through, beside the row’s own columns', () => {
    const query = q(`AuditLogs
| mv-apply TargetResource = TargetResources on (where TargetResource.type =~ "User" | extend Target = tostring(TargetResource.userPrincipalName))
| project Id, Target`);
    expect(rows(query, src)).toEqual([{ Id: 'a1', Target: 'bob@contoso.com' }]);
  });

  it('chains: a column made by one mv-apply is expanded by the next', () => {
    const query = q(`AuditLogs
| mv-apply TargetResource = TargetResources on (where TargetResource.type == "User" | extend props = TargetResource.modifiedProperties)
| mv-apply Property = props on (where Property.displayName =~ "Role.DisplayName" | extend RoleName = trim('"', tostring(Property.newValue)))
| project Id, RoleName`);
    expect(rows(query, src)).toEqual([{ Id: 'a1', RoleName: 'Global Administrator' }]);
  });

  it('lets the subquery read the row’s other columns and a cast element', () => {
    const query = q(`let tokens = dynamic(["nc24", "nv24", "m128"]);
AuditLogs | mv-apply token = tokens to typeof(string) on (where Size contains token) | project Id, token`);
    expect(rows(query, src)).toEqual([{ Id: 'a1', token: 'nc24' }]);
  });

  it('summarizes per row, the row’s columns coming back beside the aggregate', () => {
    const query = q('AuditLogs | mv-apply t = TargetResources on (summarize Types = make_list(tostring(t.type))) | project Id, Types');
    expect(rows(query, src)).toEqual([
      { Id: 'a1', Types: ['User', 'Group'] },
      { Id: 'a2', Types: ['Group'] },
      { Id: 'a3', Types: [] },
    ]);
  });

  it('takes the top element of each row', () => {
    const query = q('AuditLogs | mv-apply t = TargetResources on (top 1 by tostring(t.type) asc) | project Id, T = tostring(t.type)');
    expect(rows(query, src)).toEqual([
      { Id: 'a1', T: 'Group' },
      { Id: 'a2', T: 'Group' },
    ]);
  });

  it('numbers the elements with with_itemindex', () => {
    const query = q('AuditLogs | where Id == "a1" | mv-apply with_itemindex=i t = TargetResources on (where i == 1) | project Id, i');
    expect(rows(query, src)).toEqual([{ Id: 'a1', i: 1 }]);
  });

  it('names what is unsupported inside the subquery with its position', () => {
    expect(() => rows('AuditLogs | mv-apply t = TargetResources on (make-graph x)', src)).toThrow(KqlError);
  });
});

describe('the legacy spelling mvexpand, and mv-expand of a converted column', () => {
  it('mvexpand is mv-expand', () => {
    expect(rows(q('AuditLogs | where Id == "a1" | mvexpand TargetResources | count'), src)).toEqual([{ Count: 2 }]);
  });

  it('mv-expand todynamic(Col) expands into Col', () => {
    const query = q(
      'AuditLogs | where Id == "a2" | extend Text = tostring(TargetResources) | mv-expand todynamic(Text) | project T = tostring(Text.type)',
    );
    expect(rows(query, src)).toEqual([{ T: 'Group' }]);
  });
});

verify();
