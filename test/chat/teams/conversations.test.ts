import { actorFromSender } from '../../../src/chat/teams/actor';
import { ConversationDirectory, conversationOf, parseTeamsConversation } from '../../../src/chat/teams/conversations';
import { commandText } from '../../../src/chat/teams/mentions';
import { silentLogger } from '../../../src/logging/logger';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store';
import { newAlert } from '../../support/alert-builder';

const SERVICE = 'https://smba.trafficmanager.net/emea/';
const BOT = { id: '28:bot', name: 'FirstWatch' };

function channelActivity(team: { id: string; name?: string }, channel: { id: string; name?: string }, messageId?: string) {
  return {
    type: 'message',
    channelId: 'msteams',
    serviceUrl: SERVICE,
    recipient: BOT,
    from: { id: '29:u', name: 'U' },
    conversation: {
      id: messageId ? `${channel.id};messageid=${messageId}` : channel.id,
      conversationType: 'channel',
      isGroup: true,
      tenantId: 't',
    },
    channelData: { team, channel },
  };
}

describe('conversationOf', () => {
  test('a message in a thread is captured as its channel, General named for the team channel', () => {
    const c = conversationOf(channelActivity({ id: '19:team', name: 'SecOps' }, { id: '19:team' }, '42'));
    expect(c).toMatchObject({
      kind: 'channel',
      conversationId: '19:team',
      name: 'General',
      teamId: '19:team',
      teamName: 'SecOps',
      tenantId: 't',
    });
  });

  test('a personal chat keeps its id and is named after the person', () => {
    const c = conversationOf({
      type: 'message',
      serviceUrl: SERVICE,
      recipient: BOT,
      from: { id: '29:a', name: 'Alex' },
      conversation: { id: 'a:1', conversationType: 'personal' },
    });
    expect(c).toMatchObject({ kind: 'personal', conversationId: 'a:1', name: 'Personal chat with Alex' });
  });

  test('an activity without a service URL or bot cannot be posted back to', () => {
    expect(conversationOf({ type: 'message', conversation: { id: 'x' }, recipient: BOT })).toBeUndefined();
    expect(conversationOf({ type: 'message', serviceUrl: SERVICE, conversation: { id: 'x' } })).toBeUndefined();
  });

  test('stored references are validated when read back', () => {
    const good = conversationOf(channelActivity({ id: '19:team' }, { id: '19:c', name: 'Alerts' }));
    expect(parseTeamsConversation(JSON.parse(JSON.stringify(good)))).toEqual(good);
    expect(parseTeamsConversation({ ...good, serviceUrl: 'not a url' })).toBeUndefined();
    expect(parseTeamsConversation({ ...good, v: 2 })).toBeUndefined();
    expect(parseTeamsConversation('{"v":1}')).toBeUndefined();
  });
});

describe('ConversationDirectory', () => {
  let store: SqliteStore;
  let dir: ConversationDirectory;

  beforeEach(() => {
    store = new SqliteStore(':memory:');
    dir = new ConversationDirectory(store, silentLogger());
  });

  afterEach(async () => {
    await store.close();
  });

  test('finds a channel by id, by thread id, by name and by Team/Channel', async () => {
    await dir.remember(conversationOf(channelActivity({ id: '19:team', name: 'SecOps' }, { id: '19:alerts', name: 'Alerts' }))!);
    for (const target of ['19:alerts', '19:alerts;messageid=7', 'alerts', 'SecOps/Alerts']) {
      const found = await dir.lookup(target);
      expect(found.ok && found.conversation.conversationId).toBe('19:alerts');
    }
  });

  test('a later message without the channel name keeps the stored name', async () => {
    await dir.remember(conversationOf(channelActivity({ id: '19:team' }, { id: '19:alerts', name: 'Alerts' }))!);
    const other = new ConversationDirectory(store, silentLogger());
    await other.remember(conversationOf(channelActivity({ id: '19:team' }, { id: '19:alerts' }, '9'))!);
    expect((await store.getConversationRef('teams', '19:alerts'))?.name).toBe('Alerts');
  });

  test('a name shared by two teams is ambiguous and says how to disambiguate', async () => {
    await dir.remember(conversationOf(channelActivity({ id: '19:a', name: 'Red' }, { id: '19:a-alerts', name: 'Alerts' }))!);
    await dir.remember(conversationOf(channelActivity({ id: '19:b', name: 'Blue' }, { id: '19:b-alerts', name: 'Alerts' }))!);
    const found = await dir.lookup('Alerts');
    expect(found).toMatchObject({ ok: false, reason: 'ambiguous' });
    expect(found.ok ? '' : found.message).toMatch(/configure the channel id or "Team\/Channel"/);
    expect((await dir.lookup('Blue/Alerts')).ok).toBe(true);
  });

  test('deliveries waiting for the channel are released when the bot arrives', async () => {
    await store.recordPoll({
      workspace: 'w',
      detectionId: 'd',
      watermark: new Date(),
      alerts: [newAlert(1, { detectionId: 'd', workspace: 'w' })],
      targets: [{ platform: 'teams', target: 'Alerts' }],
    });
    const [work] = await store.claimDueDeliveries(new Date(), 10);
    await store.markWaiting(work.delivery.id, 'not added yet');
    await dir.remember(conversationOf(channelActivity({ id: '19:team' }, { id: '19:alerts', name: 'Alerts' }))!);
    const [delivery] = await store.listDeliveries(work.alert.id);
    expect(delivery.state).not.toBe('waiting');
  });
});

describe('commandText', () => {
  test.each([
    ['<at>FirstWatch</at> hunt alice@contoso.com', 'hunt alice@contoso.com'],
    ['<at id="0">FirstWatch</at>&nbsp;ack FW-1', 'ack FW-1'],
    ['  alerts   all ', 'alerts all'],
    ['resolve FW-2 fp &lt;noise&gt; &amp; more', 'resolve FW-2 fp <noise> & more'],
  ])('%j → %j', (input, expected) => {
    expect(commandText(input)).toBe(expected);
  });

  test('anything that is not text is an empty command', () => {
    expect(commandText(undefined)).toBe('');
    expect(commandText({ text: 'ack' })).toBe('');
  });
});

describe('actorFromSender', () => {
  test('the Entra object id is the identity; the UPN is the email', () => {
    expect(actorFromSender({ id: '29:x', name: 'Alex', aadObjectId: 'aad-1' }, 'AlexW@Contoso.com')).toEqual({
      platform: 'teams',
      id: 'aad-1',
      displayName: 'Alex',
      email: 'alexw@contoso.com',
    });
  });

  test('without an object id the Teams user id is used; nobody named is nobody', () => {
    expect(actorFromSender({ id: '29:x' })).toEqual({ platform: 'teams', id: '29:x', displayName: '29:x' });
    expect(actorFromSender({ name: 'No id' })).toBeUndefined();
    expect(actorFromSender(undefined)).toBeUndefined();
  });

  test('a malformed UPN is dropped rather than trusted', () => {
    expect(actorFromSender({ id: '29:x', userPrincipalName: 'not an email' })?.email).toBeUndefined();
  });
});
