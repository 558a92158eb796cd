import type { TerminationAppliedTypes } from '@killswitch/schemas';

type IpsieLevel = TerminationAppliedTypes.IpsieLevel;
type ResidualExposure = TerminationAppliedTypes.ResidualExposure;
type DeadlineVerdict = TerminationAppliedTypes.DeadlineVerdict;

const MINUTE = 60_000;

/**
 * IPSIE revocation deadlines (specs/ipsie-sl2.md, PR #121): how long an artefact the RP
 * cannot kill may outlive the command. Measured from receipt of the command.
 */
export const IPSIE_DEADLINES: Record<IpsieLevel, { bearer: number; deviceBound: number }> = {
  SL2: { bearer: 15 * MINUTE, deviceBound: 60 * MINUTE },
  SL3: { bearer: 5 * MINUTE, deviceBound: 15 * MINUTE },
};

export function deadlineVerdict(level: IpsieLevel, receivedAt: number, residual: ResidualExposure): DeadlineVerdict {
  const limits = IPSIE_DEADLINES[level];
  const bearerDeadline = receivedAt + limits.bearer;
  const deviceBoundDeadline = receivedAt + limits.deviceBound;
  const within = (latest: number | null, deadline: number) => latest === null || latest <= deadline;
  return {
    level,
    bearerDeadline,
    deviceBoundDeadline,
    meets: within(residual.bearer.latestExpiry, bearerDeadline) && within(residual.deviceBound.latestExpiry, deviceBoundDeadline),
  };
}
