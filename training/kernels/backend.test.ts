// Backend choice: 'auto' takes native TensorFlow where @tensorflow/tfjs-node loads, and says why when it falls
// back. Each test loads a fresh copy of backend.ts (its choice is once per process), with or without a
// tfjs-node that throws on require.
import fs from 'node:fs';
import path from 'node:path';
import type * as Backend from './backend';

type BackendModule = typeof Backend;

function freshBackend(tfjsNodeError?: string): BackendModule {
  let mod: BackendModule | undefined;
  jest.isolateModules(() => {
    if (tfjsNodeError !== undefined)
      jest.doMock(
        '@tensorflow/tfjs-node',
        () => {
          throw new Error(tfjsNodeError);
        },
        { virtual: true },
      );
    else jest.dontMock('@tensorflow/tfjs-node');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require('./backend') as BackendModule;
  });
  return mod!;
}

/** The package with its compiled addon: what `bash scripts/tfjs-native.sh` (or npm with internet) leaves. */
function nativeInstalled(): boolean {
  try {
    const dir = path.dirname(require.resolve('@tensorflow/tfjs-node/package.json'));
    return fs
      .readdirSync(path.join(dir, 'lib'))
      .some((d) => fs.existsSync(path.join(dir, 'lib', d, 'tfjs_binding.node')));
  } catch {
    return false;
  }
}

const LOAD_ERROR = 'libtensorflow_cc.so.2: cannot open shared object file: No such file or directory';

const native = nativeInstalled();

describe('useBackend', () => {
  beforeAll(() => {
    // Every fresh copy sets the platform and registers the wasm backend and kernels again on the one global engine.
    const warn = console.warn.bind(console);
    jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
      if (!/already (been set|registered)/.test(String(args[0]))) warn(...args);
    });
  });
  afterAll(() => jest.restoreAllMocks());
  afterEach(() => jest.dontMock('@tensorflow/tfjs-node'));

  (native ? it : it.skip)(
    native
      ? "'auto' picks tensorflow when @tensorflow/tfjs-node loads"
      : "'auto' picks tensorflow when @tensorflow/tfjs-node loads (SKIPPED: tfjs-node or its compiled addon is not installed; bash scripts/tfjs-native.sh builds them)",
    async () => {
      const b = freshBackend();
      const name = await b.useBackend('auto');
      // The reason is the useful part of a failure here: what made require('@tensorflow/tfjs-node') throw.
      expect({ name, reason: b.backendFallbackReason() }).toEqual({ name: 'tensorflow', reason: undefined });
    },
  );

  it("'auto' falls back to wasm when tfjs-node cannot load, and says why (the error's first line)", async () => {
    const b = freshBackend(
      `${LOAD_ERROR}\n    at Module._extensions..node (node:internal/modules/cjs/loader)`,
    );
    expect(b.backendFallbackReason()).toBeUndefined();
    expect(await b.useBackend('auto')).toBe('wasm');
    expect(b.backendFallbackReason()).toBe(`tensorflow: ${LOAD_ERROR}`);
    // Once chosen, later 'auto' calls keep the choice and the reason.
    expect(await b.useBackend()).toBe('wasm');
    expect(b.backendFallbackReason()).toBe(`tensorflow: ${LOAD_ERROR}`);
  });

  it('an explicit tensorflow that cannot load is an UNAVAILABLE error naming the cause', async () => {
    const b = freshBackend(LOAD_ERROR);
    await expect(b.useBackend('tensorflow')).rejects.toMatchObject({
      kind: 'UNAVAILABLE',
      message: `the tfjs backend 'tensorflow' could not be initialised (tensorflow: ${LOAD_ERROR})`,
    });
  });

  it('an unknown backend name is a CONFIG error listing the allowed ones', async () => {
    const b = freshBackend(LOAD_ERROR);
    await expect(b.useBackend('gpu' as Backend.BackendChoice)).rejects.toMatchObject({
      kind: 'CONFIG',
      where: { field: 'backend' },
      message: 'the tfjs backend must be one of auto, tensorflow, wasm, cpu, but got: "gpu"',
    });
  });

  it('initBackend reports a failure as a value and leaves the choice alone', async () => {
    const b = freshBackend(LOAD_ERROR);
    expect(await b.initBackend('tensorflow')).toBe(LOAD_ERROR);
    expect(await b.initBackend('cpu')).toBeUndefined();
    expect(b.backendFallbackReason()).toBeUndefined();
  });
});
