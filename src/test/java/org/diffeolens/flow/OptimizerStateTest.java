package org.diffeolens.flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The optimizer extensions for training: named element ops, learning-rate schedules, checkpointable state. */
class OptimizerStateTest {

    private static final MinimizerTest.Quadratic FLOW = new MinimizerTest.Quadratic();

    private static double[] run(Optimizer<double[]> opt, double[] start, int iterations) {
        return new Minimizer<>(new Adjoint<double[]>(), Metric.identity(FLOW.space()), opt,
                StoppingRule.iterations(iterations)).minimize(FLOW, start).control();
    }

    @Test
    void resumingFromASavedStateRepeatsTheUninterruptedIteratesExactly() {
        List<Supplier<Optimizer<double[]>>> kinds = List.of(() -> new Adam<>(0.05), () -> new HeavyBall<>(0.1, 0.8),
                () -> new AdaGrad<>(0.5, 1e-10), () -> GradientDescent.armijo(1.0),
                () -> GradientDescent.scheduled(0.1, LearningRateSchedule.stepDecay(3, 0.5)));
        for (Supplier<Optimizer<double[]>> kind : kinds) {
            double[] straight = run(kind.get(), new double[3], 12);
            Optimizer<double[]> first = kind.get();
            double[] half = run(first, new double[3], 5);
            OptimizerState<double[]> saved = first.state(FLOW.space());
            Optimizer<double[]> second = kind.get();
            second.restore(saved);
            double[] resumed = run(second, half, 7);
            assertArrayEquals(straight, resumed, 0, first.name());
        }
    }

    @Test
    void restoringTheStateOfAnotherOptimizerFails() {
        OptimizerState<double[]> adam = new Adam<double[]>(0.1).state(FLOW.space());
        assertThrows(IllegalArgumentException.class, () -> new HeavyBall<double[]>(0.1, 0.9).restore(adam));
    }

    @Test
    void aScheduleScalesTheRateOfEachStep() {
        List<Double> rates = new ArrayList<>();
        Minimizer<double[]> m = new Minimizer<>(new Adjoint<double[]>(), Metric.identity(FLOW.space()),
                new Adam<double[]>(0.1).withSchedule(LearningRateSchedule.stepDecay(2, 0.5)), StoppingRule.iterations(6));
        m.addListener(it -> {
            if (it.index() > 0) {
                rates.add(it.stepSize());
            }
        });
        m.minimize(FLOW, new double[3]);
        assertEquals(List.of(0.1, 0.1, 0.05, 0.05, 0.025, 0.025), rates);
    }

    @Test
    void scheduledGradientDescentTakesTheScheduledStep() {
        // one step from c = 0: c1 = -lr * factor(0) * grad(0) = lr * factor(0) * b
        double[] c = run(GradientDescent.scheduled(0.2, LearningRateSchedule.cosine(4, 0).afterWarmup(4)),
                new double[3], 1);
        assertArrayEquals(new double[] {0.2 * 0.25 * 1, 0.2 * 0.25 * -2, 0.2 * 0.25 * 3}, c, 1e-15);
    }

    @Test
    void cosineScheduleRunsFromOneToItsFloorInAHalfPeriod() {
        LearningRateSchedule s = LearningRateSchedule.cosine(100, 0.1);
        assertEquals(1.0, s.factor(0), 0);
        assertEquals(0.55, s.factor(50), 1e-15);
        assertEquals(0.1, s.factor(100), 0);
        assertEquals(0.1, s.factor(1000), 0);
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.cosine(0, 0));
    }

    @Test
    void namedElementOpsComputeTheirDefinitions() {
        assertEquals(0.9 * 2 + 0.1 * 3, new ElementOps.Blend(0.9, 0.1).apply(2, 3), 0);
        assertEquals(0.5 * 2 + 0.25 * 9, new ElementOps.BlendSquare(0.5, 0.25).apply(2, 3), 0);
        assertEquals((4 / 0.5) / (Math.sqrt(9 / 0.25) + 1e-8), new ElementOps.RatioSqrt(0.5, 0.25, 1e-8).apply(4, 9), 0);
    }
}
