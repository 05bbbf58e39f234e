/**
 * A detection that could not read part of its window in one workspace, from
 * the first such poll until a poll reads its whole window again.
 */
export interface BlindSpell {
  workspace: string;
  detectionId: string;
  /** When the first poll of the spell could not read its window. */
  since: Date;
  /** The latest poll of the spell. */
  lastSeenAt: Date;
  /** Why the latest poll could not read (the query error, or what was left unread). */
  reason: string;
  /** When the spell was reported to the alert channels; a spell is reported once. */
  reportedAt?: Date;
}

/** Blind spells, shared by every replica so that a spell is reported once whoever polls. */
export interface BlindSpellStore {
  /** Opens a spell (since = at) or carries an open one forward (its latest poll and reason); returns it. */
  noteBlind(workspace: string, detectionId: string, at: Date, reason: string): Promise<BlindSpell>;
  /** Marks the open spell reported; true only for the caller that marked it. */
  markBlindReported(workspace: string, detectionId: string, at: Date): Promise<boolean>;
  /** Takes a mark back (no channel took the card), so the next poll reports again. */
  unmarkBlindReported(workspace: string, detectionId: string): Promise<void>;
  /** A poll read its whole window: the spell ends. Returns the ended spell, if one was open. */
  endBlind(workspace: string, detectionId: string): Promise<BlindSpell | undefined>;
  /** Every open spell, oldest first. */
  listBlindSpells(): Promise<BlindSpell[]>;
}
