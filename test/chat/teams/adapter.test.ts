/**
 * The real Agents SDK adapter, fed Teams-shaped activities over HTTP; a
 * loopback stand-in for the Bot Connector records what the bot sends back.
 */
import { toBlindView } from '../../../src/cards/blind-view';
import { toDigestView } from '../../../src/cards/digest-view';
import { DeliveryError } from '../../../src/delivery/chat-platform';
import { HUNT_NOT_CONFIGURED } from '../../../src/chat/teams';
import {
  ALERTS,
  TEAM,
  alex,
  bea,
  botAddedToTeam,
  cardOf,
  cardText,
  channelMention,
  executeClick,
  invokeAnswer,
  mallory,
  personalMessage,
  send,
  submitClick,
} from './activities';
import { ConnectorStandIn } from './connector-standin';
import { eventually } from './eventually';
import { startBot, type BotHarness } from './harness';

const CARD = 'application/vnd.microsoft.card.adaptive';
const MESSAGE = 'application/vnd.microsoft.activity.message';

let connector: ConnectorStandIn;
let bot: BotHarness;

beforeEach(async () => {
  connector = await new ConnectorStandIn().start();
  for (const p of [alex, bea, mallory])
    connector.members.set(p.id, { id: p.id, name: p.name, aadObjectId: p.aadObjectId, userPrincipalName: p.upn });
  connector.teams.set(TEAM.id, [{ id: TEAM.id }, { id: ALERTS.id, name: ALERTS.name }]);
  bot = await startBot({ allow: [alex.upn, bea.upn], retry: { baseDelayMs: 5, maxDelayMs: 20 } });
});

afterEach(async () => {
  await bot.close();
  await connector.close();
});

/** Installs the bot in the team and waits until both channels are known. */
async function install(): Promise<void> {
  expect((await send(bot.endpoint, botAddedToTeam(connector.url))).status).toBe(200);
  await eventually('the Alerts channel to be stored', async () =>
    (await bot.platform.conversations.lookup('Alerts')).ok ? true : undefined,
  );
}

async function postedAlert() {
  await install();
  const [alert] = await bot.seed(1);
  const ref = await bot.platform.postAlert('Alerts', alert);
  return { alert, ref, threadId: ref.threadId ?? '' };
}

describe('channels and proactive posts', () => {
  test('being added to a team stores every channel, by id and by name (General for the team channel)', async () => {
    await install();
    const stored = (await bot.store.listConversationRefs('teams')).map((r) => [r.key, r.name]).sort();
    expect(stored).toEqual(
      [
        [ALERTS.id, 'Alerts'],
        [TEAM.id, 'General'],
      ].sort(),
    );
    expect((await bot.platform.conversations.lookup(`${TEAM.name}/General`)).ok).toBe(true);
  });

  test('postAlert starts a new thread in the channel with the alert card', async () => {
    const { alert, ref } = await postedAlert();
    const [create] = connector.find('POST', /^\/v3\/conversations$/);
    expect(create.body).toMatchObject({ isGroup: true, channelData: { channel: { id: ALERTS.id } }, bot: { id: expect.any(String) } });
    const activity = create.body.activity as Record<string, unknown>;
    expect(cardText(cardOf(activity))).toContain(alert.title);
    expect(ref).toEqual({
      platform: 'teams',
      target: 'Alerts',
      messageId: expect.any(String),
      threadId: `${ALERTS.id};messageid=${ref.messageId}`,
    });
  });

  test('a channel the bot was never added to is a "wait" delivery error that names it', async () => {
    const [alert] = await bot.seed(1);
    const err = await bot.platform.postAlert('Incidents', alert).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).disposition).toBe('wait');
    expect((err as DeliveryError).message).toContain('Teams channel Incidents: the bot has not been added there yet');
    expect(connector.calls).toHaveLength(0);
  });

  test('a channel nobody could see yet (no Playground page on it) holds cards, storm digests and blind reports alike, sending nothing', async () => {
    await bot.close();
    bot = await startBot({ allow: [alex.upn], unseen: (c) => (c.conversationId === ALERTS.id ? 'no page is open on it' : undefined) });
    await install();
    const alerts = await bot.seed(2);
    const blindView = toBlindView({
      detection: { slug: 'r1', name: 'Rule one', queryFrequencyMs: 3_600_000 },
      workspace: 'contoso-sentinel',
      since: new Date(Date.now() - 7_200_000),
      now: new Date(),
      reason: 'the query timed out',
    });
    const errors = [
      await bot.platform.postAlert('Alerts', alerts[0]).catch((e: unknown) => e),
      await bot.platform.postDigest('Alerts', toDigestView(alerts, { individualFollow: false })).catch((e: unknown) => e),
      await bot.platform.postBlind('Alerts', blindView).catch((e: unknown) => e),
    ];
    expect(errors.map((e) => [e instanceof DeliveryError && e.disposition, (e as Error).message])).toEqual([
      ['hold', `post ${alerts[0].id} to Teams Alerts: no page is open on it`],
      ['hold', 'post a storm digest to Teams Alerts: no page is open on it'],
      ['hold', 'post a blind-detection report to Teams Alerts: no page is open on it'],
    ]);
    expect(connector.find('POST', /^\/v3\/conversations$/)).toHaveLength(0);
    // Elsewhere the digest goes out as before.
    await bot.platform.postDigest('General', toDigestView(alerts, { individualFollow: false }));
    expect(connector.find('POST', /^\/v3\/conversations$/)).toHaveLength(1);
  });

  test('a 429 with Retry-After is waited out and the post retried', async () => {
    await install();
    const [alert] = await bot.seed(1);
    connector.failNext(429, (c) => c.method === 'POST' && c.path === '/v3/conversations', { 'Retry-After': '0' });
    const ref = await bot.platform.postAlert('Alerts', alert);
    expect(connector.find('POST', /^\/v3\/conversations$/)).toHaveLength(2);
    expect(bot.platform.sender.retriedCount).toBe(1);
    expect(ref.messageId).toMatch(/^\d+$/);
  });

  test('a 403 (bot removed) is a "wait" error and is not retried', async () => {
    await install();
    const [alert] = await bot.seed(1);
    connector.failNext(403, (c) => c.path === '/v3/conversations');
    const err = (await bot.platform.postAlert('Alerts', alert).catch((e: unknown) => e)) as DeliveryError;
    expect(err.disposition).toBe('wait');
    expect(connector.find('POST', /^\/v3\/conversations$/)).toHaveLength(1);
  });

  test('updateAlert replaces the card in its thread; replyInThread answers in the thread', async () => {
    const { alert, ref, threadId } = await postedAlert();
    await bot.service.acknowledge(alert.id, { platform: 'cli', id: 'ops', displayName: 'Ops Desk', email: alex.upn }, 'cli');
    const acked = await bot.store.getAlert(alert.id);
    await bot.platform.updateAlert(ref, acked!);
    const [put] = connector.find('PUT', /activities/);
    expect(put.path).toBe(`/v3/conversations/${threadId}/activities/${ref.messageId}`);
    expect(cardText(cardOf(put.body))).toContain('Acknowledged by Ops Desk');

    await bot.platform.replyInThread(ref, 'Escalated to the on-call lead');
    const replies = connector.find('POST', new RegExp(`^/v3/conversations/${threadId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/activities`));
    expect(replies.map((r) => r.body.text)).toEqual(['Escalated to the on-call lead']);
  });
});

describe('card buttons (Action.Execute)', () => {
  test('Acknowledge answers with a card that names the acknowledger, redraws it for everyone, and reports the transition', async () => {
    const { alert, ref, threadId } = await postedAlert();
    const answer = await send(
      bot.endpoint,
      executeClick(connector.url, threadId, ref.messageId, alex, 'ack', { verb: 'ack', alertId: alert.id, version: alert.version }),
    );
    expect(answer.status).toBe(200);
    const { type, value } = invokeAnswer(answer);
    expect(type).toBe(CARD);
    expect(cardText(value)).toContain('Acknowledged by Alex Wilber');
    const stored = await bot.store.getAlert(alert.id);
    expect(stored?.status).toBe('acknowledged');
    expect(stored?.lastChange?.actor).toEqual({ platform: 'teams', id: alex.aadObjectId, displayName: alex.name, email: alex.upn });
    // The UPN came from the team's member list (Teams activities carry none).
    expect(connector.find('GET', /\/members\//).map((c) => c.path)).toEqual([`/v3/conversations/${TEAM.id}/members/${alex.id}`]);
    await bot.platform.idle();
    const [put] = connector.find('PUT', /activities/);
    expect(put.path).toBe(`/v3/conversations/${threadId}/activities/${ref.messageId}`);
    expect(cardText(cardOf(put.body))).toContain('Acknowledged by Alex Wilber');
    expect(bot.transitions.map((a) => a.id)).toEqual([alert.id]);
  });

  test('someone not on the allow-list is refused with a visible message, and the card does not change', async () => {
    const { alert, ref, threadId } = await postedAlert();
    const answer = await send(
      bot.endpoint,
      executeClick(connector.url, threadId, ref.messageId, mallory, 'ack', { verb: 'ack', alertId: alert.id, version: alert.version }),
    );
    const { type, value } = invokeAnswer(answer);
    expect(type).toBe(MESSAGE);
    expect(String(value)).toMatch(/^Not allowed: Mallory .* is not on the FirstWatch allow-list/);
    await bot.platform.idle();
    expect(connector.find('PUT', /activities/)).toHaveLength(0);
    expect((await bot.store.getAlert(alert.id))?.status).toBe('open');
    expect(bot.transitions).toHaveLength(0);
    const audit = await bot.store.listAudit({ alertId: alert.id, limit: 10 });
    expect(audit.map((a) => [a.actor.displayName, a.outcome])).toEqual([['Mallory', 'refused']]);
  });

  test('two people clicking Acknowledge on the same card: one transition, and both see a card naming the first', async () => {
    const { alert, ref, threadId } = await postedAlert();
    const click = (p: typeof alex) =>
      executeClick(connector.url, threadId, ref.messageId, p, 'ack', { verb: 'ack', alertId: alert.id, version: alert.version });
    const first = invokeAnswer(await send(bot.endpoint, click(alex)));
    const second = invokeAnswer(await send(bot.endpoint, click(bea)));
    expect(first.type).toBe(CARD);
    expect(second.type).toBe(CARD);
    expect(cardText(first.value)).toContain('Acknowledged by Alex Wilber');
    expect(cardText(second.value)).toContain('Acknowledged by Alex Wilber');
    expect(cardText(second.value)).not.toContain('Bea Lopez');
    const audit = (await bot.store.listAudit({ alertId: alert.id, limit: 10 })).sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
    expect(audit.map((a) => [a.actor.displayName, a.outcome])).toEqual([
      ['Alex Wilber', 'allowed'],
      ['Bea Lopez', 'noop'],
    ]);
    expect((await bot.store.getAlert(alert.id))?.version).toBe(alert.version + 1);
  });

  test('a click on an up-to-date card that changes nothing is answered with a message, not a redraw', async () => {
    const { alert, ref, threadId } = await postedAlert();
    await send(
      bot.endpoint,
      executeClick(connector.url, threadId, ref.messageId, alex, 'ack', { verb: 'ack', alertId: alert.id, version: 1 }),
    );
    const again = invokeAnswer(
      await send(
        bot.endpoint,
        executeClick(connector.url, threadId, ref.messageId, bea, 'ack', { verb: 'ack', alertId: alert.id, version: 2 }),
      ),
    );
    expect(again.type).toBe(MESSAGE);
    expect(String(again.value)).toContain(`${alert.id} is already acknowledged by Alex Wilber`);
  });

  test('a malformed button payload is refused with the reason and changes nothing', async () => {
    const { alert, ref, threadId } = await postedAlert();
    const answer = invokeAnswer(
      await send(
        bot.endpoint,
        executeClick(connector.url, threadId, ref.messageId, alex, 'ack', { verb: 'ack', alertId: 'FW-x', version: 1 }),
      ),
    );
    expect(answer.type).toBe(MESSAGE);
    expect(String(answer.value)).toContain('That button could not be used');
    expect((await bot.store.getAlert(alert.id))?.status).toBe('open');
  });

  test('Hunt on a card without a hunt runner says so in the thread; the card stays', async () => {
    const { alert, ref, threadId } = await postedAlert();
    const answer = invokeAnswer(
      await send(
        bot.endpoint,
        executeClick(connector.url, threadId, ref.messageId, alex, 'hunt', { verb: 'hunt', alertId: alert.id, version: 1 }),
      ),
    );
    expect(answer.type).toBe(MESSAGE);
    expect(String(answer.value)).toContain(`Hunting ${alert.subject.upn}`);
    await bot.platform.idle();
    const posted = connector.find('POST', /\/activities$/).map((c) => c.body.text);
    expect(posted).toContain(HUNT_NOT_CONFIGURED);
    expect(connector.find('PUT', /activities/)).toHaveLength(0);
  });
});

describe('Action.Submit fallback', () => {
  test('a flat submit payload acknowledges and updates the clicked card via replyToId', async () => {
    const { alert, ref, threadId } = await postedAlert();
    const answer = await send(
      bot.endpoint,
      submitClick(connector.url, threadId, ref.messageId, bea, { verb: 'ack', alertId: alert.id, version: 1 }),
    );
    expect(answer.status).toBe(200);
    const [put] = connector.find('PUT', /activities/);
    expect(put.path).toBe(`/v3/conversations/${threadId}/activities/${ref.messageId}`);
    expect(cardText(cardOf(put.body))).toContain('Acknowledged by Bea Lopez');
    expect(bot.transitions.map((a) => a.id)).toEqual([alert.id]);
  });

  test('a refused submit is explained in the thread and the card is left alone', async () => {
    const { alert, ref, threadId } = await postedAlert();
    await send(bot.endpoint, submitClick(connector.url, threadId, ref.messageId, mallory, { verb: 'ack', alertId: alert.id, version: 1 }));
    await bot.platform.idle();
    expect(connector.find('PUT', /activities/)).toHaveLength(0);
    const texts = connector.find('POST', /\/activities$/).map((c) => String(c.body.text));
    expect(texts.some((t) => t.includes('Not allowed'))).toBe(true);
  });
});

describe('typed commands', () => {
  test('a channel post that @mentions the bot goes through the router, and the reply lands in that thread', async () => {
    await install();
    await bot.seed(2);
    const activity = channelMention(connector.url, ALERTS, alex, 'alerts');
    expect((await send(bot.endpoint, activity)).status).toBe(200);
    const thread = (activity.conversation as { id: string }).id;
    const [reply] = connector.find('POST', /\/activities$/).filter((c) => c.path === `/v3/conversations/${thread}/activities`);
    const text = cardText(cardOf(reply.body));
    expect(text).toContain('Open alerts (2)');
    expect(text).toContain('FW-1');
    expect(text).toContain('FW-2');
  });

  test('ack FW-1 in a personal chat acknowledges as the sender and reports the transition', async () => {
    await bot.seed(1);
    await send(bot.endpoint, personalMessage(connector.url, bea, 'ack FW-1'));
    expect((await bot.store.getAlert('FW-1'))?.lastChange?.actor.email).toBe(bea.upn);
    expect(bot.transitions.map((a) => a.id)).toEqual(['FW-1']);
    const stored = await bot.store.listConversationRefs('teams');
    expect(stored.map((r) => r.name)).toEqual([`Personal chat with ${bea.name}`]);
  });

  test('an unknown command answers with what went wrong, as text', async () => {
    await send(bot.endpoint, personalMessage(connector.url, alex, 'frobnicate FW-1'));
    const [reply] = connector.find('POST', /\/activities$/);
    expect(String(reply.body.text)).toContain('Unknown command "frobnicate"');
  });

  test('hunt without a hunt runner says hunting is not configured', async () => {
    await send(bot.endpoint, personalMessage(connector.url, alex, 'hunt alice@contoso.com'));
    const [reply] = connector.find('POST', /\/activities$/);
    expect(reply.body.text).toBe(HUNT_NOT_CONFIGURED);
  });
});

describe('the 5 s budget of a card action', () => {
  test('a slow router gets "working on it" in time, and the card is redrawn when the action completes', async () => {
    await bot.close();
    // The real router, reached through a slow link (a busy database, say) that lets the
    // action through only once the invoke has been answered: slower than any budget.
    let answered: () => void = () => undefined;
    const invokeAnswered = new Promise<void>((resolve) => (answered = resolve));
    bot = await startBot({
      allow: [alex.upn],
      actionBudgetMs: 300,
      wrapRouter: (router) => ({
        handleText: (text, ctx) => router.handleText(text, ctx),
        handleAction: async (payload, ctx) => {
          await invokeAnswered;
          return router.handleAction(payload, ctx);
        },
      }),
    });
    const { alert, ref, threadId } = await postedAlert();
    const click = send(
      bot.endpoint,
      executeClick(connector.url, threadId, ref.messageId, alex, 'ack', { verb: 'ack', alertId: alert.id, version: 1 }),
    );
    void click.then(answered, answered);
    const answer = invokeAnswer(await click);
    expect(answer.type).toBe(MESSAGE);
    expect(String(answer.value)).toContain('Working on it');
    await eventually('the late redraw', () => (connector.find('PUT', /activities/).length > 0 ? true : undefined));
    await bot.platform.idle();
    const [put] = connector.find('PUT', /activities/);
    expect(cardText(cardOf(put.body))).toContain('Acknowledged by Alex Wilber');
    expect(bot.transitions.map((a) => a.id)).toEqual([alert.id]);
  });
});
