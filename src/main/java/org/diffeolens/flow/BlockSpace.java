package org.diffeolens.flow;

import org.diffeolens.concurrent.Parallel;

/**
 * A vector space for controls stored as a list of flat double blocks (vector-field components,
 * a momentum image, the velocity fields of a path). Subclasses say how to see a control as blocks
 * and how to make a new one from blocks; the arithmetic, done in double accumulators and chunked
 * across threads, is written once here.
 */
public abstract class BlockSpace<C> implements VectorSpace<C> {

    private final Parallel parallel;

    protected BlockSpace(Parallel parallel) {
        this.parallel = parallel;
    }

    /** The control's backing arrays (not copies). */
    protected abstract double[][] blocks(C x);

    /** A control shaped like {@code like} that wraps the given arrays. */
    protected abstract C wrap(C like, double[][] blocks);

    @Override
    public C zerosLike(C x) {
        double[][] b = blocks(x);
        double[][] z = new double[b.length][];
        for (int i = 0; i < b.length; i++) {
            z[i] = new double[b[i].length];
        }
        return wrap(x, z);
    }

    @Override
    public C copy(C x) {
        double[][] b = blocks(x);
        double[][] z = new double[b.length][];
        for (int i = 0; i < b.length; i++) {
            z[i] = b[i].clone();
        }
        return wrap(x, z);
    }

    @Override
    public void assign(C dst, C src) {
        double[][] d = blocks(dst);
        double[][] s = blocks(src);
        for (int i = 0; i < d.length; i++) {
            System.arraycopy(s[i], 0, d[i], 0, d[i].length);
        }
    }

    @Override
    public void axpy(double a, C x, C y) {
        double[][] xs = blocks(x);
        double[][] ys = blocks(y);
        double fa = a;
        for (int b = 0; b < xs.length; b++) {
            double[] xb = xs[b];
            double[] yb = ys[b];
            parallel.range(xb.length, (s, e) -> {
                for (int i = s; i < e; i++) {
                    yb[i] += fa * xb[i];
                }
            });
        }
    }

    @Override
    public void scale(double a, C x) {
        double fa = a;
        for (double[] xb : blocks(x)) {
            parallel.range(xb.length, (s, e) -> {
                for (int i = s; i < e; i++) {
                    xb[i] *= fa;
                }
            });
        }
    }

    @Override
    public double dot(C x, C y) {
        double[][] xs = blocks(x);
        double[][] ys = blocks(y);
        double total = 0;
        for (int b = 0; b < xs.length; b++) {
            double[] xb = xs[b];
            double[] yb = ys[b];
            total += parallel.sum(xb.length, (s, e) -> {
                double acc = 0;
                for (int i = s; i < e; i++) {
                    acc += xb[i] * yb[i];
                }
                return acc;
            });
        }
        return total;
    }

    @Override
    public void combine(C out, C x, ElementOp op) {
        double[][] os = blocks(out);
        double[][] xs = blocks(x);
        for (int b = 0; b < os.length; b++) {
            double[] ob = os[b];
            double[] xb = xs[b];
            parallel.range(ob.length, (s, e) -> {
                for (int i = s; i < e; i++) {
                    ob[i] = op.apply(ob[i], xb[i]);
                }
            });
        }
    }

    @Override
    public boolean sameCoefficients(C a, C b) {
        double[][] x = blocks(a);
        double[][] y = blocks(b);
        if (x.length != y.length) {
            return false;
        }
        for (int i = 0; i < x.length; i++) {
            if (!java.util.Arrays.equals(x[i], y[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public long dimension(C x) {
        long n = 0;
        for (double[] b : blocks(x)) {
            n += b.length;
        }
        return n;
    }

    @Override
    public double get(C x, long i) {
        for (double[] b : blocks(x)) {
            if (i < b.length) {
                return b[(int) i];
            }
            i -= b.length;
        }
        throw new IndexOutOfBoundsException("coefficient " + i);
    }

    @Override
    public void set(C x, long i, double value) {
        for (double[] b : blocks(x)) {
            if (i < b.length) {
                b[(int) i] = value;
                return;
            }
            i -= b.length;
        }
        throw new IndexOutOfBoundsException("coefficient " + i);
    }
}
