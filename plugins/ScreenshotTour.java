import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.gui.ImageWindow;
import ij.text.TextWindow;
import java.awt.Button;
import java.awt.Frame;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.Window;
import java.awt.event.ActionEvent;
import java.awt.image.BufferedImage;
import java.io.File;
import javax.imageio.ImageIO;

/**
 * A user's first session with the plugin, photographed for docs/fiji.md: ImageJ 1.x as installed
 * (its plugins folder holds Diffeolens_.jar), the brain pair of test-data/ opened, the Diffeolens
 * Register dialog from the menu command, the run in progress, and the result windows. Run by
 * plugins/screenshots.sh under Xvfb, as a single-file program:
 *   java -cp ij.jar ScreenshotTour.java IMAGES_DIR DOCS_DIR
 * where IMAGES_DIR holds the brain pair as fixed.png and moving.png (short titles fit the
 * title bars),
 * in the ImageJ folder (ImageJ finds plugins/ beside its working directory).
 */
public class ScreenshotTour {

    public static void main(String[] args) throws Exception {
        String data = args[0];
        File docs = new File(args[1]);
        Robot robot = new Robot();
        ImageJ ij = new ImageJ(ImageJ.STANDALONE);
        ij.setLocation(0, 0);
        ImagePlus fixed = IJ.openImage(data + "/fixed.png");
        ImagePlus moving = IJ.openImage(data + "/moving.png");
        fixed.show();
        moving.show();
        place(fixed, 0, 100);
        place(moving, 215, 100);
        settle();

        // the dialog, as the menu command opens it
        IJ.doCommand("Diffeolens Register");
        GenericDialog gd = (GenericDialog) waitForWindow("Diffeolens Register", 30);
        gd.setLocation(480, 60);
        settle();
        capture(robot, new Rectangle(0, 0, gd.getX() + gd.getWidth() + 10, gd.getY() + gd.getHeight() + 10),
                new File(docs, "fiji-dialog.png"));

        // OK: the run with the CLI's defaults, on ImageJ's progress bar and status line
        Button ok = gd.getButtons()[0];
        gd.actionPerformed(new ActionEvent(ok, ActionEvent.ACTION_PERFORMED, "OK"));
        long start = System.currentTimeMillis();
        while (!ImageJ.getStatusBarText().contains("shooting level 2")
                && System.currentTimeMillis() - start < 300_000) {
            Thread.sleep(100);
        }
        Thread.sleep(1500);
        Rectangle bar = ij.getBounds();
        capture(robot, new Rectangle(bar.x, bar.y, bar.width, bar.height), new File(docs, "fiji-progress.png"));

        ImagePlus warped = waitForImage("moving_warped", 600);
        settle();
        String base = "moving";
        // inputs and warped above, grid, Jacobian and displacement below, zoomed in; plot and Log right
        String[] windows = {null, null, "_warped", "_grid", "_jacobian", "_displacement"};
        int x = 0;
        for (int i = 0; i < windows.length; i++) {
            ImagePlus imp = i == 0 ? fixed : i == 1 ? moving : WindowManager.getImage(base + windows[i]);
            x = i == 3 ? 0 : x;
            place(imp, x, i < 3 ? 100 : 555);
            settle();
            // zoomed where it stands, so that the window grows rather than crops the image
            imp.getWindow().getCanvas().zoomIn(imp.getWidth() / 2, imp.getHeight() / 2);
            settle();
            x += imp.getWindow().getWidth() + 4;
        }
        place(WindowManager.getImage(base + "_energy"), 940, 100);
        Window log = WindowManager.getWindow("Log");
        if (log != null) {
            log.setBounds(940, 600, 975, 330);
        }
        settle();
        capture(robot, new Rectangle(0, 0, 1920, 1000), new File(docs, "fiji-results.png"));
        System.exit(0);
    }

    private static void place(ImagePlus imp, int x, int y) {
        ImageWindow w = imp.getWindow();
        if (w != null) {
            w.setLocation(x, y);
            w.toFront();
        }
    }

    private static Window waitForWindow(String title, int seconds) throws InterruptedException {
        for (int i = 0; i < seconds * 10; i++) {
            for (Window w : Window.getWindows()) {
                if (w.isShowing() && w instanceof java.awt.Dialog d && title.equals(d.getTitle())) {
                    return w;
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no window '" + title + "' after " + seconds + " s");
    }

    private static ImagePlus waitForImage(String title, int seconds) throws InterruptedException {
        for (int i = 0; i < seconds * 10; i++) {
            ImagePlus imp = WindowManager.getImage(title);
            if (imp != null && imp.getWindow() != null && imp.getWindow().isShowing()) {
                return imp;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no image '" + title + "' after " + seconds + " s");
    }

    /** Lets AWT lay out and paint what just moved. */
    private static void settle() throws InterruptedException {
        Thread.sleep(1500);
    }

    private static void capture(Robot robot, Rectangle r, File out) throws Exception {
        BufferedImage img = robot.createScreenCapture(r);
        ImageIO.write(img, "png", out);
        System.out.println("wrote " + out + " (" + r.width + "x" + r.height + ")");
    }
}
