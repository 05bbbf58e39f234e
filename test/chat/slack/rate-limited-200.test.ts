import { WebClient } from '@slack/web-api';
import { classifySlackError } from '../../../src/chat/slack/errors';
import { startSlackStandin, type SlackStandin } from '../../support/slack-standin';

/**
 * Slack answers some rate limits with HTTP 200 and {"ok":false,"error":"rate_limited"}
 * (chat.postMessage's documented errors), besides HTTP 429 "ratelimited": both are rate limits.
 */
describe('rate_limited with HTTP 200', () => {
  let standin: SlackStandin;
  beforeAll(async () => {
    standin = await startSlackStandin();
  });
  afterAll(async () => {
    await standin.close();
  });

  async function failure(error: string): Promise<unknown> {
    standin.failNext('chat.postMessage', { error });
    const client = new WebClient(standin.botToken, { slackApiUrl: standin.url, retryConfig: { retries: 0 } });
    try {
      await client.chat.postMessage({ channel: 'C0ALERTS', text: 'x' });
    } catch (err) {
      return err;
    }
    throw new Error('the post succeeded');
  }

  it('is classified as a rate limit to retry, like HTTP 429', async () => {
    const f = classifySlackError(await failure('rate_limited'));
    expect(f).toMatchObject({ code: 'ratelimited', disposition: 'retry', ambiguous: false });
    expect(f.retryAfterMs).toBeGreaterThan(0);
  });

  it('another error code is not', async () => {
    expect(classifySlackError(await failure('invalid_blocks')).code).toBe('invalid_blocks');
  });
});
