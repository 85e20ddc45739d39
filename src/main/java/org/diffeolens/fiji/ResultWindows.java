package org.diffeolens.fiji;

import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Plot;
import ij.plugin.ContrastEnhancer;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import org.diffeolens.field.Grid;
import org.diffeolens.field.VectorField;
import org.diffeolens.flow.Energy;
import org.diffeolens.io.ImageData;
import org.diffeolens.io.ImageJCodec;
import org.diffeolens.output.DeformedGrid;
import org.diffeolens.registration.LevelLog;
import org.diffeolens.registration.RegistrationResult;

/**
 * A registration's results as ImageJ windows, titled after the moving image ("brain" gives
 * brain_warped, brain_jacobian, brain_grid, brain_displacement, brain_energy): all on the fixed
 * image's grid and calibration, pixels exactly the library's outputs (as float).
 */
record ResultWindows(ImagePlus warped, ImagePlus jacobian, ImagePlus grid, ImagePlus displacement, Plot energy) {

    static final String WARPED = "_warped";
    static final String JACOBIAN = "_jacobian";
    static final String GRID = "_grid";
    static final String DISPLACEMENT = "_displacement";
    static final String ENERGY = "_energy";

    static ResultWindows of(RegistrationResult r, ImagePlus fixedImp, ImagePlus movingImp, Grid movingGrid) {
        String base = Images.baseTitle(movingImp);
        ImagePlus warped = Images.window(r.warped(), base + WARPED, fixedImp);
        // shown as the moving image was, so that the two compare by eye
        warped.setDisplayRange(movingImp.getDisplayRangeMin(), movingImp.getDisplayRangeMax());
        ImagePlus jacobian = JacobianView.window(r.jacobian(), base + JACOBIAN, fixedImp);
        ImagePlus grid = Images.window(DeformedGrid.lines(r.displacement(), movingGrid, DeformedGrid.DEFAULT_STEP),
                base + GRID, fixedImp);
        grid.getProcessor().invertLut(); // black lines on white, as bUnwarpJ draws its grid
        grid.setDisplayRange(0, 1);
        return new ResultWindows(warped, jacobian, grid, displacementWindow(r.displacement(), base + DISPLACEMENT,
                fixedImp), energyPlot(r, base + ENERGY));
    }

    /**
     * One channel per component (u_x, u_y[, u_z] in mm along the voxel axes), in grayscale with
     * ImageJ's automatic contrast (0.35 % saturated), as Image > Adjust > Brightness/Contrast "Auto"
     * sets it: the affine part makes the components nearly constant, so their full range would show
     * the deformation as flat grey.
     */
    static ImagePlus displacementWindow(VectorField u, String title, ImagePlus like) {
        ImagePlus imp = Images.calibrated(ImageJCodec.toImagePlus(ImageData.of(u), title), like);
        imp.getCalibration().setValueUnit("mm");
        ImageStack stack = imp.getStack();
        int d = u.dim();
        for (int i = 1; i <= stack.getSize(); i++) {
            stack.setSliceLabel("u_" + "xyz".charAt((i - 1) % d) + " (mm)", i);
        }
        new ContrastEnhancer().stretchHistogram(imp, 0.35);
        return imp;
    }

    /**
     * Total energy and its two terms at every iteration of the diffeomorphic stage (of the affine
     * stage when that is all that ran), pyramid levels one after the other, dotted lines between
     * them.
     */
    static Plot energyPlot(RegistrationResult r, String title) {
        String method = r.parameters().method().toString();
        String stage = r.levels().stream().anyMatch(l -> l.stage().equals(method)) ? method : "affine";
        List<Double> total = new ArrayList<>();
        List<Double> data = new ArrayList<>();
        List<Double> reg = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        for (LevelLog l : r.levels()) {
            if (!l.stage().equals(stage)) {
                continue;
            }
            starts.add(total.size());
            for (Energy e : l.energies()) {
                total.add(e.total());
                data.add(e.data());
                reg.add(e.regularization());
            }
        }
        double[] x = new double[total.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        Plot plot = new Plot(title, "iteration (levels one after the other)", "energy (" + stage + ")");
        plot.setColor(Color.BLACK);
        plot.setLineWidth(2);
        plot.add("line", x, toArray(total));
        plot.setLineWidth(1);
        plot.setColor(new Color(214, 39, 40));
        plot.add("line", x, toArray(data));
        plot.setColor(new Color(31, 119, 180));
        plot.add("line", x, toArray(reg));
        plot.setColor(Color.BLACK);
        plot.addLegend("total\tdata (similarity)\tregularization");
        plot.setLimitsToFit(false);
        double[] lim = plot.getLimits();
        plot.setColor(Color.GRAY);
        for (int k = 1; k < starts.size(); k++) {
            plot.drawDottedLine(starts.get(k), lim[2], starts.get(k), lim[3], 2);
        }
        return plot;
    }

    private static double[] toArray(List<Double> v) {
        double[] a = new double[v.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = v.get(i);
        }
        return a;
    }

    /** Shows every window; the warped image last, so that it is the current image for a macro. */
    void show() {
        energy.show();
        displacement.show();
        grid.show();
        jacobian.show();
        warped.show();
    }
}
