/**
 * A burst of Slack requests that reaches the bot in the same instant is let
 * through one request per event-loop turn, as Teams activities are: the
 * loop's timers and newly arrived requests run between two of them instead of
 * waiting for the whole burst (about 190 ms of acknowledgements back to back
 * for 250 requests on Node 20 before).
 */
import { burstOnSockets, countTurns } from '../../support/raw-http';
import { ALERTS_CHANNEL, buttonOn, slackHarness, type SlackHarness } from './harness';

const CLICKS = 8;

let h: SlackHarness;
beforeEach(async () => {
  h = await slackHarness();
});
afterEach(async () => {
  await h.close();
});

it('lets clicks that arrived together into Bolt one per event-loop turn, in order, and acts on each', async () => {
  const alerts = await h.postAlerts(CLICKS + 1);
  const fields = (i: number) => {
    const card = h.cardOf(alerts[i].id);
    const value = buttonOn(h.standin.message(card.channel, card.ts)?.blocks, 'fw_ack').value;
    return { user: 'U0ALICE', channel: ALERTS_CHANNEL, messageTs: card.ts, actionId: 'fw_ack', value };
  };
  // One click first, so the clicker's identity is cached and no click of the burst waits on users.info.
  expect((await h.standin.sendBlockAction(fields(0))).status).toBe(200);
  await h.transitioned(1);

  const turns = countTurns();
  const turnsSeen: number[] = [];
  h.slack.app.use(async ({ next }) => {
    turnsSeen.push(turns.now());
    await next();
  });
  const requests = Array.from({ length: CLICKS }, (_, i) => h.standin.prepareBlockAction(fields(i + 1)));
  // Written in one go: every request is waiting on its socket before the bot reads any of them.
  const texts = await burstOnSockets(requests);
  turns.stop();

  for (const text of texts) expect(text.startsWith('HTTP/1.1 200')).toBe(true);
  expect(turnsSeen).toHaveLength(CLICKS);
  // Each request in its own turn of the loop, in the order they came.
  expect(new Set(turnsSeen).size).toBe(CLICKS);
  expect([...turnsSeen].sort((a, b) => a - b)).toEqual(turnsSeen);
  await h.transitioned(CLICKS + 1);
  for (const alert of alerts) expect((await h.store.getAlert(alert.id))?.status).toBe('acknowledged');
});
