/**
 * The frameworks alone: the second baseline of the interaction benchmark. One
 * process, mounted as FirstWatch mounts them, that does nothing of its own:
 *
 * - POST /slack/events: a Bolt App on an ExpressReceiver (the bot's receiver
 *   settings, signatures checked) that acknowledges every button and command;
 * - POST /api/messages: express.json, the Agents SDK's CloudAdapter (anonymous,
 *   as the bot runs locally) and an AgentApplication that answers every
 *   Action.Execute with the same alert card, set as FirstWatch sets its answer.
 *
 * The bot's figure against this one is what FirstWatch adds on top of Bolt and
 * the Agents SDK; this one against the bare server is what they cost.
 *
 * Run by the benchmark as `node --import tsx bench/framework-floor.ts`, with
 * PORT, SLACK_SIGNING_SECRET and FLOOR_CARD (the card's JSON) in its
 * environment; it prints "listening" when ready.
 */
import { Activity } from '@microsoft/agents-activity';
import type { TurnState } from '@microsoft/agents-hosting';
import { App, ExpressReceiver, LogLevel } from '@slack/bolt';
import express from 'express';
import { hosting } from '../src/chat/teams/sdk';

function required(name: string): string {
  const v = process.env[name];
  if (v === undefined || v.length === 0) throw new Error(`framework floor: ${name} is not set`);
  return v;
}

function main(): void {
  const port = Number(required('PORT'));
  const card = JSON.parse(required('FLOOR_CARD')) as object;

  const receiver = new ExpressReceiver({
    signingSecret: required('SLACK_SIGNING_SECRET'),
    endpoints: '/',
    processBeforeResponse: false,
    logLevel: LogLevel.ERROR,
  });
  const slack = new App({
    receiver,
    authorize: async () => ({ botToken: 'xoxb-floor', botUserId: 'U0FLOOR', botId: 'B0FLOOR' }),
    logLevel: LogLevel.ERROR,
    convoStore: false,
  });
  slack.action(/.*/, async ({ ack }) => ack());
  slack.command(/.*/, async ({ ack }) => ack());

  const { AgentApplication, CloudAdapter, getAuthConfigWithDefaults, INVOKE_RESPONSE_KEY } = hosting();
  const adapter = new CloudAdapter(getAuthConfigWithDefaults({}));
  const teams = new AgentApplication<TurnState>({ adapter, startTypingTimer: false, longRunningMessages: false });
  teams.addRoute(
    async (ctx) => ctx.activity.type === 'invoke' && ctx.activity.name === 'adaptiveCard/action',
    async (ctx) => {
      const answer = new Activity('invokeResponse');
      answer.value = { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card } };
      ctx.turnState.set(INVOKE_RESPONSE_KEY, answer);
    },
    true,
  );

  const server = express();
  server.post('/api/messages', express.json({ limit: '256kb' }), (req, res) => {
    void adapter.process(req, res, (ctx) => teams.run(ctx));
  });
  server.use('/slack/events', receiver.router);
  server.listen(port, '127.0.0.1', () => process.stdout.write('listening\n'));
}

main();
