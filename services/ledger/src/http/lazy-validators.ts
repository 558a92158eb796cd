import AjvCompiler from '@fastify/ajv-compiler';

type BuildValidator = ReturnType<typeof AjvCompiler>;
type Compile = ReturnType<BuildValidator>;
type Validate = ReturnType<Compile>;

/**
 * Fastify's own Ajv validators, each compiled when first used, and all of them in the background
 * once the server listens (`compileAll`). Compiling every route's schemas took ~200 ms of each
 * start before the ledger could answer anything; a restarted ledger now answers first.
 */
export function lazyValidators(): { buildValidator: BuildValidator; compileAll(): Promise<void> } {
  const fastifyDefault = AjvCompiler();
  const pending: Array<() => Validate> = [];
  const buildValidator = ((externalSchemas: unknown, options: unknown) => {
    const compile = (fastifyDefault as (schemas: unknown, options: unknown) => Compile)(externalSchemas, options);
    return (route: Parameters<Compile>[0]) => {
      let compiled: Validate | undefined;
      const ready = () => (compiled ??= compile(route));
      // Fastify reads a failed validation's `errors` from the function it called.
      const validate = ((data: unknown) => {
        const inner = ready() as Validate & { errors?: unknown };
        const valid = (inner as (data: unknown) => unknown)(data);
        validate.errors = inner.errors;
        return valid;
      }) as Validate & { errors?: unknown };
      pending.push(ready);
      return validate;
    };
  }) as unknown as BuildValidator;
  /** Compiles what is left, one validator per turn of the event loop: requests keep being answered. */
  const compileAll = async () => {
    for (let ready = pending.shift(); ready; ready = pending.shift()) {
      await new Promise((resolve) => setImmediate(resolve));
      ready();
    }
  };
  return { buildValidator, compileAll };
}
