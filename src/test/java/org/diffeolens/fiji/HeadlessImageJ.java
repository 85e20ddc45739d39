package org.diffeolens.fiji;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.Menus;
import ij.WindowManager;
import ij.macro.Interpreter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.Map;
import org.diffeolens.Tolerances;
import org.diffeolens.io.ImageFiles;
import org.diffeolens.io.ImageIOException;
import org.diffeolens.io.ImageJCodec;

/**
 * The real ImageJ 1.x (net.imagej:ij from Maven) in this headless test JVM, with the plugin's
 * commands installed from the repository's plugins/plugins.config.
 *
 * <p>ImageJ 1.x fills its command table while it builds its AWT menu bar, which a headless JVM
 * cannot create (Fiji's headless launcher patches that step with ij1-patcher; RegisterMacroTest
 * runs a macro that way). Here the table is filled the way Menus.installJarPlugins fills it from a
 * jar's plugins.config, so that {@code IJ.run("Diffeolens Register", options)} goes through
 * ImageJ's own Executer, macro options and plugin class loader. Images are batch-mode images, as
 * in a macro with setBatchMode(true).
 */
final class HeadlessImageJ {

    static final Path PLUGINS_CONFIG = Path.of("plugins", "plugins.config").toAbsolutePath();

    private static boolean installed;

    private HeadlessImageJ() {
    }

    static synchronized void start() {
        Interpreter.batchMode = true;
        if (installed) {
            return;
        }
        Hashtable<String, String> table = new Hashtable<>(commands());
        try {
            Field f = Menus.class.getDeclaredField("pluginsTable");
            f.setAccessible(true);
            f.set(null, table);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this ImageJ 1.x keeps its command table elsewhere", e);
        }
        installed = true;
    }

    /** Command -> class of every line of plugins.config, parsed as ImageJ's Menus parses a jar's. */
    static Map<String, String> commands() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(PLUGINS_CONFIG)) {
                String s = line.trim();
                if (s.length() < 3 || s.startsWith("#")) {
                    continue;
                }
                int q1 = s.indexOf('"');
                int q2 = s.indexOf('"', q1 + 1);
                String command = s.substring(q1 + 1, q2);
                String className = s.substring(s.indexOf(',', q2) + 1).trim();
                out.put(command, className);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Opens a file of test-data/ as ImageJ would (PNG, TIFF...) and shows it as a batch-mode image. */
    static ImagePlus open(String name) {
        ImagePlus imp = IJ.openImage(Tolerances.testData(name).toString());
        if (imp == null) {
            throw new IllegalStateException("ImageJ could not open " + name);
        }
        imp.show();
        return imp;
    }

    /** A NIfTI or MetaImage file of test-data/ through the library's reader, calibrated in mm. */
    static ImagePlus openWithLibrary(String name) throws ImageIOException {
        ImagePlus imp = ImageJCodec.toImagePlus(ImageFiles.read(Tolerances.testData(name)), name);
        imp.show();
        return imp;
    }

    /**
     * Runs a command as a macro's run(command, options) does; returns the error message the command
     * showed with IJ.error, or null when it showed none.
     */
    static String run(String command, String options) {
        IJ.getErrorMessage(); // forget earlier errors
        try {
            IJ.run(command, options);
        } catch (RuntimeException e) {
            // IJ.error aborts the calling macro; IJ.run reports that as "Macro canceled"
            if (!Macro.MACRO_CANCELED.equals(e.getMessage())) {
                throw e;
            }
        }
        return IJ.getErrorMessage();
    }

    static ImagePlus image(String title) {
        return WindowManager.getImage(title);
    }

    /** Closes every image and leaves batch mode, so that no other test meets this one's state. */
    static void stop() {
        closeAll();
        Interpreter.batchMode = false;
    }

    static void closeAll() {
        int[] ids = WindowManager.getIDList();
        if (ids != null) {
            for (int id : ids) {
                ImagePlus imp = WindowManager.getImage(id);
                if (imp != null) {
                    imp.changes = false;
                    imp.close();
                }
            }
        }
        WindowManager.setTempCurrentImage(null);
    }

    static int openImageCount() {
        int[] ids = WindowManager.getIDList();
        return ids == null ? 0 : ids.length;
    }
}
