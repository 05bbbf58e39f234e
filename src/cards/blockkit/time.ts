import { formatUtcTime } from '../../time/when';

/**
 * A point in time in Slack's date token: each reader sees it in their own time
 * zone ("Nov 27th 3:02 PM", "Today 3:02 PM"); clients that cannot show it use
 * the UTC fallback. An invalid date is just the fallback.
 */
export function slackTime(at: Date | undefined, fallback?: string): string {
  if (at === undefined || Number.isNaN(at.getTime())) return fallback ?? 'unknown time';
  const text = (fallback ?? formatUtcTime(at, new Date(0))).replace(/[|<>&]/g, ' ');
  return `<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} {time}|${text}>`;
}
