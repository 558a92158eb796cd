import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An agent runtime on loopback that answers A2A `CancelTask` (JSON-RPC) and records each call. */
export interface AgentRuntime {
  /** The A2A endpoint to give `agent.spawned` as `runtimeUrl`. */
  readonly url: string;
  readonly calls: Array<{ id: string; method: string; params: { id: string } }>;
  close(): Promise<void>;
}

export async function startAgentRuntime(): Promise<AgentRuntime> {
  const calls: AgentRuntime['calls'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const call = JSON.parse(body) as AgentRuntime['calls'][number];
      calls.push(call);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: call.id, result: { id: call.params.id, status: { state: 'TASK_STATE_CANCELED' } } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/a2a`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
