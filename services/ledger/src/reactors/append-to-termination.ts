import type { EventStore } from '@killswitch/event-store';
import type { ProjectionHost } from '@killswitch/projections';
import type { DomainEvent } from '@killswitch/schemas';

/** Records what a reactor did about a termination on the termination's own stream, then waits until it is visible. */
export async function appendToTermination(
  store: EventStore,
  host: ProjectionHost,
  tenant: string,
  terminationId: string,
  event: DomainEvent,
  source: string,
): Promise<void> {
  const result = await store.append({
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
  });
  await host.waitFor(result.position);
}
