/**
 * A responder command already split into its parts, as the CLI reads it from
 * its arguments. Values are as given: the router validates them exactly as it
 * validates the same words typed in chat.
 */
export type Command =
  | { verb: 'help' }
  | { verb: 'alerts'; /** open (default) or all */ scope?: string }
  | { verb: 'alert'; alertId: string }
  | { verb: 'ack'; alertId: string }
  | { verb: 'escalate' | 'reopen'; alertId: string; note?: string }
  | { verb: 'resolve'; alertId: string; /** tp, bp, fp or their long names */ classification: string; note?: string }
  | { verb: 'hunt'; upn: string; /** like 24h or 7d; default the hunt limits' default */ lookback?: string; workspace?: string };
