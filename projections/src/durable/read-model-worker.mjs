// Boots the read-model writer thread: worker threads do not inherit the TypeScript loader, so it is
// registered here (tsx's documented way for workers) before the worker's own module is loaded.
import { register } from 'tsx/esm/api';

register();
await import('./read-model-worker.ts');
