import { cardPayload } from '../../../cards/payload';
import { escalateModal, resolveModal } from '../../../cards/blockkit/modals';

/** Where the clicked card is; carried next to the click in the modal's private_metadata. */
export interface ModalOrigin {
  channel?: string;
  messageTs?: string;
}

export interface ModalRequest extends ModalOrigin {
  verb: 'resolve' | 'escalate';
  alertId: string;
  version: number;
  title?: string;
}

const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;
const TS = /^\d+\.\d+$/;

/**
 * The cards' modal with the card's channel and ts added to private_metadata
 * (the cards' submission reader takes only the click from it), so the answer
 * to a submission can reach the person where they clicked.
 */
export function buildModal(request: ModalRequest): Record<string, unknown> {
  const payload = cardPayload(request.verb, request.alertId, request.version);
  const view = (
    request.verb === 'resolve' ? resolveModal(payload, { title: request.title }) : escalateModal(payload, { title: request.title })
  ) as Record<string, unknown>;
  const base: unknown = typeof view.private_metadata === 'string' ? JSON.parse(view.private_metadata) : {};
  const origin: ModalOrigin = {};
  if (request.channel !== undefined && CHANNEL_ID.test(request.channel)) origin.channel = request.channel;
  if (request.messageTs !== undefined && TS.test(request.messageTs)) origin.messageTs = request.messageTs;
  return { ...view, private_metadata: JSON.stringify({ ...(base as Record<string, unknown>), ...origin }) };
}

/** Reads the channel and ts back; anything malformed is simply absent. */
export function readModalOrigin(privateMetadata: unknown): ModalOrigin {
  if (typeof privateMetadata !== 'string' || privateMetadata.length > 3000) return {};
  let v: unknown;
  try {
    v = JSON.parse(privateMetadata);
  } catch {
    return {};
  }
  const o = typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  const origin: ModalOrigin = {};
  if (typeof o.channel === 'string' && CHANNEL_ID.test(o.channel)) origin.channel = o.channel;
  if (typeof o.messageTs === 'string' && TS.test(o.messageTs)) origin.messageTs = o.messageTs;
  return origin;
}
