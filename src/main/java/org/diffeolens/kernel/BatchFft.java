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
 * earlier radices). Radices 2, 3 and 5 have their own butterflies; other prime radices up to
 * {@link #MAX_RADIX} use the R-point DFT as complex multiply-adds. A length with a larger prime factor is done one
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
            } else if (r == 3) {
                radix3(sRe, sIm, j, m, dRe, dIm, out, ns, sign, lo, hi);
            } else if (r == 5) {
                radix5(sRe, sIm, j, m, dRe, dIm, out, ns, sign, lo, hi);
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

    /** Angles of the radix-3 and radix-5 butterflies. */
    private static final double SIN_60 = Math.sqrt(3) / 2;
    private static final double COS_72 = Math.cos(2 * Math.PI / 5);
    private static final double SIN_72 = Math.sin(2 * Math.PI / 5);
    private static final double COS_144 = Math.cos(4 * Math.PI / 5);
    private static final double SIN_144 = Math.sin(4 * Math.PI / 5);

    /**
     * The 3-point DFT of source rows j, j + m, j + 2m into destination rows out + q ns:
     * y0 = v0 + (v1 + v2), y1,2 = v0 - (v1 + v2) / 2 +- i sign sin 60 (v1 - v2). The sources are
     * consumed (v1, v2 become their sum and difference).
     */
    private static void radix3(double[][] sRe, double[][] sIm, int j, int m, double[][] dRe, double[][] dIm, int out,
                               int ns, int sign, int lo, int hi) {
        double[] v1r = sRe[j + m];
        double[] v1i = sIm[j + m];
        double[] v2r = sRe[j + 2 * m];
        double[] v2i = sIm[j + 2 * m];
        butterfly2(v1r, v1i, v2r, v2i, v1r, v1i, v2r, v2i, lo, hi);
        combine(dRe[out], dIm[out], sRe[j], sIm[j], v1r, v1i, 1, 1, lo, hi);
        combine(dRe[out + ns], dIm[out + ns], sRe[j], sIm[j], v1r, v1i, 1, -0.5, lo, hi);
        rotate(dRe[out + ns], dIm[out + ns], v2r, v2i, sign * SIN_60, dRe[out + 2 * ns], dIm[out + 2 * ns], lo, hi);
    }

    /**
     * The 5-point DFT: with a1 = v1 + v4, b1 = v1 - v4, a2 = v2 + v3, b2 = v2 - v3,
     * y0 = v0 + a1 + a2, y1,4 = (v0 + c72 a1 + c144 a2) +- i sign (s72 b1 + s144 b2),
     * y2,3 = (v0 + c144 a1 + c72 a2) +- i sign (s144 b1 - s72 b2). The sources are consumed.
     */
    private static void radix5(double[][] sRe, double[][] sIm, int j, int m, double[][] dRe, double[][] dIm, int out,
                               int ns, int sign, int lo, int hi) {
        double[] v0r = sRe[j];
        double[] v0i = sIm[j];
        double[] a1r = sRe[j + m];
        double[] a1i = sIm[j + m];
        double[] a2r = sRe[j + 2 * m];
        double[] a2i = sIm[j + 2 * m];
        double[] b2r = sRe[j + 3 * m];
        double[] b2i = sIm[j + 3 * m];
        double[] b1r = sRe[j + 4 * m];
        double[] b1i = sIm[j + 4 * m];
        butterfly2(a1r, a1i, b1r, b1i, a1r, a1i, b1r, b1i, lo, hi);
        butterfly2(a2r, a2i, b2r, b2i, a2r, a2i, b2r, b2i, lo, hi);
        double[] y0r = dRe[out];
        double[] y0i = dIm[out];
        combine(y0r, y0i, v0r, v0i, a1r, a1i, 1, 1, lo, hi);
        // y0 = (v0 + a1) + a2, accumulated in place
        combine(y0r, y0i, y0r, y0i, a2r, a2i, 1, 1, lo, hi);
        double[] y1r = dRe[out + ns];
        double[] y1i = dIm[out + ns];
        double[] y2r = dRe[out + 2 * ns];
        double[] y2i = dIm[out + 2 * ns];
        double[] y3r = dRe[out + 3 * ns];
        double[] y3i = dIm[out + 3 * ns];
        double[] y4r = dRe[out + 4 * ns];
        double[] y4i = dIm[out + 4 * ns];
        combine(y1r, y1i, v0r, v0i, a1r, a1i, 1, COS_72, lo, hi);
        combine(y1r, y1i, y1r, y1i, a2r, a2i, 1, COS_144, lo, hi);
        combine(y2r, y2i, v0r, v0i, a1r, a1i, 1, COS_144, lo, hi);
        combine(y2r, y2i, y2r, y2i, a2r, a2i, 1, COS_72, lo, hi);
        combine(y4r, y4i, b1r, b1i, b2r, b2i, SIN_72, SIN_144, lo, hi);
        combine(y3r, y3i, b1r, b1i, b2r, b2i, SIN_144, -SIN_72, lo, hi);
        rotate(y1r, y1i, y4r, y4i, sign, y4r, y4i, lo, hi);
        rotate(y2r, y2i, y3r, y3i, sign, y3r, y3i, lo, hi);
    }

    /** (yr, yi) = a (xr, xi) + b (zr, zi) on [lo, hi); y may be x. */
    private static void combine(double[] yr, double[] yi, double[] xr, double[] xi, double[] zr, double[] zi,
                                double a, double b, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            double r = a * xr[i] + b * zr[i];
            double m = a * xi[i] + b * zi[i];
            yr[i] = r;
            yi[i] = m;
        }
    }

    /** (m, n) -> (m + i c n, m - i c n): m is overwritten by the first, (pr, pi) receives the second; p may be n. */
    private static void rotate(double[] mr, double[] mi, double[] nr, double[] ni, double c, double[] pr, double[] pi,
                               int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            double xr = mr[i];
            double xi = mi[i];
            double yr = c * nr[i];
            double yi = c * ni[i];
            mr[i] = xr - yi;
            mi[i] = xi + yr;
            pr[i] = xr + yi;
            pi[i] = xi - yr;
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
