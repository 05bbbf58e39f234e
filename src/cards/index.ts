/** The views: one AlertView, rendered for Teams (Adaptive Cards), Slack (Block Kit) and text. */
export type { CardContext } from './context';
export { toAlertView, type AlertView, type TargetView, type ViewFact, type ViewLink } from './alert-view';
export { availableVerbs, viewActions, VERB_LABEL, type ViewAction } from './actions';
export { describeStatus, classificationText } from './status';
export { humaniseInsight } from './insights';
export { techniqueRef, type TechniqueRef } from './mitre';
export { defenderUserUrl, azureResourceUrl, logAnalyticsQueryUrl } from '../alerts/links';
export { severityHint, type SeverityHint } from './severity';
export { formatUtc, formatRelative, formatWhen, formatAge } from '../time/when';
export { durationShortWords } from '../time/duration';
export { truncate } from './text-limits';
export { CARD_VERBS, NOTE_MAX_LENGTH, cardPayload, isCardVerb, parseCardActionPayload, type PayloadParse } from './payload';

export { alertCard, alertCardParts, TEAMS_CARD_BUDGET_BYTES } from './adaptive/alert-card';
export { commandReplyCard } from './adaptive/reply-card';
export { huntPendingCard } from './adaptive/hunt-pending';
export { TEAMS_INPUT_IDS, TEAMS_ACTION_DATA_SHAPE, teamsActionData, parseTeamsActionData } from './adaptive/actions';

export { alertMessage, alertMetadata, type SlackMessage } from './blockkit/alert-message';
export { commandReplyBlocks, huntPendingBlocks } from './blockkit/reply-blocks';
export { escalateModal, resolveModal, parseModalSubmission, parseSlackButton } from './blockkit/modals';
export { SLACK_IDS, slackActionId } from './blockkit/ids';
export { SLACK_LIMITS, escapeMrkdwn } from './blockkit/mrkdwn';

export { alertText, type TextOptions } from './text/alert-text';
export { commandReplyText } from './text/reply-text';

export { toDigestView, digestLines, digestTitle, DIGEST_FIRST, DIGEST_TOP, type DigestView } from './digest-view';
export { sparkline, emptyMessage } from './hunt-view';
export { digestCard } from './adaptive/digest-card';
export { huntCard } from './adaptive/hunt-card';
export { digestMessage } from './blockkit/digest-blocks';
export { huntBlocks, escapeSlack, BLOCK_LIMITS, type Block } from './blockkit/hunt-blocks';
export { digestText } from './text/digest-text';
export { huntText } from './text/hunt-text';
