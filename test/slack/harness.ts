// Kept only for test/escalation/store-methods.test.ts, which moves with the store split and
// imports this path; remove once it imports newAlert from test/chat/slack/harness.
export { newAlert } from '../chat/slack/harness';
