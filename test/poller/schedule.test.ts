import { silentLogger } from '../../src/logging/logger';
import { Schedule } from '../../src/poller/schedule';

describe('Schedule', () => {
  it('runs each job once at start and never lets a job overlap itself', async () => {
    let release: () => void = () => undefined;
    let runs = 0;
    const job = {
      name: 'rule',
      cron: '0 * * * *',
      run: () => {
        runs++;
        return new Promise<void>((resolve) => (release = resolve));
      },
    };
    const schedule = new Schedule([job], silentLogger());
    const started = schedule.start();
    const tick = schedule.trigger(job); // a tick while the catch-up run is still going
    expect(runs).toBe(1);
    release();
    await Promise.all([started, tick]);
    const next = schedule.trigger(job); // the earlier run ended: a new tick runs again
    expect(runs).toBe(2);
    release();
    await next;
    const upcoming = schedule.nextRuns('rule', 3);
    expect(upcoming.map((d) => d.getUTCMinutes())).toEqual([0, 0, 0]);
    await schedule.stop();
  });

  it('refuses an invalid cron expression, naming the job', () => {
    expect(() => new Schedule([{ name: 'rule', cron: 'every hour', run: async () => undefined }], silentLogger())).toThrow(
      /rule: invalid cron expression 'every hour'/,
    );
  });

  it('a failing run is logged and the next one still runs', async () => {
    let runs = 0;
    const job = {
      name: 'flaky',
      cron: '0 * * * *',
      run: async () => {
        runs++;
        throw new Error('boom');
      },
    };
    const schedule = new Schedule([job], silentLogger());
    await schedule.start();
    await schedule.trigger(job);
    expect(runs).toBe(2);
    await schedule.stop();
  });
});
