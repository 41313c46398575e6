// Which tfjs backend runs the dense parts. tfjs-node (native TensorFlow) is preferred where it loads (the Docker
// image installs it); otherwise wasm (SIMD, XNNPACK matMul: measured ~10x the pure-JS backend on the scoring
// matMul here), and the pure-JS cpu backend as the last resort. The graph propagation never depends on this:
// it is our typed-array kernel either way.
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { unavailable } from '../../core';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendChoice = BackendName | 'auto';

let chosen: BackendName | undefined;

/** Select and initialise a backend once per process; later calls return the first choice. */
export async function useBackend(choice: BackendChoice = 'auto'): Promise<BackendName> {
  if (chosen && (choice === 'auto' || choice === chosen)) return chosen;
  const order: BackendName[] = choice === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : [choice];
  for (const name of order) {
    if (await tryBackend(name)) {
      chosen = name;
      return name;
    }
  }
  throw unavailable(`the tfjs backend '${choice}' could not be initialised`);
}

async function tryBackend(name: BackendName): Promise<boolean> {
  try {
    if (name === 'tensorflow') {
      // Registers the 'tensorflow' backend on the shared tfjs engine; absent on machines without libtensorflow.
      // A plain require (not an import) because the package is optional and not a dependency.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('@tensorflow/tfjs-node');
    }
    if (name === 'wasm') {
      // Load the .wasm binaries from node_modules, never from a CDN: training machines may be offline.
      const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
      setWasmPaths(`${dir}${path.sep}`);
    }
    return (await tf.setBackend(name)) && tf.getBackend() === name;
  } catch {
    return false;
  }
}
