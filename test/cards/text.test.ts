import { toAlertView } from '../../src/cards/alert-view';
import { alertText } from '../../src/cards/text/alert-text';
import { commandReplyText } from '../../src/cards/text/reply-text';
import { alertCatalog, replyCatalog } from './catalog';
import { alertIn, cardContext, genericAlert, makeAlert } from './fixtures';

const ESC = '\u001b';

describe('alertText', () => {
  it('is a readable block: headline, key/value lines, status and the CLI commands for each action', () => {
    const text = alertText(toAlertView(makeAlert(), cardContext()), { cliUser: 'alexw@contoso.com' });
    const lines = text.split('\n');
    expect(lines[0]).toBe('[HIGH] FW-12 · First-time Run Command by alice@contoso.com');
    expect(lines[1]).toMatch(/^─{40,}$/);
    expect(lines).toContain('User            Alice Smith (alice@contoso.com)');
    expect(lines).toContain('Machine         Azure VM vm-web-01');
    expect(lines).toContain('When            14:02 UTC');
    expect(lines).toContain('  • First time this user performed this action');
    expect(lines).toContain('  • T1021.008 Remote Services: Direct Cloud VM Connections  https://attack.mitre.org/techniques/T1021/008/');
    expect(lines).toContain('Status          Open');
    expect(lines.slice(lines.indexOf('Actions') + 1)).toEqual([
      '  • npx firstwatch ack FW-12 --as alexw@contoso.com',
      '  • npx firstwatch escalate FW-12 [--note "…"] --as alexw@contoso.com',
      '  • npx firstwatch resolve FW-12 --classification tp|bp|fp [--note "…"] --as alexw@contoso.com',
      '  • npx firstwatch hunt alice@contoso.com --as alexw@contoso.com',
    ]);
  });

  it('lists only the commands valid in the current state', () => {
    const text = alertText(toAlertView(alertIn('resolved'), cardContext()));
    expect(text).toContain('Status          Resolved as false positive by Alex Wilber · 14:10 UTC');
    expect(text).toContain('npx firstwatch reopen FW-12 --as you@contoso.com');
    expect(text).not.toMatch(/firstwatch (ack|escalate|resolve) /);
  });

  it('has no ANSI colours unless asked', () => {
    for (const [, alert] of alertCatalog()) expect(alertText(toAlertView(alert, cardContext()))).not.toContain(ESC);
    const coloured = alertText(toAlertView(makeAlert(), cardContext()), { color: true });
    expect(coloured.startsWith(`${ESC}[1m${ESC}[31m[HIGH]`)).toBe(true);
  });

  it('neutralises control characters in user data (no terminal escape injection, one line per field)', () => {
    const alert = makeAlert({ subject: { upn: `eve${ESC}]0;pwned\u0007@contoso.com`, displayName: 'Eve\nFake: line' } });
    const text = alertText(toAlertView(alert, cardContext()));
    expect(text).not.toContain(ESC);
    expect(text).not.toContain('\u0007');
    expect(text).not.toMatch(/^Fake: line/m);
    expect(text).toContain("npx firstwatch hunt 'eve\u001b]0;pwned\u0007@contoso.com'".replace(/[\u001b\u0007]/g, '\ufffd'));
  });

  it('shows entities and custom details of other detections, and no target line without enrichment', () => {
    const text = alertText(toAlertView(genericAlert(), cardContext()));
    expect(text).toContain('  • Account: bob@contoso.com');
    expect(text).toContain('  • Failed accounts: 37');
    expect(text).not.toContain('Machine ');
  });
});

describe('commandReplyText', () => {
  it.each(replyCatalog())('%s: renders without control characters', (_name, reply) => {
    const text = commandReplyText(reply, cardContext());
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
  });

  it('lists alerts in aligned columns', () => {
    const text = commandReplyText(replyCatalog().find(([n]) => n === 'all alerts, few')![1], cardContext());
    expect(text.split('\n').slice(0, 3)).toEqual([
      'All alerts (4)',
      '  Alert  Status        Age  Title',
      '  FW-1   Open          12m  Alert 1',
    ]);
  });

  it('shows the audit trail under an alert detail', () => {
    const text = commandReplyText(replyCatalog().find(([n]) => n === 'alert detail, no audit')![1], cardContext());
    expect(text).toMatch(/\nAudit trail\n {2}No actions recorded yet\.$/);
  });

  it('renders errors, help and a pending hunt', () => {
    expect(commandReplyText({ kind: 'error', message: 'FW-99 does not exist' })).toBe('Error: FW-99 does not exist');
    expect(
      commandReplyText({
        kind: 'help',
        commands: [
          { usage: 'ack <id>', summary: 'Acknowledge' },
          { usage: 'list', summary: 'Open alerts' },
        ],
      }),
    ).toBe('FirstWatch commands\n  ack <id>  Acknowledge\n  list      Open alerts');
    expect(commandReplyText({ kind: 'hunt', request: { upn: 'alice@contoso.com', lookbackMs: 7 * 86_400_000 } })).toBe(
      'Hunting alice@contoso.com… (last 7 days)',
    );
  });
});
