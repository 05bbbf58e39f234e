import type { InteractionLinks } from './interaction-links';
import { findMessage } from './recorded';
import { wireMessage } from './web-api/wire-message';
import type { World } from './world';

export interface BlockActionInput {
  user: string;
  channel: string;
  /** ts of the message whose button was clicked. */
  messageTs: string;
  actionId: string;
  value?: string;
  blockId?: string;
  /** Also send the thread the message sits in. */
  threadTs?: string;
}

export interface SlashCommandInput {
  command: string;
  text: string;
  user: string;
  channel: string;
}

export interface ViewSubmissionInput {
  user: string;
  callbackId: string;
  privateMetadata?: string;
  /** state.values: block_id → action_id → value object ({type, value} or {type, selected_option}). */
  values: Record<string, Record<string, Record<string, unknown>>>;
}

export interface EventInput {
  /** The inner event: { type: 'app_mention', user, text, channel, ts, ... }. */
  event: Record<string, unknown>;
}

/**
 * Slack's interaction payloads, the same whether they go over signed HTTP or as Socket
 * Mode envelopes; each issues the response_url and trigger id Slack would.
 */
export class Interactions {
  constructor(
    private readonly world: World,
    private readonly links: InteractionLinks,
  ) {}

  blockAction(input: BlockActionInput): Record<string, unknown> {
    const r = this.world.records;
    const message = findMessage(this.world, input.channel, input.messageTs);
    const payload = {
      type: 'block_actions',
      user: this.userRef(input.user),
      api_app_id: 'A0FIRSTWATCH',
      token: 'legacy-verification-token',
      container: {
        type: 'message',
        message_ts: input.messageTs,
        channel_id: input.channel,
        is_ephemeral: false,
        ...(input.threadTs !== undefined ? { thread_ts: input.threadTs } : {}),
      },
      trigger_id: this.links.issueTrigger(),
      team: { id: r.teamId, domain: 'firstwatch-standin' },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: input.channel, name: r.channels.get(input.channel)?.name ?? input.channel },
      message: message ? wireMessage(message, false) : { type: 'message', ts: input.messageTs, text: '' },
      state: { values: {} },
      response_url: this.links.issueResponseUrl({ kind: 'block_actions', user: input.user, channel: input.channel }),
      actions: [
        {
          type: 'button',
          action_id: input.actionId,
          block_id: input.blockId ?? 'fw_actions',
          text: { type: 'plain_text', text: input.actionId, emoji: true },
          ...(input.value !== undefined ? { value: input.value } : {}),
          action_ts: `${Date.now() / 1000}`,
        },
      ],
    };
    return payload;
  }

  /** A slash command is form fields, not a JSON payload. */
  slashCommand(input: SlashCommandInput): Record<string, string> {
    const r = this.world.records;
    return {
      token: 'legacy-verification-token',
      team_id: r.teamId,
      team_domain: 'firstwatch-standin',
      channel_id: input.channel,
      channel_name: r.channels.get(input.channel)?.name ?? input.channel,
      user_id: input.user,
      user_name: r.users.get(input.user)?.name ?? input.user,
      command: input.command,
      text: input.text,
      api_app_id: 'A0FIRSTWATCH',
      is_enterprise_install: 'false',
      response_url: this.links.issueResponseUrl({ kind: 'command', user: input.user, channel: input.channel }),
      trigger_id: this.links.issueTrigger(),
    };
  }

  /** Submits the modal last opened with this callback id (its blocks and title come back, as in Slack). */
  viewSubmission(input: ViewSubmissionInput): Record<string, unknown> {
    const r = this.world.records;
    const opened = [...r.views].reverse().find((v) => v.view.callback_id === input.callbackId);
    const payload = {
      type: 'view_submission',
      team: { id: r.teamId, domain: 'firstwatch-standin' },
      user: this.userRef(input.user),
      api_app_id: 'A0FIRSTWATCH',
      token: 'legacy-verification-token',
      trigger_id: this.links.issueTrigger(),
      view: {
        id: opened?.id ?? this.world.nextId('V'),
        team_id: r.teamId,
        type: 'modal',
        blocks: opened?.view.blocks ?? [],
        private_metadata: input.privateMetadata ?? '',
        callback_id: input.callbackId,
        state: { values: input.values },
        hash: 'standin-hash',
        title: opened?.view.title ?? { type: 'plain_text', text: 'FirstWatch' },
        app_id: 'A0FIRSTWATCH',
        bot_id: r.botId,
      },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    return payload;
  }

  /** The Events API envelope around one event. */
  event(input: EventInput): Record<string, unknown> {
    const r = this.world.records;
    const body = {
      token: 'legacy-verification-token',
      team_id: r.teamId,
      api_app_id: 'A0FIRSTWATCH',
      event: { event_ts: `${Date.now() / 1000}`, ...input.event },
      type: 'event_callback',
      event_id: this.world.nextId('Ev'),
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ enterprise_id: null, team_id: r.teamId, user_id: r.botUserId, is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
    };
    return body;
  }

  private userRef(id: string): Record<string, unknown> {
    const u = this.world.records.users.get(id);
    return { id, username: u?.name ?? id, name: u?.name ?? id, team_id: this.world.records.teamId };
  }
}
