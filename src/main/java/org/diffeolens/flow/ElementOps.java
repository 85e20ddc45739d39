package org.diffeolens.flow;

import org.diffeolens.flow.VectorSpace.ElementOp;

/**
 * The element-wise operations the optimizers use, as named values. Each is an ordinary
 * {@link ElementOp} (its {@code apply} is the definition), so every {@link VectorSpace} runs it;
 * a space whose coefficients live in native arrays may recognise these types in
 * {@link VectorSpace#combine} and run one vectorised kernel over the whole control instead of a
 * call per coefficient.
 */
public final class ElementOps {

    private ElementOps() {
    }

    /** out := a out + b x (an exponential moving average when a + b = 1). */
    public record Blend(double a, double b) implements ElementOp {
        @Override
        public double apply(double out, double x) {
            return a * out + b * x;
        }
    }

    /** out := a out + b x^2 (a moving average of squared gradients). */
    public record BlendSquare(double a, double b) implements ElementOp {
        @Override
        public double apply(double out, double x) {
            return a * out + b * x * x;
        }
    }

    /** out := (out / outDivisor) / (sqrt(x / xDivisor) + epsilon): Adam's and AdaGrad's scaled step. */
    public record RatioSqrt(double outDivisor, double xDivisor, double epsilon) implements ElementOp {
        @Override
        public double apply(double out, double x) {
            return (out / outDivisor) / (Math.sqrt(x / xDivisor) + epsilon);
        }
    }

    /** out := out / (x + damping): a covector raised by a damped diagonal metric x. */
    public record DampedQuotient(double damping) implements ElementOp {
        @Override
        public double apply(double out, double x) {
            return out / (x + damping);
        }
    }
}
