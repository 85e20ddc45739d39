package org.diffeolens.kernel;

import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Many complex FFTs of one length n at once, along the rows of a table of arrays: element t of
 * every transform is row {@code offset + t * stride} (real parts in re, imaginary parts in im),
 * and the transforms run side by side over the columns [lo, hi) of those rows. The columns are
 * the innermost loop of every step, so each step is a short loop over adjacent doubles of a few
 * distinct arrays, which HotSpot's C2 compiles to AVX vector instructions; a line-at-a-time
 * FFT cannot vectorize this way.
 * <p>Stockham autosort (no bit reversal): stage s with radix R maps element j + r n/R of the
 * source to (j / N_s) N_s R + (j mod N_s) + q N_s of the destination, after the twiddle
 * exp(sign 2 pi i r (j mod N_s) / (N_s R)) (Van Loan 1992, section 1.7; N_s the product of the
 * earlier radices). Radix 2 has its own butterfly; other prime radices up to {@link #MAX_RADIX}
 * use the R-point DFT as complex multiply-adds. A length with a larger prime factor is done one
 * column at a time by JTransforms (Bluestein). Transforms are unnormalized; sign -1 is forward.
 * Loop bodies are kept small on purpose: C2 only unrolls, and so vectorizes, small loops.
 */
final class BatchFft {

    /** Largest prime radix done by the batched DFT butterfly (cost ~R per element and stage). */
    static final int MAX_RADIX = 13;

    private final int n;
    private final int width;
    private final int[] radix;
    private final int[] span;
    /** Per stage, cos and sin of 2 pi r k / (N_s R) at [k (R - 1) + r - 1]. */
    private final double[][] twCos;
    private final double[][] twSin;
    /** Per stage, cos and sin of 2 pi q / R: the roots of unity of its R-point DFT. */
    private final double[][] rootCos;
    private final double[][] rootSin;
    private final boolean columnwise;

    /** Transforms of length n over columns of rows at most width long. */
    BatchFft(int n, int width) {
        this.n = n;
        this.width = width;
        int[] factors = factor(n);
        int largest = 1;
        for (int f : factors) {
            largest = Math.max(largest, f);
        }
        this.columnwise = largest > MAX_RADIX;
        int stages = columnwise ? 0 : factors.length;
        this.radix = new int[stages];
        this.span = new int[stages];
        this.twCos = new double[stages][];
        this.twSin = new double[stages][];
        this.rootCos = new double[stages][];
        this.rootSin = new double[stages][];
        int ns = 1;
        for (int s = 0; s < stages; s++) {
            int r = factors[s];
            radix[s] = r;
            span[s] = ns;
            twCos[s] = new double[ns * (r - 1)];
            twSin[s] = new double[ns * (r - 1)];
            rootCos[s] = new double[r];
            rootSin[s] = new double[r];
            for (int q = 0; q < r; q++) {
                rootCos[s][q] = Math.cos(2 * Math.PI * q / r);
                rootSin[s][q] = Math.sin(2 * Math.PI * q / r);
            }
            for (int k = 0; k < ns; k++) {
                for (int q = 1; q < r; q++) {
                    double angle = 2 * Math.PI * q * k / (ns * (double) r);
                    twCos[s][k * (r - 1) + q - 1] = Math.cos(angle);
                    twSin[s][k * (r - 1) + q - 1] = Math.sin(angle);
                }
            }
            ns *= r;
        }
    }

    /** Prime factors, 2s first (radix-2 stages are the cheapest). */
    static int[] factor(int n) {
        int[] f = new int[32];
        int count = 0;
        int m = n;
        for (int p = 2; (long) p * p <= m; p++) {
            while (m % p == 0) {
                f[count++] = p;
                m /= p;
            }
        }
        if (m > 1) {
            f[count++] = m;
        }
        return java.util.Arrays.copyOf(f, count);
    }

    /** Scratch of one thread: the second set of rows the Stockham stages alternate with. */
    final class Work {
        final double[][] re = new double[n][width];
        final double[][] im = new double[n][width];
        final double[][] srcRe = new double[n][];
        final double[][] srcIm = new double[n][];
        final double[][] dstRe = new double[n][];
        final double[][] dstIm = new double[n][];
        final DoubleFFT_1D line = columnwise ? new DoubleFFT_1D(n) : null;
        final double[] lineBuffer = columnwise ? new double[2 * n] : null;
    }

    Work newWork() {
        return new Work();
    }

    /** Transforms columns [lo, hi) of rows offset + t * stride in place; sign -1 forward, +1 inverse. */
    void transform(double[][] re, double[][] im, int offset, int stride, int lo, int hi, int sign, Work w) {
        if (n == 1 || lo >= hi) {
            return;
        }
        if (columnwise) {
            columns(re, im, offset, stride, lo, hi, sign, w);
            return;
        }
        double[][] sRe = w.srcRe;
        double[][] sIm = w.srcIm;
        double[][] dRe = w.dstRe;
        double[][] dIm = w.dstIm;
        for (int t = 0; t < n; t++) {
            sRe[t] = re[offset + t * stride];
            sIm[t] = im[offset + t * stride];
            dRe[t] = w.re[t];
            dIm[t] = w.im[t];
        }
        for (int s = 0; s < radix.length; s++) {
            stage(s, sRe, sIm, dRe, dIm, lo, hi, sign);
            double[][] t = sRe;
            sRe = dRe;
            dRe = t;
            t = sIm;
            sIm = dIm;
            dIm = t;
        }
        if (radix.length % 2 == 1) {
            // the result is in the scratch rows: copy it home
            for (int t = 0; t < n; t++) {
                System.arraycopy(sRe[t], lo, re[offset + t * stride], lo, hi - lo);
                System.arraycopy(sIm[t], lo, im[offset + t * stride], lo, hi - lo);
            }
        }
    }

    private void stage(int s, double[][] sRe, double[][] sIm, double[][] dRe, double[][] dIm, int lo, int hi,
                       int sign) {
        int r = radix[s];
        int ns = span[s];
        int m = n / r;
        double[] cos = twCos[s];
        double[] sin = twSin[s];
        for (int j = 0; j < m; j++) {
            int k = j % ns;
            if (k != 0) {
                for (int q = 1; q < r; q++) {
                    int ti = k * (r - 1) + q - 1;
                    twiddle(sRe[j + q * m], sIm[j + q * m], cos[ti], sign * sin[ti], lo, hi);
                }
            }
            int out = (j / ns) * ns * r + k;
            if (r == 2) {
                butterfly2(sRe[j], sIm[j], sRe[j + m], sIm[j + m], dRe[out], dIm[out], dRe[out + ns], dIm[out + ns],
                        lo, hi);
            } else {
                for (int q = 0; q < r; q++) {
                    double[] yr = dRe[out + q * ns];
                    double[] yi = dIm[out + q * ns];
                    System.arraycopy(sRe[j], lo, yr, lo, hi - lo);
                    System.arraycopy(sIm[j], lo, yi, lo, hi - lo);
                    for (int p = 1; p < r; p++) {
                        int root = (q * p) % r;
                        multiplyAdd(yr, yi, sRe[j + p * m], sIm[j + p * m], rootCos[s][root],
                                sign * rootSin[s][root], lo, hi);
                    }
                }
            }
        }
    }

    /** (re, im) *= (c + i s) on [lo, hi). */
    private static void twiddle(double[] re, double[] im, double c, double s, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            double a = re[i];
            double b = im[i];
            re[i] = a * c - b * s;
            im[i] = a * s + b * c;
        }
    }

    /** (cr, ci) = a + b, (dr, di) = a - b on [lo, hi). */
    private static void butterfly2(double[] ar, double[] ai, double[] br, double[] bi, double[] cr, double[] ci,
                                   double[] dr, double[] di, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            double xr = ar[i];
            double xi = ai[i];
            double yr = br[i];
            double yi = bi[i];
            cr[i] = xr + yr;
            ci[i] = xi + yi;
            dr[i] = xr - yr;
            di[i] = xi - yi;
        }
    }

    /** (yr, yi) += (c + i s) (vr, vi) on [lo, hi). */
    private static void multiplyAdd(double[] yr, double[] yi, double[] vr, double[] vi, double c, double s,
                                    int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            double a = vr[i];
            double b = vi[i];
            yr[i] += c * a - s * b;
            yi[i] += s * a + c * b;
        }
    }

    /** One column at a time through JTransforms, for lengths with a large prime factor. */
    private void columns(double[][] re, double[][] im, int offset, int stride, int lo, int hi, int sign, Work w) {
        double[] line = w.lineBuffer;
        for (int i = lo; i < hi; i++) {
            for (int t = 0; t < n; t++) {
                line[2 * t] = re[offset + t * stride][i];
                line[2 * t + 1] = im[offset + t * stride][i];
            }
            if (sign < 0) {
                w.line.complexForward(line);
            } else {
                w.line.complexInverse(line, false);
            }
            for (int t = 0; t < n; t++) {
                re[offset + t * stride][i] = line[2 * t];
                im[offset + t * stride][i] = line[2 * t + 1];
            }
        }
    }
}
