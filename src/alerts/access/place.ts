/**
 * Where a request came from, as far as access is concerned. The composition
 * decides which origins are configured channels; the domain only reads this.
 */
export type Place =
  /** A configured alert or escalation channel; it shows and changes only these workspaces' alerts. */
  | { kind: 'channel'; workspaces: readonly string[] }
  /** A direct (personal) message with the bot. */
  | { kind: 'direct' }
  /** The command line on this machine. */
  | { kind: 'local' }
  /** Anywhere else: a channel or group chat FirstWatch was not configured for. */
  | { kind: 'elsewhere' };

export type PlaceResolver = (origin: string) => Place | Promise<Place>;
