import { WrongExpectedVersion, type AppendRequest, type EventStore } from '@killswitch/event-store';
import type { ProjectionHost } from '@killswitch/projections';
import type { DomainEvent } from '@killswitch/schemas';

/** What a reactor did about a termination, as an append to the termination's own stream. */
export interface TerminationFact {
  readonly tenant: string;
  readonly terminationId: string;
  readonly event: DomainEvent;
}

function requestFor({ tenant, terminationId, event }: TerminationFact, source: string): AppendRequest {
  return {
    streamId: `termination-${tenant}:${terminationId}`,
    expected: 'stream_exists',
    events: [
      {
        event,
        metadata: {
          tenant,
          correlationId: `${source}:${terminationId}`,
          causationId: terminationId,
          actor: 'relay',
          source,
          idpEventTime: null,
        },
      },
    ],
  };
}

/** Records what a reactor did about a termination on the termination's own stream, then waits until it is visible. */
export async function appendToTermination(
  store: EventStore,
  host: ProjectionHost,
  tenant: string,
  terminationId: string,
  event: DomainEvent,
  source: string,
): Promise<void> {
  await appendAllToTerminations(store, host, [{ tenant, terminationId, event }], source);
}

/** Several such facts in one group commit (one durable write for a batch of acknowledgements), then waits until visible. */
export async function appendAllToTerminations(
  store: EventStore,
  host: ProjectionHost,
  facts: readonly TerminationFact[],
  source: string,
): Promise<void> {
  if (facts.length === 0) return;
  const results = await store.appendMany(facts.map((fact) => requestFor(fact, source)));
  const failed = results.find((r) => r instanceof WrongExpectedVersion);
  if (failed) throw failed;
  await host.waitFor(Math.max(...results.map((r) => (r instanceof WrongExpectedVersion ? 0 : r.position))));
}
