package org.diffeolens.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.diffeolens.field.Grid;
import org.diffeolens.io.ImageData;
import org.diffeolens.io.ImageFiles;
import org.diffeolens.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** diffeolens info FILE: header and intensity statistics, like ITK's PrintHeader or fslinfo. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Print an image's grid (dimensions, spacing, origin, direction), stored type,",
            "number of components and intensity range.", "",
            "Reads NIfTI-1 (.nii, .nii.gz), MetaImage (.mha, .mhd) and what ImageJ opens (PNG, TIFF, ...)."})
final class InfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "image to describe")
    Path file;

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ImageData data = ImageFiles.read(file);
        Grid g = data.grid();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        long n = 0;
        for (float[] c : data.channels()) {
            for (float v : c) {
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += v;
                n++;
            }
        }
        double mean = sum / n;
        var out = spec.commandLine().getOut();
        if (json) {
            Json j = new Json()
                    .put("file", file.toString())
                    .put("dimensions", g.size())
                    .put("spacing", g.spacing())
                    .put("origin", g.origin())
                    .put("direction", g.direction())
                    .put("datatype", data.storedType().name().toLowerCase(Locale.ROOT))
                    .put("components", data.channelCount())
                    .put("min", min).put("max", max).put("mean", mean);
            out.println(j);
        } else {
            out.printf(Locale.ROOT, "file        %s%n", file);
            out.printf(Locale.ROOT, "dimensions  %s%n", Text.join(g.size(), " x "));
            out.printf(Locale.ROOT, "spacing     %s mm%n", Text.join(g.spacing(), " x "));
            out.printf(Locale.ROOT, "origin      %s mm (LPS)%n", Text.join(g.origin(), ", "));
            out.printf(Locale.ROOT, "direction   %s%n", Text.matrix(g.direction(), g.dim()));
            out.printf(Locale.ROOT, "datatype    %s%n", data.storedType().name().toLowerCase(Locale.ROOT));
            out.printf(Locale.ROOT, "components  %d%n", data.channelCount());
            out.printf(Locale.ROOT, "min/max     %s / %s%n", Text.num(min), Text.num(max));
            out.printf(Locale.ROOT, "mean        %s%n", Text.num(mean));
        }
        return Main.EXIT_OK;
    }
}
