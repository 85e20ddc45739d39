package org.diffeolens.bench;

import java.util.ArrayList;
import java.util.List;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.Grid;
import org.diffeolens.field.ScalarField;
import org.diffeolens.io.Json;
import org.diffeolens.registration.AffineModel;
import org.diffeolens.registration.LevelLog;
import org.diffeolens.registration.Method;
import org.diffeolens.registration.Registration;
import org.diffeolens.registration.RegistrationParameters;
import org.diffeolens.registration.RegistrationResult;
import org.diffeolens.registration.SimilarityMetric;

/**
 * One real multi-resolution geodesic-shooting registration through the library's front door,
 * {@link Registration#register}, on a phantom and its known smooth deformation. Every parameter is
 * pinned here (not taken from the library defaults) so that runs compare across versions.
 */
public final class ShootingBenchmark {

    /** Largest displacement of the known deformation, in voxels. */
    static final double DEFORMATION_VOXELS = 5;

    private ShootingBenchmark() {
    }

    public static RegistrationParameters parameters(int levels, int iterations, int threads) {
        return RegistrationParameters.defaults().withMethod(Method.SHOOTING).withMetric(SimilarityMetric.ssd())
                .withKernel(9, 1, 2).withSigma(0.02).withTimeSteps(10).withLevels(levels)
                .withIterations(iterations).withAffine(AffineModel.NONE).withTolerance(1e-3)
                .withNormalize(true).withThreads(threads);
    }

    public static Json run(int dim, int n, int levels, int iterations, Parallel parallel) {
        int[] size = dim == 2 ? new int[] {n, n} : new int[] {n, n, n};
        double[] spacing = dim == 2 ? new double[] {1, 1} : new double[] {1, 1, 1};
        Grid g = Grid.of(size, spacing);
        ScalarField fixed = Phantoms.head(g, parallel);
        ScalarField moving = Phantoms.deformed(fixed, Phantoms.deformation(g, DEFORMATION_VOXELS), parallel);
        RegistrationParameters p = parameters(levels, iterations, parallel.threads());
        long c0 = Timing.processCpuNanos();
        long t0 = System.nanoTime();
        RegistrationResult r = Registration.register(fixed, moving, p);
        double seconds = (System.nanoTime() - t0) * 1e-9;
        double cpuSeconds = (Timing.processCpuNanos() - c0) * 1e-9;
        List<Long> its = new ArrayList<>();
        List<Double> levelSeconds = new ArrayList<>();
        List<Object> grids = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (LevelLog l : r.levels()) {
            its.add((long) l.iterations());
            levelSeconds.add(Timing.round(l.seconds()));
            grids.add(l.size());
            reasons.add(l.stopReason().toString());
        }
        return new Json().put("size", size).put("levels", levels).put("maxIterationsPerLevel", iterations)
                .put("timeSteps", p.timeSteps()).put("seconds", Timing.round(seconds))
                .put("cpuSeconds", Timing.round(cpuSeconds))
                .put("iterations", its).put("levelSeconds", levelSeconds).put("levelGrids", grids)
                .put("stopReasons", reasons)
                .put("rmsBefore", Timing.round(rms(moving, fixed), 6))
                .put("rmsAfter", Timing.round(rms(r.warped(), fixed), 6))
                .put("finalEnergy", r.energy().total())
                .put("minJacobian", Timing.round(r.jacobianMin()));
    }

    private static double rms(ScalarField a, ScalarField b) {
        double s = 0;
        for (int i = 0; i < a.data().length; i++) {
            double d = a.data()[i] - b.data()[i];
            s += d * d;
        }
        return Math.sqrt(s / a.data().length);
    }
}
