import { AccessPolicy } from '../../src/alerts/access/access-policy';
import { AlertService } from '../../src/alerts/alert-service';
import type { CommandContext, CommandReply } from '../../src/alerts/commands';
import { PerUserHuntLimit } from '../../src/alerts/hunt/per-user-limit';
import type { Actor } from '../../src/alerts/types';
import { placeResolver } from '../../src/app/places';
import { CommandRouter } from '../../src/chat/router/command-router';
import { loadConfig } from '../../src/config';
import { ConfigError } from '../../src/config/errors';
import type { DeliveryTarget } from '../../src/delivery/types';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { DETECTION, newAlert } from '../support/alert-builder';
import { TestClock, person } from '../store/fixtures';

const DAY = 86_400_000;
const NO_FILE = { envFile: false } as const;

// Two customers, each with its own alert channel, and one shared escalation channel.
const CONTOSO_CHANNEL = 'C0CONTOSO';
const FABRIKAM_CHANNEL = 'C0FABRIKAM';
const ESCALATION_CHANNEL = 'C0ONCALL';

const lead = person('Lee Lead', 'lead@mssp.example', 'slack');
const carol = person('Carol Contoso', 'carol@mssp.example', 'slack');
const frank = person('Frank Fabrikam', 'frank@mssp.example', 'slack');
const stranger = person('Sam Stranger', 'sam@elsewhere.example', 'slack');
const noEmail: Actor = { platform: 'slack', id: 'U0NOMAIL', displayName: 'No Mail' };

interface World {
  store: SqliteStore;
  clock: TestClock;
  alerts: AlertService;
  router: CommandRouter;
}

async function world(opts: { channelMembers?: boolean; huntsPerMinute?: number } = {}): Promise<World> {
  const clock = new TestClock();
  const store = new SqliteStore(':memory:', { clock: clock.now });
  const bindings: { name: string; targets: DeliveryTarget[] }[] = [
    { name: 'contoso', targets: [{ platform: 'slack', target: CONTOSO_CHANNEL }] },
    { name: 'fabrikam', targets: [{ platform: 'slack', target: FABRIKAM_CHANNEL }] },
  ];
  const alerts = new AlertService({
    store,
    clock: clock.now,
    authorizer: new AccessPolicy({
      allow: ['lead@mssp.example'],
      channelMembers: opts.channelMembers ?? false,
      workspaces: [
        { name: 'contoso', responders: ['carol@mssp.example'] },
        { name: 'fabrikam', responders: ['frank@mssp.example'] },
      ],
      places: placeResolver({
        workspaces: bindings,
        escalation: [{ platform: 'slack', target: ESCALATION_CHANNEL }],
        conversations: store,
      }),
    }),
  });
  // FW-1 is contoso's, FW-2 fabrikam's.
  for (const [n, workspace, channel] of [
    [1, 'contoso', CONTOSO_CHANNEL],
    [2, 'fabrikam', FABRIKAM_CHANNEL],
  ] as const) {
    await store.recordPoll({
      workspace,
      detectionId: DETECTION,
      watermark: clock.now(),
      alerts: [newAlert(n, { workspace })],
      targets: [{ platform: 'slack', target: channel }],
    });
  }
  const router = new CommandRouter({
    alerts,
    store,
    huntLimits: { defaultMs: DAY, maxMs: 30 * DAY },
    workspaces: ['contoso', 'fabrikam'],
    clock: clock.now,
    ...(opts.huntsPerMinute !== undefined ? { huntsPerUser: new PerUserHuntLimit(opts.huntsPerMinute) } : {}),
  });
  return { store, clock, alerts, router };
}

function at(actor: Actor, channel: string): CommandContext {
  return { actor, origin: `slack:${channel}` };
}

function errorOf(reply: CommandReply): string {
  if (reply.kind !== 'error') throw new Error(`expected a refusal, got ${JSON.stringify(reply).slice(0, 300)}`);
  return reply.message;
}

describe('deny unless allowed: start-up', () => {
  it.each([
    ['Slack', { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }],
    ['a Teams bot', { TEAMS_APP_ID: '66666666-7777-8888-9999-000000000000', TEAMS_APP_PASSWORD: 'p' }],
  ])('refuses to start with %s configured and no responders, naming RESPONDERS and channel-members', (_label, env) => {
    let thrown: unknown;
    try {
      loadConfig(env, NO_FILE);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variables).toEqual(['RESPONDERS']);
    expect((thrown as Error).message).toMatch(/RESPONDERS is empty .*RESPONDERS=channel-members/);
  });

  it('keeps the embedded demo open, and reads channel-members and per-workspace lists', () => {
    expect(loadConfig({}, NO_FILE).responders).toEqual({ mode: 'open' });
    expect(
      loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', RESPONDERS: 'channel-members,lead@mssp.example' }, NO_FILE)
        .responders,
    ).toEqual({
      mode: 'restricted',
      allow: ['lead@mssp.example'],
      channelMembers: true,
    });
    const scoped = loadConfig(
      {
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_APP_TOKEN: 'xapp-1',
        WORKSPACES: 'contoso',
        WORKSPACE_CONTOSO_ID: '11111111-2222-3333-4444-555555555555',
        WORKSPACE_CONTOSO_RESPONDERS: 'carol@mssp.example',
      },
      NO_FILE,
    );
    expect(scoped.responders).toEqual({ mode: 'restricted', allow: [], channelMembers: false });
    expect(scoped.workspaces[0]?.responders).toEqual(['carol@mssp.example']);
  });
});

describe('deny unless allowed: who and from where', () => {
  let w: World;
  afterEach(() => w.store.close());

  it('refuses a listed-nowhere person in a configured channel, for acting, listing, reading and hunting, and audits each', async () => {
    w = await world();
    const ctx = at(stranger, CONTOSO_CHANNEL);
    expect(errorOf(await w.router.handleText('ack FW-1', ctx))).toMatch(/^Not allowed: .*not on the FirstWatch allow-list/);
    expect(errorOf(await w.router.handleText('alerts all', ctx))).toMatch(/^Not allowed/);
    expect(errorOf(await w.router.handleText('alert FW-1', ctx))).toMatch(/^Not allowed/);
    expect(errorOf(await w.router.handleText('hunt user1@contoso.com 30d', ctx))).toMatch(/^Not allowed/);
    expect(
      errorOf(await w.router.handleAction({ verb: 'resolve', alertId: 'FW-1', version: 1, classification: 'false_positive' }, ctx)),
    ).toMatch(/^Not allowed/);
    expect((await w.store.getAlert('FW-1'))?.status).toBe('open');
    const audit = await w.store.listAudit({ limit: 100 });
    expect(audit.map((a) => [a.action, a.outcome])).toEqual([
      ['acknowledge', 'refused'],
      ['list', 'refused'],
      ['view', 'refused'],
      ['hunt', 'refused'],
      ['resolve', 'refused'],
    ]);
  });

  it('refuses a person without an email, even to read an alert', async () => {
    w = await world({ channelMembers: false });
    expect(errorOf(await w.router.handleText('alert FW-1', at(noEmail, CONTOSO_CHANNEL)))).toMatch(/no email address/);
  });

  it('with channel-members, allows anyone in a configured alert or escalation channel and no one elsewhere', async () => {
    w = await world({ channelMembers: true });
    expect((await w.router.handleText('ack FW-1', at(stranger, CONTOSO_CHANNEL))).kind).toBe('alert');
    expect((await w.router.handleText('escalate FW-2', at(stranger, ESCALATION_CHANNEL))).kind).toBe('alert');
    expect(errorOf(await w.router.handleText('alerts all', at(stranger, 'C0RANDOM')))).toMatch(
      /not a configured alert or escalation channel/,
    );
    expect(errorOf(await w.router.handleText('resolve FW-1 fp', at(stranger, 'D0DIRECT')))).toMatch(
      /direct messages are open only to listed responders/,
    );
    expect(errorOf(await w.router.handleText('hunt user1@contoso.com 30d', at(stranger, 'D0DIRECT')))).toMatch(/^Not allowed/);
    expect((await w.store.getAlert('FW-1'))?.status).toBe('acknowledged');
    const refused = (await w.store.listAudit({ limit: 100 })).filter((a) => a.outcome === 'refused');
    expect(refused.map((a) => a.origin)).toEqual(['slack:C0RANDOM', 'slack:D0DIRECT', 'slack:D0DIRECT']);
  });

  it('lets a listed responder act from a direct message, and nobody from a channel FirstWatch was not configured for', async () => {
    w = await world();
    expect((await w.router.handleText('ack FW-1', at(lead, 'D0LEAD'))).kind).toBe('alert');
    expect(errorOf(await w.router.handleText('ack FW-2', at(lead, 'C0RANDOM')))).toMatch(/not a configured alert or escalation channel/);
    expect((await w.store.getAlert('FW-2'))?.status).toBe('open');
  });
});

describe('workspaces are a boundary', () => {
  let w: World;
  afterEach(() => w.store.close());

  it.each([
    ['contoso', carol, 'FW-1', 'FW-2', CONTOSO_CHANNEL],
    ['fabrikam', frank, 'FW-2', 'FW-1', FABRIKAM_CHANNEL],
  ] as const)(
    'a %s responder acts on, lists and hunts only their workspace, each refusal audited',
    async (own, who, mine, theirs, channel) => {
      w = await world();
      const other = own === 'contoso' ? 'fabrikam' : 'contoso';
      const dm = at(who, 'D0SELF');
      expect((await w.router.handleText(`ack ${mine}`, dm)).kind).toBe('alert');
      expect(errorOf(await w.router.handleText(`ack ${theirs}`, dm))).toMatch(new RegExp(`may not act on workspace ${other}`));
      expect(
        errorOf(await w.router.handleAction({ verb: 'resolve', alertId: theirs, version: 1, classification: 'true_positive' }, dm)),
      ).toMatch(/may not act/);
      expect(errorOf(await w.router.handleText(`alert ${theirs}`, dm))).toMatch(/may not act/);
      const listed = await w.router.handleText('alerts all', dm);
      expect(listed.kind === 'alerts' && listed.alerts.map((a) => a.id)).toEqual([mine]);
      expect(errorOf(await w.router.handleText(`hunt user1@contoso.com 7d ${other}`, dm))).toMatch(/may not act on workspace/);
      const hunt = await w.router.handleText('hunt user1@contoso.com 7d', dm);
      // "Every workspace" is narrowed to the one they may see.
      expect(hunt.kind === 'hunt' && hunt.request.workspace).toBe(own);
      // Their own channel works too; the other's channel shows them nothing.
      expect(errorOf(await w.router.handleText('alerts all', at(who, own === 'contoso' ? FABRIKAM_CHANNEL : CONTOSO_CHANNEL)))).toMatch(
        /this channel shows only/,
      );
      expect((await w.router.handleText('alerts all', at(who, channel))).kind).toBe('alerts');
      expect((await w.store.getAlert(theirs))?.status).toBe('open');
      const refused = (await w.store.listAudit({ limit: 100 })).filter((a) => a.outcome === 'refused');
      expect(refused.map((a) => a.action)).toEqual(['acknowledge', 'resolve', 'view', 'hunt', 'list']);
      expect(refused.every((a) => a.detail?.startsWith('not authorized: '))).toBe(true);
    },
  );

  it("a channel bound to one workspace shows and changes only that workspace's alerts, even for a lead allowed everywhere", async () => {
    w = await world({ channelMembers: true });
    const inContoso = at(lead, CONTOSO_CHANNEL);
    const listed = await w.router.handleText('alerts all', inContoso);
    expect(listed.kind === 'alerts' && listed.alerts.map((a) => a.id)).toEqual(['FW-1']);
    expect(errorOf(await w.router.handleText('ack FW-2', inContoso))).toMatch(/may not act on workspace fabrikam/);
    expect(errorOf(await w.router.handleAction({ verb: 'hunt', alertId: 'FW-2', version: 1 }, inContoso))).toMatch(
      /may not act on workspace fabrikam/,
    );
    // The lead in a direct message sees both; the escalation channel shows both.
    const all = await w.router.handleText('alerts all', at(lead, 'D0LEAD'));
    expect(all.kind === 'alerts' && all.alerts.map((a) => a.id)).toEqual(['FW-2', 'FW-1']);
    const hunt = await w.router.handleText('hunt user1@contoso.com 7d', at(lead, ESCALATION_CHANNEL));
    expect(hunt.kind === 'hunt' && hunt.request.workspace).toBeUndefined();
  });
});

describe('every refusal audited, rate-limited per actor', () => {
  let w: World;
  afterEach(() => w.store.close());

  it.each([
    ['an unknown alert id', (r: CommandRouter, c: CommandContext) => r.handleText('ack FW-99', c), 'acknowledge', /no such alert/],
    [
      'a card version from the future',
      (r: CommandRouter, c: CommandContext) => r.handleAction({ verb: 'ack', alertId: 'FW-1', version: 9 }, c),
      'acknowledge',
      /card claims version 9/,
    ],
    [
      'a malformed button',
      (r: CommandRouter, c: CommandContext) => r.handleAction({ verb: 'ack', alertId: 'FW-1', version: 1, isAdmin: true }, c),
      'button',
      /malformed button/,
    ],
    ['a hunt with a bad UPN', (r: CommandRouter, c: CommandContext) => r.handleText('hunt "x"@contoso.com', c), 'hunt', /invalid UPN/],
    [
      'a hunt with a look-back over the maximum',
      (r: CommandRouter, c: CommandContext) => r.handleText('hunt user1@contoso.com 90d', c),
      'hunt',
      /invalid look-back/,
    ],
    [
      'a hunt of an unknown workspace',
      (r: CommandRouter, c: CommandContext) => r.handleText('hunt user1@contoso.com 7d globex', c),
      'hunt',
      /no workspace/,
    ],
    [
      'a bad classification',
      (r: CommandRouter, c: CommandContext) => r.handleText('resolve FW-1 maybe', c),
      'resolve',
      /not a classification/,
    ],
  ])('audits %s with its reason', async (_label, call, action, detail) => {
    w = await world();
    const ctx = at(lead, CONTOSO_CHANNEL);
    expect((await call(w.router, ctx)).kind).toBe('error');
    expect(await w.store.listAudit({ limit: 10 })).toEqual([
      expect.objectContaining({ action, outcome: 'refused', origin: ctx.origin, actor: lead, detail: expect.stringMatching(detail) }),
    ]);
  });

  it('records at most 30 refusals of one actor a minute, then says how many went unrecorded', async () => {
    w = await world();
    const ctx = at(stranger, CONTOSO_CHANNEL);
    for (let i = 0; i < 500; i++) await w.router.handleText('ack FW-1', ctx);
    // Someone else's refusal is still recorded.
    await w.router.handleText('ack FW-1', at(noEmail, CONTOSO_CHANNEL));
    expect(await w.store.listAudit({ limit: 1000 })).toHaveLength(31);
    w.clock.advance(60_000);
    await w.router.handleText('ack FW-1', ctx);
    const last = (await w.store.listAudit({ limit: 1000 })).at(-1);
    expect(last?.detail).toMatch(/\(470 earlier refusals of this actor not recorded one by one\)$/);
  });
});

describe('fair use: the per-user hunt limit', () => {
  let w: World;
  afterEach(() => w.store.close());

  it('lets one person start 6 hunts a minute, refuses the 7th with the wait, audits it, and frees up as the minute passes', async () => {
    w = await world({ huntsPerMinute: 6 });
    const ctx = at(lead, 'D0LEAD');
    for (let i = 0; i < 6; i++) {
      expect((await w.router.handleText('hunt user1@contoso.com 1d', ctx)).kind).toBe('hunt');
      w.clock.advance(1_000);
    }
    expect(errorOf(await w.router.handleText('hunt user1@contoso.com 1d', ctx))).toBe(
      'Hunt limit reached: 6 hunts a minute per person. Try again in 54 s.',
    );
    // Another person is not held up by the first.
    expect((await w.router.handleText('hunt user1@contoso.com 1d', at(carol, 'D0CAROL'))).kind).toBe('hunt');
    const refused = (await w.store.listAudit({ limit: 100 })).filter((a) => a.outcome === 'refused');
    expect(refused).toEqual([expect.objectContaining({ action: 'hunt', detail: expect.stringMatching(/per-user hunt limit/) })]);
    w.clock.advance(54_000);
    expect((await w.router.handleText('hunt user1@contoso.com 1d', ctx)).kind).toBe('hunt');
  });
});
