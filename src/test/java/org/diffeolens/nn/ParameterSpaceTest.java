package org.diffeolens.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.diffeolens.Tolerances;
import org.diffeolens.flow.ElementOps;
import org.diffeolens.flow.VectorSpace.ElementOp;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class ParameterSpaceTest {

    private static final ParameterSpace SPACE = ParameterSpace.INSTANCE;

    private static Parameters random(long seed, DataType type) {
        return new ResidualNetwork(NetworkSpec.conv(new int[] {5, 5, 1}, 3, 3, 2, 1)).initialize(seed, type);
    }

    @Test
    void layerTensorsAreViewsOfTheOneCoefficientVector() {
        Parameters p = random(1, DataType.FLOAT);
        INDArray k = p.get("block1.kernel");
        k.putScalar(0, 0, 42);
        long offset = p.layout().entry(p.layout().indexOf("block1.kernel")).offset();
        assertEquals(42, p.flat().getDouble(offset), 0);
        SPACE.scale(2, p);
        assertEquals(84, k.getDouble(0, 0), 0);
    }

    @Test
    void namedElementOpsRunAsNativeKernelsWithTheirDefinitions() {
        ElementOp[] ops = {new ElementOps.Blend(0.9, 0.1), new ElementOps.BlendSquare(0.999, 0.001),
            new ElementOps.RatioSqrt(0.19, 0.0199, 1e-8)};
        for (ElementOp op : ops) {
            Parameters out = random(1, DataType.DOUBLE);
            Parameters x = random(2, DataType.DOUBLE);
            SPACE.combine(x, x, (a, b) -> Math.abs(a)); // RatioSqrt needs x >= 0
            Parameters expected = out.copy();
            ElementOp generic = op::apply; // not a named op: the coefficient-by-coefficient path
            SPACE.combine(expected, x, generic);
            SPACE.combine(out, x, op);
            double err = out.flat().sub(expected.flat()).amaxNumber().doubleValue();
            assertEquals(0, err, 8 * Tolerances.DOUBLE_EPS * expected.flat().amaxNumber().doubleValue(), op.toString());
        }
    }

    @Test
    void axpyAndDotAreTheEuclideanOperations() {
        Parameters x = random(3, DataType.DOUBLE);
        Parameters y = random(4, DataType.DOUBLE);
        double expected = 0;
        for (long i = 0; i < SPACE.dimension(x); i++) {
            expected += SPACE.get(x, i) * SPACE.get(y, i);
        }
        assertEquals(expected, SPACE.dot(x, y), 1e3 * Tolerances.DOUBLE_EPS * SPACE.norm(x) * SPACE.norm(y));
        Parameters z = y.copy();
        SPACE.axpy(-0.5, x, z);
        assertEquals(SPACE.get(y, 7) - 0.5 * SPACE.get(x, 7), SPACE.get(z, 7), 1e-15);
    }
}
