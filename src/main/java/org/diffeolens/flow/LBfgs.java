package org.diffeolens.flow;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * Limited-memory BFGS (Nocedal and Wright 2006, Alg. 7.4) whose initial inverse Hessian is the
 * minimizer's {@link Metric}: the optimizer never calls the metric itself, because for a linear
 * metric H0 y_i = H0 g_{i+1} - H0 g_i is the difference of two update directions it was given.
 * So kernel-preconditioned L-BFGS for registration and plain L-BFGS for small problems are one
 * class. Steps satisfy Armijo's condition by halving from t = 1. The first step, with no
 * curvature known, starts at {@code initialStep}; if that fails it backtracks to the minimizer of
 * the quadratic through e(0), e'(0) and e(t) (Nocedal and Wright 2006, eq. 3.57), kept within
 * [t/10, t/2], and if it holds it is extended only while that quadratic still bottoms out beyond
 * twice the step: each trial is a forward pass, and blind halving and doubling spent two or three
 * of them at every pyramid level.
 */
public final class LBfgs<C> implements Optimizer<C> {

    private static final double ARMIJO_C1 = 1e-4;
    private static final int MAX_HALVINGS = 30;
    private static final int MAX_EXPANSIONS = 30;

    private final int memory;
    private final double initialStep;
    private final Deque<Pair<C>> pairs = new ArrayDeque<>();
    private C previousControl;
    private C previousGradient;
    private C previousDirection;
    /**
     * Scratch kept from step to step (a 3D momentum is tens of MB, and fresh copies each step cost
     * their zeroing, page faults and collections): the newest s and y before the curvature test,
     * the two-loop recursion's q, and the step direction r.
     */
    private C sScratch;
    private C yScratch;
    private C qScratch;
    private C rScratch;
    private double firstStep;
    private java.util.function.ToDoubleFunction<C> firstStepRule;

    private static final class Pair<C> {
        final C s;
        final C y;
        final C hy;
        final double rho;
        double alpha;

        Pair(C s, C y, C hy, double rho) {
            this.s = s;
            this.y = y;
            this.hy = hy;
            this.rho = rho;
        }
    }

    public LBfgs(int memory, double initialStep) {
        if (memory < 1) {
            throw new IllegalArgumentException("L-BFGS memory must be >= 1, got " + memory);
        }
        if (!(initialStep > 0) || Double.isInfinite(initialStep)) {
            throw new IllegalArgumentException("initial step must be finite and > 0, got " + initialStep);
        }
        this.memory = memory;
        this.initialStep = initialStep;
        this.firstStep = initialStep;
    }

    /**
     * Chooses the first trial step from the first update direction (e.g. so that it moves points by
     * half a voxel), instead of the constant given at construction.
     */
    public LBfgs<C> firstStepFrom(java.util.function.ToDoubleFunction<C> rule) {
        this.firstStepRule = rule;
        return this;
    }

    @Override
    public Step<C> step(Objective<C> objective, Evaluation<C> at, C direction) {
        VectorSpace<C> space = objective.space();
        if (previousControl == null && firstStepRule != null) {
            double t0 = firstStepRule.applyAsDouble(direction);
            if (t0 > 0 && Double.isFinite(t0)) {
                firstStep = t0;
            }
        }
        boolean initial = previousControl == null;
        remember(space, at, direction);
        rScratch = assign(space, rScratch, direction);
        C r = pairs.isEmpty() ? rScratch : twoLoop(space, at.gradient(), rScratch);
        double slope = space.dot(at.gradient(), r);
        if (!(slope > 0)) {
            pairs.clear(); // lost positive definiteness: restart from the metric's direction
            space.assign(r, direction);
            slope = space.dot(at.gradient(), r);
            if (!(slope > 0)) {
                return new Step<>(at.control(), 0, 0);
            }
        }
        previousControl = assign(space, previousControl, at.control());
        previousGradient = assign(space, previousGradient, at.gradient());
        previousDirection = assign(space, previousDirection, direction);
        boolean first = pairs.isEmpty();
        double t = first ? firstStep : 1.0;
        double e0 = at.energy().total();
        C trial = space.copy(at.control());
        int evaluations = 0;
        for (int k = 0; k < MAX_HALVINGS; k++) {
            space.assign(trial, at.control());
            space.axpy(-t, r, trial);
            double e = objective.energy(trial);
            evaluations++;
            if (e <= e0 - ARMIJO_C1 * t * slope) {
                if (first && k == 0) {
                    return expand(objective, at, r, slope, t, e, evaluations, trial);
                }
                if (first) {
                    firstStep = t;
                }
                return new Step<>(trial, t, evaluations);
            }
            // the quadratic finds an unknown scale; once steps are known, halving is robust to
            // energies at their round-off floor, where the quadratic is noise and shrinks by ten
            t = initial ? backtrack(t, e0, slope, e) : 0.5 * t;
        }
        pairs.clear();
        return new Step<>(at.control(), 0, evaluations);
    }

    /**
     * The next trial after e(t) failed Armijo's condition: the minimizer of the quadratic with
     * e(0) = e0, e'(0) = -slope and e(t), within [t/10, t/2]; half of t when e(t) is not finite.
     */
    static double backtrack(double t, double e0, double slope, double e) {
        if (!Double.isFinite(e)) {
            return 0.5 * t;
        }
        // Armijo failed, so the curvature e - e0 + slope t is above (1 - c1) slope t > 0
        double minimizer = 0.5 * slope * t * t / (e - e0 + slope * t);
        return Math.max(0.1 * t, Math.min(0.5 * t, minimizer));
    }

    /**
     * Where the quadratic through e(0) = e0, e'(0) = -slope and e(t) bottoms out; infinite when it
     * has no minimum (the energy fell at least as fast as its slope promised).
     */
    static double quadraticMinimizer(double t, double e0, double slope, double e) {
        double curvature = e - e0 + slope * t;
        return curvature > 0 ? 0.5 * slope * t * t / curvature : Double.POSITIVE_INFINITY;
    }

    /**
     * With no curvature known and the first trial accepted: while the quadratic through e0, the
     * slope and the best trial bottoms out beyond twice its step, tries there (at most four times
     * the step), and keeps the trial while it lowers the energy.
     */
    private Step<C> expand(Objective<C> objective, Evaluation<C> at, C r, double slope, double t, double e,
                           int evaluations, C accepted) {
        VectorSpace<C> space = objective.space();
        double e0 = at.energy().total();
        if (!(quadraticMinimizer(t, e0, slope, e) > 2 * t)) {
            firstStep = t;
            return new Step<>(accepted, t, evaluations); // evaluated last: a caching flow holds its pass
        }
        C best = accepted;
        C trial = space.copy(best);
        for (int k = 0; k < MAX_EXPANSIONS; k++) {
            double target = quadraticMinimizer(t, e0, slope, e);
            if (!(target > 2 * t)) {
                break;
            }
            double t2 = Math.min(target, 4 * t);
            space.assign(trial, at.control());
            space.axpy(-t2, r, trial);
            double e2 = objective.energy(trial);
            evaluations++;
            if (!(e2 < e) || !(e2 <= e0 - ARMIJO_C1 * t2 * slope)) {
                break;
            }
            t = t2;
            e = e2;
            space.assign(best, trial);
        }
        firstStep = t;
        // evaluate the accepted point last, so a caching flow holds its trajectory (it keeps two:
        // a pass is saved when the accepted point was the trial before the last)
        objective.energy(best);
        return new Step<>(best, t, evaluations + 1);
    }

    private void remember(VectorSpace<C> space, Evaluation<C> at, C direction) {
        if (previousControl == null) {
            return;
        }
        C s = sScratch = assign(space, sScratch, at.control());
        space.axpy(-1, previousControl, s);
        C y = yScratch = assign(space, yScratch, at.gradient());
        space.axpy(-1, previousGradient, y);
        double sy = space.dot(s, y);
        if (!(sy > 1e-12 * Math.sqrt(space.dot(s, s) * space.dot(y, y)))) {
            return; // curvature condition fails (non-convex region): skip this pair
        }
        // the pair leaving the memory lends its arrays: its s and y become the next scratch
        Pair<C> oldest = pairs.size() >= memory ? pairs.removeFirst() : null;
        C hy = oldest == null ? space.copy(direction) : oldest.hy;
        if (oldest != null) {
            space.assign(hy, direction);
        }
        space.axpy(-1, previousDirection, hy);
        pairs.addLast(new Pair<>(s, y, hy, 1 / sy));
        sScratch = oldest == null ? null : oldest.s;
        yScratch = oldest == null ? null : oldest.y;
    }

    /** dst := src in dst's arrays, or a copy when there is none yet; returns dst. */
    private static <C> C assign(VectorSpace<C> space, C dst, C src) {
        if (dst == null) {
            return space.copy(src);
        }
        space.assign(dst, src);
        return dst;
    }

    /** r = H g with H0 the metric scaled by gamma = s'y / y'H0 y of the newest pair; direction becomes r. */
    private C twoLoop(VectorSpace<C> space, C gradient, C direction) {
        C q = qScratch = assign(space, qScratch, gradient);
        Iterator<Pair<C>> newestFirst = pairs.descendingIterator();
        while (newestFirst.hasNext()) {
            Pair<C> p = newestFirst.next();
            p.alpha = p.rho * space.dot(p.s, q);
            space.axpy(-p.alpha, p.y, q);
        }
        Pair<C> newest = pairs.peekLast();
        double gamma = 1 / (newest.rho * space.dot(newest.y, newest.hy));
        C r = direction;
        for (Pair<C> p : pairs) {
            space.axpy(-p.alpha, p.hy, r);
        }
        space.scale(gamma, r);
        for (Pair<C> p : pairs) {
            double beta = p.rho * space.dot(p.y, r);
            space.axpy(p.alpha - beta, p.s, r);
        }
        return r;
    }

    @Override
    public void reset() {
        pairs.clear();
        previousControl = null;
        previousGradient = null;
        previousDirection = null;
        sScratch = null;
        yScratch = null;
        qScratch = null;
        rScratch = null;
        firstStep = initialStep;
    }

    @Override
    public String name() {
        return "lbfgs";
    }
}
