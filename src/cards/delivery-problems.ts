import type { DeliveryProblem } from '../alerts/commands';

const STATE_WORD: Record<DeliveryProblem['state'], string> = {
  failed: 'given up',
  waiting: 'waiting for a setup fix',
  retrying: 'retrying',
};

/** One plain line per problem copy ("Slack C0ALERTS: redraw given up: message_not_found"); renderers escape it as text. */
export function deliveryProblemLines(problems: readonly DeliveryProblem[] | undefined): string[] {
  return (problems ?? []).map(
    (p) =>
      `${p.platform === 'slack' ? 'Slack' : p.platform === 'teams' ? 'Teams' : p.platform} ${p.target}: ${p.what} ${STATE_WORD[p.state]}: ${p.reason}`,
  );
}
