import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Structured JSON logs with no personal data or secrets: requests are logged by route pattern
 * (URLs carry user ids), never with headers, bodies, IPs or tokens.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    serializers: {
      req: (req: { method?: string; id?: string; routeOptions?: { url?: string } }) => ({
        id: req.id,
        method: req.method,
        route: req.routeOptions?.url,
      }),
      res: (res: { statusCode?: number }) => ({ status: res.statusCode }),
    },
    redact: ['req.headers', 'headers', 'authorization'],
  };
  return destination ? pino(options, destination) : pino(options);
}
