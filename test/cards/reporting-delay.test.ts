import { alertCard, alertMessage, alertText, toAlertView } from '../../src/cards';
import { cardContext, makeAlert } from './fixtures';

const HOUR = 3_600_000;
const EVENT = new Date('2026-11-27T14:02:00Z');

describe('a card says when the activity reached the workspace long after it happened', () => {
  it('26 h between event and ingestion: every medium shows "event 26 h before it reached the workspace" in the When line', () => {
    const alert = makeAlert({ eventTime: EVENT, ingestionTime: new Date(EVENT.getTime() + 26 * HOUR + 20 * 60_000) });
    const view = toAlertView(alert, cardContext({ now: new Date(EVENT.getTime() + 27 * HOUR) }));
    expect(view.when.delay).toBe('event 26 h before it reached the workspace');
    expect(view.facts.find((f) => f.label === 'When')?.value).toMatch(/ · event 26 h before it reached the workspace$/);
    expect(JSON.stringify(alertCard(view))).toContain('event 26 h before it reached the workspace');
    expect(JSON.stringify(alertMessage(view))).toContain('event 26 h before it reached the workspace');
    expect(alertText(view)).toContain('event 26 h before it reached the workspace');
  });

  it('a usual UEBA delay (under an hour), or no ingestion time at all, adds nothing', () => {
    const prompt = toAlertView(makeAlert({ eventTime: EVENT, ingestionTime: new Date(EVENT.getTime() + 59 * 60_000) }), cardContext());
    expect(prompt.when.delay).toBeUndefined();
    expect(prompt.when.text).not.toMatch(/reached the workspace/);
    const unknown = toAlertView(makeAlert({ eventTime: EVENT }), cardContext());
    expect(unknown.when.delay).toBeUndefined();
  });

  it('the delay shows from one hour up', () => {
    const view = toAlertView(makeAlert({ eventTime: EVENT, ingestionTime: new Date(EVENT.getTime() + HOUR) }), cardContext());
    expect(view.when.delay).toBe('event 1 h before it reached the workspace');
  });
});
