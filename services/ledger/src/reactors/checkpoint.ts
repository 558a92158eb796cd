import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A reactor's checkpoint in a file: written to a temporary file, fsynced, then renamed over the
 * old one, so a kill at any moment leaves either the old or the new position, never a torn one.
 */
export class FileCheckpoint {
  constructor(private readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
  }

  read(): number {
    try {
      return Number(JSON.parse(readFileSync(this.path, 'utf8')).position) || 0;
    } catch {
      return 0;
    }
  }

  write(position: number): void {
    const temporary = `${this.path}.tmp`;
    const fd = openSync(temporary, 'w');
    writeSync(fd, JSON.stringify({ position }));
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temporary, this.path);
  }
}
