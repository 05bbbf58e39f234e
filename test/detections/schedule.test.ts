import path from 'node:path';
import { loadDetections } from '../../src/detections';

const DIR = path.join(__dirname, '../../detections');

describe('when each rule runs', () => {
  it('follows queryFrequency by default, POLL_CRON when set, and a per-rule override above both', () => {
    expect(loadDetections(DIR).map((d) => d.cron)).toEqual(['0 * * * *', '0 * * * *']);
    const all = loadDetections(DIR, { defaultCron: '*/5 * * * *' });
    expect(all.map((d) => d.cron)).toEqual(['*/5 * * * *', '*/5 * * * *']);
    const one = loadDetections(DIR, { defaultCron: '*/5 * * * *', scheduleOverrides: { 'suspicious-signin-burst': '0 */2 * * *' } });
    expect(Object.fromEntries(one.map((d) => [d.slug, d.cron]))).toEqual({
      'first-time-runcommand': '*/5 * * * *',
      'suspicious-signin-burst': '0 */2 * * *',
    });
  });
});
