import { describeStatus, formatUtcTime } from '../../src/alerts/status-text';
import type { Actor, Alert } from '../../src/alerts/types';

const alex: Actor = { platform: 'teams', id: 'a', displayName: 'Alex Wilber' };
const at = new Date('2026-11-27T14:02:59Z');

describe('describeStatus', () => {
  it.each<[string, Pick<Alert, 'status' | 'lastChange' | 'classification'>, string]>([
    ['an untouched alert', { status: 'open' }, 'Open'],
    [
      'an acknowledgement',
      { status: 'acknowledged', lastChange: { action: 'acknowledge', actor: alex, at } },
      'Acknowledged by Alex Wilber · 14:02 UTC',
    ],
    [
      'an escalation',
      { status: 'escalated', lastChange: { action: 'escalate', actor: alex, at, note: 'n' } },
      'Escalated by Alex Wilber · 14:02 UTC',
    ],
    [
      'a resolution',
      {
        status: 'resolved',
        classification: 'false_positive',
        lastChange: { action: 'resolve', actor: alex, at, classification: 'false_positive' },
      },
      'Resolved as false positive by Alex Wilber · 14:02 UTC',
    ],
    ['a reopen', { status: 'open', lastChange: { action: 'reopen', actor: alex, at } }, 'Reopened by Alex Wilber · 14:02 UTC'],
  ])('describes %s', (_label, alert, text) => {
    expect(describeStatus(alert)).toBe(text);
  });

  it('adds the date when the change was on another day than now', () => {
    expect(formatUtcTime(at, new Date('2026-11-27T23:59:00Z'))).toBe('14:02 UTC');
    expect(formatUtcTime(at, new Date('2026-11-28T00:01:00Z'))).toBe('27 Nov 14:02 UTC');
    expect(formatUtcTime(at, new Date('2027-01-02T00:00:00Z'))).toBe('27 Nov 2026 14:02 UTC');
    expect(
      describeStatus(
        { status: 'acknowledged', lastChange: { action: 'acknowledge', actor: alex, at } },
        { now: new Date('2026-11-29T00:00:00Z') },
      ),
    ).toBe('Acknowledged by Alex Wilber · 27 Nov 14:02 UTC');
  });
});
