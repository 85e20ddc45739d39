package org.diffeolens.nn;

import org.diffeolens.flow.ElementOps;
import org.diffeolens.flow.VectorSpace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The vector-space view of network parameters the optimizers work through. Every operation is a
 * few native ND4J calls on the flat coefficient vector; the optimizers' named element operations
 * ({@link ElementOps}) run as ND4J kernels, any other {@code ElementOp} coefficient by coefficient.
 */
public final class ParameterSpace implements VectorSpace<Parameters> {

    public static final ParameterSpace INSTANCE = new ParameterSpace();

    private ParameterSpace() {
    }

    @Override
    public Parameters zerosLike(Parameters x) {
        return Parameters.zeros(x.layout(), x.dataType());
    }

    @Override
    public Parameters copy(Parameters x) {
        return x.copy();
    }

    @Override
    public void assign(Parameters dst, Parameters src) {
        dst.flat().assign(src.flat());
    }

    @Override
    public void axpy(double a, Parameters x, Parameters y) {
        INDArray xf = x.flat();
        Nd4j.getBlasWrapper().level1().axpy(xf.length(), a, xf, y.flat());
    }

    @Override
    public void scale(double a, Parameters x) {
        x.flat().muli(a);
    }

    @Override
    public double dot(Parameters x, Parameters y) {
        return Nd4j.getBlasWrapper().dot(x.flat(), y.flat());
    }

    @Override
    public void combine(Parameters out, Parameters x, ElementOp op) {
        INDArray o = out.flat();
        INDArray v = x.flat();
        if (op instanceof ElementOps.Blend b) {
            o.muli(b.a());
            Nd4j.getBlasWrapper().level1().axpy(v.length(), b.b(), v, o);
        } else if (op instanceof ElementOps.BlendSquare b) {
            INDArray sq = v.mul(v);
            o.muli(b.a());
            Nd4j.getBlasWrapper().level1().axpy(v.length(), b.b(), sq, o);
        } else if (op instanceof ElementOps.RatioSqrt r) {
            INDArray denominator = Transforms.sqrt(v.div(r.xDivisor()), false).addi(r.epsilon());
            o.divi(r.outDivisor()).divi(denominator);
        } else if (op instanceof ElementOps.DampedQuotient q) {
            o.divi(v.add(q.damping()));
        } else {
            long n = o.length();
            for (long i = 0; i < n; i++) {
                o.putScalar(i, op.apply(o.getDouble(i), v.getDouble(i)));
            }
        }
    }

    @Override
    public long dimension(Parameters x) {
        return x.flat().length();
    }

    @Override
    public double get(Parameters x, long i) {
        return x.flat().getDouble(i);
    }

    @Override
    public void set(Parameters x, long i, double value) {
        x.flat().putScalar(i, value);
    }
}
