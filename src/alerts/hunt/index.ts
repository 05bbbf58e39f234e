export { HuntService, type HuntTiming } from './service';
export { HuntError } from './errors';
export { buildHuntQuery, formatTimespanLiteral } from './query';
export { validateUpn } from './upn';
