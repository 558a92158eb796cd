/** Small shared pieces: links, states, times, errors, loading. */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, type NodeState, type Residual } from './api.ts';

export const href = (path: string, query: Record<string, string | number | undefined> = {}): string => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return `#${path}${qs ? `?${qs}` : ''}`;
};

export const nodeHref = (type: string, id: string) => href(`/graph/${type.toLowerCase()}/${encodeURIComponent(id)}`);

export function time(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, ' UTC');
}

export const STATE_LABEL: Record<NodeState, string> = {
  live: 'Live',
  invalidated: 'Invalidated',
  revoked: 'Revoked',
  ended: 'Ended',
  expired: 'Expired',
};

export function StateBadge({ state }: { state: string }) {
  return <span class={`badge state-${state}`}>{STATE_LABEL[state as NodeState] ?? state}</span>;
}

export function ResidualText({ residual }: { residual: Residual | undefined }) {
  if (!residual) return <>—</>;
  const { bearer, deviceBound } = residual;
  if (bearer.count + deviceBound.count === 0) return <>None: nothing stays valid offline.</>;
  return (
    <>
      {bearer.count} bearer token{bearer.count === 1 ? '' : 's'} valid offline until {time(bearer.latestExpiry)}
      {deviceBound.count > 0 ? `; ${deviceBound.count} device-bound until ${time(deviceBound.latestExpiry)}` : ''}
    </>
  );
}

export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  const text = error instanceof ApiError || error instanceof Error ? error.message : String(error);
  return (
    <p class="error" role="alert">
      {text}
    </p>
  );
}

/** Loads `load()` whenever `deps` change; shows progress and errors in words. */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: unknown[],
): { data: T | null; error: unknown; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data: T | null; error: unknown; loading: boolean }>({ data: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    load().then(
      (data) => current && setState({ data, error: null, loading: false }),
      (error: unknown) => current && setState({ data: null, error, loading: false }),
    );
    return () => {
      current = false;
    };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function Section({ title, children, id }: { title: string; children: ComponentChildren; id?: string }) {
  const headingId = `h-${id ?? title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {children}
    </section>
  );
}

/** A `datetime-local` value (the browser's zone) from epoch ms, and back. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 19);
}
export function fromLocalInput(value: string): number | undefined {
  if (!value) return undefined;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}

/** A labelled time input (seconds), in the browser's zone. */
export function TimeField({ label, value, onChange }: { label: string; value: string; onChange: (value: string) => void }) {
  return (
    <label>
      {label} <input type="datetime-local" step="1" value={value} onInput={(e) => onChange((e.target as HTMLInputElement).value)} />
    </label>
  );
}

/** A labelled choice among `[value, label]` options. */
export function ChoiceField({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: string;
  options: ReadonlyArray<readonly [string, string]>;
  onChange: (value: string) => void;
}) {
  return (
    <label>
      {label}{' '}
      <select value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}
