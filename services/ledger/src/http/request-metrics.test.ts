import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { RequestMetrics } from './request-metrics.ts';

const BOUNDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** The scrape's sample lines, each with its labels in one order (Prometheus does not order them). */
const samples = (text: string) =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const match = /^([^{ ]+)(?:\{(.*)\})? (.*)$/.exec(line);
      if (!match || line.startsWith('#')) return line;
      const labels = (match[2] ?? '')
        .split(/,(?=\w+=")/)
        .filter(Boolean)
        .sort()
        .join(',');
      return `${match[1]}{${labels}} ${match[3]}`;
    })
    .sort();

describe('RequestMetrics', () => {
  it('prints the same series as prom-client counting each request with labels', async () => {
    const ours = new Registry();
    const metrics = new RequestMetrics(ours, BOUNDS);
    const reference = new Registry();
    const requests = new Counter({
      name: 'killswitch_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [reference],
    });
    const durations = new Histogram({
      name: 'killswitch_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route'],
      buckets: BOUNDS,
      registers: [reference],
    });
    const observed: Array<[string, string, number, number]> = [
      ['POST', '/v1/tenants/:tenant/check', 200, 0.0003],
      ['POST', '/v1/tenants/:tenant/check', 200, 0.0005], // on a bound: counted in it (le)
      ['POST', '/v1/tenants/:tenant/check', 401, 0.002],
      ['GET', '/v1/tenants/:tenant/check', 405, 0.04],
      ['GET', '/readyz', 503, 3], // above every bound: +Inf only
      ['GET', 'unmatched', 404, 0.0001],
    ];
    for (const [method, route, status, seconds] of observed) {
      metrics.record(method, route, status, seconds);
      requests.inc({ method, route, status });
      durations.observe({ method, route }, seconds);
    }
    expect(samples(await ours.metrics())).toEqual(samples(await reference.metrics()));
    expect(await ours.metrics()).toContain(
      'killswitch_http_request_duration_seconds_bucket{method="POST",route="/v1/tenants/:tenant/check",le="0.0005"} 2',
    );
  });

  it('starts empty and is emptied by a registry reset', async () => {
    const registry = new Registry();
    const metrics = new RequestMetrics(registry, BOUNDS);
    expect(await registry.metrics()).not.toContain('killswitch_http_requests_total{');
    metrics.record('GET', '/healthz', 200, 0.001);
    expect(await registry.metrics()).toContain('killswitch_http_requests_total{method="GET",route="/healthz",status="200"} 1');
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('killswitch_http_requests_total{');
  });
});
