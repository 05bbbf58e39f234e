/**
 * The Block Kit limits Slack enforces on chat.postMessage / chat.update, as far
 * as FirstWatch's messages can reach them. Returns Slack's error code and the
 * "[ERROR] …" lines Slack puts in response_metadata.messages, or undefined.
 */
export interface BlockKitProblem {
  error: 'invalid_blocks' | 'msg_too_long' | 'msg_blocks_too_long' | 'no_text' | 'invalid_blocks_format';
  messages: string[];
}

export const MAX_BLOCKS = 50;
export const MAX_TEXT = 40_000;
/** Slack refuses whole messages somewhat above 13 k characters of block text. */
export const MAX_BLOCK_CHARS = 13_000;

const BLOCK_TYPES = new Set([
  'section',
  'divider',
  'image',
  'actions',
  'context',
  'input',
  'header',
  'rich_text',
  'file',
  'video',
  'markdown',
  'table',
]);

export function checkMessage(text: unknown, blocks: unknown): BlockKitProblem | undefined {
  if (typeof text === 'string' && text.length > MAX_TEXT) {
    return { error: 'msg_too_long', messages: [`[ERROR] text is ${text.length} characters; the limit is ${MAX_TEXT}`] };
  }
  if (blocks === undefined) {
    if (typeof text !== 'string' || text.length === 0) return { error: 'no_text', messages: [] };
    return undefined;
  }
  if (!Array.isArray(blocks)) return { error: 'invalid_blocks_format', messages: ['[ERROR] blocks must be an array'] };
  if (blocks.length > MAX_BLOCKS) {
    return { error: 'invalid_blocks', messages: [`[ERROR] no more than ${MAX_BLOCKS} items allowed [json-pointer:/blocks]`] };
  }
  const messages: string[] = [];
  const blockIds = new Set<string>();
  blocks.forEach((block, i) => checkBlock(block, `/blocks/${i}`, messages, blockIds));
  if (messages.length > 0) return { error: 'invalid_blocks', messages };
  const chars = countChars(blocks);
  if (chars > MAX_BLOCK_CHARS) {
    return { error: 'msg_blocks_too_long', messages: [`[ERROR] blocks hold ${chars} characters; the limit is about ${MAX_BLOCK_CHARS}`] };
  }
  return undefined;
}

function countChars(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + countChars(v), 0);
  if (isObject(value)) return Object.values(value).reduce((n: number, v) => n + countChars(v), 0);
  return 0;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function textOf(v: unknown): string | undefined {
  return isObject(v) && typeof v.text === 'string' ? v.text : undefined;
}

function tooLong(messages: string[], value: string | undefined, max: number, pointer: string): void {
  if (value !== undefined && value.length > max) {
    messages.push(`[ERROR] must be less than ${max + 1} characters [json-pointer:${pointer}]`);
  }
}

function checkBlock(block: unknown, at: string, messages: string[], blockIds: Set<string>): void {
  if (!isObject(block) || typeof block.type !== 'string') {
    messages.push(`[ERROR] missing required field: type [json-pointer:${at}]`);
    return;
  }
  if (!BLOCK_TYPES.has(block.type)) {
    messages.push(`[ERROR] unsupported type: ${block.type} [json-pointer:${at}/type]`);
    return;
  }
  if (block.block_id !== undefined) {
    if (typeof block.block_id !== 'string' || block.block_id.length > 255) {
      messages.push(`[ERROR] invalid block_id [json-pointer:${at}/block_id]`);
    } else if (blockIds.has(block.block_id)) {
      messages.push(`[ERROR] duplicate block_id ${block.block_id} [json-pointer:${at}/block_id]`);
    } else blockIds.add(block.block_id);
  }
  switch (block.type) {
    case 'section': {
      const text = textOf(block.text);
      const fields = block.fields;
      if (text === undefined && !Array.isArray(fields)) {
        messages.push(`[ERROR] must provide text or fields [json-pointer:${at}]`);
      }
      tooLong(messages, text, 3000, `${at}/text/text`);
      if (Array.isArray(fields)) {
        if (fields.length > 10) messages.push(`[ERROR] no more than 10 items allowed [json-pointer:${at}/fields]`);
        fields.forEach((f, j) => tooLong(messages, textOf(f), 2000, `${at}/fields/${j}/text`));
      }
      if (block.accessory !== undefined) checkElement(block.accessory, `${at}/accessory`, messages);
      break;
    }
    case 'header':
      if (textOf(block.text) === undefined) messages.push(`[ERROR] missing required field: text [json-pointer:${at}]`);
      tooLong(messages, textOf(block.text), 150, `${at}/text/text`);
      break;
    case 'actions': {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length === 0) {
        messages.push(`[ERROR] missing required field: elements [json-pointer:${at}]`);
        break;
      }
      if (elements.length > 25) messages.push(`[ERROR] no more than 25 items allowed [json-pointer:${at}/elements]`);
      const actionIds = new Set<string>();
      elements.forEach((e, j) => {
        checkElement(e, `${at}/elements/${j}`, messages);
        if (isObject(e) && typeof e.action_id === 'string') {
          if (actionIds.has(e.action_id)) messages.push(`[ERROR] duplicate action_id ${e.action_id} [json-pointer:${at}/elements/${j}]`);
          actionIds.add(e.action_id);
        }
      });
      break;
    }
    case 'context': {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length === 0) {
        messages.push(`[ERROR] missing required field: elements [json-pointer:${at}]`);
      } else if (elements.length > 10) {
        messages.push(`[ERROR] no more than 10 items allowed [json-pointer:${at}/elements]`);
      }
      break;
    }
    default:
      break;
  }
}

function checkElement(element: unknown, at: string, messages: string[]): void {
  if (!isObject(element) || typeof element.type !== 'string') {
    messages.push(`[ERROR] missing required field: type [json-pointer:${at}]`);
    return;
  }
  if (element.action_id !== undefined && (typeof element.action_id !== 'string' || element.action_id.length > 255)) {
    messages.push(`[ERROR] invalid action_id [json-pointer:${at}/action_id]`);
  }
  if (element.type === 'button') {
    const text = textOf(element.text);
    if (text === undefined) messages.push(`[ERROR] missing required field: text [json-pointer:${at}]`);
    tooLong(messages, text, 75, `${at}/text/text`);
    if (element.value !== undefined) {
      if (typeof element.value !== 'string') messages.push(`[ERROR] value must be a string [json-pointer:${at}/value]`);
      else tooLong(messages, element.value, 2000, `${at}/value`);
    }
    if (element.url !== undefined && typeof element.url === 'string') tooLong(messages, element.url, 3000, `${at}/url`);
  }
}
