export { toDigestView, digestLines, digestTitle, DIGEST_FIRST, DIGEST_TOP, type DigestView } from './model';
export { digestText } from './text';
export { digestMessage } from './blocks';
export { digestCard } from './adaptive';
