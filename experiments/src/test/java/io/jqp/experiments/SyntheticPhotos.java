package io.jqp.experiments;

import io.jqp.experiments.data.Photos;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Writes a photo folder with every file of the SR manifest ({@link Photos#TRAIN}, {@link
 * Photos#TEST}), generated: smooth shading, hard-edged shapes and fine texture, so the SR task runs
 * without the Debian photo packages. The butterfly is 256×256 like Set5's; JPEG entries are written
 * as JPEG at twice the size (the task shrinks them ×2).
 */
public final class SyntheticPhotos {
  private SyntheticPhotos() {}

  public static Path write(Path dir) throws IOException {
    long seed = 1;
    for (Photos.Entry e : Photos.TRAIN) {
      write(dir, e, e.jpeg() ? 320 : 160, e.jpeg() ? 256 : 128, seed++);
    }
    for (Photos.Entry e : Photos.TEST) {
      int side = e.path().endsWith("butterfly.png") ? 256 : 120;
      write(dir, e, side, side, seed++);
    }
    return dir;
  }

  private static void write(Path dir, Photos.Entry e, int w, int h, long seed) throws IOException {
    Random r = new Random(seed);
    boolean colour = r.nextBoolean() || e.jpeg();
    BufferedImage img =
        new BufferedImage(w, h, colour ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
    double[][] waves = new double[4][4];
    for (double[] wave : waves) {
      wave[0] = r.nextDouble() * 0.08;
      wave[1] = r.nextDouble() * 0.08;
      wave[2] = r.nextDouble() * 6.3;
      wave[3] = 0.1 + r.nextDouble() * 0.15;
    }
    int shapes = 6 + r.nextInt(6);
    double[][] disc = new double[shapes][4];
    for (double[] d : disc) {
      d[0] = r.nextDouble() * w;
      d[1] = r.nextDouble() * h;
      d[2] = 6 + r.nextDouble() * w / 5;
      d[3] = r.nextDouble() * 0.6 - 0.3;
    }
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double v = 0.5;
        for (double[] wave : waves) {
          v += wave[3] * Math.sin(wave[0] * x + wave[1] * y + wave[2]);
        }
        for (double[] d : disc) {
          if (Math.hypot(x - d[0], y - d[1]) < d[2]) {
            v += d[3];
          }
        }
        v += 0.03 * r.nextGaussian();
        int g = (int) Math.max(0, Math.min(255, Math.round(v * 255)));
        if (colour) {
          int red = Math.min(255, g + 20);
          int blue = Math.max(0, g - 20);
          img.setRGB(x, y, (red << 16) | (g << 8) | blue);
        } else {
          img.getRaster().setSample(x, y, 0, g);
        }
      }
    }
    Path file = dir.resolve(e.path());
    Files.createDirectories(file.getParent());
    ImageIO.write(img, e.jpeg() ? "jpg" : "png", file.toFile());
  }
}
