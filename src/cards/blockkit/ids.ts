import type { CardVerb } from '../../alerts/commands';

/** action_id of each state button: fw_ack, fw_escalate, fw_resolve, fw_reopen, fw_hunt. */
export function slackActionId(verb: CardVerb): string {
  return `fw_${verb}`;
}

/** The ids Slack interactions arrive with. */
export const SLACK_IDS = {
  /** block_id of the actions block with the state buttons. */
  actionsBlock: 'fw_actions',
  /** block_id of the actions block with the link buttons. */
  linksBlock: 'fw_links',
  /** action_id prefix of link buttons (fw_link_defender-user, …); they need only an ack(). */
  linkActionPrefix: 'fw_link_',
  escalateCallback: 'fw_escalate_modal',
  resolveCallback: 'fw_resolve_modal',
  classificationBlock: 'fw_classification',
  classificationAction: 'fw_classification',
  noteBlock: 'fw_note',
  noteAction: 'fw_note',
  /** Message metadata event_type that tags every alert message with its id. */
  metadataEventType: 'firstwatch_alert',
} as const;
