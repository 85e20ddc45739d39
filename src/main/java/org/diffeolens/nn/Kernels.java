package org.diffeolens.nn;

import org.diffeolens.concurrent.Parallel;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Fused element-wise passes of the layers, on [rows, channels] matrices in native memory: bias or
 * channel normalization with the activation, their pullbacks with the column sums that are the
 * bias/gain/shift gradients, and the Euler step of the flow. One pass each instead of a chain of
 * ND4J ops with temporaries (ND4J's per-op cost dominated small layers); rows are split across the
 * workspace's threads, and column sums are merged in chunk order so a thread count always gives
 * the same numbers.
 */
final class Kernels {

    private Kernels() {
    }

    /** sigma(u); the identity when a is null (a linear layer). */
    private static double activate(Activation a, double u) {
        return a == null ? u : a.apply(u);
    }

    /** sigma'(u) from f = sigma(u). */
    private static double slope(Activation a, double f) {
        return a == null ? 1 : a.slopeAtOutput(f);
    }

    /** Rows handled per bulk transfer in the purely element-wise kernels. */
    private static final int BLOCK = 4096;

    /** y_rc = sigma(z_rc + bias_c); y may be z. */
    static void biasActivation(INDArray z, INDArray bias, INDArray y, Activation act, Parallel parallel) {
        int c = (int) bias.length();
        int rows = (int) (z.length() / c);
        Flat zf = Flat.of(z);
        Flat yf = Flat.of(y);
        double[] b = toDoubles(bias);
        parallel.range(rows, (from, to) -> {
            double[] row = new double[c];
            float[] scratch = new float[c];
            for (int r = from; r < to; r++) {
                zf.read(r * c, row, c, scratch);
                for (int j = 0; j < c; j++) {
                    row[j] = activate(act, row[j] + b[j]);
                }
                yf.write(r * c, row, c, scratch);
            }
        });
    }

    /** du_rc = p_rc sigma'(.) read off y; returns the column sums of du (the bias gradient). */
    static double[] activationBackward(INDArray y, INDArray p, INDArray du, Activation act, int c, Parallel parallel) {
        int rows = (int) (y.length() / c);
        Flat yf = Flat.of(y);
        Flat pf = Flat.of(p);
        Flat df = Flat.of(du);
        double[][] partial = new double[parallel.chunks(rows)][c];
        parallel.chunked(rows, (chunk, from, to) -> {
            double[] s = partial[chunk];
            double[] yr = new double[c];
            double[] pr = new double[c];
            float[] scratch = new float[c];
            for (int r = from; r < to; r++) {
                yf.read(r * c, yr, c, scratch);
                pf.read(r * c, pr, c, scratch);
                for (int j = 0; j < c; j++) {
                    pr[j] *= slope(act, yr[j]);
                    s[j] += pr[j];
                }
                df.write(r * c, pr, c, scratch);
            }
        });
        return merge(partial, c);
    }

    /**
     * Channel normalization and activation, per row r (a pixel of a sample):
     * n = (z - mean) s with s = 1 / sqrt(var + eps), y = sigma(gain n + shift). Writes n over z.
     */
    static void normForward(INDArray z, INDArray gain, INDArray shift, INDArray invStd, INDArray y,
                            Activation act, double eps, Parallel parallel) {
        int c = (int) gain.length();
        int rows = (int) (z.length() / c);
        Flat zf = Flat.of(z);
        Flat sf = Flat.of(invStd);
        Flat yf = Flat.of(y);
        double[] g = toDoubles(gain);
        double[] b = toDoubles(shift);
        parallel.range(rows, (from, to) -> {
            double[] n = new double[c];
            double[] out = new double[c];
            float[] scratch = new float[c];
            for (int r = from; r < to; r++) {
                zf.read(r * c, n, c, scratch);
                double mean = 0;
                for (int j = 0; j < c; j++) {
                    mean += n[j];
                }
                mean /= c;
                double var = 0;
                for (int j = 0; j < c; j++) {
                    n[j] -= mean;
                    var += n[j] * n[j];
                }
                double s = 1 / Math.sqrt(var / c + eps);
                sf.set(r, s);
                for (int j = 0; j < c; j++) {
                    n[j] *= s;
                    out[j] = activate(act, g[j] * n[j] + b[j]);
                }
                zf.write(r * c, n, c, scratch);
                yf.write(r * c, out, c, scratch);
            }
        });
    }

    /**
     * Pullback of {@link #normForward} for a covector p on y: du = p sigma'; dn = gain du;
     * dz = s (dn - mean(dn) - n mean(dn n)) (the LayerNorm pullback) written to dz.
     * Returns {sum_r du n, sum_r du}: the gain and shift gradients.
     */
    static double[][] normBackward(INDArray y, INDArray n, INDArray invStd, INDArray p, INDArray gain, INDArray dz,
                                   Activation act, Parallel parallel) {
        int c = (int) gain.length();
        int rows = (int) (y.length() / c);
        Flat yf = Flat.of(y);
        Flat nf = Flat.of(n);
        Flat sf = Flat.of(invStd);
        Flat pf = Flat.of(p);
        Flat df = Flat.of(dz);
        double[] g = toDoubles(gain);
        int chunks = parallel.chunks(rows);
        double[][] gainSums = new double[chunks][c];
        double[][] shiftSums = new double[chunks][c];
        parallel.chunked(rows, (chunk, from, to) -> {
            double[] gs = gainSums[chunk];
            double[] bs = shiftSums[chunk];
            double[] yr = new double[c];
            double[] nr = new double[c];
            double[] dn = new double[c];
            float[] scratch = new float[c];
            for (int r = from; r < to; r++) {
                yf.read(r * c, yr, c, scratch);
                nf.read(r * c, nr, c, scratch);
                pf.read(r * c, dn, c, scratch);
                double meanDn = 0;
                double meanDnN = 0;
                for (int j = 0; j < c; j++) {
                    double du = dn[j] * slope(act, yr[j]);
                    gs[j] += du * nr[j];
                    bs[j] += du;
                    dn[j] = du * g[j];
                    meanDn += dn[j];
                    meanDnN += dn[j] * nr[j];
                }
                meanDn /= c;
                meanDnN /= c;
                double s = sf.get(r);
                for (int j = 0; j < c; j++) {
                    dn[j] = s * (dn[j] - meanDn - nr[j] * meanDnN);
                }
                df.write(r * c, dn, c, scratch);
            }
        });
        return new double[][] {merge(gainSums, c), merge(shiftSums, c)};
    }

    /** out = x + h f: one explicit Euler step of the flow (out may be x). */
    static void eulerStep(INDArray x, double h, INDArray f, INDArray out, Parallel parallel) {
        Flat xf = Flat.of(x);
        Flat ff = Flat.of(f);
        Flat of = Flat.of(out);
        int blocks = (xf.length() + BLOCK - 1) / BLOCK;
        parallel.range(blocks, (from, to) -> {
            double[] a = new double[BLOCK];
            double[] b = new double[BLOCK];
            float[] scratch = new float[BLOCK];
            for (int k = from; k < to; k++) {
                int at = k * BLOCK;
                int n = Math.min(BLOCK, xf.length() - at);
                xf.read(at, a, n, scratch);
                ff.read(at, b, n, scratch);
                for (int i = 0; i < n; i++) {
                    a[i] += h * b[i];
                }
                of.write(at, a, n, scratch);
            }
        });
    }

    /** g_j += scale * sums_j, into a parameter-gradient tensor. */
    static void addScaled(INDArray g, double scale, double[] sums) {
        Flat gf = Flat.of(g);
        for (int j = 0; j < sums.length; j++) {
            gf.set(j, gf.get(j) + scale * sums[j]);
        }
    }

    /**
     * Row-wise softmax of logits [b, k] into probabilities; returns the mean cross-entropy
     * -1/b sum_i log p_{i, label_i}, computed with the row maximum subtracted for range.
     */
    static double softmaxCrossEntropy(INDArray logits, int[] labels, INDArray probabilities) {
        int k = (int) logits.size(1);
        Flat z = Flat.of(logits);
        Flat p = Flat.of(probabilities);
        double loss = 0;
        for (int i = 0; i < labels.length; i++) {
            int o = i * k;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, z.get(o + j));
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += Math.exp(z.get(o + j) - max);
            }
            double logSum = Math.log(sum);
            for (int j = 0; j < k; j++) {
                p.set(o + j, Math.exp(z.get(o + j) - max - logSum));
            }
            loss -= z.get(o + labels[i]) - max - logSum;
        }
        return loss / labels.length;
    }

    /** dL/dlogits of the mean cross-entropy: (p - onehot(labels)) / b. */
    static void crossEntropyPullback(INDArray probabilities, int[] labels, INDArray out) {
        int k = (int) probabilities.size(1);
        Flat p = Flat.of(probabilities);
        Flat d = Flat.of(out);
        double inv = 1.0 / labels.length;
        for (int i = 0; i < labels.length; i++) {
            for (int j = 0; j < k; j++) {
                d.set(i * k + j, (p.get(i * k + j) - (labels[i] == j ? 1 : 0)) * inv);
            }
        }
    }

    /**
     * The flipped kernel of a 'same' convolution with c channels in and out:
     * out[(ky, kx, co), ci] = kernel[(k-1-ky, k-1-kx, ci), co], so that conv(dy, out) is the
     * input pullback of conv(x, kernel).
     */
    static void flipKernel(INDArray kernel, int k, int c, INDArray out) {
        Flat in = Flat.of(kernel);
        Flat o = Flat.of(out);
        for (int ky = 0; ky < k; ky++) {
            for (int kx = 0; kx < k; kx++) {
                int src = ((k - 1 - ky) * k + (k - 1 - kx)) * c;
                int dst = (ky * k + kx) * c;
                for (int co = 0; co < c; co++) {
                    for (int ci = 0; ci < c; ci++) {
                        o.set((dst + co) * c + ci, in.get((src + ci) * c + co));
                    }
                }
            }
        }
    }

    /** Index of the largest entry of each row of a [b, k] matrix (the first on ties). */
    static int[] argmaxRows(INDArray m) {
        int k = (int) m.size(1);
        int b = (int) m.size(0);
        Flat f = Flat.of(m);
        int[] best = new int[b];
        for (int i = 0; i < b; i++) {
            double max = f.get(i * k);
            for (int j = 1; j < k; j++) {
                if (f.get(i * k + j) > max) {
                    max = f.get(i * k + j);
                    best[i] = j;
                }
            }
        }
        return best;
    }

    private static double[] merge(double[][] partial, int c) {
        double[] s = new double[c];
        for (double[] p : partial) {
            for (int j = 0; j < c; j++) {
                s[j] += p[j];
            }
        }
        return s;
    }

    static double[] toDoubles(INDArray a) {
        Flat f = Flat.of(a);
        double[] d = new double[f.length()];
        for (int i = 0; i < d.length; i++) {
            d[i] = f.get(i);
        }
        return d;
    }
}
