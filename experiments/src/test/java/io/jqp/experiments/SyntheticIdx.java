package io.jqp.experiments;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a tiny Fashion-MNIST-shaped data set (gzip IDX) whose class is readable from the image.
 */
public final class SyntheticIdx {
  private SyntheticIdx() {}

  public static Path write(Path dir, int train, int test) throws IOException {
    Files.createDirectories(dir);
    write(dir, "train", train, 1);
    write(dir, "t10k", test, 2);
    return dir;
  }

  private static void write(Path dir, String prefix, int n, long seed) throws IOException {
    Random r = new Random(seed);
    byte[] labels = new byte[n];
    byte[] pixels = new byte[n * 784];
    for (int i = 0; i < n; i++) {
      int c = r.nextInt(10);
      labels[i] = (byte) c;
      for (int p = 0; p < 784; p++) {
        int row = p / 28;
        boolean stripe = row / 3 == c % 10 && row < 30;
        pixels[i * 784 + p] = (byte) (stripe ? 200 + r.nextInt(50) : r.nextInt(40));
      }
    }
    try (DataOutputStream out =
        new DataOutputStream(
            new GZIPOutputStream(
                Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte.gz"))))) {
      out.writeInt(2051);
      out.writeInt(n);
      out.writeInt(28);
      out.writeInt(28);
      out.write(pixels);
    }
    try (DataOutputStream out =
        new DataOutputStream(
            new GZIPOutputStream(
                Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte.gz"))))) {
      out.writeInt(2049);
      out.writeInt(n);
      out.write(labels);
    }
  }
}
