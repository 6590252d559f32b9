package io.jqp.experiments.data;

import io.jqp.api.JqpException;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The real photos of the super-resolution task, from Debian packages (DATA.md): {@code opencv-doc}
 * and {@code python3-skimage}, copied by {@code scripts/setup} into one folder ({@code
 * ~/.local/share/jqp/photos} unless {@code JQP_PHOTOS} says otherwise) as {@code opencv-doc/<file>}
 * and {@code skimage/<file>}.
 *
 * <p>Five lossless images are held out for testing: {@code butterfly.png} (opencv-doc's {@code
 * dnn_superres} copy of Set5's butterfly), {@code chicky_512.png}, and skimage's astronaut, chelsea
 * and coffee. Training uses 12 lossless images and 11 JPEG photos; a JPEG is shrunk ×2 (bicubic)
 * before use, so its compression artefacts are not what the network learns to restore.
 */
public final class Photos {
  private Photos() {}

  /**
   * A photo in the manifest: path below the photo folder, and whether it is a JPEG to shrink ×2
   * first.
   */
  public record Entry(String path, boolean jpeg) {}

  public static final List<Entry> TRAIN =
      List.of(
          new Entry("skimage/camera.png", false),
          new Entry("skimage/brick.png", false),
          new Entry("skimage/grass.png", false),
          new Entry("skimage/gravel.png", false),
          new Entry("skimage/coins.png", false),
          new Entry("skimage/moon.png", false),
          new Entry("skimage/motorcycle_left.png", false),
          new Entry("skimage/ihc.png", false),
          new Entry("opencv-doc/graf1.png", false),
          new Entry("opencv-doc/rubberwhale1.png", false),
          new Entry("opencv-doc/smarties.png", false),
          new Entry("opencv-doc/basketball1.png", false),
          new Entry("opencv-doc/baboon.jpg", true),
          new Entry("opencv-doc/fruits.jpg", true),
          new Entry("opencv-doc/building.jpg", true),
          new Entry("opencv-doc/home.jpg", true),
          new Entry("opencv-doc/orange.jpg", true),
          new Entry("opencv-doc/board.jpg", true),
          new Entry("opencv-doc/starry_night.jpg", true),
          new Entry("opencv-doc/pca_test1.jpg", true),
          new Entry("opencv-doc/aloeL.jpg", true),
          new Entry("skimage/rocket.jpg", true),
          new Entry("skimage/retina.jpg", true));

  public static final List<Entry> TEST =
      List.of(
          new Entry("opencv-doc/butterfly.png", false),
          new Entry("opencv-doc/chicky_512.png", false),
          new Entry("skimage/astronaut.png", false),
          new Entry("skimage/chelsea.png", false),
          new Entry("skimage/coffee.png", false));

  /** The default photo folder: {@code $JQP_PHOTOS}, else {@code ~/.local/share/jqp/photos}. */
  public static String defaultFolder() {
    String env = System.getenv("JQP_PHOTOS");
    return env != null && !env.isBlank() ? env : "~/.local/share/jqp/photos";
  }

  /** Expands a leading {@code ~} to the user's home. */
  public static Path resolve(String folder) {
    if (folder.equals("~") || folder.startsWith("~/")) {
      return Path.of(System.getProperty("user.home") + folder.substring(1));
    }
    return Path.of(folder);
  }

  /** Fails with one line naming the first missing photo and the fix. */
  public static void checkPresent(Path folder) {
    List<Entry> all = new ArrayList<>(TRAIN);
    all.addAll(TEST);
    for (Entry e : all) {
      if (!Files.isRegularFile(folder.resolve(e.path()))) {
        throw new JqpException(
            "photos: "
                + folder.resolve(e.path())
                + " is missing; run scripts/setup (it copies the photos from the "
                + "Debian packages opencv-doc and python3-skimage) or set data (--data) to the folder holding them");
      }
    }
  }

  /** A single-channel image, values in [0, 1], row-major. */
  public record Gray(String name, float[] values, int height, int width) {}

  /**
   * The luminance of a photo as SR benchmarks define it (ITU-R BT.601 studio range, MATLAB's {@code
   * rgb2ycbcr}): Y = (16 + 65.481 R + 128.553 G + 24.966 B) / 255 with R, G, B in [0, 1]. Grey
   * images give Y = (16 + 219 v) / 255. JPEG entries are shrunk ×2.
   */
  public static Gray luminance(Path folder, Entry e) throws IOException {
    Path file = folder.resolve(e.path());
    BufferedImage img = ImageIO.read(file.toFile());
    if (img == null) {
      throw new JqpException(
          "photos: " + file + " cannot be decoded; reinstall it with scripts/setup");
    }
    int h = img.getHeight();
    int w = img.getWidth();
    float[] y = new float[h * w];
    Raster raster = img.getRaster();
    boolean gray =
        raster.getNumBands() <= 2
            && !(img.getColorModel() instanceof java.awt.image.IndexColorModel);
    for (int r = 0; r < h; r++) {
      for (int c = 0; c < w; c++) {
        double luma;
        if (gray) {
          // read the stored sample: getRGB would convert the linear grey colour space and brighten
          // the image
          luma = 16 + 219.0 * raster.getSample(c, r, 0) / 255.0;
        } else {
          int rgb = img.getRGB(c, r);
          luma =
              16
                  + (65.481 * ((rgb >> 16) & 255)
                          + 128.553 * ((rgb >> 8) & 255)
                          + 24.966 * (rgb & 255))
                      / 255.0;
        }
        y[r * w + c] = (float) (luma / 255.0);
      }
    }
    if (e.jpeg()) {
      int oh = h / 2;
      int ow = w / 2;
      return new Gray(e.path(), Bicubic.resize(y, h, w, oh, ow), oh, ow);
    }
    return new Gray(e.path(), y, h, w);
  }
}
