import { describe, expect, it } from 'vitest';
import { deadlineVerdict } from './deadlines.ts';
import { residualOf } from './termination.ts';
import type { TokenNode } from './graph.ts';

const MIN = 60_000;
const token = (binding: TokenNode['binding'], expiresAt: number, format: TokenNode['format'] = 'JWT'): TokenNode => ({
  id: `${binding}-${expiresAt}`,
  userId: 'u',
  issuedAt: 0,
  lineage: { sessions: [], agents: [], grants: [], deviceId: null },
  revoked: null,
  kind: 'ACCESS',
  format,
  binding,
  expiresAt,
});

describe('IPSIE deadlines', () => {
  it('SL2: bearer within 15 min and device-bound within 1 h meet the deadline', () => {
    const residual = residualOf([token('BEARER', 15 * MIN), token('DPOP', 60 * MIN), token('BEARER', 10 * 24 * 60 * MIN, 'REFERENCE')], 0);
    expect(residual).toEqual({ bearer: { count: 1, latestExpiry: 15 * MIN }, deviceBound: { count: 1, latestExpiry: 60 * MIN } });
    expect(deadlineVerdict('SL2', 0, residual).meets).toBe(true);
  });

  it('SL3 is stricter: 5 min bearer, 15 min device-bound', () => {
    const residual = residualOf([token('BEARER', 6 * MIN)], 0);
    expect(deadlineVerdict('SL2', 0, residual).meets).toBe(true);
    expect(deadlineVerdict('SL3', 0, residual)).toMatchObject({ meets: false, bearerDeadline: 5 * MIN, deviceBoundDeadline: 15 * MIN });
  });

  it('expired and reference tokens are no residual exposure', () => {
    expect(residualOf([token('MTLS', 5), token('BEARER', 500, 'REFERENCE')], 10)).toEqual({
      bearer: { count: 0, latestExpiry: null },
      deviceBound: { count: 0, latestExpiry: null },
    });
  });
});
