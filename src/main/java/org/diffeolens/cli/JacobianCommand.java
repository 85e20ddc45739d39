package org.diffeolens.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.Differential;
import org.diffeolens.field.Displacements;
import org.diffeolens.field.ScalarField;
import org.diffeolens.field.VectorField;
import org.diffeolens.io.ImageData;
import org.diffeolens.io.ImageFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** diffeolens jacobian D O: the Jacobian determinant of x -> x + u(x) (ANTs' CreateJacobianDeterminantImage). */
@Command(name = "jacobian", mixinStandardHelpOptions = true,
        description = {"Write the Jacobian determinant of x -> x + u(x) for a displacement field u, and print its",
            "range and the number of folds (voxels where it is <= 0)."})
final class JacobianCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DISPLACEMENT", description = "displacement field")
    Path displacement;

    @Parameters(index = "1", paramLabel = "OUT", description = "Jacobian determinant image to write")
    Path out;

    @Override
    public Integer call() throws Exception {
        VectorField u = ImageFiles.readVector(displacement);
        ScalarField j = new Differential(u.grid(), Parallel.allCores()).jacobianDeterminant(u);
        ImageFiles.write(out, ImageData.of(j), org.diffeolens.io.PixelType.FLOAT32, List.of(displacement));
        spec.commandLine().getOut().printf(Locale.ROOT, "Jacobian %.4f .. %.4f, %d folds; wrote %s%n", j.min(),
                j.max(), Displacements.foldCount(j), out);
        return Main.EXIT_OK;
    }
}
