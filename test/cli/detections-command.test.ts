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
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const config = loadConfig({ DETECTIONS_DIR: dir }, { envFile: false });

  it('lists each rule as loaded or rejected with the field at fault, and exits 1 when one is rejected', async () => {
    const out = capture();
    expect(await detectionsCommand(config, parseCommandLine(['detections']), out.stream)).toBe(1);
    expect(out.text()).toMatch(/^loaded +\S*good\.yaml +"Test rule" +Low, every 1h .*1 test case/m);
    expect(out.text()).toMatch(/^rejected +\S*bad\.yaml +triggerOperator: "sometimes"/m);
    expect(out.text()).toMatch(/1 loaded, 1 rejected/);
  });

  it('runs the test cases of the named files and reports each', async () => {
    const out = capture();
    expect(await detectionsCommand(config, parseCommandLine(['detections', 'test', `${dir}/good.yaml`]), out.stream)).toBe(0);
    expect(out.text()).toMatch(/^ok +\S*good\.yaml › one row hits$/m);
    expect(out.text()).toMatch(/1 passed, 0 failed/);
  });
});
