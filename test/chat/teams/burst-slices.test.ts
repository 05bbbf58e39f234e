/**
 * A burst of card clicks that reaches the bot in the same instant is handled
 * one click per event-loop turn: the loop's timers and other requests run
 * between two clicks instead of waiting for the whole burst.
 */
import { ALERTS, TEAM, alex, botAddedToTeam, executeClick, send } from './activities';
import { ConnectorStandIn } from './connector-standin';
import { eventually } from './eventually';
import { startBot, type BotHarness } from './harness';
import { burstOnSockets, countTurns } from '../../support/raw-http';

const CLICKS = 8;

let connector: ConnectorStandIn;
let bot: BotHarness;
/** The event-loop turn each click reached the router in. */
let turnsSeen: number[];
/** This process's event-loop turns, counted while the burst is in. */
let turns = { now: () => 0, stop: () => undefined as void };

beforeEach(async () => {
  connector = await new ConnectorStandIn().start();
  connector.members.set(alex.id, { id: alex.id, name: alex.name, aadObjectId: alex.aadObjectId, userPrincipalName: alex.upn });
  connector.teams.set(TEAM.id, [{ id: TEAM.id }, { id: ALERTS.id, name: ALERTS.name }]);
  turnsSeen = [];
  bot = await startBot({
    allow: [alex.upn],
    wrapRouter: (router) => ({
      handleText: (text, ctx) => router.handleText(text, ctx),
      handleAction: (payload, ctx) => {
        turnsSeen.push(turns.now());
        return router.handleAction(payload, ctx);
      },
    }),
  });
});

afterEach(async () => {
  await bot.close();
  await connector.close();
});

it('answers clicks that arrived together one per event-loop turn, each with its card', async () => {
  expect((await send(bot.endpoint, botAddedToTeam(connector.url))).status).toBe(200);
  await eventually('the Alerts channel to be stored', async () =>
    (await bot.platform.conversations.lookup('Alerts')).ok ? true : undefined,
  );
  const alerts = await bot.seed(CLICKS + 1);
  const refs = await Promise.all(alerts.map((a) => bot.platform.postAlert('Alerts', a)));
  const click = (i: number): unknown =>
    executeClick(connector.url, refs[i]?.threadId ?? '', refs[i]?.messageId ?? '', alex, 'ack', {
      verb: 'ack',
      alertId: alerts[i]?.id,
      version: 1,
    });
  // One click first, so the clicker's UPN is cached and no click of the burst waits on the connector.
  expect((await send(bot.endpoint, click(0) as Parameters<typeof send>[1])).status).toBe(200);
  turnsSeen = [];

  turns = countTurns();
  // Written in one go: every request is waiting on its socket before the bot reads any of them.
  const texts = await burstOnSockets(
    Array.from({ length: CLICKS }, (_, i) => ({
      url: bot.endpoint,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(click(i + 1)),
    })),
  );
  turns.stop();

  for (const text of texts) {
    expect(text.startsWith('HTTP/1.1 200')).toBe(true);
    expect(text).toContain('application/vnd.microsoft.card.adaptive');
  }
  expect(turnsSeen).toHaveLength(CLICKS);
  // Each click in its own turn of the loop, in the order they came.
  expect(new Set(turnsSeen).size).toBe(CLICKS);
  expect([...turnsSeen].sort((a, b) => a - b)).toEqual(turnsSeen);
  expect(bot.transitions).toHaveLength(CLICKS + 1);
});
