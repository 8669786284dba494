import { describe, expect, it } from 'vitest';
import { consoleLinks, openedText } from '../../src/notify/notification-text.js';

describe('notification text', () => {
  it('shows a hostile key inert: control characters replaced, Slack’s <, > and & escaped, clipped', () => {
    const text = openedText(
      {
        configKey: `<!channel> & <https://evil.example|click>\u0000\n\u202e${'x'.repeat(200)}`,
        condition: 'dead',
        configId: 4,
        openedAt: new Date(0),
        notifiedAt: null,
        occurrences: 1,
        detail: { eventId: 12 },
      },
      consoleLinks(undefined),
    );
    expect(text).toContain('"&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;???xxx');
    for (const forbidden of ['<', '>', '\u0000', '\n', '\u202e']) expect(text).not.toContain(forbidden);
    expect(text).toMatch(
      /x{50}" ran out of attempts \(event 12\)\. Console: \/console\/#\/events\/12 \(set PUBLIC_URL for a full link\)$/,
    );
    expect(text).not.toContain('x'.repeat(100));
  });
});
