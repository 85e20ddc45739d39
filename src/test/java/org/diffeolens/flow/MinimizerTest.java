package org.diffeolens.flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.diffeolens.flow.MinimizationResult.StopReason;
import org.junit.jupiter.api.Test;

class MinimizerTest {

    /** A strictly convex quadratic E(c) = 1/2 c^T Q c - b^T c with its minimizer Q^{-1} b known. */
    static final class Quadratic implements ControlledFlow<double[], double[]> {
        final double[] q = {4, 1, 0, 1, 3, 0.5, 0, 0.5, 2}; // symmetric positive definite
        final double[] b = {1, -2, 3};

        @Override
        public double[] forward(double[] c) {
            return c.clone();
        }

        @Override
        public Energy energy(double[] c) {
            double e = 0;
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    e += 0.5 * c[i] * q[i * 3 + j] * c[j];
                }
                e -= b[i] * c[i];
            }
            return new Energy(0, e);
        }

        @Override
        public double[] gradient(double[] c) {
            double[] g = new double[3];
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    g[i] += q[i * 3 + j] * c[j];
                }
                g[i] -= b[i];
            }
            return g;
        }

        @Override
        public VectorSpace<double[]> space() {
            return DoubleArraySpace.INSTANCE;
        }

        double[] minimizer() {
            return org.diffeolens.field.Matrices.multiply(org.diffeolens.field.Matrices.inverse(q, 3), b, 3, 3, 1);
        }
    }

    @Test
    void adjointGradientOfResidualFlowMatchesFiniteDifferences() {
        ScalarResidualFlow flow = new ScalarResidualFlow(6, 0.3, 1.7, 0.01);
        Random r = new Random(1);
        double[] c = new double[12];
        for (int i = 0; i < c.length; i++) {
            c[i] = r.nextGaussian();
        }
        double[] adjoint = new Adjoint<double[]>().evaluate(flow, c).gradient();
        // central differences: truncation h^2 f'''/6 ~ 1e-12, round-off eps E / h ~ 1e-10
        double[] fd = new FiniteDifferences<double[]>(1e-6).evaluate(flow, c).gradient();
        assertArrayEquals(fd, adjoint, 1e-8);
    }

    @Test
    void armijoGradientDescentConvergesToTheMinimizerOfAQuadratic() {
        Quadratic flow = new Quadratic();
        Minimizer<double[]> m = new Minimizer<>(new Adjoint<>(), Metric.identity(flow.space()),
                GradientDescent.armijo(1.0), StoppingRule.iterations(500).withTolerance(1e-15, 3));
        MinimizationResult<double[]> result = m.minimize(flow, new double[3]);
        assertArrayEquals(flow.minimizer(), result.control(), 1e-6);
        for (int k = 1; k < result.history().size(); k++) {
            assertTrue(result.history().get(k).total() <= result.history().get(k - 1).total(),
                    "Armijo steps never increase the energy");
        }
    }

    @Test
    void heavyBallAndAdamReachTheMinimizer() {
        Quadratic flow = new Quadratic();
        for (Optimizer<double[]> opt : List.<Optimizer<double[]>>of(new HeavyBall<>(0.1, 0.8), new Adam<>(0.05),
                new AdaGrad<>(0.5, 1e-10))) {
            Minimizer<double[]> m = new Minimizer<>(new Adjoint<>(), Metric.identity(flow.space()), opt,
                    StoppingRule.iterations(5000));
            double[] c = m.minimize(flow, new double[3]).control();
            assertArrayEquals(flow.minimizer(), c, 1e-3, opt.name());
        }
    }

    @Test
    void preconditioningByTheInverseHessianMetricConvergesInOneStep() {
        Quadratic flow = new Quadratic();
        double[] qInv = org.diffeolens.field.Matrices.inverse(flow.q, 3);
        Metric<double[]> newton = (g, at) -> org.diffeolens.field.Matrices.multiply(qInv, g, 3, 3, 1);
        Minimizer<double[]> m = new Minimizer<>(new Adjoint<>(), newton, GradientDescent.fixed(1.0),
                StoppingRule.iterations(1));
        assertArrayEquals(flow.minimizer(), m.minimize(flow, new double[3]).control(), 1e-12);
    }

    @Test
    void listenersSeeEveryIterationAndTheStopReason() {
        Quadratic flow = new Quadratic();
        List<Integer> seen = new ArrayList<>();
        AtomicInteger finished = new AtomicInteger();
        Minimizer<double[]> m = new Minimizer<>(new Adjoint<>(), Metric.identity(flow.space()),
                GradientDescent.fixed(0.05), StoppingRule.iterations(7));
        m.addListener(new MinimizerListener<>() {
            @Override
            public void onIteration(Iteration<double[]> it) {
                seen.add(it.index());
            }

            @Override
            public void onFinish(MinimizationResult<double[]> result) {
                finished.set(result.iterations());
                assertEquals(StopReason.MAX_ITERATIONS, result.reason());
            }
        });
        m.minimize(flow, new double[3]);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), seen);
        assertEquals(7, finished.get());
    }

    @Test
    void cancellingStopsBeforeTheNextStep() {
        Quadratic flow = new Quadratic();
        AtomicInteger calls = new AtomicInteger();
        StoppingRule rule = StoppingRule.iterations(100).withCancel(() -> calls.incrementAndGet() > 3);
        MinimizationResult<double[]> r = new Minimizer<>(new Adjoint<double[]>(), Metric.identity(flow.space()),
                GradientDescent.fixed(0.05), rule).minimize(flow, new double[3]);
        assertEquals(StopReason.CANCELLED, r.reason());
        assertEquals(3, r.iterations());
    }

    @Test
    void relativeEnergyChangeStopsAConvergedRun() {
        Quadratic flow = new Quadratic();
        MinimizationResult<double[]> r = new Minimizer<>(new Adjoint<double[]>(), Metric.identity(flow.space()),
                GradientDescent.armijo(1.0), StoppingRule.iterations(10_000).withTolerance(1e-6, 2))
                .minimize(flow, new double[3]);
        assertEquals(StopReason.CONVERGED, r.reason());
        assertTrue(r.iterations() < 10_000);
    }

    @Test
    void theInitialControlIsNotModified() {
        Quadratic flow = new Quadratic();
        double[] c0 = {0.5, 0.5, 0.5};
        new Minimizer<>(new Adjoint<double[]>(), Metric.identity(flow.space()), new Adam<>(0.1),
                StoppingRule.iterations(10)).minimize(flow, c0);
        assertArrayEquals(new double[] {0.5, 0.5, 0.5}, c0, 0);
    }

    @Test
    void lbfgsMinimizesAQuadraticInFewIterations() {
        // BFGS with exact curvature pairs reaches the minimizer of a 3D quadratic in about n steps
        Quadratic flow = new Quadratic();
        MinimizationResult<double[]> r = new Minimizer<>(new Adjoint<double[]>(), Metric.identity(flow.space()),
                new LBfgs<>(5, 1e-3), StoppingRule.iterations(30).withTolerance(1e-15, 1)).minimize(flow, new double[3]);
        assertArrayEquals(flow.minimizer(), r.control(), 1e-6);
        assertTrue(r.iterations() <= 12, "iterations: " + r.iterations());
    }

    @Test
    void lbfgsWithAMetricAsInitialHessianMinimizesRosenbrock() {
        // a diagonal metric stands in for the kernel: the optimizer only sees directions it produced
        ControlledFlow<double[], double[]> rosenbrock = flowOf(
                c -> Math.pow(1 - c[0], 2) + 100 * Math.pow(c[1] - c[0] * c[0], 2),
                c -> new double[] {-2 * (1 - c[0]) - 400 * c[0] * (c[1] - c[0] * c[0]), 200 * (c[1] - c[0] * c[0])});
        Metric<double[]> diagonal = (g, at) -> new double[] {g[0] * 0.5, g[1] * 2};
        MinimizationResult<double[]> r = new Minimizer<>(new Adjoint<double[]>(), diagonal, new LBfgs<>(6, 1e-4),
                StoppingRule.iterations(500).withTolerance(1e-16, 1)).minimize(rosenbrock, new double[] {-1.2, 1});
        assertArrayEquals(new double[] {1, 1}, r.control(), 1e-5);
        for (int k = 1; k < r.history().size(); k++) {
            assertTrue(r.history().get(k).total() <= r.history().get(k - 1).total());
        }
    }

    @Test
    void lbfgsWithAShortMemoryRecyclesItsPairsWithoutMixingThem() {
        // E = 1/2 sum_i d_i (x_i - 1)^2 with d from 1 to 100: memory 2 turns the pairs over at
        // every step, each leaving pair lending its arrays to the next; a pair built in arrays
        // still read elsewhere would break the secant equations and the monotone descent
        int n = 10;
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = Math.pow(100, i / (n - 1.0));
        }
        ControlledFlow<double[], double[]> quadratic = flowOf(c -> {
            double e = 0;
            for (int i = 0; i < n; i++) {
                e += 0.5 * d[i] * (c[i] - 1) * (c[i] - 1);
            }
            return e;
        }, c -> {
            double[] g = new double[n];
            for (int i = 0; i < n; i++) {
                g[i] = d[i] * (c[i] - 1);
            }
            return g;
        });
        MinimizationResult<double[]> r = new Minimizer<>(new Adjoint<double[]>(), Metric.identity(quadratic.space()),
                new LBfgs<>(2, 1e-3), StoppingRule.iterations(300).withTolerance(1e-30, 1))
                .minimize(quadratic, new double[n]);
        double[] ones = new double[n];
        java.util.Arrays.fill(ones, 1);
        // a convex quadratic: L-BFGS converges to its minimizer, here to round-off
        assertArrayEquals(ones, r.control(), 1e-8);
        for (int k = 1; k < r.history().size(); k++) {
            assertTrue(r.history().get(k).total() <= r.history().get(k - 1).total());
        }
    }

    @Test
    void cachingFlowSkipsTheForwardPassAtTheAcceptedPoint() {
        Quadratic q = new Quadratic();
        AtomicInteger forwards = new AtomicInteger();
        ControlledFlow<double[], double[]> counted = counted(q, forwards);
        CachingFlow<double[], double[]> cached = new CachingFlow<>(counted);
        MinimizationResult<double[]> r = new Minimizer<>(new Adjoint<double[]>(), Metric.identity(q.space()),
                GradientDescent.armijo(0.1), StoppingRule.iterations(10)).minimize(cached, new double[3]);
        assertEquals(10, r.iterations());
        assertTrue(cached.hits() >= 10, "every accepted point was the last one the line search evaluated");
        assertArrayEquals(q.minimizer(), r.control(), 0.05);
    }

    /** E(c) = (c - 3)^2 / 2 on one coordinate. */
    private static ControlledFlow<double[], double[]> parabola() {
        return flowOf(c -> 0.5 * (c[0] - 3) * (c[0] - 3), c -> new double[] {c[0] - 3});
    }

    /** The flow, counting its forward passes. */
    private static <C, T> ControlledFlow<C, T> counted(ControlledFlow<C, T> flow, AtomicInteger forwards) {
        return counted(flow, forwards, new AtomicInteger());
    }

    /** The flow, counting its forward and backward passes. */
    private static <C, T> ControlledFlow<C, T> counted(ControlledFlow<C, T> flow, AtomicInteger forwards,
                                                       AtomicInteger backwards) {
        return new ControlledFlow<>() {
            @Override
            public T forward(C c) {
                forwards.incrementAndGet();
                return flow.forward(c);
            }

            @Override
            public Energy energy(T t) {
                return flow.energy(t);
            }

            @Override
            public C gradient(T t) {
                backwards.incrementAndGet();
                return flow.gradient(t);
            }

            @Override
            public VectorSpace<C> space() {
                return flow.space();
            }
        };
    }

    @Test
    void aDeferredAdjointSkipsOnlyTheBackwardPassAtThePointWhereTheRunStops() {
        // seven fixed steps differentiate the start and six iterates; the seventh, where the run
        // stops, needs its energy only. The path is the same number for number.
        Quadratic flow = new Quadratic();
        double[][] ends = new double[2][];
        int[] backwardPasses = new int[2];
        for (int deferred = 0; deferred < 2; deferred++) {
            AtomicInteger forwards = new AtomicInteger();
            AtomicInteger backwards = new AtomicInteger();
            Adjoint<double[]> adjoint = deferred == 1 ? Adjoint.deferred() : new Adjoint<>();
            MinimizationResult<double[]> r = new Minimizer<>(adjoint, Metric.identity(flow.space()),
                    GradientDescent.fixed(0.05), StoppingRule.iterations(7))
                    .minimize(counted(flow, forwards, backwards), new double[3]);
            assertEquals(8, forwards.get());
            assertEquals(7, r.iterations());
            ends[deferred] = r.control();
            backwardPasses[deferred] = backwards.get();
        }
        assertEquals(8, backwardPasses[0]);
        assertEquals(7, backwardPasses[1]);
        assertArrayEquals(ends[0], ends[1], 0);
        // read before its first use, a deferred gradient is computed once
        AtomicInteger backwards = new AtomicInteger();
        Evaluation<double[]> at = Adjoint.<double[]>deferred().evaluate(counted(flow, new AtomicInteger(), backwards),
                new double[3]);
        assertFalse(at.hasGradient());
        assertArrayEquals(at.gradient(), at.gradient(), 0);
        assertEquals(1, backwards.get());
    }

    @Test
    void aTooLongFirstStepBacktracksToTheMinimizerOfTheQuadratic() {
        // from c = 0 the direction is -3 and the minimizer is at t = 1; a first trial at t = 4.5
        // fails Armijo, and the quadratic through e(0), e'(0) and e(4.5) is the energy itself, so
        // the second trial is t = 1 exactly (halving would have tried 2.25, 1.125 and stopped there)
        ControlledFlow<double[], double[]> p = parabola();
        LBfgs<double[]> lbfgs = new LBfgs<>(3, 4.5);
        Evaluation<double[]> at = new Adjoint<double[]>().evaluate(p, new double[] {0});
        Step<double[]> step = lbfgs.step(Objective.of(p), at, at.gradient());
        assertEquals(1, step.size(), 1e-12);
        assertEquals(3, step.control()[0], 1e-12);
        assertEquals(2, step.evaluations());
        assertEquals(2.25, LBfgs.backtrack(4.5, 4.5, 9, Double.POSITIVE_INFINITY), 0,
                "a non-finite energy halves the step");
        // a trial that raised the energy far above the line's promise is cut by ten at most
        assertEquals(0.1, LBfgs.backtrack(1, 0, 1, 1e6), 1e-15);
    }

    @Test
    void aTooShortFirstStepIsExtendedToTheMinimizerOfTheQuadraticOnly() {
        // a first trial at t = 1/3 holds; the quadratic then bottoms out at t = 1 (> 2/3), which is
        // tried once and kept; there the quadratic bottoms out at the step itself: no more trials
        AtomicInteger forwards = new AtomicInteger();
        CachingFlow<double[], double[]> cached = new CachingFlow<>(counted(parabola(), forwards));
        LBfgs<double[]> lbfgs = new LBfgs<>(3, 1.0 / 3);
        Evaluation<double[]> at = new Adjoint<double[]>().evaluate(cached, new double[] {0});
        int before = forwards.get();
        Step<double[]> step = lbfgs.step(Objective.of(cached), at, at.gradient());
        assertEquals(1, step.size(), 1e-12);
        assertEquals(3, step.control()[0], 1e-12);
        assertEquals(2, forwards.get() - before, "two trials; the accepted one is the cached last pass");
        // a first trial close to the minimizer (t = 0.6: the quadratic's minimum is within twice
        // the step) is accepted without further trials
        AtomicInteger nearForwards = new AtomicInteger();
        ControlledFlow<double[], double[]> q = counted(parabola(), nearForwards);
        Evaluation<double[]> at2 = new Adjoint<double[]>().evaluate(q, new double[] {0});
        int before2 = nearForwards.get();
        Step<double[]> near = new LBfgs<double[]>(3, 0.6).step(Objective.of(q), at2, at2.gradient());
        assertEquals(0.6, near.size(), 0);
        assertEquals(1, nearForwards.get() - before2);
    }

    @Test
    void cachingFlowKeepsTheLastTwoPasses() {
        AtomicInteger forwards = new AtomicInteger();
        CachingFlow<double[], double[]> cached = new CachingFlow<>(counted(parabola(), forwards));
        double[] a = cached.forward(new double[] {1});
        double[] b = cached.forward(new double[] {2});
        assertSame(a, cached.forward(new double[] {1}), "the pass before the last is kept");
        assertSame(b, cached.forward(new double[] {2}));
        assertEquals(2, forwards.get());
        // a third control replaces the entry read longest ago (1), and 2 stays
        cached.forward(new double[] {5});
        assertSame(b, cached.forward(new double[] {2}));
        cached.forward(new double[] {1});
        assertEquals(4, forwards.get());
        assertEquals(3, cached.hits());
    }

    /** A flow whose trajectory is its control: E(c) and its gradient given as functions. */
    private static ControlledFlow<double[], double[]> flowOf(java.util.function.ToDoubleFunction<double[]> energy,
                                                             java.util.function.UnaryOperator<double[]> gradient) {
        return new ControlledFlow<>() {
            @Override
            public double[] forward(double[] c) {
                return c.clone();
            }

            @Override
            public Energy energy(double[] c) {
                return new Energy(0, energy.applyAsDouble(c));
            }

            @Override
            public double[] gradient(double[] c) {
                return gradient.apply(c);
            }

            @Override
            public VectorSpace<double[]> space() {
                return DoubleArraySpace.INSTANCE;
            }
        };
    }
}
