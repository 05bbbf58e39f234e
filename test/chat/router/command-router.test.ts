import type { CommandContext, CommandReply } from '../../../src/alerts/commands';
import { CommandRouter, type InteractionEvent } from '../../../src/chat/router/command-router';
import { openSqliteStore } from '../../../src/store';
import { alex, auditSince, harness, seed, snapshot, stateOf, type Harness } from '../../alerts/harness';

const DAY = 86_400_000;
const ctx: CommandContext = { actor: alex, origin: 'slack:C0SEC' };

function routerFor(h: Harness): CommandRouter {
  return new CommandRouter({ alerts: h.service, store: h.store, huntLimits: { defaultMs: DAY, maxMs: 30 * DAY } });
}

function expectKind<K extends CommandReply['kind']>(reply: CommandReply, kind: K): Extract<CommandReply, { kind: K }> {
  if (reply.kind !== kind) throw new Error(`expected a ${kind} reply, got ${JSON.stringify(reply)}`);
  return reply as Extract<CommandReply, { kind: K }>;
}

describe('CommandRouter text commands', () => {
  let h: Harness;
  let router: CommandRouter;
  beforeEach(async () => {
    h = await harness();
    await seed(h.store, 3, h.clock);
    router = routerFor(h);
  });
  afterEach(() => h.store.close());

  it.each([
    'ack FW-1',
    '/ack FW-1',
    'ACK fw-1',
    'acknowledge FW-1',
    '  /Acknowledge    FW-1   ',
    '<at>FirstWatch</at> ack FW-1',
    '<at>FirstWatch</at>&nbsp;ack FW-1',
    '<@U0BOT> ack FW-1',
    '<@U0BOT|firstwatch>  /ack\u00a0FW-1',
  ])('acknowledges from %j', async (text) => {
    const reply = expectKind(await router.handleText(text, ctx), 'alert');
    expect(reply.alert).toMatchObject({ id: 'FW-1', status: 'acknowledged', version: 2 });
    expect(reply.message).toBe('FW-1 acknowledged by Alex Wilber.');
  });

  it('escalates with a note, kept as typed (inner spacing and lines)', async () => {
    const reply = expectKind(await router.handleText('escalate FW-2  needs the   platform team\nsee runbook', ctx), 'alert');
    expect(reply.alert.lastChange).toMatchObject({ action: 'escalate', note: 'needs the   platform team\nsee runbook' });
  });

  it('decodes the entities chat platforms escape, once', async () => {
    const reply = expectKind(await router.handleText('escalate FW-2 R&amp;D &lt;prod&gt; &amp;lt;', ctx), 'alert');
    expect(reply.alert.lastChange?.note).toBe('R&D <prod> &lt;');
    const hunt = expectKind(await router.handleText('hunt alex&lt;@contoso.com', ctx), 'error');
    expect(hunt.message).toMatch(/U\+003C/);
  });

  it.each([
    ['tp', 'true_positive'],
    ['BP', 'benign_positive'],
    ['fp', 'false_positive'],
    ['true_positive', 'true_positive'],
    ['benign-positive', 'benign_positive'],
    ['False-Positive', 'false_positive'],
  ])('resolves with classification %j', async (word, classification) => {
    const reply = expectKind(await router.handleText(`resolve FW-3 ${word} scheduled maintenance`, ctx), 'alert');
    expect(reply.alert).toMatchObject({ status: 'resolved', classification, lastChange: { note: 'scheduled maintenance' } });
  });

  it('reopens with a note, and reports a no-op as an alert reply', async () => {
    await router.handleText('resolve FW-1 fp', ctx);
    const reply = expectKind(await router.handleText('reopen FW-1 wrong call', ctx), 'alert');
    expect(reply.alert).toMatchObject({ status: 'open', lastChange: { action: 'reopen', note: 'wrong call' } });
    const noop = expectKind(await router.handleText('reopen FW-1', ctx), 'alert');
    expect(noop.message).toMatch(/already open/);
  });

  it('lists open alerts by default, or all', async () => {
    await router.handleText('resolve FW-2 bp', ctx);
    const open = expectKind(await router.handleText('alerts', ctx), 'alerts');
    expect([open.scope, open.alerts.map((a) => a.id)]).toEqual(['open', ['FW-3', 'FW-1']]);
    expect(expectKind(await router.handleText('/alerts open', ctx), 'alerts').alerts).toHaveLength(2);
    const all = expectKind(await router.handleText('ALERTS ALL', ctx), 'alerts');
    expect([all.scope, all.alerts.map((a) => a.id)]).toEqual(['all', ['FW-3', 'FW-2', 'FW-1']]);
  });

  it('shows one alert with its audit trail, oldest first', async () => {
    await router.handleText('ack FW-1', ctx);
    await router.handleText('escalate FW-1 help', ctx);
    await router.handleText('ack FW-1', ctx);
    const detail = expectKind(await router.handleText('alert fw-1', ctx), 'alert-detail');
    expect(detail.alert.id).toBe('FW-1');
    expect(detail.audit.map((e) => [e.action, e.outcome])).toEqual([
      ['acknowledge', 'allowed'],
      ['escalate', 'allowed'],
      ['acknowledge', 'allowed'],
    ]);
  });

  it.each([
    ['hunt alex@contoso.com', { upn: 'alex@contoso.com', lookbackMs: DAY }],
    ['hunt Alex@Contoso.com 7d', { upn: 'alex@contoso.com', lookbackMs: 7 * DAY }],
    ['/hunt   alex@contoso.com   90m', { upn: 'alex@contoso.com', lookbackMs: 90 * 60_000 }],
    ['<@U0BOT> hunt <mailto:alex@contoso.com|alex@contoso.com> 30d', { upn: 'alex@contoso.com', lookbackMs: 30 * DAY }],
  ])('validates and audits a hunt request from %j', async (text, request) => {
    expect(await router.handleText(text, ctx)).toEqual({ kind: 'hunt', request });
    const [entry] = await h.store.listAudit({ limit: 1 });
    expect(entry).toMatchObject({ action: 'hunt', outcome: 'allowed', actor: alex, origin: 'slack:C0SEC' });
    expect(entry.detail).toContain(request.upn);
  });

  it('answers help, and an empty mention, with the command list', async () => {
    const help = expectKind(await router.handleText('help', ctx), 'help');
    expect(help.commands.map((c) => c.usage)).toEqual([
      'ack <id>',
      'escalate <id> [note]',
      'resolve <id> <tp|bp|fp> [note]',
      'reopen <id> [note]',
      'alerts [open|all]',
      'alert <id>',
      'hunt <upn> [lookback]',
      'help',
    ]);
    expect(help.commands[6].summary).toContain('default 1d, at most 30d');
    expect(await router.handleText('<at>FirstWatch</at>', ctx)).toEqual(help);
    expect(await router.handleText('/HELP me', ctx)).toEqual(help);
  });

  const BAD: Array<[string, unknown, RegExp]> = [
    ['an unknown command', 'frobnicate FW-1', /^Unknown command "frobnicate"\.\nCommands:\nack <id>\n/],
    ['a bare slash', '/', /Unknown command "\/"/],
    ['ack without an id', 'ack', /^ack needs an alert id\.\nUsage: ack <id>$/],
    ['ack with a malformed id', 'ack FW-x', /"FW-x" is not an alert id \(expected FW-<number>\)\.\nUsage: ack <id>/],
    ['ack with id zero', 'ack FW-0', /not an alert id/],
    ['ack with extra words', 'ack FW-1 now please', /ack takes only an alert id\.\nUsage: ack <id>/],
    ['ack of an unknown alert', 'ack FW-99', /^There is no alert FW-99\.$/],
    ['escalate without an id', 'escalate', /escalate needs an alert id\.\nUsage: escalate <id> \[note\]/],
    ['escalate with a huge note', `escalate FW-1 ${'x'.repeat(1001)}`, /1001 characters; the limit is 1000\.\nUsage: escalate/],
    ['escalate with a control character', 'escalate FW-1 bell\u0007', /control character U\+0007/],
    [
      'resolve without a classification',
      'resolve FW-1',
      /resolve needs a classification for FW-1\.\nUsage: resolve <id> <tp\|bp\|fp> \[note\]/,
    ],
    ['resolve with a bad classification', 'resolve FW-1 maybe', /"maybe" is not a classification; use tp, bp or fp/],
    ['resolve with a near-miss classification', 'resolve FW-1 true positive', /"true" is not a classification/],
    ['resolve of an unknown alert', 'resolve FW-42 tp', /There is no alert FW-42/],
    ['reopen with a bad id', 'reopen 1', /"1" is not an alert id/],
    ['alerts with a bad scope', 'alerts closed', /"closed" is not a list scope; use open or all\.\nUsage: alerts \[open\|all\]/],
    ['alerts with extra words', 'alerts all now', /is not a list scope/],
    ['alert without an id', 'alert', /alert needs an alert id\.\nUsage: alert <id>/],
    ['alert of an unknown id', 'alert FW-77', /There is no alert FW-77\.\nUsage: alert <id>/],
    ['alert with extra words', 'alert FW-1 FW-2', /alert takes only an alert id/],
    ['hunt without a UPN', 'hunt', /hunt needs a UPN\.\nUsage: hunt <upn> \[lookback\]/],
    ['hunt with a malformed UPN', 'hunt alex', /Cannot hunt: a UPN needs an @ and a domain/],
    ['hunt with a quote', 'hunt "alex"@contoso.com', /Cannot hunt: character U\+0022/],
    ['hunt with a pipe', 'hunt alex@contoso.com|take', /U\+007C/],
    ['hunt with a look-alike', 'hunt аlex@contoso.com', /U\+0430/],
    ['hunt with a bad look-back', 'hunt alex@contoso.com 1y', /"1y" is not a look-back/],
    ['hunt with a look-back over the maximum', 'hunt alex@contoso.com 31d', /longer than the maximum look-back of 30d/],
    ['hunt with extra words', 'hunt alex@contoso.com 7d now', /hunt takes a UPN and an optional look-back only/],
    ['text that is not a string', { text: 'ack FW-1' }, /The command must be text/],
    ['text that is too long', `escalate FW-1 ${'x'.repeat(5000)}`, /the limit is 4000/],
  ];

  it.each(BAD)('answers %s with what was wrong, and changes nothing but a refused audit line', async (_label, text, says) => {
    const before = await stateOf(h.store);
    const audited = (await h.store.listAudit({ limit: 1000 })).length;
    const reply = expectKind(await router.handleText(text as string, ctx), 'error');
    expect(reply.message).toMatch(says);
    expect(await stateOf(h.store)).toEqual(before);
    for (const line of await auditSince(h.store, audited)) expect(line.outcome).toBe('refused');
  });

  it('refuses a malformed context before reading the text', async () => {
    const before = await snapshot(h.store);
    for (const bad of [null, {}, { actor: { platform: 'irc', id: 'x', displayName: 'x' }, origin: 'x' }, { actor: alex }]) {
      const reply = await router.handleText('ack FW-1', bad as unknown as CommandContext);
      expect(reply.kind).toBe('error');
    }
    expect(await snapshot(h.store)).toEqual(before);
  });

  it('refuses unauthorized people for every command but help, auditing each refusal and changing nothing else', async () => {
    const guarded = await harness(['bea@contoso.com'], h.store, h.clock);
    const strict = routerFor(guarded);
    const alertsBefore = await h.store.listAlerts({ status: 'all', limit: 10 });
    for (const text of ['ack FW-1', 'escalate FW-1', 'resolve FW-1 tp', 'alerts', 'alert FW-1', 'hunt alex@contoso.com']) {
      const reply = expectKind(await strict.handleText(text, ctx), 'error');
      expect(reply.message).toMatch(
        /^Not allowed: Alex Wilber .* is not on the FirstWatch allow-list \(an admin adds \S+ to RESPONDERS and restarts FirstWatch\)\.$/,
      );
    }
    expect((await strict.handleText('help', ctx)).kind).toBe('help');
    expect(await h.store.listAlerts({ status: 'all', limit: 10 })).toEqual(alertsBefore);
    const audit = await h.store.listAudit({ limit: 10 });
    expect(audit.map((e) => [e.action, e.outcome])).toEqual([
      ['acknowledge', 'refused'],
      ['escalate', 'refused'],
      ['resolve', 'refused'],
      ['list', 'refused'],
      ['view', 'refused'],
      ['hunt', 'refused'],
    ]);
  });
});

describe('CommandRouter card actions', () => {
  let h: Harness;
  let router: CommandRouter;
  beforeEach(async () => {
    h = await harness();
    await seed(h.store, 2, h.clock);
    router = routerFor(h);
  });
  afterEach(() => h.store.close());

  it('acts through the same service for every verb', async () => {
    expect(expectKind(await router.handleAction({ verb: 'ack', alertId: 'FW-1', version: 1 }, ctx), 'alert').alert.status).toBe(
      'acknowledged',
    );
    const esc = expectKind(await router.handleAction({ verb: 'escalate', alertId: 'FW-1', version: 2, note: 'tier 2' }, ctx), 'alert');
    expect(esc.alert.lastChange).toMatchObject({ action: 'escalate', note: 'tier 2' });
    const res = expectKind(
      await router.handleAction({ verb: 'resolve', alertId: 'FW-1', version: 3, classification: 'benign_positive', note: '' }, ctx),
      'alert',
    );
    expect(res.alert).toMatchObject({ status: 'resolved', classification: 'benign_positive' });
    expect(expectKind(await router.handleAction({ verb: 'reopen', alertId: 'FW-1', version: 4 }, ctx), 'alert').alert.status).toBe('open');
  });

  it('ignores card inputs a Teams card sends with every button, on verbs that do not use them', async () => {
    const reply = expectKind(
      await router.handleAction(
        { verb: 'ack', alertId: 'FW-1', version: 1, classification: '', note: 'typed for resolve', msteams: {} },
        ctx,
      ),
      'alert',
    );
    expect(reply.alert.lastChange?.note).toBeUndefined();
  });

  it('tells a person whose card was stale what changed', async () => {
    await router.handleText('resolve FW-1 fp', ctx);
    const reply = expectKind(await router.handleAction({ verb: 'escalate', alertId: 'FW-1', version: 1 }, ctx), 'error');
    expect(reply.message).toMatch(/^FW-1 changed since this card was shown\. FW-1 is resolved \(false positive\)/);
  });

  it('treats a card of unknown version (0) as stale', async () => {
    const reply = expectKind(await router.handleAction({ verb: 'ack', alertId: 'FW-1', version: 0 }, ctx), 'alert');
    expect(reply.message).toBe('The card was out of date: FW-1 was open. FW-1 acknowledged by Alex Wilber.');
  });

  it('turns a hunt button into a request for the alert subject', async () => {
    expect(await router.handleAction({ verb: 'hunt', alertId: 'FW-2', version: 1 }, ctx)).toEqual({
      kind: 'hunt',
      request: { upn: 'user2@contoso.com', lookbackMs: DAY, alertId: 'FW-2' },
    });
    const [entry] = await h.store.listAudit({ alertId: 'FW-2', limit: 1 });
    expect(entry).toMatchObject({ action: 'hunt', outcome: 'allowed' });
  });

  const polluted = JSON.parse('{"verb":"ack","alertId":"FW-1","version":1,"__proto__":{"isAdmin":true}}') as unknown;
  class Payload {
    verb = 'ack';
    alertId = 'FW-1';
    version = 1;
  }
  const GARBAGE: Array<[string, unknown, RegExp]> = [
    ['null', null, /not an object/],
    ['a string that is not JSON', 'ack FW-1', /not valid JSON/],
    ['JSON text of something other than an object', '["ack","FW-1",1]', /not an object/],
    ['a number', 42, /not an object/],
    ['an array', ['ack', 'FW-1', 1], /not an object/],
    ['an empty object', {}, /verb must be one of ack, escalate, resolve, reopen, hunt/],
    ['an unknown verb', { verb: 'delete', alertId: 'FW-1', version: 1 }, /verb must be one of/],
    ['a verb in another case', { verb: 'ACK', alertId: 'FW-1', version: 1 }, /verb must be one of/],
    ['a numeric id', { verb: 'ack', alertId: 1, version: 1 }, /alertId must look like FW-<number>/],
    ['a lower-case id', { verb: 'ack', alertId: 'fw-1', version: 1 }, /alertId/],
    ['an id with trailing space', { verb: 'ack', alertId: 'FW-1 ', version: 1 }, /alertId/],
    ['an id with injection', { verb: 'ack', alertId: "FW-1' OR 1=1", version: 1 }, /alertId/],
    ['a string version', { verb: 'ack', alertId: 'FW-1', version: '1' }, /version must be a non-negative integer/],
    ['a fractional version', { verb: 'ack', alertId: 'FW-1', version: 1.5 }, /version/],
    ['a negative version', { verb: 'ack', alertId: 'FW-1', version: -1 }, /version/],
    ['a NaN version', { verb: 'ack', alertId: 'FW-1', version: NaN }, /version/],
    ['a huge version', { verb: 'ack', alertId: 'FW-1', version: 2 ** 60 }, /version/],
    ['a missing version', { verb: 'ack', alertId: 'FW-1' }, /version/],
    ['a note that is not text', { verb: 'escalate', alertId: 'FW-1', version: 1, note: { $gt: '' } }, /note must be text/],
    [
      'a note over 1000 characters',
      { verb: 'escalate', alertId: 'FW-1', version: 1, note: 'n'.repeat(1001) },
      /1001 characters; the limit is 1000/,
    ],
    ['a megabyte note', { verb: 'escalate', alertId: 'FW-1', version: 1, note: 'n'.repeat(1 << 20) }, /the limit is 1000/],
    ['resolve without a classification', { verb: 'resolve', alertId: 'FW-1', version: 1 }, /resolve needs a classification/],
    [
      'resolve with a short classification',
      { verb: 'resolve', alertId: 'FW-1', version: 1, classification: 'fp' },
      /resolve needs a classification/,
    ],
    ['a wrong classification on ack', { verb: 'ack', alertId: 'FW-1', version: 1, classification: 'bogus' }, /classification must be/],
    ['a classification that is not text', { verb: 'ack', alertId: 'FW-1', version: 1, classification: 1 }, /classification must be text/],
    ['an unknown key', { verb: 'ack', alertId: 'FW-1', version: 1, actor: 'admin' }, /unknown key "actor"/],
    ['a __proto__ key', polluted, /forbidden key "__proto__"/],
    [
      'a constructor key',
      { verb: 'ack', alertId: 'FW-1', version: 1, constructor: { prototype: { x: 1 } } },
      /forbidden key "constructor"/,
    ],
    ['a prototype key', { verb: 'ack', alertId: 'FW-1', version: 1, prototype: {} }, /forbidden key "prototype"/],
    ['a symbol key', { verb: 'ack', alertId: 'FW-1', version: 1, [Symbol('x')]: 1 }, /symbol key/],
    ['a class instance', new Payload(), /not a plain object/],
    ['an inherited verb', Object.create({ verb: 'ack', alertId: 'FW-1', version: 1 }) as unknown, /not a plain object/],
    ['a hunt on an unknown alert', { verb: 'hunt', alertId: 'FW-9', version: 1 }, /There is no alert FW-9/],
    ['an ack on an unknown alert', { verb: 'ack', alertId: 'FW-9', version: 1 }, /There is no alert FW-9/],
  ];

  it.each(GARBAGE)('refuses %s with a reason, audits it, and changes nothing else', async (_label, payload, says) => {
    const before = await stateOf(h.store);
    const audited = (await h.store.listAudit({ limit: 1000 })).length;
    const reply = expectKind(await router.handleAction(payload, ctx), 'error');
    expect(reply.message).toMatch(says);
    expect(await stateOf(h.store)).toEqual(before);
    expect(await auditSince(h.store, audited)).toEqual([expect.objectContaining({ outcome: 'refused' })]);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('accepts a null-prototype object with valid fields', async () => {
    const bare = Object.assign(Object.create(null) as object, { verb: 'ack', alertId: 'FW-1', version: 1 });
    expect((await router.handleAction(bare, ctx)).kind).toBe('alert');
  });
});

describe('CommandRouter structured commands', () => {
  let h: Harness;
  let router: CommandRouter;
  beforeEach(async () => {
    h = await harness();
    await seed(h.store, 3, h.clock);
    router = routerFor(h);
  });
  afterEach(() => h.store.close());

  it('resolves with a classification and a note given as parts, the note kept whole', async () => {
    const reply = expectKind(
      await router.handleCommand({ verb: 'resolve', alertId: 'FW-3', classification: 'fp', note: 'patching job\nsee change 42' }, ctx),
      'alert',
    );
    expect(reply.alert).toMatchObject({
      status: 'resolved',
      classification: 'false_positive',
      lastChange: { note: 'patching job\nsee change 42' },
    });
  });

  it('answers a structured command with the same reply as the same words typed', async () => {
    const typed = expectKind(await router.handleText('escalate FW-1 needs the VM owner', ctx), 'alert');
    const given = expectKind(await router.handleCommand({ verb: 'escalate', alertId: 'FW-2', note: 'needs the VM owner' }, ctx), 'alert');
    expect(given.message).toBe(typed.message?.replace('FW-1', 'FW-2'));
    expect(given.alert.lastChange).toMatchObject({ action: 'escalate', note: 'needs the VM owner' });
  });

  it.each([
    [{ verb: 'ack', alertId: 'FW-one' }, /"FW-one" is not an alert id/],
    [{ verb: 'resolve', alertId: 'FW-1', classification: 'maybe' }, /"maybe" is not a classification/],
    [{ verb: 'resolve', alertId: 'FW-1', classification: '' }, /resolve needs a classification for FW-1/],
    [{ verb: 'alerts', scope: 'closed' }, /"closed" is not a list scope/],
    [{ verb: 'hunt', upn: 'not an upn' }, /Cannot hunt/],
    [{ verb: 'hunt', upn: 'alex@contoso.com', workspace: 'elsewhere' }, /no workspace "elsewhere"/],
  ] as const)('validates %j as the text path does, and changes nothing but a refused audit line', async (command, says) => {
    const before = await stateOf(h.store);
    const audited = (await h.store.listAudit({ limit: 1000 })).length;
    expect(expectKind(await router.handleCommand(command, ctx), 'error').message).toMatch(says);
    expect(await stateOf(h.store)).toEqual(before);
    for (const line of await auditSince(h.store, audited)) expect(line.outcome).toBe('refused');
  });

  it('refuses a malformed context', async () => {
    const reply = await router.handleCommand({ verb: 'ack', alertId: 'FW-1' }, { actor: null, origin: 'cli' } as unknown as CommandContext);
    expect(expectKind(reply, 'error').message).toMatch(/no requester/);
  });
});

describe('CommandRouter construction', () => {
  it('refuses hunt limits that make no sense', async () => {
    const h = await harness();
    for (const huntLimits of [
      { defaultMs: 0, maxMs: DAY },
      { defaultMs: 2 * DAY, maxMs: DAY },
      { defaultMs: 1.5, maxMs: DAY },
    ]) {
      expect(() => new CommandRouter({ alerts: h.service, store: h.store, huntLimits })).toThrow(/huntLimits/);
    }
    await h.store.close();
  });
});

describe('CommandRouter onInteraction hook', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await seed(h.store, 1, h.clock);
  });
  afterEach(() => h.store.close());

  it('is told of every command and button with its answer, or with what it threw', async () => {
    const events: InteractionEvent[] = [];
    const router = new CommandRouter({
      alerts: h.service,
      store: h.store,
      huntLimits: { defaultMs: DAY, maxMs: 30 * DAY },
      onInteraction: (e) => events.push(e),
    });
    await router.handleText('ack FW-1', ctx);
    await router.handleAction({ verb: 'reopen', alertId: 'FW-1', version: 2 }, ctx);
    const gone = openSqliteStore(':memory:');
    await gone.close();
    const failing = new CommandRouter({
      alerts: h.service,
      store: gone,
      huntLimits: { defaultMs: DAY, maxMs: 30 * DAY },
      onInteraction: (e) => events.push(e),
    });
    const thrown = await failing.handleText('alerts', ctx).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(thrown).toBeDefined();
    expect(events.map((e) => [e.type, e.input, 'reply' in e ? e.reply.kind : String(e.error)])).toEqual([
      ['text', 'ack FW-1', 'alert'],
      ['action', { verb: 'reopen', alertId: 'FW-1', version: 2 }, 'error'],
      ['text', 'alerts', String(thrown)],
    ]);
    expect(events.every((e) => e.ctx === ctx)).toBe(true);
  });

  it('a hook that throws leaves the answer as it was', async () => {
    const router = new CommandRouter({
      alerts: h.service,
      store: h.store,
      huntLimits: { defaultMs: DAY, maxMs: 30 * DAY },
      onInteraction: () => {
        throw new Error('metrics broke');
      },
    });
    const reply = expectKind(await router.handleText('ack FW-1', ctx), 'alert');
    expect(reply.alert).toMatchObject({ id: 'FW-1', status: 'acknowledged' });
  });
});
