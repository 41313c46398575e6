// The consumer's own Prometheus gauge, registered on the worker's registry (name listed in
// k8s/monitoring/prometheus-rules.yaml, alert GraphrecEventsConsumerStuck).
import { Gauge, type Registry } from 'prom-client';
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
}
