import type { App, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { validateNote } from '../../../alerts/note';
import { SLACK_IDS } from '../../../cards/blockkit/ids';
import { parseModalSubmission } from '../../../cards/blockkit/modals';
import { IdentityError } from '../identity';
import type { SlackHandlerDeps } from './deps';
import { readModalOrigin } from './modal-metadata';
import { answerAction } from './outcome';
import { tellPrivately } from './private-reply';

/** Callback ids of the modals FirstWatch opens; the view listener answers exactly these. */
export const MODAL_CALLBACK_IDS = { resolve: SLACK_IDS.resolveCallback, escalate: SLACK_IDS.escalateCallback } as const;

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** The modal's inputs, for checks answered inside the modal. */
function inputs(view: ViewSubmitAction['view']): { note?: string; classification?: string } {
  const values = record(view.state.values) ?? {};
  const note = record(record(values[SLACK_IDS.noteBlock])?.[SLACK_IDS.noteAction])?.value;
  const selected = record(record(record(values[SLACK_IDS.classificationBlock])?.[SLACK_IDS.classificationAction])?.selected_option)?.value;
  return { ...(typeof note === 'string' ? { note } : {}), ...(typeof selected === 'string' ? { classification: selected } : {}) };
}

const OUR_MODALS = new RegExp(`^(?:${Object.values(MODAL_CALLBACK_IDS).join('|')})$`);

export function registerViewListeners(app: App, deps: SlackHandlerDeps): void {
  // One listener for both: Bolt runs every registered listener's matching for every request.
  app.view<ViewSubmitAction>(OUR_MODALS, async ({ ack, body, view }: SlackViewMiddlewareArgs<ViewSubmitAction>) => {
    // Input problems are answered inside the open modal (response_action errors); that is the ack.
    const form = inputs(view);
    if (view.callback_id === MODAL_CALLBACK_IDS.resolve && (form.classification === undefined || form.classification === '')) {
      await ack({ response_action: 'errors', errors: { [SLACK_IDS.classificationBlock]: 'Choose how this alert is classified.' } });
      return;
    }
    const note = validateNote(form.note);
    if (!note.ok) {
      await ack({ response_action: 'errors', errors: { [SLACK_IDS.noteBlock]: `The note cannot be used: ${note.reason}.` } });
      return;
    }
    await ack();
    await deps.tasks.afterWaitingIo(() => onSubmit(deps, body));
  });
}

async function onSubmit(deps: SlackHandlerDeps, body: ViewSubmitAction): Promise<void> {
  const user = body.user.id;
  const origin = readModalOrigin(body.view.private_metadata);
  const target = { user, ...(origin.channel !== undefined ? { channel: origin.channel } : {}) };
  try {
    const actor = await deps.identity.resolve(user);
    const parsed = parseModalSubmission(body.view);
    if (!parsed.ok) {
      await tellPrivately(deps, target, { text: `:warning: That form could not be used: ${parsed.reason}.` });
      return;
    }
    const reply = await deps.router.handleAction(parsed.payload, { actor, origin: `slack:${origin.channel ?? 'modal'}` });
    await answerAction(deps, reply, actor, parsed.payload.version, target);
  } catch (err) {
    if (err instanceof IdentityError) {
      await tellPrivately(deps, target, { text: `:no_entry: ${err.message}` });
      return;
    }
    deps.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'Slack: modal submission failed');
    await tellPrivately(deps, target, {
      text: ':x: FirstWatch could not complete that action; nothing was changed. Try again in a moment.',
    });
  }
}
