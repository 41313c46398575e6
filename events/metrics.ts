// The consumer's own Prometheus metrics, registered on the worker's registry (names listed in
// k8s/monitoring/prometheus-rules.yaml, alerts GraphrecEventsConsumerStuck and GraphrecEventsDeadLettered).
import { Counter, Gauge, type Registry } from 'prom-client';
import type { EventConsumer } from './consumer';

export function consumerMetrics(registry: Registry, consumer: EventConsumer): void {
  new Gauge({
    name: 'graphrec_events_consumer_stuck',
    help: '1 while the event consumer has had work for EVENTS_STUCK_AFTER_S without acknowledging any',
    registers: [registry],
    collect() {
      this.set(consumer.health().stuck ? 1 : 0);
    },
  });
  // A counter, not the dead-letter stream's length: the stream is capped, so its length stops moving once full.
  let counted = 0;
  new Counter({
    name: 'graphrec_events_dead_lettered_total',
    help: 'Events this consumer sent to the dead-letter stream (refused by the graph, malformed, or out of retries)',
    registers: [registry],
    collect() {
      const now = consumer.stats().deadLettered;
      if (now > counted) this.inc(now - counted);
      counted = now;
    },
  });
}
