/** The load generator, in its own process: autocannon against one target, result as JSON on stdout. */
import autocannon from 'autocannon';

const options = JSON.parse(process.argv[2] as string) as {
  url: string;
  body: string;
  headers: Record<string, string>;
  seconds: number;
  connections: number;
};
const result = await autocannon({
  url: options.url,
  method: 'POST',
  connections: options.connections,
  pipelining: 1,
  duration: options.seconds,
  headers: options.headers,
  body: options.body,
});
process.stdout.write(
  `${JSON.stringify({
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  })}\n`,
);
