/** The views: one AlertView, rendered for Teams (Adaptive Cards), Slack (Block Kit) and text. */
export { toAlertView } from './alert-view';
export { describeStatus } from './status';
export { alertCard } from './adaptive/alert-card';
export { alertMessage } from './blockkit/alert-message';
export { alertText } from './text/alert-text';
export { commandReplyText } from './text/reply-text';

export { toDigestView, type DigestView } from './digest-view';
export { sparkline } from './hunt-view';
export { digestCard } from './adaptive/digest-card';
export { huntCard } from './adaptive/hunt-card';
export { digestMessage } from './blockkit/digest-blocks';
export { huntBlocks, BLOCK_LIMITS } from './blockkit/hunt-blocks';
export { digestText } from './text/digest-text';
export { huntText } from './text/hunt-text';
export { toBlindView, type BlindView } from './blind-view';
export { blindCard } from './adaptive/blind-card';
export { blindMessage } from './blockkit/blind-blocks';
export { blindText } from './text/blind-text';
