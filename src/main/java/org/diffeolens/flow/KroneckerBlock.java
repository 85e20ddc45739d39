package org.diffeolens.flow;

import org.diffeolens.linalg.Cholesky;
import org.diffeolens.linalg.Dense;
import org.diffeolens.linalg.SymmetricEigen;

/**
 * A curvature block in Kronecker-factored form, A (x) G, acting on a matrix V (n x m, row-major;
 * rows indexed like A, columns like G, so (A (x) G) vec V = vec(A V G) for symmetric factors):
 * the per-layer block of K-FAC (Martens and Grosse 2015), A the second moment of a layer's
 * inputs, G that of its pre-activation gradients. Solves the damped system two ways:
 * <ul>
 * <li>{@link #solveFactored}: (A + pi sqrt(gamma) I)^{-1} V (G + sqrt(gamma)/pi I)^{-1}, the
 * Tikhonov damping split between the factors with the pi-correction
 * pi = sqrt((tr A / n) / (tr G / m)) (their section 6.3): two Cholesky factorizations;</li>
 * <li>{@link #solveExact}: (A (x) G + gamma I)^{-1} vec V = Q_A [(Q_A^T V Q_G) / (l_A l_G^T + gamma)] Q_G^T
 * in the factors' eigenbases (Jacobi: slower, for small blocks and checks).</li>
 * </ul>
 */
public record KroneckerBlock(double[] a, int n, double[] g, int m) {

    public KroneckerBlock {
        if (a.length != n * n || g.length != m * m) {
            throw new IllegalArgumentException("factors must be " + n + " x " + n + " and " + m + " x " + m);
        }
    }

    /** pi = sqrt((tr A / n) / (tr G / m)); 1 where either trace vanishes. */
    public double piCorrection() {
        double ta = trace(a, n) / n;
        double tg = trace(g, m) / m;
        double pi = Math.sqrt(ta / tg);
        return ta > 0 && tg > 0 && Double.isFinite(pi) ? pi : 1;
    }

    private static double trace(double[] s, int d) {
        double t = 0;
        for (int i = 0; i < d; i++) {
            t += s[i * d + i];
        }
        return t;
    }

    private static double[] shifted(double[] s, int d, double shift) {
        double[] out = s.clone();
        for (int i = 0; i < d; i++) {
            out[i * d + i] += shift;
        }
        return out;
    }

    /** (A + pi sqrt(gamma) I)^{-1} V (G + sqrt(gamma)/pi I)^{-1}. */
    public double[] solveFactored(double[] v, double gamma) {
        double pi = piCorrection();
        double root = Math.sqrt(gamma);
        double[] left = Cholesky.of(shifted(a, n, pi * root), n).solve(v, m);
        // X G_d^{-1} = (G_d^{-1} X^T)^T (G_d symmetric)
        double[] right = Cholesky.of(shifted(g, m, root / pi), m).solve(Dense.transpose(left, n, m), n);
        return Dense.transpose(right, m, n);
    }

    /** (A (x) G + gamma I)^{-1} vec V, exactly. */
    public double[] solveExact(double[] v, double gamma) {
        SymmetricEigen ea = SymmetricEigen.of(a, n);
        SymmetricEigen eg = SymmetricEigen.of(g, m);
        double[] qa = ea.vectors();
        double[] qg = eg.vectors();
        double[] w = Dense.multiply(Dense.multiply(Dense.transpose(qa, n, n), v, n, n, m), qg, n, m, m);
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < m; c++) {
                w[r * m + c] /= ea.values()[r] * eg.values()[c] + gamma;
            }
        }
        return Dense.multiply(Dense.multiply(qa, w, n, n, m), Dense.transpose(qg, m, m), n, m, m);
    }
}
