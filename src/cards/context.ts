/** What a card needs besides the alert: the clock and where links should point. */
export interface CardContext {
  /** "Now" for relative times ("12 min ago"); passed in so rendering is deterministic. */
  now: Date;
  /** Entra tenant id: Defender and Azure portal links. */
  tenantId?: string;
  /** /subscriptions/…/resourceGroups/…/providers/Microsoft.OperationalInsights/workspaces/… */
  workspaceResourceId?: string;
  /** The detection's KQL, for the "open in Log Analytics" link. */
  detectionQuery?: string;
}
