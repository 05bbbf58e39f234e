import { loadConfig } from '../../src/config';

const BASE = {};

describe('escalation settings', () => {
  it('are off by default', () => {
    const c = loadConfig(BASE, { envFile: false }).escalation;
    expect(c).toEqual({
      name: 'on-call',
      autoEscalateAfterMs: {},
      checkIntervalMs: 30_000,
      storm: { threshold: 20, postIndividual: false },
      threadReplies: { slack: true, teams: true, quietTargets: [] },
    });
  });

  it('read destinations, mentions, per-severity times and the reminder', () => {
    const c = loadConfig(
      {
        ...BASE,
        ESCALATION_NAME: 'SecOps on-call',
        ESCALATION_SLACK_CHANNEL: 'C0ONCALL',
        ESCALATION_SLACK_MENTION: '<!subteam^S0123ABCD>',
        ESCALATION_TEAMS_CHANNEL: 'On-call',
        ESCALATION_TEAMS_MENTION: 'tag:MjQ1YjA:SecOps On-call',
        AUTO_ESCALATE_AFTER: 'High=15m, medium=1h',
        AUTO_ESCALATE_REMIND_BEFORE: '5m',
        STORM_THRESHOLD: '50',
        STORM_POST_INDIVIDUAL: 'true',
        TEAMS_THREAD_REPLIES: 'false',
        QUIET_THREADS: 'slack:C0ALERTS, teams:Alerts',
      },
      { envFile: false },
    ).escalation;
    expect(c).toEqual({
      name: 'SecOps on-call',
      slack: { channel: 'C0ONCALL', mention: '<!subteam^S0123ABCD>' },
      teams: { channel: 'On-call', mention: { kind: 'tag', id: 'MjQ1YjA', name: 'SecOps On-call' } },
      autoEscalateAfterMs: { High: 15 * 60_000, Medium: 60 * 60_000 },
      remindBeforeMs: 5 * 60_000,
      checkIntervalMs: 30_000,
      storm: { threshold: 50, postIndividual: true },
      threadReplies: { slack: true, teams: false, quietTargets: ['slack:C0ALERTS', 'teams:Alerts'] },
    });
  });

  it.each([
    [
      { ESCALATION_SLACK_CHANNEL: 'C0ONCALL', ESCALATION_SLACK_MENTION: '@oncall' },
      /ESCALATION_SLACK_MENTION="@oncall" is not valid: expected a Slack mention/,
    ],
    [{ ESCALATION_SLACK_MENTION: '<!here>' }, /ESCALATION_SLACK_MENTION is set but ESCALATION_SLACK_CHANNEL is not/],
    [
      { ESCALATION_TEAMS_CHANNEL: 'On-call', ESCALATION_TEAMS_MENTION: 'oncall' },
      /ESCALATION_TEAMS_MENTION="oncall" is not valid: expected tag:<tag id>:<name>/,
    ],
    [{ AUTO_ESCALATE_AFTER: 'Critical=5m' }, /"Critical=5m" is not <severity>=<duration>/],
    [{ AUTO_ESCALATE_AFTER: 'High=soon' }, /"High=soon": a whole number and a unit/],
    [{ AUTO_ESCALATE_AFTER: 'High=30s' }, /"High=30s": at least one minute/],
    [{ AUTO_ESCALATE_REMIND_BEFORE: '5m' }, /AUTO_ESCALATE_AFTER is not: there is nothing to remind of/],
    [{ AUTO_ESCALATE_AFTER: 'High=15m', AUTO_ESCALATE_REMIND_BEFORE: '15m' }, /shorter than the shortest AUTO_ESCALATE_AFTER/],
    [{ STORM_THRESHOLD: '-1' }, /STORM_THRESHOLD="-1" is not valid/],
    [{ STORM_POST_INDIVIDUAL: 'sometimes' }, /STORM_POST_INDIVIDUAL="sometimes" is not valid/],
    [{ QUIET_THREADS: 'C0ALERTS' }, /QUIET_THREADS="C0ALERTS" is not valid: expected a comma-separated list of platform:target entries/],
  ])('refuse %j with a message naming the problem', (env, message) => {
    expect(() => loadConfig({ ...BASE, ...env }, { envFile: false })).toThrow(message);
  });
});
