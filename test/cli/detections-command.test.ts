import { rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { parseCommandLine } from '../../src/cli/args';
import { detectionsCommand } from '../../src/cli/detections';
import { loadConfig } from '../../src/config';
import { baseRule, writeRules } from '../detections/fixtures';

function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({ write: (chunk: Buffer, _enc, done) => ((text += chunk.toString()), done()) });
  return { stream, text: () => text };
}

describe('firstwatch detections', () => {
  const dir = writeRules({
    'good.yaml': baseRule({
      firstwatch: {
        tests: [
          {
            name: 'one row hits',
            key: 'K',
            tables: { BehaviorAnalytics: [{ TimeGenerated: '2026-11-27T12:00:00Z', K: 'a', UserPrincipalName: 'a@b.c' }] },
            hits: ['a'],
          },
        ],
      },
    }),
    'bad.yaml': baseRule({ id: '22222222-2222-4333-8444-555555555555', triggerOperator: 'sometimes' }),
    // As Sentinel publishes NRT rules: no frequency, period or trigger of their own.
    'nrt.yaml': baseRule({
      id: '33333333-2222-4333-8444-555555555555',
      name: 'NRT rule',
      kind: 'NRT',
      queryFrequency: undefined,
      queryPeriod: undefined,
      triggerOperator: undefined,
      triggerThreshold: undefined,
    }),
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const config = loadConfig({ DETECTIONS_DIR: dir }, { envFile: false });

  it('lists each rule as loaded or rejected with the field at fault, and exits 1 when one is rejected', async () => {
    const out = capture();
    expect(await detectionsCommand(config, parseCommandLine(['detections']), out.stream)).toBe(1);
    expect(out.text()).toMatch(/^loaded +\S*good\.yaml +"Test rule" +Low, every 1h .*1 test case/m);
    expect(out.text()).toMatch(/^rejected +\S*bad\.yaml +triggerOperator: "sometimes"/m);
    // An NRT rule shows the schedule it runs on, not the defaults its fields are validated with.
    expect(out.text()).toMatch(/^loaded +\S*nrt\.yaml +"NRT rule" +Low, near-real-time, on "\* \* \* \* \*" from its last run's end,/m);
    expect(out.text()).not.toMatch(/nrt\.yaml.*every 5m/);
    expect(out.text()).toMatch(/2 loaded, 1 rejected/);
  });

  it('runs the test cases of the named files and reports each', async () => {
    const out = capture();
    expect(await detectionsCommand(config, parseCommandLine(['detections', 'test', `${dir}/good.yaml`]), out.stream)).toBe(0);
    expect(out.text()).toMatch(/^ok +\S*good\.yaml › one row hits$/m);
    expect(out.text()).toMatch(/1 passed, 0 failed/);
  });
});
