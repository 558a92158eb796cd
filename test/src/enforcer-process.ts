/**
 * An enforcement point in its own process: an Enforcer following the real Kafka feed, and a
 * tiny HTTP API for the test to ask it (`/check?...`) and to see what it applied (`/status`).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Enforcer } from '@killswitch/enforcer';

const env = process.env;
const enforcer = new Enforcer({
  tenant: env.ENFORCER_TENANT as string,
  ledgerUrl: env.LEDGER_URL as string,
  apiKey: env.LEDGER_KEY as string,
  brokers: (env.KAFKA_BROKERS as string).split(','),
  enforcerId: env.ENFORCER_ID as string,
  heartbeatMs: 500,
  // What the enforcer reports without stopping (Kafka behind, the ledger briefly unreachable).
  onError: (error) => process.stderr.write(`${String(error)}\n`),
  ...(env.ENFORCER_STALL_CHECK_MS ? { stallCheckMs: Number(env.ENFORCER_STALL_CHECK_MS) } : {}),
});
await enforcer.start();
// A crash says why on stderr, which the test shows when the process exits unasked.
process.on('unhandledRejection', (error) => {
  process.stderr.write(`unhandled rejection: ${String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://enforcer');
  let body: unknown;
  if (url.pathname === '/check') {
    const q = url.searchParams;
    // The request's own IP and user agent, as an app passes them: refusals are reported with them.
    const context = { ip: req.socket.remoteAddress ?? null, userAgent: req.headers['user-agent'] ?? null };
    body = q.has('tokenId')
      ? enforcer.replica.checkToken(q.get('tokenId') as string, context)
      : enforcer.replica.check(
          {
            sub: q.get('sub') ?? undefined,
            sid: q.get('sid') ?? undefined,
            jti: q.get('jti') ?? undefined,
            iat: q.has('iat') ? Number(q.get('iat')) : undefined,
          },
          context,
        );
  } else {
    body = {
      id: enforcer.id,
      position: enforcer.replica.position,
      httpCatchUps: enforcer.httpCatchUps,
      terminations: Object.fromEntries(enforcer.replica.terminationsApplied),
    };
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
});
// Idle keep-alive sockets outlive the test's pauses (Node's 5 s default races the client's reuse of them).
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`));
process.on('SIGTERM', () => void enforcer.stop().then(() => process.exit(0)));
