import { compileQuery, encodeCell, Timespan } from '../../src/kql';
import { NOW, rows, run, source, table } from './fixtures';

const SEED = `BehaviorAnalytics
| where TimeGenerated > ago(1h)
| extend ActivityInsights = parse_json(ActivityInsights)
| where ActivityInsights.EventMessage has_any ('runCommand/action', 'extensions/write')
| where ActivityInsights.FirstTimeUserPerformedAction == "True"`;

describe('the seed detection', () => {
  it('over a datatable: only recent, first-time Run Command / extension writes', () => {
    const query = `let BehaviorAnalytics = datatable(TimeGenerated:datetime, UserPrincipalName:string, ActivityInsights:dynamic)[
  datetime(2024-05-01T11:30:00Z), "hit-run@contoso.com", dynamic({"EventMessage": "Microsoft.Compute/virtualMachines/runCommand/action", "FirstTimeUserPerformedAction": "True"}),
  datetime(2024-05-01T11:31:00Z), "hit-ext@contoso.com", dynamic({"EventMessage": "MICROSOFT.COMPUTE/VIRTUALMACHINES/EXTENSIONS/WRITE", "FirstTimeUserPerformedAction": "True"}),
  datetime(2024-05-01T11:32:00Z), "not-first@contoso.com", dynamic({"EventMessage": "Microsoft.Compute/virtualMachines/runCommand/action", "FirstTimeUserPerformedAction": "False"}),
  datetime(2024-05-01T11:33:00Z), "bool-true@contoso.com", dynamic({"EventMessage": "Microsoft.Compute/virtualMachines/runCommand/action", "FirstTimeUserPerformedAction": true}),
  datetime(2024-05-01T10:30:00Z), "too-old@contoso.com", dynamic({"EventMessage": "Microsoft.Compute/virtualMachines/runCommand/action", "FirstTimeUserPerformedAction": "True"}),
  datetime(2024-05-01T11:34:00Z), "other-op@contoso.com", dynamic({"EventMessage": "Microsoft.Compute/virtualMachines/write", "FirstTimeUserPerformedAction": "True"}),
  datetime(2024-05-01T11:35:00Z), "glued@contoso.com", dynamic({"EventMessage": "Microsoft.Compute/virtualMachines/runCommand/actionX", "FirstTimeUserPerformedAction": "True"}),
  datetime(2024-05-01T11:36:00Z), "no-insights@contoso.com", dynamic(null)
];
${SEED}
| project UserPrincipalName`;
    expect(rows(query)).toEqual([{ UserPrincipalName: 'hit-run@contoso.com' }, { UserPrincipalName: 'hit-ext@contoso.com' }]);
  });

  it('over a stored table with a string ActivityInsights, a timespan and ingestion times', () => {
    const t = table(
      'BehaviorAnalytics',
      'TimeGenerated:datetime, SourceRecordId:string, ActivityInsights:string',
      [
        {
          TimeGenerated: new Date('2024-05-01T11:10:00Z'),
          SourceRecordId: 'r1',
          ActivityInsights: '{"EventMessage":"x/runCommand/action","FirstTimeUserPerformedAction":"True"}',
        },
        {
          TimeGenerated: new Date('2024-05-01T11:50:00Z'),
          SourceRecordId: 'r2',
          ActivityInsights: '{"EventMessage":"x/extensions/write","FirstTimeUserPerformedAction":"True"}',
        },
        { TimeGenerated: new Date('2024-05-01T11:55:00Z'), SourceRecordId: 'r3', ActivityInsights: 'not json' },
      ],
      [new Date('2024-05-01T11:20:00Z'), new Date('2024-05-01T11:58:00Z'), new Date('2024-05-01T11:59:00Z')],
    );
    const q = compileQuery(`${SEED}\n| project SourceRecordId, Ingested = ingestion_time()`);
    const all = q.run(source(t), { now: NOW });
    expect(all.rows).toEqual([
      ['r1', new Date('2024-05-01T11:20:00Z')],
      ['r2', new Date('2024-05-01T11:58:00Z')],
    ]);
    // Compiled once, run twice with different options.
    const windowed = q.run(source(t), { now: NOW, timespan: { start: new Date('2024-05-01T11:30:00Z'), end: NOW } });
    expect(windowed.rows.map((r) => r[0])).toEqual(['r2']);
  });

  it('a robust variant that also accepts a boolean flag and the ActionType form', () => {
    const query = `datatable(ActionType:string, ActivityInsights:dynamic)[
  "Run Command on Virtual Machine", dynamic({"FirstTimeUserPerformedAction": true}),
  "Create or Update Virtual Machine Extension", dynamic({"FirstTimeUserPerformedAction": "True"}),
  "Delete Virtual Machine", dynamic({"FirstTimeUserPerformedAction": "True"})
]
| where ActionType in~ ("run command on virtual machine", "Create or Update Virtual Machine Extension")
   or tostring(ActivityInsights.EventMessage) has_any ("runCommand/action", "extensions/write")
| where tostring(ActivityInsights.FirstTimeUserPerformedAction) =~ "true"
| project ActionType`;
    expect(rows(query).map((r) => r.ActionType)).toEqual(['Run Command on Virtual Machine', 'Create or Update Virtual Machine Extension']);
  });
});

describe('encodeCell: the Log Analytics wire format', () => {
  it.each([
    [new Date('2024-05-01T11:20:00.123Z'), 'datetime', '2024-05-01T11:20:00.1230000Z'],
    [{ a: [1, 'x'], d: new Date('2024-01-01T00:00:00Z') }, 'dynamic', '{"a":[1,"x"],"d":"2024-01-01T00:00:00.0000000Z"}'],
    ['plain', 'dynamic', '"plain"'],
    [new Timespan(3600000), 'timespan', '01:00:00'],
    [new Timespan(-(86400000 + 5 * 3600000 + 1.5)), 'timespan', '-1.05:00:00.0015000'],
    [Timespan.fromTicks(1), 'timespan', '00:00:00.0000001'],
    [true, 'bool', true],
    [42, 'long', 42],
    [1.5, 'real', 1.5],
    [Number.NaN, 'real', 'NaN'],
    ['s', 'string', 's'],
    [null, 'datetime', null],
    [undefined, 'string', null],
  ] as const)('%p as %s', (value, type, want) => {
    expect(encodeCell(value, type)).toEqual(want);
  });

  it('encodes a whole result consistently with its column types', () => {
    const r = run('datatable(d:datetime, t:timespan, j:dynamic, b:bool)[datetime(2024-01-01), 90m, dynamic({"k":true}), false]');
    expect(r.rows[0].map((v, i) => encodeCell(v, r.columns[i].type))).toEqual([
      '2024-01-01T00:00:00.0000000Z',
      '01:30:00',
      '{"k":true}',
      false,
    ]);
  });
});
