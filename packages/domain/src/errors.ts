/** A command broke an invariant. `code` is stable and shown to callers. */
export class DomainError extends Error {
  readonly type = 'DomainError' as const;
  constructor(
    readonly code: string,
    message: string,
    readonly status: 404 | 409 | 422 = 422,
  ) {
    super(message);
  }
}
