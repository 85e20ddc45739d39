package org.diffeolens.fiji;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import net.imagej.patcher.LegacyEnvironment;

/**
 * {@code ImageJ --headless -batch MACRO ARG} as Fiji's launcher runs it: ImageJ 1.x patched by
 * ij1-patcher so that it builds its command table and dialogs without a display, with the plugins
 * of the folder named by {@code -Dplugins.dir}. Run in its own JVM by RegisterMacroTest.
 *
 * <p>Arguments: ij.jar, ij1-patcher.jar, javassist.jar, the macro file, the macro's argument. The
 * patched ImageJ lives in its own class loader (no ImageJ class on this JVM's class path), as in
 * Fiji, where the patcher rewrites ImageJ's classes before any of them loads.
 */
public final class FijiHeadless {

    private FijiHeadless() {
    }

    public static void main(String[] args) throws Exception {
        URL[] jars = new URL[3];
        for (int i = 0; i < 3; i++) {
            jars[i] = new File(args[i]).toURI().toURL();
        }
        ClassLoader loader = new URLClassLoader(jars, ClassLoader.getPlatformClassLoader());
        LegacyEnvironment ij1 = new LegacyEnvironment(loader, true);
        ij1.disableIJ1PluginDirs(); // only plugins.dir, never the user's ~/.plugins
        ij1.main("-batch", args[3], args[4]);
    }
}
