export { huntCard } from './adaptive';
export { huntBlocks, escapeSlack, BLOCK_LIMITS, type Block } from './blocks';
export { huntText } from './text';
export { sparkline, emptyMessage } from './model';
