package org.diffeolens.nn;

import java.util.function.Function;
import org.diffeolens.nn.data.Batch;
import org.diffeolens.nn.data.Dataset;
import org.nd4j.linalg.api.buffer.DataType;

/** Mean loss (the flow's data term: cross-entropy, or a Hopfield network's squared error) and accuracy on a data set. */
public record Score(double loss, double accuracy, int samples) {

    /** What a network says about one batch: its mean loss and the class it predicts for each sample. */
    public record Prediction(double loss, int[] classes) {
    }

    /** Scores a data set in batches of the given size and type, one prediction per batch. */
    public static Score of(Dataset data, int batchSize, DataType type, Function<Batch, Prediction> predict) {
        double loss = 0;
        int correct = 0;
        for (int from = 0; from < data.size(); from += batchSize) {
            int to = Math.min(data.size(), from + batchSize);
            Batch b = data.batch(from, to, type);
            Prediction p = predict.apply(b);
            loss += p.loss() * b.size();
            for (int i = 0; i < b.size(); i++) {
                if (p.classes()[i] == b.labels()[i]) {
                    correct++;
                }
            }
        }
        return new Score(loss / data.size(), (double) correct / data.size(), data.size());
    }
}
