import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { RequestMetrics } from './request-metrics.ts';

/** Prometheus metrics, one registry per app (no module-level singletons). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'killswitch_' });
  // Checks by result, counted in plain numbers on the hot path and added to the counter when scraped.
  const checked = { true: 0, false: 0 };
  return {
    registry,
    http: new RequestMetrics(registry),
    countCheck(active: boolean): void {
      checked[`${active}`]++;
    },
    factsIngested: new Counter({
      name: 'killswitch_facts_ingested_total',
      help: 'Facts appended through the ingest API',
      registers: [registry],
    }),
    terminations: new Counter({
      name: 'killswitch_terminations_total',
      help: 'Terminations applied',
      labelNames: ['scope', 'source'],
      registers: [registry],
    }),
    terminationKill: new Histogram({
      name: 'killswitch_termination_kill_seconds',
      help: 'Command received to revocation durable and applied to the check index',
      labelNames: ['scope'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    checks: new Counter({
      name: 'killswitch_checks_total',
      help: 'Revocation checks by result',
      labelNames: ['active'],
      registers: [registry],
      collect() {
        for (const active of ['true', 'false'] as const) {
          if (checked[active] > 0) this.inc({ active }, checked[active]);
          checked[active] = 0;
        }
      },
    }),
    projectionPosition: new Gauge({
      name: 'killswitch_projection_position',
      help: 'Last global position applied by the projections',
      registers: [registry],
    }),
    readModelWriterHeap: new Gauge({
      name: 'killswitch_read_model_writer_heap_bytes',
      help: "The read-model writer thread's JavaScript heap (committed), as of its last batch",
      registers: [registry],
    }),
    storeHead: new Gauge({
      name: 'killswitch_event_store_head_position',
      help: 'Last global position in the event store',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
