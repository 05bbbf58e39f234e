import { toAlertView } from '../../src/cards/alert-view';
import { alertCard } from '../../src/cards/adaptive/alert-card';
import { alertMessage } from '../../src/cards/blockkit/alert-message';
import { escapeMrkdwn } from '../../src/cards/blockkit/mrkdwn';
import { mrkdwnText, plainText, quotedNote, showInvisible } from '../../src/cards/plain-text';
import { alertText } from '../../src/cards/text/alert-text';
import { escalationIntro } from '../../src/cards/escalation';
import { mrkdwnTexts } from '../cards/blockkit-limits';
import { alertIn, cardContext } from '../cards/fixtures';

const RLO = '\u202e';
const ZWSP = '\u200b';
const FORGED = 'patching job\n*Status:* Resolved by CISO';

// A hostile note, display name and log values, as a responder and a log source could plant them.
function hostileAlert() {
  return alertIn(
    'escalated',
    {
      title: `Run Command by ev${RLO}lexe.ps1`,
      details: {
        Command: '*bold* _italic_ `code` ~strike~ <@U0BOSS> <!channel> [click](https://evil.example/)',
        Machine: `vm${ZWSP}-prod`,
      },
    },
    { note: FORGED, actor: { platform: 'slack', id: 'U0MAL', displayName: `Mallory${RLO}nimda` } },
  );
}

function strings(node: unknown, out: string[] = []): string[] {
  if (typeof node === 'string') out.push(node);
  else if (Array.isArray(node)) node.forEach((n) => strings(n, out));
  else if (typeof node === 'object' && node !== null) Object.values(node).forEach((v) => strings(v, out));
  return out;
}

describe('user text is plain text everywhere', () => {
  const view = toAlertView(hostileAlert(), cardContext());

  it('keeps a note with a newline and "*Status:*" inside the note on a Slack card: one status line, no bold', () => {
    const texts = mrkdwnTexts(alertMessage(view));
    // The state line (who, when, the note) is the only text that says Status, and the note cannot start a line of its own.
    const status = texts.filter((t) => t.includes('Status:'));
    expect(status).toHaveLength(1);
    const line = status[0] as string;
    expect(line.startsWith('Escalated by Mallory')).toBe(true);
    expect(line).not.toContain('\n');
    expect(line.match(/\*/g)).toBeNull(); // no emphasis at all: the state line has none of its own
    expect(line).toContain('“patching job / ∗Status:∗ Resolved by CISO”');
  });

  it('shows formatting, mentions and links from log data as text on a Slack card', () => {
    const all = mrkdwnTexts(alertMessage(view)).join('\n');
    expect(all).toContain('∗bold∗ ＿italic＿ ˋcodeˋ ∼strike∼ &lt;@U0BOSS&gt; &lt;!channel&gt; [click](https://evil.example/)');
    expect(all).not.toMatch(/<@U0BOSS>|<!channel>/);
  });

  it('keeps the note inside the state TextBlock of a Teams card, escaped', () => {
    // The body is markdown; fallbackText is plain text for notifications.
    const blocks = strings((alertCard(view) as { body: unknown }).body);
    const status = blocks.filter((t) => t.includes('Status:'));
    expect(status).toHaveLength(1);
    expect(status[0]).not.toContain('\n');
    expect(status[0]).toContain('“patching job / \\*Status:\\* Resolved by CISO”');
    expect(blocks.join('\n')).toContain(
      '\\*bold\\* \\_italic\\_ \\`code\\` \\~strike\\~ \\<@U0BOSS\\> \\<!channel\\> \\[click\\](https://evil.example/)',
    );
  });

  it('never lets log text become a Teams {{DATE()}}/{{TIME()}} function, while the card’s own times stay one', () => {
    const planted = alertIn('open', {
      details: { Comment: 'run at {{DATE(2030-01-01T00:00:00Z, LONG)}} {{{TIME(2030-01-01T00:00:00Z)}}' },
    });
    const texts = strings((alertCard(toAlertView(planted, cardContext())) as { body: unknown }).body);
    const functions = texts.flatMap((t) => t.match(/\{\{(DATE|TIME)\([^)]*\)[^}]*\}\}/g) ?? []);
    // Only the card's own "When" remains a function: the planted ones are broken by an escaped brace.
    expect(functions.length).toBeGreaterThan(0);
    expect(functions.every((f) => !f.includes('2030'))).toBe(true);
    expect(texts.join('\n')).toContain('run at {\\{DATE(2030-01-01T00:00:00Z, LONG)}} {\\{\\{TIME(2030-01-01T00:00:00Z)}}');
  });

  it('keeps the note on its own status line on the console', () => {
    const text = alertText(view);
    const statusLines = text.split('\n').filter((l) => l.includes('Status'));
    expect(statusLines).toHaveLength(1);
    expect(statusLines[0]).toContain('“patching job / *Status:* Resolved by CISO”');
  });

  it.each([
    ['Block Kit', () => JSON.stringify(alertMessage(view))],
    ['Adaptive Card', () => JSON.stringify(alertCard(view))],
    ['console', () => alertText(view)],
  ])('shows right-to-left overrides and zero-width characters instead of passing them on (%s)', (_label, render) => {
    const out = render();
    expect(out).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u200b-\u200f\ufeff]/);
    expect(out).toContain('{U+202E}');
    expect(out).toContain('vm{U+200B}-prod');
  });

  it('keeps a thread reply and an escalation intro to one plain line in Slack', () => {
    const reply = escapeMrkdwn(`Escalated by Mallory${RLO} · 14:02 UTC — ${FORGED.replace(/\n/g, ' / ')}`);
    expect(reply).toBe('Escalated by Mallory{U+202E} · 14:02 UTC — patching job / ∗Status:∗ Resolved by CISO');
    const intro = escalationIntro({
      id: 'FW-1',
      lastChange: {
        action: 'escalate',
        actor: { platform: 'slack', id: 'U', displayName: 'M' },
        at: new Date(0),
        escalation: { by: 'M', at: new Date(0).toISOString(), note: FORGED },
      },
    });
    expect(intro).not.toContain('\n');
    expect(escapeMrkdwn(intro)).toContain('— “patching job / ∗Status:∗ Resolved by CISO”');
  });

  it('leaves ordinary text as typed: names, UPNs with underscores, arithmetic inside words', () => {
    expect(mrkdwnText('first_last@contoso.com ran 2*3 on vm_01')).toBe('first_last@contoso.com ran 2*3 on vm_01');
    expect(plainText('Zoë Ångström')).toBe('Zoë Ångström');
    expect(showInvisible('a\u2066b\u2069')).toBe('a{U+2066}b{U+2069}');
    expect(quotedNote('  one\r\n\n two  ')).toBe('“one / two”');
  });
});
