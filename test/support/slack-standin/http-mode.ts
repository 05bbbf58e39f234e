import type { Interactions } from './interactions';
import { postToBot, sendPrepared, signedRequest, type BotAnswer, type PreparedRequest, type SignOptions } from './sender';
import type { SlackStandin } from './standin';
import type { World } from './world';

type HttpMode = Pick<
  SlackStandin,
  'sendBlockAction' | 'sendSlashCommand' | 'prepareBlockAction' | 'prepareSlashCommand' | 'sendViewSubmission' | 'sendEvent'
>;

/** Interactions as signed HTTP posts to the bot's endpoint (Slack's HTTP mode). */
export function httpMode(world: World, interactions: Interactions): HttpMode {
  const endpoint = (): string => {
    const e = world.records.botEndpoint;
    if (e === undefined) throw new Error('slack stand-in: set botEndpoint before sending interactions');
    return e;
  };
  const prepareForm = (fields: Record<string, string>, sign?: SignOptions): PreparedRequest =>
    signedRequest(
      endpoint(),
      world.records.signingSecret,
      new URLSearchParams(fields).toString(),
      'application/x-www-form-urlencoded',
      sign,
    );
  const sendForm = (fields: Record<string, string>, sign?: SignOptions): Promise<BotAnswer> => sendPrepared(prepareForm(fields, sign));
  const payloadForm = (payload: Record<string, unknown>): Record<string, string> => ({ payload: JSON.stringify(payload) });

  return {
    sendBlockAction: async (input, sign) => sendForm(payloadForm(interactions.blockAction(input)), sign),
    sendSlashCommand: async (input, sign) => sendForm(interactions.slashCommand(input), sign),
    prepareBlockAction: (input, sign) => prepareForm(payloadForm(interactions.blockAction(input)), sign),
    prepareSlashCommand: (input, sign) => prepareForm(interactions.slashCommand(input), sign),
    sendViewSubmission: async (input, sign) => sendForm(payloadForm(interactions.viewSubmission(input)), sign),
    sendEvent: async (input, sign) =>
      postToBot(endpoint(), world.records.signingSecret, JSON.stringify(interactions.event(input)), 'application/json', sign),
  };
}
