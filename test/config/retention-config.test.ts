import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';

describe('refused-request and retention settings', () => {
  it('store 10 refused requests per configuration a minute and keep events 90 days by default', () => {
    expect(loadConfig({}).delivery).toMatchObject({ refusedStoredPerMinute: 10, eventRetentionDays: 90 });
  });

  it('read REFUSED_STORED_PER_MINUTE (0 stores none) and EVENT_RETENTION_DAYS, refusing negatives', () => {
    expect(loadConfig({ REFUSED_STORED_PER_MINUTE: '0', EVENT_RETENTION_DAYS: '0' }).delivery).toMatchObject({
      refusedStoredPerMinute: 0,
      eventRetentionDays: 0,
    });
    expect(() => loadConfig({ EVENT_RETENTION_DAYS: '-1' })).toThrow(/EVENT_RETENTION_DAYS/);
  });
});
