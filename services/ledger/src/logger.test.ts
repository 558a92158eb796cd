import { describe, expect, it } from 'vitest';
import { LinesPerTurn } from './logger.ts';

describe('the buffered log destination', () => {
  it('hands over the turn’s lines in one write, and asks for a flush callback only when given one', async () => {
    const writes: string[] = [];
    const flushes: Array<((error?: Error) => void) | undefined> = [];
    const lines = new LinesPerTurn({ write: (chunk) => writes.push(chunk), flush: (callback) => flushes.push(callback) });
    lines.write('a\n');
    lines.write('b\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(['a\nb\n']);
    // The periodic flush: no callback, so sonic-boom adds no drain listener (they piled up under a slow stdout).
    lines.write('c\n');
    lines.flush();
    expect(writes).toEqual(['a\nb\n', 'c\n']);
    expect(flushes).toEqual([undefined]);
    const done = () => {};
    lines.flush(done);
    expect(flushes[1]).toBe(done);
    let called = false;
    new LinesPerTurn({ write: () => true }).flush(() => (called = true));
    expect(called).toBe(true);
  });
});
