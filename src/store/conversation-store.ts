export interface ConversationRefRecord {
  platform: string;
  key: string;
  name: string;
  /** Whatever the platform stored (a JSON value), as it was saved. */
  ref: unknown;
  updatedAt: Date;
}

/**
 * What a platform needs to post into a conversation it was told about earlier
 * (Teams' conversation references), kept per platform under a key and a
 * human name.
 */
export interface ConversationStore {
  /** Insert or replace the reference under (platform, key). */
  saveConversationRef(platform: string, key: string, name: string, ref: unknown): Promise<void>;
  /** By key first, then by name (case-insensitive). */
  getConversationRef(platform: string, keyOrName: string): Promise<ConversationRefRecord | undefined>;
  listConversationRefs(platform: string): Promise<ConversationRefRecord[]>;
}
