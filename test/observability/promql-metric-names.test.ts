import { describe, expect, it } from 'vitest';
import { promqlMetricNames } from '../helpers/promql-metric-names.js';

describe('promqlMetricNames', () => {
  it('finds the selected metrics and none of the functions, labels, durations or keywords', () => {
    const expression = `(
      sum by (config_key) (rate(bpm_executions_total{outcome=~"failed|error", x="{a}"}[15m]))
        / sum without (instance) (rate(bpm_executions_total[5m:1m] offset 1h))
    ) > 0.5 and on (config_key) group_left (source) increase(bpm_other_total[15m]) >= 1e3
    or histogram_quantile(0.95, sum by (le) (rate(bpm_duration_seconds_bucket{job=~"$job"}[$__rate_interval])))
    unless time() - bpm_last_seen:ratio > bool inf`;
    expect(promqlMetricNames(expression).sort()).toEqual([
      'bpm_duration_seconds_bucket',
      'bpm_executions_total',
      'bpm_last_seen:ratio',
      'bpm_other_total',
    ]);
  });

  it('reads a bare selector and one whose name is followed by a space before its braces', () => {
    expect(promqlMetricNames('up')).toEqual(['up']);
    expect(promqlMetricNames('bpm_ready {job="a"} == 0')).toEqual(['bpm_ready']);
  });
});
