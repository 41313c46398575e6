import { Registry } from 'prom-client';
import type { EventConsumer } from './consumer';
import { consumerMetrics } from './metrics';

describe('consumerMetrics', () => {
  it('counts dead letters as a counter that only the consumer moves (the capped stream stops growing)', async () => {
    const stats = { batches: 0, written: 0, deadLettered: 0, retries: 0, trimmed: 0 };
    const consumer = {
      stats: () => stats,
      health: () => ({ stuck: false }),
    } as unknown as EventConsumer;
    const registry = new Registry();
    consumerMetrics(registry, consumer);
    const value = async () =>
      (await registry.getSingleMetricAsString('graphrec_events_dead_lettered_total')).split('\n').pop();
    expect(await value()).toBe('graphrec_events_dead_lettered_total 0');
    stats.deadLettered = 3;
    expect(await value()).toBe('graphrec_events_dead_lettered_total 3');
    stats.deadLettered = 5;
    expect(await value()).toBe('graphrec_events_dead_lettered_total 5');
    expect(await registry.getSingleMetricAsString('graphrec_events_consumer_stuck')).toMatch(/ 0$/);
  });
});
