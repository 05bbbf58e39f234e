type Json = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function textObject(where: string, t: unknown, max: number, out: string[], kind?: 'plain_text' | 'mrkdwn'): void {
  const o = t as Json | undefined;
  if (!o || (o.type !== 'plain_text' && o.type !== 'mrkdwn')) return void out.push(`${where}: not a text object`);
  if (kind && o.type !== kind) out.push(`${where}: must be ${kind}`);
  const text = str(o.text);
  if (text.length === 0) out.push(`${where}: empty text`);
  if (text.length > max) out.push(`${where}: ${text.length} > ${max} characters`);
}

function element(where: string, e: Json, out: string[]): void {
  if (typeof e.action_id === 'string' && e.action_id.length > 255) out.push(`${where}: action_id over 255`);
  if (e.type === 'button') {
    textObject(`${where}.text`, e.text, 75, out, 'plain_text');
    if (e.value !== undefined && str(e.value).length > 2000) out.push(`${where}: value ${str(e.value).length} > 2000`);
    if (e.url !== undefined && str(e.url).length > 3000) out.push(`${where}: url over 3000`);
    if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger') out.push(`${where}: bad style`);
  }
}

/** Every Block Kit limit FirstWatch's messages must respect; returns what is violated. */
export function blockKitViolations(blocks: Json[], messageChars = 13_000): string[] {
  const out: string[] = [];
  if (blocks.length > 50) out.push(`${blocks.length} blocks > 50`);
  const size = JSON.stringify(blocks).length;
  if (size > messageChars) out.push(`message ${size} > ${messageChars} characters`);
  blocks.forEach((b, i) => {
    const w = `blocks[${i}] (${String(b.type)})`;
    if (typeof b.block_id === 'string' && b.block_id.length > 255) out.push(`${w}: block_id over 255`);
    switch (b.type) {
      case 'header':
        textObject(`${w}.text`, b.text, 150, out, 'plain_text');
        break;
      case 'section': {
        if (b.text === undefined && b.fields === undefined) out.push(`${w}: neither text nor fields`);
        if (b.text !== undefined) textObject(`${w}.text`, b.text, 3000, out);
        const fields = (b.fields ?? []) as unknown[];
        if (fields.length > 10) out.push(`${w}: ${fields.length} fields > 10`);
        fields.forEach((f, j) => textObject(`${w}.fields[${j}]`, f, 2000, out));
        break;
      }
      case 'context': {
        const els = (b.elements ?? []) as Json[];
        if (els.length === 0 || els.length > 10) out.push(`${w}: ${els.length} elements`);
        els.forEach((e, j) => textObject(`${w}.elements[${j}]`, e, 3000, out));
        break;
      }
      case 'actions': {
        const els = (b.elements ?? []) as Json[];
        if (els.length === 0 || els.length > 25) out.push(`${w}: ${els.length} elements`);
        els.forEach((e, j) => element(`${w}.elements[${j}]`, e, out));
        const ids = els.map((e) => e.action_id);
        if (new Set(ids).size !== ids.length) out.push(`${w}: duplicate action_id`);
        break;
      }
      case 'divider':
        break;
      case 'input':
        textObject(`${w}.label`, b.label, 2000, out, 'plain_text');
        element(`${w}.element`, b.element as Json, out);
        break;
      default:
        out.push(`${w}: unexpected block type`);
    }
  });
  const blockIds = blocks.map((b) => b.block_id).filter((id) => id !== undefined);
  if (new Set(blockIds).size !== blockIds.length) out.push('duplicate block_id');
  return out;
}

/** Every mrkdwn string in the blocks. */
export function mrkdwnTexts(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => mrkdwnTexts(n, out));
  else if (typeof node === 'object' && node !== null) {
    const o = node as Json;
    if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
    Object.values(o).forEach((v) => mrkdwnTexts(v, out));
  }
  return out;
}

/** The control sequences (<…>) a mrkdwn text contains: links, mentions, pings. */
export function controlSequences(text: string): string[] {
  return [...text.matchAll(/<[^>]*>/g)].map((m) => m[0]);
}
