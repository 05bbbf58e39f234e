import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../src/store';
import { startFirstWatch } from '../support/crash/process';
import { startSlackStandin, type SlackStandin } from '../support/slack-standin';
import { request } from '../support/http-client';

/** `firstwatch start` as a real process: SIGTERM stops it cleanly, with its deliveries finished and its store closed. */
describe('SIGTERM', () => {
  let dir: string;
  let standin: SlackStandin;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fw-sigterm-'));
    standin = await startSlackStandin();
  });
  afterAll(async () => {
    await standin?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stops the schedule, finishes the delivery in flight, closes the store and exits 0', async () => {
    const db = path.join(dir, 'fw.db');
    // The first card is held inside Slack so the signal arrives with a delivery in flight.
    const held = standin.hold('chat.postMessage');
    const fw = startFirstWatch(dir, {
      SQLITE_PATH: db,
      LOCAL_WORKSPACE_DIR: path.join(dir, 'workspace'),
      CONSOLE_OUTPUT: 'false',
      RESPONDERS: 'channel-members',
      SLACK_BOT_TOKEN: standin.botToken,
      SLACK_SIGNING_SECRET: standin.signingSecret,
      SLACK_CHANNELS: 'C0ALERTS',
      SLACK_API_URL: standin.url,
    });
    const url = await fw.listening;
    standin.botEndpoint = `${url}/slack/events`;
    await held.reached;
    expect((await request(url, { path: '/healthz' })).status).toBe(200);

    fw.kill('SIGTERM');
    await fw.waitForLog((l) => l.msg === 'stopping', 'the stop to begin');
    held.release();
    expect(await fw.exited).toBe(0);
    expect(fw.lines.some((l) => l.msg === 'stopped')).toBe(true);
    expect(fw.lines.filter((l) => typeof l.level === 'number' && l.level >= 50)).toEqual([]);

    // The held post completed and was recorded: its alert's delivery is marked posted, not left claimed.
    const posted = standin.messagesIn('C0ALERTS').filter((m) => m.metadata !== undefined);
    expect(posted.length).toBeGreaterThanOrEqual(1);
    // A closed SQLite database leaves no write-ahead log behind and opens again.
    expect((await readdir(dir)).filter((f) => f === 'fw.db-wal')).toEqual([]);
    const store = openSqliteStore(db);
    try {
      for (const m of posted) {
        const id = (m.metadata?.event_payload as { alert_id: string }).alert_id;
        const alert = await store.getAlert(id);
        expect(alert?.id).toBe(id);
      }
      const claimed = await store.claimDueDeliveries(new Date(Date.now() + 86_400_000), 100);
      const claimedIds = claimed.map((w) => w.alert.id);
      for (const m of posted) expect(claimedIds).not.toContain((m.metadata?.event_payload as { alert_id: string }).alert_id);
    } finally {
      await store.close();
    }
  }, 120_000);
});
