package org.diffeolens.registration;

import java.util.Locale;
import org.diffeolens.field.Matrices;

/**
 * The pre-alignment families, parameterized about a centre c: T(p) = A(theta) (p - c) + c + t.
 * Parameters are the linear part first (none; rotation angles in radians; the entries of A - I,
 * row-major), then the translation t in mm.
 */
public enum AffineModel {
    NONE, TRANSLATION, RIGID, AFFINE;

    public static AffineModel parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("affine model must be none, translation, rigid or affine, got '"
                    + name + "'");
        }
    }

    /** Number of linear-part parameters in d dimensions. */
    public int linearParameters(int d) {
        switch (this) {
            case RIGID:
                return d == 2 ? 1 : 3;
            case AFFINE:
                return d * d;
            default:
                return 0;
        }
    }

    public int parameters(int d) {
        return this == NONE ? 0 : linearParameters(d) + d;
    }

    /** A(theta), row-major d x d. */
    public double[] matrix(double[] theta, int d) {
        switch (this) {
            case RIGID:
                return d == 2 ? rotation2(theta[0]) : rotation3(theta[0], theta[1], theta[2]);
            case AFFINE: {
                double[] a = Matrices.identity(d);
                for (int i = 0; i < d * d; i++) {
                    a[i] += theta[i];
                }
                return a;
            }
            default:
                return Matrices.identity(d);
        }
    }

    /** dA/dtheta_j for each linear parameter j. */
    public double[][] matrixDerivatives(double[] theta, int d) {
        int n = linearParameters(d);
        double[][] out = new double[n][];
        if (this == AFFINE) {
            for (int j = 0; j < n; j++) {
                out[j] = new double[d * d];
                out[j][j] = 1;
            }
        } else if (this == RIGID && d == 2) {
            double c = Math.cos(theta[0]);
            double s = Math.sin(theta[0]);
            out[0] = new double[] {-s, -c, c, -s};
        } else if (this == RIGID) {
            double[] rx = rotationX(theta[0]);
            double[] ry = rotationY(theta[1]);
            double[] rz = rotationZ(theta[2]);
            out[0] = product(rz, ry, derivativeX(theta[0]));
            out[1] = product(rz, derivativeY(theta[1]), rx);
            out[2] = product(derivativeZ(theta[2]), ry, rx);
        }
        return out;
    }

    private static double[] product(double[] a, double[] b, double[] c) {
        return Matrices.multiply(Matrices.multiply(a, b, 3, 3, 3), c, 3, 3, 3);
    }

    static double[] rotation2(double t) {
        return new double[] {Math.cos(t), -Math.sin(t), Math.sin(t), Math.cos(t)};
    }

    /** R = Rz(az) Ry(ay) Rx(ax). */
    static double[] rotation3(double ax, double ay, double az) {
        return product(rotationZ(az), rotationY(ay), rotationX(ax));
    }

    static double[] rotationX(double t) {
        double c = Math.cos(t);
        double s = Math.sin(t);
        return new double[] {1, 0, 0, 0, c, -s, 0, s, c};
    }

    static double[] rotationY(double t) {
        double c = Math.cos(t);
        double s = Math.sin(t);
        return new double[] {c, 0, s, 0, 1, 0, -s, 0, c};
    }

    static double[] rotationZ(double t) {
        double c = Math.cos(t);
        double s = Math.sin(t);
        return new double[] {c, -s, 0, s, c, 0, 0, 0, 1};
    }

    static double[] derivativeX(double t) {
        double c = Math.cos(t);
        double s = Math.sin(t);
        return new double[] {0, 0, 0, 0, -s, -c, 0, c, -s};
    }

    static double[] derivativeY(double t) {
        double c = Math.cos(t);
        double s = Math.sin(t);
        return new double[] {-s, 0, c, 0, 0, 0, -c, 0, -s};
    }

    static double[] derivativeZ(double t) {
        double c = Math.cos(t);
        double s = Math.sin(t);
        return new double[] {-s, -c, 0, c, -s, 0, 0, 0, 0};
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
