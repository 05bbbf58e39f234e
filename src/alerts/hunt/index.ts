export { HuntService, type HuntServiceOptions, type HuntStore, type HuntLimits, type HuntTiming } from './service';
export { HuntError, type HuntFailure } from './errors';
export { buildHuntQuery, formatTimespanLiteral, HUNT_SOURCES, HUNT_QUERY_LIMITS, MAX_LOOKBACK_MS, MIN_LOOKBACK_MS } from './query';
export { assembleReport } from './report';
export { logAnalyticsQueryLink, defenderUserLink } from './links';
export { validateUpn, parseLookback, type UpnCheck, type LookbackCheck, type LookbackLimits } from './upn';
