export const MAX_NOTE_LENGTH = 1000;

export type NoteCheck = { ok: true; note: string | undefined } | { ok: false; reason: string };

/**
 * A free-text note on an action. Newlines and tabs are kept; other control
 * characters are refused because they corrupt cards and logs.
 */
export function validateNote(input: string | undefined): NoteCheck {
  if (input === undefined) return { ok: true, note: undefined };
  const note = input.trim();
  if (note.length === 0) return { ok: true, note: undefined };
  if (note.length > MAX_NOTE_LENGTH) {
    return { ok: false, reason: `the note is ${note.length} characters; the limit is ${MAX_NOTE_LENGTH}` };
  }
  for (const ch of note) {
    const cp = ch.codePointAt(0) ?? 0;
    if ((cp < 0x20 && ch !== '\n' && ch !== '\t') || cp === 0x7f || (cp >= 0x80 && cp < 0xa0)) {
      return { ok: false, reason: `the note contains control character U+${cp.toString(16).toUpperCase().padStart(4, '0')}` };
    }
  }
  return { ok: true, note };
}
