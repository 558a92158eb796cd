/** A peer: fastify answering a constant, the ceiling for a Node HTTP endpoint. Prints its URL. */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.post('/check', async () => ({ active: true }));
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ url })}\n`);
