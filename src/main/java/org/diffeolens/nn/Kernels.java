package org.diffeolens.nn;

import org.diffeolens.concurrent.Parallel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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

    /** Elements moved per bulk transfer between native memory and the Java arrays the loops run on. */
    private static final int CHUNK = 8192;

    /** Rows of c values that make up one transfer. */
    private static int rowsPerChunk(int c) {
        return Math.max(1, CHUNK / c);
    }

    /** Runs body(firstRow, rowCount) over chunks of rows, the chunks split across threads. */
    private interface Rows {
        void run(int chunk, int firstRow, int rowCount, Scratch scratch);
    }

    /** Per-thread Java arrays for one chunk. */
    private static final class Scratch {
        final float[] f;
        final double[] a;
        final double[] b;
        final double[] c;
        final double[] d;

        Scratch(int n) {
            f = new float[n];
            a = new double[n];
            b = new double[n];
            c = new double[n];
            d = new double[n];
        }
    }

    private static void overRows(int rows, int c, Parallel parallel, Rows body) {
        int per = rowsPerChunk(c);
        int chunks = (rows + per - 1) / per;
        parallel.chunked(chunks, (thread, from, to) -> {
            Scratch s = new Scratch(per * c);
            for (int k = from; k < to; k++) {
                int first = k * per;
                body.run(thread, first, Math.min(per, rows - first), s);
            }
        });
    }

    /** y_rc = sigma(z_rc + bias_c); y may be z. */
    static void biasActivation(INDArray z, INDArray bias, INDArray y, Activation act, Parallel parallel) {
        int c = (int) bias.length();
        int rows = (int) (z.length() / c);
        Flat zf = Flat.of(z);
        Flat yf = Flat.of(y);
        double[] b = toDoubles(bias);
        boolean relu = act == Activation.RELU;
        boolean tanh = act == Activation.TANH;
        overRows(rows, c, parallel, (t, first, count, s) -> {
            int n = count * c;
            double[] v = s.a;
            zf.read(first * c, v, n, s.f);
            addRows(v, b, count, c);
            activate(v, n, relu, tanh);
            yf.write(first * c, v, n, s.f);
        });
    }

    /** v[r c + j] += b[j] for the first count rows of c values. */
    private static void addRows(double[] v, double[] b, int count, int c) {
        for (int r = 0; r < count; r++) {
            int o = r * c;
            for (int j = 0; j < c; j++) {
                v[o + j] += b[j];
            }
        }
    }

    /** sum of v[o..o+n), in four interleaved partial sums (independent add chains run in parallel). */
    private static double sum(double[] v, int o, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 3 < n; j += 4) {
            s0 += v[o + j];
            s1 += v[o + j + 1];
            s2 += v[o + j + 2];
            s3 += v[o + j + 3];
        }
        for (; j < n; j++) {
            s0 += v[o + j];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** sum of a[i] b[i] over [o, o+n), four partial sums. */
    private static double dot(double[] a, double[] b, int o, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 3 < n; j += 4) {
            s0 += a[o + j] * b[o + j];
            s1 += a[o + j + 1] * b[o + j + 1];
            s2 += a[o + j + 2] * b[o + j + 2];
            s3 += a[o + j + 3] * b[o + j + 3];
        }
        for (; j < n; j++) {
            s0 += a[o + j] * b[o + j];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** v := sigma(v) on v[0..n). */
    private static void activate(double[] v, int n, boolean relu, boolean tanh) {
        if (relu) {
            for (int i = 0; i < n; i++) {
                v[i] = Math.max(v[i], 0);
            }
        } else if (tanh) {
            for (int i = 0; i < n; i++) {
                v[i] = Math.tanh(v[i]);
            }
        }
    }

    /** p := p sigma'(u) on [0..n), with sigma' read off f = sigma(u). */
    private static void pullActivation(double[] p, double[] f, int n, boolean relu, boolean tanh) {
        if (relu) {
            // f >= 0, so ceil(min(f, 1)) is exactly the step 1[f > 0]: branch-free and vectorized,
            // where a branch on the random signs would mispredict half the time
            for (int i = 0; i < n; i++) {
                p[i] *= Math.ceil(Math.min(f[i], 1.0));
            }
        } else if (tanh) {
            for (int i = 0; i < n; i++) {
                p[i] *= 1 - f[i] * f[i];
            }
        }
    }

    /** du_rc = p_rc sigma'(.) read off y; returns the column sums of du (the bias gradient). */
    static double[] activationBackward(INDArray y, INDArray p, INDArray du, Activation act, int c, Parallel parallel) {
        int rows = (int) (y.length() / c);
        Flat yf = Flat.of(y);
        Flat pf = Flat.of(p);
        Flat df = Flat.of(du);
        boolean relu = act == Activation.RELU;
        boolean tanh = act == Activation.TANH;
        double[][] partial = new double[parallel.chunks((rows + rowsPerChunk(c) - 1) / rowsPerChunk(c))][c];
        overRows(rows, c, parallel, (t, first, count, s) -> {
            int n = count * c;
            yf.read(first * c, s.a, n, s.f);
            pf.read(first * c, s.b, n, s.f);
            pullActivation(s.b, s.a, n, relu, tanh);
            double[] sum = partial[t];
            for (int r = 0; r < count; r++) {
                int o = r * c;
                for (int j = 0; j < c; j++) {
                    sum[j] += s.b[o + j];
                }
            }
            df.write(first * c, s.b, n, s.f);
        });
        return merge(partial, c);
    }

    /**
     * Channel normalization and activation, per row r (a pixel of a sample):
     * n = (z - mean) s with s = 1 / sqrt(var + eps), y = sigma(gain n + shift). Writes n over z.
     */
    static void normForward(INDArray z, INDArray gain, INDArray shift, INDArray invStd, INDArray y,
                            Activation act, double eps, Parallel parallel) {
        normForward(z, gain, shift, invStd, null, 0, y, act, eps, parallel);
    }

    /**
     * {@link #normForward} fused with the Euler step of a residual block: writes
     * out = x + h sigma(gain n + shift) (x null: out = sigma(gain n + shift)), so that neither f
     * nor a separate step pass goes through memory.
     */
    static void normForward(INDArray z, INDArray gain, INDArray shift, INDArray invStd, INDArray x, double h,
                            INDArray result, Activation act, double eps, Parallel parallel) {
        int c = (int) gain.length();
        int rows = (int) (z.length() / c);
        Flat zf = Flat.of(z);
        Flat sf = Flat.of(invStd);
        Flat yf = Flat.of(result);
        Flat xf = x == null ? null : Flat.of(x);
        double[] g = toDoubles(gain);
        double[] b = toDoubles(shift);
        boolean relu = act == Activation.RELU;
        boolean tanh = act == Activation.TANH;
        overRows(rows, c, parallel, (t, first, count, s) -> {
            int n = count * c;
            double[] v = s.a;
            double[] out = s.b;
            double[] inv = s.c;
            zf.read(first * c, v, n, s.f);
            for (int r = 0; r < count; r++) {
                int o = r * c;
                double mean = sum(v, o, c) / c;
                for (int j = 0; j < c; j++) {
                    v[o + j] -= mean;
                }
                double var = dot(v, v, o, c);
                double sr = 1 / Math.sqrt(var / c + eps);
                inv[r] = sr;
                for (int j = 0; j < c; j++) {
                    double nj = v[o + j] * sr;
                    v[o + j] = nj;
                    out[o + j] = g[j] * nj + b[j];
                }
            }
            activate(out, n, relu, tanh);
            if (xf != null) {
                double[] xs = s.d;
                xf.read(first * c, xs, n, s.f);
                for (int i = 0; i < n; i++) {
                    out[i] = xs[i] + h * out[i];
                }
            }
            zf.write(first * c, v, n, s.f);
            yf.write(first * c, out, n, s.f);
            sf.write(first, inv, count, s.f);
        });
    }

    /**
     * Pullback of {@link #normForward} for a covector p on y = sigma(gain n + shift): du = p sigma'; dn = gain du;
     * dz = s (dn - mean(dn) - n mean(dn n)) (the LayerNorm pullback) written to dz.
     * Returns {sum_r du n, sum_r du}: the gain and shift gradients.
     */
    static double[][] normBackward(INDArray n, INDArray invStd, INDArray p, INDArray gain, INDArray shift, INDArray dz,
                                   Activation act, Parallel parallel) {
        int c = (int) gain.length();
        int rows = (int) (n.length() / c);
        Flat nf = Flat.of(n);
        Flat sf = Flat.of(invStd);
        Flat pf = Flat.of(p);
        Flat df = Flat.of(dz);
        double[] g = toDoubles(gain);
        double[] b = toDoubles(shift);
        boolean relu = act == Activation.RELU;
        boolean tanh = act == Activation.TANH;
        int chunks = parallel.chunks((rows + rowsPerChunk(c) - 1) / rowsPerChunk(c));
        double[][] gainSums = new double[chunks][c];
        double[][] shiftSums = new double[chunks][c];
        overRows(rows, c, parallel, (t, first, count, s) -> {
            int len = count * c;
            double[] du = s.a;
            double[] nr = s.b;
            double[] inv = s.c;
            // y = sigma(gain n + shift) again, cheaper than reading it back
            nf.read(first * c, nr, len, s.f);
            double[] y = s.d;
            for (int r = 0; r < count; r++) {
                int o = r * c;
                for (int j = 0; j < c; j++) {
                    y[o + j] = g[j] * nr[o + j] + b[j];
                }
            }
            activate(y, len, relu, tanh);
            pf.read(first * c, du, len, s.f);
            pullActivation(du, y, len, relu, tanh);
            sf.read(first, inv, count, s.f);
            double[] gs = gainSums[t];
            double[] bs = shiftSums[t];
            for (int r = 0; r < count; r++) {
                int o = r * c;
                for (int j = 0; j < c; j++) {
                    double d = du[o + j];
                    gs[j] += d * nr[o + j];
                    bs[j] += d;
                    du[o + j] = d * g[j];
                }
                double meanDn = sum(du, o, c) / c;
                double meanDnN = dot(du, nr, o, c) / c;
                double sr = inv[r];
                for (int j = 0; j < c; j++) {
                    du[o + j] = sr * (du[o + j] - meanDn - nr[o + j] * meanDnN);
                }
            }
            df.write(first * c, du, len, s.f);
        });
        return new double[][] {merge(gainSums, c), merge(shiftSums, c)};
    }

    /** Tangent of {@link #biasActivation} in place: du_rc := (du_rc + dbias_c) sigma'(.), sigma' read off y. */
    static void activationTangent(INDArray y, INDArray du, INDArray dbias, Activation act, Parallel parallel) {
        int c = (int) dbias.length();
        int rows = (int) (du.length() / c);
        Flat yf = Flat.of(y);
        Flat df = Flat.of(du);
        double[] db = toDoubles(dbias);
        boolean relu = act == Activation.RELU;
        boolean tanh = act == Activation.TANH;
        overRows(rows, c, parallel, (t, first, count, s) -> {
            int n = count * c;
            yf.read(first * c, s.a, n, s.f);
            df.read(first * c, s.b, n, s.f);
            addRows(s.b, db, count, c);
            pullActivation(s.b, s.a, n, relu, tanh);
            df.write(first * c, s.b, n, s.f);
        });
    }

    /**
     * Tangent of {@link #normForward}: for the tangent zDot of z and (dgain, dshift) of the parameters,
     * nDot = s (zDot - mean(zDot) - n mean(n zDot)) (the derivative of n = (z - mean) s), the rate
     * sDot / s = -s mean(n zDot) of the inverse deviation per row, and the output tangent
     * sigma'(u) (dgain n + gain nDot + dshift) with u = gain n + shift, written over zDot.
     */
    static void normTangent(INDArray n, INDArray invStd, INDArray zDot, INDArray gain, INDArray shift, INDArray dgain,
                            INDArray dshift, INDArray nDot, INDArray rate, Activation act, Parallel parallel) {
        int c = (int) gain.length();
        int rows = (int) (n.length() / c);
        Flat nf = Flat.of(n);
        Flat sf = Flat.of(invStd);
        Flat df = Flat.of(zDot);
        Flat ndf = Flat.of(nDot);
        Flat rf = Flat.of(rate);
        double[] g = toDoubles(gain);
        double[] b = toDoubles(shift);
        double[] dg = toDoubles(dgain);
        double[] db = toDoubles(dshift);
        boolean relu = act == Activation.RELU;
        boolean tanh = act == Activation.TANH;
        overRows(rows, c, parallel, (t, first, count, s) -> {
            int len = count * c;
            double[] nr = s.a;
            double[] d = s.b;
            double[] inv = s.c;
            double[] y = s.d;
            double[] nd = new double[len];
            nf.read(first * c, nr, len, s.f);
            df.read(first * c, d, len, s.f);
            sf.read(first, inv, count, s.f);
            for (int r = 0; r < count; r++) {
                int o = r * c;
                double meanDz = sum(d, o, c) / c;
                double meanNDz = dot(d, nr, o, c) / c;
                double sr = inv[r];
                for (int j = 0; j < c; j++) {
                    nd[o + j] = sr * (d[o + j] - meanDz - nr[o + j] * meanNDz);
                    d[o + j] = dg[j] * nr[o + j] + g[j] * nd[o + j] + db[j];
                    y[o + j] = g[j] * nr[o + j] + b[j];
                }
                inv[r] = -sr * meanNDz;
            }
            activate(y, len, relu, tanh);
            pullActivation(d, y, len, relu, tanh);
            df.write(first * c, d, len, s.f);
            ndf.write(first * c, nd, len, s.f);
            rf.write(first, inv, count, s.f);
        });
    }

    /**
     * The second-order pullback of an activation: du = sigma' p and its tangent
     * duDot = sigma' pDot + (d sigma'/de) p, with d sigma'/de = -2 y yDot for tanh (sigma' = 1 - y^2)
     * and 0 for ReLU almost everywhere (its mask is fixed between kinks). Returns the column sums
     * of duDot (the bias part of the tangent gradient).
     */
    static double[] activationBackwardTangent(INDArray y, INDArray yDot, INDArray p, INDArray pDot, INDArray du,
                                              INDArray duDot, Activation act, int c, Parallel parallel) {
        int rows = (int) (y.length() / c);
        Flat yf = Flat.of(y);
        Flat ydf = Flat.of(yDot);
        Flat pf = Flat.of(p);
        Flat pdf = Flat.of(pDot);
        Flat df = Flat.of(du);
        Flat ddf = Flat.of(duDot);
        boolean relu = act == Activation.RELU;
        boolean tanh = act == Activation.TANH;
        double[][] partial = new double[parallel.chunks((rows + rowsPerChunk(c) - 1) / rowsPerChunk(c))][c];
        overRows(rows, c, parallel, (t, first, count, s) -> {
            int n = count * c;
            yf.read(first * c, s.a, n, s.f);
            pf.read(first * c, s.b, n, s.f);
            pdf.read(first * c, s.c, n, s.f);
            if (tanh) {
                ydf.read(first * c, s.d, n, s.f);
                for (int i = 0; i < n; i++) {
                    s.d[i] = -2 * s.a[i] * s.d[i] * s.b[i];
                }
            }
            pullActivation(s.b, s.a, n, relu, tanh);
            pullActivation(s.c, s.a, n, relu, tanh);
            if (tanh) {
                for (int i = 0; i < n; i++) {
                    s.c[i] += s.d[i];
                }
            }
            double[] sum = partial[t];
            for (int r = 0; r < count; r++) {
                int o = r * c;
                for (int j = 0; j < c; j++) {
                    sum[j] += s.c[o + j];
                }
            }
            df.write(first * c, s.b, n, s.f);
            ddf.write(first * c, s.c, n, s.f);
        });
        return merge(partial, c);
    }

    /**
     * The second-order pullback of {@link #normForward} (its pullback {@link #normBackward} and that
     * pullback's tangent), per row with s, its rate rho = sDot / s, n and nDot from the tangent pass:
     * <pre>
     *   du = sigma' p                     duDot = sigma' pDot + (d sigma'/de) p
     *   dn = gain du                      dnDot = dgain du + gain duDot
     *   dz = s (dn - mean dn - n mean(dn n))
     *   dzDot = rho dz + s (dnDot - mean dnDot - nDot mean(dn n) - n mean(dnDot n + dn nDot))
     * </pre>
     * Writes dz and dzDot; returns {sum_r (duDot n + du nDot), sum_r duDot}: the gain and shift
     * parts of the tangent gradient.
     */
    static double[][] normBackwardTangent(INDArray n, INDArray invStd, INDArray rate, INDArray nDot, INDArray yDot,
                                          INDArray p, INDArray pDot, INDArray gain, INDArray shift, INDArray dgain,
                                          INDArray dz, INDArray dzDot, Activation act, Parallel parallel) {
        int c = (int) gain.length();
        int rows = (int) (n.length() / c);
        Flat[] in = {Flat.of(n), Flat.of(nDot), Flat.of(yDot), Flat.of(p), Flat.of(pDot)};
        Flat sf = Flat.of(invStd);
        Flat rf = Flat.of(rate);
        Flat df = Flat.of(dz);
        Flat ddf = Flat.of(dzDot);
        double[] g = toDoubles(gain);
        double[] b = toDoubles(shift);
        double[] dg = toDoubles(dgain);
        boolean relu = act == Activation.RELU;
        boolean tanh = act == Activation.TANH;
        int chunks = parallel.chunks((rows + rowsPerChunk(c) - 1) / rowsPerChunk(c));
        double[][] gainSums = new double[chunks][c];
        double[][] shiftSums = new double[chunks][c];
        overRows(rows, c, parallel, (t, first, count, s) -> {
            int len = count * c;
            double[][] v = new double[5][len];
            for (int i = 0; i < 5; i++) {
                in[i].read(first * c, v[i], len, s.f);
            }
            double[] nr = v[0];
            double[] nd = v[1];
            double[] du = v[3];
            double[] duDot = v[4];
            double[] y = s.a;
            for (int r = 0; r < count; r++) {
                for (int j = 0; j < c; j++) {
                    y[r * c + j] = g[j] * nr[r * c + j] + b[j];
                }
            }
            activate(y, len, relu, tanh);
            if (tanh) {
                for (int i = 0; i < len; i++) {
                    v[2][i] = -2 * y[i] * v[2][i] * du[i];
                }
            }
            pullActivation(du, y, len, relu, tanh);
            pullActivation(duDot, y, len, relu, tanh);
            if (tanh) {
                for (int i = 0; i < len; i++) {
                    duDot[i] += v[2][i];
                }
            }
            double[] inv = s.b;
            double[] rho = s.c;
            sf.read(first, inv, count, s.f);
            rf.read(first, rho, count, s.f);
            double[] gs = gainSums[t];
            double[] bs = shiftSums[t];
            double[] dn = s.d;
            for (int r = 0; r < count; r++) {
                int o = r * c;
                for (int j = 0; j < c; j++) {
                    gs[j] += duDot[o + j] * nr[o + j] + du[o + j] * nd[o + j];
                    bs[j] += duDot[o + j];
                    dn[o + j] = g[j] * du[o + j];
                    duDot[o + j] = dg[j] * du[o + j] + g[j] * duDot[o + j];
                }
                double m1 = sum(dn, o, c) / c;
                double m2 = dot(dn, nr, o, c) / c;
                double m1d = sum(duDot, o, c) / c;
                double m2d = (dot(duDot, nr, o, c) + dot(dn, nd, o, c)) / c;
                double sr = inv[r];
                for (int j = 0; j < c; j++) {
                    double z = sr * (dn[o + j] - m1 - nr[o + j] * m2);
                    duDot[o + j] = rho[r] * z + sr * (duDot[o + j] - m1d - nd[o + j] * m2 - nr[o + j] * m2d);
                    dn[o + j] = z;
                }
            }
            df.write(first * c, dn, len, s.f);
            ddf.write(first * c, duDot, len, s.f);
        });
        return new double[][] {merge(gainSums, c), merge(shiftSums, c)};
    }

    /** out = x + h f: one explicit Euler step of the flow (out may be x); a copy and a BLAS axpy. */
    static void eulerStep(INDArray x, double h, INDArray f, INDArray out) {
        if (out != x) {
            out.assign(x);
        }
        Nd4j.getBlasWrapper().level1().axpy(out.length(), h, f, out);
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

    /** dL/dlogits of the cross-entropy summed over the rows and scaled: (p - onehot(labels)) scale. */
    static void crossEntropyPullback(INDArray probabilities, int[] labels, double scale, INDArray out) {
        int k = (int) probabilities.size(1);
        Flat p = Flat.of(probabilities);
        Flat d = Flat.of(out);
        double inv = scale;
        for (int i = 0; i < labels.length; i++) {
            for (int j = 0; j < k; j++) {
                d.set(i * k + j, (p.get(i * k + j) - (labels[i] == j ? 1 : 0)) * inv);
            }
        }
    }

    /** out = scale (diag p - p p^T) fDot row by row: the softmax's Jacobian (the cross-entropy's Hessian) times fDot. */
    static void softmaxHessianTimes(INDArray probabilities, INDArray fDot, double scale, INDArray out) {
        int k = (int) probabilities.size(1);
        int rows = (int) probabilities.size(0);
        Flat p = Flat.of(probabilities);
        Flat f = Flat.of(fDot);
        Flat o = Flat.of(out);
        for (int i = 0; i < rows; i++) {
            double mean = 0;
            for (int j = 0; j < k; j++) {
                mean += p.get(i * k + j) * f.get(i * k + j);
            }
            for (int j = 0; j < k; j++) {
                o.set(i * k + j, scale * p.get(i * k + j) * (f.get(i * k + j) - mean));
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
