package org.diffeolens.flow;

/** The vector space of plain double[] controls: small problems, parameters of an affine map, tests. */
public final class DoubleArraySpace implements VectorSpace<double[]> {

    public static final DoubleArraySpace INSTANCE = new DoubleArraySpace();

    private DoubleArraySpace() {
    }

    @Override
    public double[] zerosLike(double[] x) {
        return new double[x.length];
    }

    @Override
    public double[] copy(double[] x) {
        return x.clone();
    }

    @Override
    public void assign(double[] dst, double[] src) {
        System.arraycopy(src, 0, dst, 0, dst.length);
    }

    @Override
    public void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }

    @Override
    public void scale(double a, double[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= a;
        }
    }

    @Override
    public double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    @Override
    public void combine(double[] out, double[] x, ElementOp op) {
        for (int i = 0; i < out.length; i++) {
            out[i] = op.apply(out[i], x[i]);
        }
    }

    @Override
    public boolean sameCoefficients(double[] a, double[] b) {
        return java.util.Arrays.equals(a, b);
    }

    @Override
    public long dimension(double[] x) {
        return x.length;
    }

    @Override
    public double get(double[] x, long i) {
        return x[(int) i];
    }

    @Override
    public void set(double[] x, long i, double value) {
        x[(int) i] = value;
    }
}
