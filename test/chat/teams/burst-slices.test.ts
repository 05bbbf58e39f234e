/**
 * A burst of card clicks that reaches the bot in the same instant is handled
 * one click per event-loop turn: the loop's timers and other requests run
 * between two clicks instead of waiting for the whole burst.
 */
import net from 'node:net';
import { ALERTS, TEAM, alex, botAddedToTeam, executeClick, send } from './activities';
import { ConnectorStandIn } from './connector-standin';
import { eventually } from './eventually';
import { startBot, type BotHarness } from './harness';

const CLICKS = 8;

let connector: ConnectorStandIn;
let bot: BotHarness;
/** The event-loop turn each click reached the router in. */
let turnsSeen: number[];
let turn = 0;

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
        turnsSeen.push(turn);
        return router.handleAction(payload, ctx);
      },
    }),
  });
});

afterEach(async () => {
  await bot.close();
  await connector.close();
});

/** An HTTP/1.1 POST of the activity, as bytes, closing the connection after the answer. */
function rawPost(endpoint: string, activity: unknown): string {
  const url = new URL(endpoint);
  const body = JSON.stringify(activity);
  return (
    `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

function connect(endpoint: string): Promise<net.Socket> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

function answerOf(socket: net.Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.once('end', () => resolve(text));
    socket.once('error', reject);
  });
}

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

  const sockets = await Promise.all(Array.from({ length: CLICKS }, () => connect(bot.endpoint)));
  const answers = sockets.map(answerOf);
  // Until the bot has accepted every connection (a connect completes before the server's accept).
  await new Promise((resolve) => setTimeout(resolve, 100));
  let counting = true;
  const count = (): void => {
    turn += 1;
    if (counting) setImmediate(count);
  };
  setImmediate(count);
  // Written in one go: every request is waiting on its socket before the bot reads any of them.
  sockets.forEach((socket, i) => socket.write(rawPost(bot.endpoint, click(i + 1))));
  const texts = await Promise.all(answers);
  counting = false;

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
