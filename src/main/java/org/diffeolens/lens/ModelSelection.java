package org.diffeolens.lens;

import org.diffeolens.concurrent.Parallel;
import org.diffeolens.io.Json;
import org.diffeolens.nn.Parameters;
import org.diffeolens.nn.ResidualNetwork;
import org.diffeolens.nn.Trainer;
import org.diffeolens.nn.Workspace;
import org.diffeolens.nn.data.TrainTest;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The Bayesian information criterion of a trained network (paper 004, eqs. 35-38, after Schwarz
 * 1978): the Laplace approximation of the evidence of a model with k parameters trained on N
 * samples gives -2 log evidence ~ 2 N L + k log N, with L the mean training cross-entropy. Each
 * parameter pays (1/2) log N because the posterior's width along it shrinks like 1/sqrt(N); a
 * direction the data hardly constrains (Fisher eigenvalue lambda well below z = alpha / N, alpha
 * the prior's precision) keeps its prior width and pays nothing. Counting parameters by
 * lambda / (lambda + z) gives the effective number N_eff(z) (MacKay 1992) and the BIC with it. With
 * weight decay lambda_wd the prior precision is alpha = N lambda_wd (N E = N L + N lambda_wd/2 |W|^2),
 * so z = lambda_wd; without it a unit prior, z = 1 / N.
 */
public final class ModelSelection {

    private ModelSelection() {
    }

    /**
     * One model's numbers; bicEffective uses N_eff's stochastic estimate (within its bounds) or, without
     * one, its lower bound; bicEffectiveUpper its upper bound.
     */
    public record Entry(String name, long parameters, int trainSamples, double trainLoss, double testAccuracy,
                        double z, EffectiveDimension effective, double bic, double bicEffective,
                        double bicEffectiveUpper, Spectra.Report fisher) {

        public Json toJson() {
            return new Json().put("name", name).put("parameters", parameters).put("trainSamples", trainSamples)
                    .put("trainLoss", trainLoss).put("testAccuracy", testAccuracy).put("z", z)
                    .put("effectiveParameters", effective.value()).put("effectiveParametersLower", effective.lower())
                    .put("effectiveParametersUpper", effective.upper())
                    .put("effectiveParametersStandardError", effective.standardError())
                    .put("bic", bic).put("bicEffective", bicEffective).put("bicEffectiveUpper", bicEffectiveUpper)
                    .put("fisher", fisher.toJson());
        }
    }

    /** The scale z = alpha / N of the effective dimension: weight decay, else a unit prior. */
    public static double scale(double weightDecay, int trainSamples) {
        return weightDecay > 0 ? weightDecay : 1.0 / trainSamples;
    }

    public static Entry of(String name, ResidualNetwork network, Parameters trained, TrainTest data, double weightDecay,
                           Spectra.Settings settings, Parallel parallel) {
        int n = data.train().size();
        Workspace ws = new Workspace(parallel);
        Parameters w = trained.castTo(DataType.FLOAT);
        double loss = network.score(w, data.train(), settings.batchSize(), ws).loss();
        double accuracy = network.score(w, data.test(), settings.batchSize(), ws).accuracy();
        double z = scale(weightDecay, n);
        Spectra.Report f = Spectra.fisher(network, trained, data.train(), NetworkFisher.Kind.TRUE, z, settings, parallel);
        long k = network.layout().length();
        double logN = Math.log(n);
        return new Entry(name, k, n, loss, accuracy, z, f.effective(), 2 * n * loss + k * logN,
                2 * n * loss + f.effective().value() * logN, 2 * n * loss + f.effective().upper() * logN, f);
    }
}
