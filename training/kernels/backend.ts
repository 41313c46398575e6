// Which tfjs backend runs the dense parts. tfjs-node (native TensorFlow) is preferred where it loads (the Docker
// image installs it; scripts/tfjs-native.sh builds it offline from PyPI's tensorflow-cpu wheel); otherwise wasm
// (SIMD, XNNPACK matMul: measured ~10x the pure-JS backend on the scoring matMul here), and the pure-JS cpu
// backend as the last resort. The graph propagation never depends on this: it is our typed-array kernel either way.
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { configError, unavailable } from '../../core';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendChoice = BackendName | 'auto';

/** In the order 'auto' tries them. */
const BACKENDS: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

let chosen: BackendName | undefined;
let fallbackReason: string | undefined;

/** Select and initialise a backend once per process; later calls return the first choice. */
export async function useBackend(choice: BackendChoice = 'auto'): Promise<BackendName> {
  if (choice !== 'auto' && !BACKENDS.includes(choice)) {
    throw configError(
      `the tfjs backend must be one of auto, ${BACKENDS.join(', ')}, but got: ${JSON.stringify(choice)}`,
      'backend',
    );
  }
  if (chosen && (choice === 'auto' || choice === chosen)) return chosen;
  const failures: string[] = [];
  for (const name of choice === 'auto' ? BACKENDS : [choice]) {
    const failure = await initBackend(name);
    if (failure === undefined) {
      chosen = name;
      fallbackReason = failures.length > 0 ? failures.join('; ') : undefined;
      return name;
    }
    failures.push(`${name}: ${failure}`);
  }
  throw unavailable(`the tfjs backend '${choice}' could not be initialised (${failures.join('; ')})`);
}

/**
 * Why the chosen backend is not the first one tried: for 'auto' without tfjs-node, e.g.
 * "tensorflow: Cannot find module '@tensorflow/tfjs-node'" (one `name: first line of the error` per backend that
 * failed, joined by '; '). Undefined before any choice, and when the first backend tried loaded.
 */
export function backendFallbackReason(): string | undefined {
  return fallbackReason;
}

/**
 * Initialise one backend and make it the current one, without recording a choice (the benchmarks switch between
 * backends in one process). Returns undefined on success, else why not: the first line of the error.
 */
export async function initBackend(name: BackendName): Promise<string | undefined> {
  try {
    if (name === 'tensorflow') {
      // Registers the 'tensorflow' backend on the shared tfjs engine; absent on machines without libtensorflow.
      // A plain require (not an import) because the package is optional. TensorFlow's C++ info lines (CPU
      // features) would otherwise land on every command's stderr; a level the user set wins. The one oneDNN line
      // is printed before TensorFlow's logging reads the level, so it stays.
      process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('@tensorflow/tfjs-node');
    }
    if (name === 'wasm') {
      // Load the .wasm binaries from node_modules, never from a CDN: training machines may be offline.
      const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
      setWasmPaths(`${dir}${path.sep}`);
    }
    if (!(await tf.setBackend(name)) || tf.getBackend() !== name) return `tf.setBackend('${name}') failed`;
    return undefined;
  } catch (e) {
    return firstLine(e);
  }
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n', 1)[0].trim() || (e instanceof Error ? e.name : 'unknown error');
}
