import type { EscalationMention } from '../../delivery/types';

/**
 * The escalation copy of a Teams card: the alert card with a first line that
 * mentions the on-call person or tag (<at>…</at> plus its msteams entity) and
 * says who escalated it. The card itself (buttons included) is unchanged.
 */
export function withEscalationIntro(card: object, intro: string, mention?: EscalationMention): object {
  const c = card as { body?: unknown; msteams?: Record<string, unknown> };
  const body = Array.isArray(c.body) ? c.body : [];
  const name = mention?.name?.trim() || 'on-call';
  const at = mention !== undefined ? `<at>${name.replace(/[<>]/g, '')}</at> ` : '';
  const line = { type: 'TextBlock', text: `🚨 ${at}${intro}`, wrap: true, weight: 'Bolder', color: 'Attention' };
  const msteams: Record<string, unknown> = { ...(c.msteams ?? {}) };
  if (mention !== undefined) {
    const mentioned: Record<string, string> = { id: mention.id, name: name.replace(/[<>]/g, '') };
    if (mention.kind === 'tag') mentioned.type = 'tag';
    msteams.entities = [{ type: 'mention', text: `<at>${mentioned.name}</at>`, mentioned }];
  }
  return { ...card, body: [line, ...body], msteams };
}
