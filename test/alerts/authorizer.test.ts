import { AllowListAuthorizer } from '../../src/alerts/authorizer';
import type { Actor } from '../../src/alerts/types';

const slackAlex: Actor = { platform: 'slack', id: 'U123', displayName: 'Alex', email: 'Alex@Contoso.com' };
const teamsNoEmail: Actor = { platform: 'teams', id: '6f1c-AAD', displayName: 'Sam' };

describe('AllowListAuthorizer', () => {
  it('lets everyone in when the list is empty (blank entries do not count)', () => {
    const auth = new AllowListAuthorizer(['', '  ']);
    expect(auth.check(slackAlex)).toEqual({ ok: true });
    expect(auth.check(teamsNoEmail)).toEqual({ ok: true });
  });

  it('matches emails/UPNs case-insensitively', () => {
    const auth = new AllowListAuthorizer([' alex@CONTOSO.com ']);
    expect(auth.check(slackAlex)).toEqual({ ok: true });
    expect(auth.check({ ...slackAlex, email: 'alexander@contoso.com' }).ok).toBe(false);
  });

  it('matches platform ids, case-insensitively, only on the same platform', () => {
    const auth = new AllowListAuthorizer(['teams:6F1C-aad', 'slack:U999']);
    expect(auth.check(teamsNoEmail)).toEqual({ ok: true });
    expect(auth.check({ ...teamsNoEmail, platform: 'slack' }).ok).toBe(false);
    expect(auth.check({ ...slackAlex, id: 'U999', email: undefined })).toEqual({ ok: true });
  });

  it('refuses a person with no email who is not listed by id, saying why', () => {
    const auth = new AllowListAuthorizer(['alex@contoso.com']);
    expect(auth.check(teamsNoEmail)).toEqual({
      ok: false,
      reason:
        'Sam (teams:6f1c-AAD) has no email address FirstWatch can see and is not on the allow-list by id (an admin adds teams:6f1c-AAD to RESPONDERS and restarts FirstWatch)',
    });
    expect(auth.check({ ...teamsNoEmail, email: '   ' }).ok).toBe(false);
  });

  it('does not let an email-shaped id or an id-shaped email stand in for the other', () => {
    const auth = new AllowListAuthorizer(['slack:U123']);
    expect(auth.check({ platform: 'cli', id: 'slack:U123', displayName: 'x' }).ok).toBe(false);
    expect(auth.check({ platform: 'cli', id: 'x', displayName: 'x', email: 'slack:U123' }).ok).toBe(false);
  });

  it('matches a bare user id on any platform, and only the whole id', () => {
    const auth = new AllowListAuthorizer(['u123', '29:1AbC']);
    expect(auth.check({ ...slackAlex, email: undefined })).toEqual({ ok: true });
    expect(auth.check({ platform: 'teams', id: '29:1abc', displayName: 'T' })).toEqual({ ok: true });
    expect(auth.check({ platform: 'slack', id: 'U1234', displayName: 'x' }).ok).toBe(false);
    expect(auth.check({ platform: 'slack', id: 'slack:U123', displayName: 'x' }).ok).toBe(false);
  });
});
