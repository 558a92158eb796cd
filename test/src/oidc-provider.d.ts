// oidc-provider ships no type declarations; the interoperability test uses it as a black box.
declare module 'oidc-provider' {
  const Provider: new (
    issuer: string,
    configuration: unknown,
  ) => {
    callback(): (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void;
    on(event: string, listener: (...args: any[]) => void): void;
  };
  export default Provider;
}
