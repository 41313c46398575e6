import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../core';
import { matMulNT, softmaxCrossEntropy } from './ops';

describe('dense custom ops', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('matMulNT matches tf.matMul with transposeB, values and gradients', () => {
    const rng = createRng(1);
    const a = tf.tensor2d(
      Float32Array.from({ length: 12 }, () => rng.normal()),
      [3, 4],
    );
    const b = tf.tensor2d(
      Float32Array.from({ length: 20 }, () => rng.normal()),
      [5, 4],
    );
    const w = tf.tensor2d(
      Float32Array.from({ length: 15 }, () => rng.normal()),
      [3, 5],
    );
    const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
      tf.sum(tf.mul(matMulNT(x as tf.Tensor2D, y as tf.Tensor2D), w)),
    );
    const ref = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, false, true), w)));
    const [ga, gb] = ours([a, b]);
    const [ra, rb] = ref([a, b]);
    expect(Array.from(matMulNT(a, b).dataSync())).toEqual(
      Array.from(tf.matMul(a, b, false, true).dataSync()).map((v) => expect.closeTo(v, 5)),
    );
    ga.dataSync().forEach((v, i) => expect(v).toBeCloseTo(ra.dataSync()[i], 5));
    gb.dataSync().forEach((v, i) => expect(v).toBeCloseTo(rb.dataSync()[i], 5));
  });

  it('softmaxCrossEntropy matches logsumexp - pos, and its gradient finite differences', () => {
    const pos = Float32Array.from([0.5, -1]);
    const neg = Float32Array.from([0.1, 0.2, 2, 0.3, -0.5, 1]);
    const f = (p: Float32Array, n: Float32Array) => {
      let t = 0;
      for (let r = 0; r < 2; r++) {
        let z = Math.exp(p[r]);
        for (let j = 0; j < 3; j++) z += Math.exp(n[r * 3 + j]);
        t += Math.log(z) - p[r];
      }
      return t / 2;
    };
    const loss = softmaxCrossEntropy(tf.tensor2d(pos, [2, 1]), tf.tensor2d(neg, [2, 3]));
    expect(loss.dataSync()[0]).toBeCloseTo(f(pos, neg), 5);
    const [gp, gn] = tf.grads((p: tf.Tensor, n: tf.Tensor) =>
      tf.mul(softmaxCrossEntropy(p as tf.Tensor2D, n as tf.Tensor2D), 3),
    )([tf.tensor2d(pos, [2, 1]), tf.tensor2d(neg, [2, 3])]);
    const h = 1e-3;
    const fd = (arr: Float32Array, j: number, which: 'p' | 'n') => {
      const up = Float32Array.from(arr);
      const dn = Float32Array.from(arr);
      up[j] += h;
      dn[j] -= h;
      const [a, b] = which === 'p' ? [f(up, neg), f(dn, neg)] : [f(pos, up), f(pos, dn)];
      return (3 * (a - b)) / (2 * h);
    };
    for (let j = 0; j < 2; j++) expect(gp.dataSync()[j]).toBeCloseTo(fd(pos, j, 'p'), 3);
    for (let j = 0; j < 6; j++) expect(gn.dataSync()[j]).toBeCloseTo(fd(neg, j, 'n'), 3);
  });
});
