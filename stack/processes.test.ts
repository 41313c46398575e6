import { spawn } from 'node:child_process';
import { isAlive } from './processes';

describe('isAlive', () => {
  it('is true for a running process and false for a missing pid', () => {
    expect(isAlive(process.pid)).toBe(true);
    expect(isAlive(undefined)).toBe(false);
    expect(isAlive(2 ** 22 + 1)).toBe(false); // above Linux's pid_max
  });

  it('counts an unreaped (zombie) process as gone, though signal 0 still reaches it', async () => {
    // `sleep 0` exits at once; its parent has exec'd into `sleep 5`, which never reaps it, so it stays a zombie.
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const zombie = await new Promise<number>((resolve) =>
      parent.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
    );
    await new Promise((r) => setTimeout(r, 300));
    try {
      expect(() => process.kill(zombie, 0)).not.toThrow();
      expect(isAlive(zombie)).toBe(false);
      expect(isAlive(parent.pid)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
