import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acknowledgement, FileCheckpoint, TerminationReactor } from '@killswitch/ledger';
import { startAgentRuntime, type AgentRuntime } from '../src/agent-runtime.ts';
import { waitUntil } from '../src/kafka-harness.ts';
import { PUBLIC_BASE_URL, startTestLedger, type TestLedger } from '../src/test-ledger.ts';

/**
 * Agent task lifecycle: the agent runtime reports tasks that ended on their own and agents that
 * stopped; a later termination revokes those agents' credentials but sends no CancelTask for a
 * task that is already terminal, and its receipt counts them apart.
 */
describe('agent task lifecycle', () => {
  let ledger: TestLedger;
  let runtime: AgentRuntime;
  let reactor: TerminationReactor;
  const cancelled = () => runtime.calls.map((c) => c.params.id);

  beforeAll(async () => {
    runtime = await startAgentRuntime();
    ledger = await startTestLedger();
    reactor = new TerminationReactor(
      ledger.runtime.store,
      ledger.runtime.host,
      new FileCheckpoint(join(ledger.dataDir, 'relay', 'terminations.checkpoint.json')),
      { issuer: PUBLIC_BASE_URL, signingKey: ledger.runtime.signingKey, receiptTarget: () => undefined },
    );
    reactor.start();
  });

  afterAll(async () => {
    await reactor?.stop();
    await ledger?.destroy();
    await runtime?.close();
  });

  it('the reactor’s checkpoint follows the feed when no termination comes, so a restart does not re-read history', async () => {
    await ledger.call('POST', '/v1/tenants/acme/facts', {
      facts: Array.from({ length: 20 }, (_, i) => ({ type: 'session.started', sessionId: `quiet-${i}`, userId: 'quiet' })),
    });
    const head = await ledger.runtime.store.headPosition();
    const checkpoint = new FileCheckpoint(join(ledger.dataDir, 'relay', 'terminations.checkpoint.json'));
    await waitUntil(() => checkpoint.read() === head, 5_000, 'the checkpoint at the head');
    expect(checkpoint.read()).toBe(head);
  });

  it('a Global Revocation cancels only live tasks, and counts the already-terminal ones apart', async () => {
    const runtimeUrl = runtime.url;
    const facts = (list: unknown[]) => ledger.call('POST', '/v1/tenants/acme/facts', { facts: list });
    expect(
      (
        await facts([
          { type: 'session.started', sessionId: 'al-s1', userId: 'alice' },
          { type: 'agent.spawned', agentId: 'done', sessionId: 'al-s1', runtimeUrl, taskId: 'task-done' },
          { type: 'agent.spawned', agentId: 'live', sessionId: 'al-s1', runtimeUrl, taskId: 'task-live' },
          { type: 'agent.spawned', agentId: 'stopped', sessionId: 'al-s1', runtimeUrl, taskId: 'task-stopped' },
          { type: 'agent.task_ended', agentId: 'done', taskId: 'task-done', state: 'completed' },
          { type: 'agent.ended', agentId: 'stopped', reason: 'runtime shut down' },
        ])
      ).status,
    ).toBe(200);

    // An unknown agent, or a state that is not terminal, is refused and records nothing.
    const head = await ledger.runtime.store.headPosition();
    expect(await facts([{ type: 'agent.task_ended', agentId: 'nobody', state: 'failed' }])).toMatchObject({
      status: 422, // a dangling reference, as for any fact
      body: { error: 'ERR_UNKNOWN_REFERENCE' },
    });
    expect((await facts([{ type: 'agent.task_ended', agentId: 'live', state: 'working' }])).status).toBe(400);
    expect(await ledger.runtime.store.headPosition()).toBe(head);

    const killed = await ledger.call('POST', '/v1/tenants/acme/terminations', {
      scope: 'global_revocation',
      target: { type: 'user', id: 'alice' },
      reason: 'offboarded',
    });
    expect(killed.status).toBe(201);
    expect([...killed.body.ended.agents].sort()).toEqual(['done', 'live', 'stopped']); // every agent's credentials end
    expect([...killed.body.ended.agentTasksTerminal].sort()).toEqual(['done', 'stopped']);

    const id = killed.body.terminationId as string;
    await waitUntil(
      async () => (await ledger.call('GET', `/v1/tenants/acme/terminations/${id}`)).body.agentCancellations.length === 1,
      10_000,
      'the live task cancelled',
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(cancelled()).toEqual(['task-live']);
    const status = (await ledger.call('GET', `/v1/tenants/acme/terminations/${id}`)).body;
    expect(status.agentCancellations).toEqual([{ agentId: 'live', taskId: 'task-live', outcome: 'canceled', error: null }]);

    // Coverage: every node of alice's ended, each agent's task accounted for; no enforcer runs here.
    await ledger.call('POST', '/v1/tenants/acme/facts', { facts: [{ type: 'session.started', sessionId: 'al-after', userId: 'alice' }] });
    const coverage = (await ledger.call('GET', `/v1/tenants/acme/terminations/${id}/coverage`)).body;
    expect(coverage.nodes.allEnded).toBe(true);
    expect(coverage.nodes.sessions).toEqual([{ id: 'al-s1', state: 'revoked', ended: true }]); // not the sign-in after it
    expect(Object.fromEntries(coverage.nodes.agents.map((a: { id: string; task: string }) => [a.id, a.task]))).toEqual({
      done: 'already_terminal',
      live: 'cancelled',
      stopped: 'already_terminal',
    });
    expect(coverage.enforcers).toEqual({ allApplied: null, applied: [], missing: null });
    expect(coverage.complete).toBe(false); // propagation to enforcers never completed
    expect((await ledger.call('GET', '/v1/tenants/acme/terminations/nope/coverage')).status).toBe(404);
  });

  it('the acknowledgement splits what ended exactly: refresh, reference, stateless bearer and DPoP-bound, agent tasks', async () => {
    const runtimeUrl = runtime.url;
    const now = Date.now();
    const token = (tokenId: string, kind: string, format: string, extra: Record<string, unknown> = {}) => ({
      type: 'token.minted',
      tokenId,
      kind,
      format,
      issuedAt: now - 1000,
      expiresAt: now + 600_000,
      ...extra,
    });
    const response = await ledger.call('POST', '/v1/tenants/acme/facts', {
      facts: [
        { type: 'session.started', sessionId: 'b-s1', userId: 'bob', deviceId: 'b-laptop' },
        { type: 'grant.issued', grantId: 'b-g1', sessionId: 'b-s1', clientId: 'web' },
        token('b-rt', 'refresh', 'reference', { grantId: 'b-g1', expiresAt: now + 86_400_000 }),
        token('b-rt-jwt', 'refresh', 'jwt', { grantId: 'b-g1', expiresAt: now + 86_400_000 }),
        token('b-ref', 'access', 'reference', { sessionId: 'b-s1' }),
        token('b-jwt', 'access', 'jwt', { sessionId: 'b-s1', expiresAt: now + 900_000 }),
        token('b-dpop', 'access', 'jwt', { sessionId: 'b-s1', binding: 'dpop', bindingThumbprint: 'jkt-1', expiresAt: now + 1_200_000 }),
        token('b-old', 'access', 'jwt', { sessionId: 'b-s1', issuedAt: now - 7_200_000, expiresAt: now - 3_600_000 }),
        { type: 'agent.spawned', agentId: 'b-agent', sessionId: 'b-s1', runtimeUrl, taskId: 'b-task' },
        token('b-agent-jwt', 'agent', 'jwt', { agentId: 'b-agent' }),
        token('b-agent-ref', 'agent', 'reference', { agentId: 'b-agent' }),
        { type: 'agent.spawned', agentId: 'b-idle', sessionId: 'b-s1', runtimeUrl, taskId: 'b-idle-task' },
        { type: 'agent.task_ended', agentId: 'b-idle', state: 'failed' },
        { type: 'agent.spawned', agentId: 'b-local', sessionId: 'b-s1' },
      ],
    });
    expect(response.status).toBe(200);
    const killed = await ledger.call('POST', '/v1/tenants/acme/terminations', {
      scope: 'global_revocation',
      target: { type: 'user', id: 'bob' },
      reason: 'breach',
    });
    expect(killed.status).toBe(201);
    const { ended, residual } = killed.body;
    expect({ ...ended, agents: [...ended.agents].sort() }).toEqual({
      sessionsRevoked: ['b-s1'],
      sessionsInvalidated: [],
      grants: ['b-g1'],
      agents: ['b-agent', 'b-idle', 'b-local'],
      devices: [],
      tokens: 7, // b-old had expired: not counted
      refreshTokens: 2,
      referenceTokens: 2,
      statelessTokens: 3,
      agentTasksCancelled: ['b-agent'],
      agentTasksTerminal: ['b-idle'],
    });
    // The stateless tokens still valid offline: the refresh JWT is not (only the RP's token endpoint takes it, and it asks the ledger).
    expect(residual).toEqual({
      bearer: { count: 2, latestExpiry: now + 900_000 },
      deviceBound: { count: 1, latestExpiry: now + 1_200_000 },
    });
    const record = ledger.runtime.ledger.termination('acme', killed.body.terminationId);
    expect(acknowledgement([record!.applied!])).toEqual({
      ended: {
        sessions: 1,
        grants: 1,
        agents: 3,
        tokens: 7,
        refresh_tokens: 2,
        reference_tokens: 2,
        stateless_tokens: 3,
        agent_tasks_cancelled: 1,
        agent_tasks_already_terminal: 1,
      },
      residual: {
        bearer: { count: 2, latest_exp: Math.floor((now + 900_000) / 1000) },
        device_bound: { count: 1, latest_exp: Math.floor((now + 1_200_000) / 1000) },
      },
    });
  });
});
