import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadWorkspace } from '../../src/workspace/files/load';
import { WorkspaceDataError } from '../../src/workspace/files/format';
import { writeTables } from '../../src/workspace/files/write';
import { Timespan } from '../../src/kql/values';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'fw-files-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HEADER = JSON.stringify({
  table: 'T',
  columns: [
    { name: 'TimeGenerated', type: 'datetime' },
    { name: 'N', type: 'int' },
    { name: 'D', type: 'dynamic' },
  ],
});
const GOOD_ROW = JSON.stringify({ _ingestion_time: '2026-01-01T00:05:00Z', TimeGenerated: '2026-01-01T00:00:00Z', N: 1, D: { a: [1] } });

async function loadError(text: string, file = 'T.ndjson'): Promise<WorkspaceDataError> {
  await writeFile(path.join(dir, file), text);
  try {
    await loadWorkspace(dir);
  } catch (err) {
    if (err instanceof WorkspaceDataError) return err;
    throw err;
  }
  throw new Error('the load succeeded');
}

describe('workspace files', () => {
  it('round-trips every column type, with Dates, parsed dynamics and ingestion times', async () => {
    const rows = [
      {
        TimeGenerated: new Date('2026-01-01T00:00:00.123Z'),
        S: 'x',
        G: '0187c13a-10d9-49ac-91f4-98a34dbd0d29',
        I: 3,
        L: 2 ** 40,
        R: 1.5,
        B: true,
        TS: new Timespan(90_000),
        D: { user: { id: 'a' }, list: [1, 'two'] },
      },
      { TimeGenerated: new Date('2026-01-02T00:00:00Z'), S: null, G: null, I: null, L: null, R: null, B: null, TS: null, D: null },
    ];
    await writeTables(dir, [
      {
        name: 'All',
        columns: [
          { name: 'TimeGenerated', type: 'datetime' },
          { name: 'S', type: 'string' },
          { name: 'G', type: 'guid' },
          { name: 'I', type: 'int' },
          { name: 'L', type: 'long' },
          { name: 'R', type: 'real' },
          { name: 'B', type: 'bool' },
          { name: 'TS', type: 'timespan' },
          { name: 'D', type: 'dynamic' },
        ],
        rows,
        ingestionTimes: [new Date('2026-01-01T03:00:00Z'), new Date('2026-01-02T00:01:00Z')],
      },
    ]);
    await writeFile(path.join(dir, 'notes.txt'), 'ignored');
    const ws = await loadWorkspace(dir);
    const t = ws.getTable('All');
    expect(t?.rows[0]).toEqual(rows[0]);
    expect((t?.rows[0].TS as Timespan).ms).toBe(90_000);
    expect(t?.rows[1]).toEqual(rows[1]);
    expect(t?.ingestionTimes).toEqual([new Date('2026-01-01T03:00:00Z'), new Date('2026-01-02T00:01:00Z')]);
    expect(ws.getTable('all')).toBeUndefined();
    expect(ws.rowCount).toBe(2);
  });

  it('treats a missing key as a null cell', async () => {
    await writeFile(path.join(dir, 'T.ndjson'), `${HEADER}\n${JSON.stringify({ _ingestion_time: '2026-01-01T00:05:00Z', N: 2 })}\n`);
    const t = (await loadWorkspace(dir)).getTable('T');
    expect(t?.rows).toEqual([{ TimeGenerated: null, N: 2, D: null }]);
  });

  it.each([
    ['a line that is not JSON', `${HEADER}\n${GOOD_ROW}\n{"N": 1,\n`, /T\.ndjson:3: not valid JSON/],
    [
      'a field that is no column',
      `${HEADER}\n${GOOD_ROW}\n${JSON.stringify({ _ingestion_time: '2026-01-01T00:00:00Z', Nope: 1 })}\n`,
      /T\.ndjson:3: field Nope is not a column of T/,
    ],
    [
      'a value of the wrong type',
      `${HEADER}\n${JSON.stringify({ _ingestion_time: '2026-01-01T00:00:00Z', N: 'one' })}\n`,
      /T\.ndjson:2: column N \(int\): expected a 32-bit integer, got "one"/,
    ],
    [
      'a datetime without a zone',
      `${HEADER}\n${JSON.stringify({ _ingestion_time: '2026-01-01T00:00:00Z', TimeGenerated: '2026-01-01 10:00' })}\n`,
      /T\.ndjson:2: column TimeGenerated \(datetime\)/,
    ],
    ['a row without ingestion time', `${HEADER}\n${JSON.stringify({ N: 1 })}\n`, /T\.ndjson:2: _ingestion_time is missing/],
    ['a row that is an array', `${HEADER}\n[1,2]\n`, /T\.ndjson:2: a row must be a JSON object/],
    ['a header naming another table', `${HEADER.replace('"T"', '"U"')}\n`, /T\.ndjson:1: the schema names table "U"/],
    ['an unknown column type', `${HEADER.replace('"int"', '"integer"')}\n`, /T\.ndjson:1: column N has unknown type "integer"/],
    ['a column declared twice', `${HEADER.replace('"N"', '"D"')}\n`, /T\.ndjson:1: column D is declared twice/],
    ['a header that is not a schema', `${GOOD_ROW}\n`, /T\.ndjson:1: the first line must be the schema/],
    ['an empty file', '', /T\.ndjson: the file is empty/],
  ])('rejects %s, naming file and line', async (_what, text, message) => {
    const err = await loadError(text);
    expect(err.message).toMatch(message);
  });

  it('rejects a folder without tables and a missing folder', async () => {
    await expect(loadWorkspace(dir)).rejects.toThrow(/no table files/);
    await expect(loadWorkspace(path.join(dir, 'missing'))).rejects.toThrow(/cannot read the workspace folder \(ENOENT\)/);
  });

  it('rejects a file whose name is not a table name', async () => {
    await mkdir(dir, { recursive: true });
    const err = await loadError(`${HEADER}\n`, 'my-table.ndjson');
    expect(err.message).toMatch(/"my-table" is not a valid table name/);
  });
});
