package io.jqp.experiments.data;

import io.jqp.api.JqpException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST from the Debian package {@code dataset-fashion-mnist}: gzip IDX files (magic 2051
 * for images, 2049 for labels, big-endian int32 header). Pixels are scaled to [0, 1] and
 * standardised with the training set's mean 0.2860 and standard deviation 0.3530.
 */
public final class FashionMnist {
  /** Where the Debian package installs the files. */
  public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  public static final float MEAN = 0.2860f;
  public static final float STD = 0.3530f;

  private FashionMnist() {}

  /** Fails with one line naming the missing file and the package to install. */
  public static void checkPresent(Path dir) {
    for (String f :
        new String[] {
          "train-images-idx3-ubyte.gz",
          "train-labels-idx1-ubyte.gz",
          "t10k-images-idx3-ubyte.gz",
          "t10k-labels-idx1-ubyte.gz"
        }) {
      if (!Files.isRegularFile(dir.resolve(f))) {
        throw new JqpException(
            "Fashion-MNIST file "
                + dir.resolve(f)
                + " is missing; install it with 'apt-get install dataset-fashion-mnist' or set --data to its folder");
      }
    }
  }

  public static Dataset train(Path dir) throws IOException {
    checkPresent(dir);
    return load(
        dir.resolve("train-images-idx3-ubyte.gz"), dir.resolve("train-labels-idx1-ubyte.gz"));
  }

  public static Dataset test(Path dir) throws IOException {
    checkPresent(dir);
    return load(dir.resolve("t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-labels-idx1-ubyte.gz"));
  }

  /** Reads one images/labels pair of gzip IDX files. */
  public static Dataset load(Path imagesFile, Path labelsFile) throws IOException {
    float[] images;
    int rows;
    int cols;
    int n;
    try (DataInputStream in = open(imagesFile)) {
      int magic = in.readInt();
      if (magic != 2051) {
        throw new JqpException(
            imagesFile + " is not an IDX image file (magic " + magic + ", expected 2051)");
      }
      n = in.readInt();
      rows = in.readInt();
      cols = in.readInt();
      byte[] raw = new byte[n * rows * cols];
      in.readFully(raw);
      images = new float[raw.length];
      for (int i = 0; i < raw.length; i++) {
        images[i] = ((raw[i] & 0xff) / 255f - MEAN) / STD;
      }
    }
    int[] labels;
    try (DataInputStream in = open(labelsFile)) {
      int magic = in.readInt();
      if (magic != 2049) {
        throw new JqpException(
            labelsFile + " is not an IDX label file (magic " + magic + ", expected 2049)");
      }
      int m = in.readInt();
      if (m != n) {
        throw new JqpException(
            labelsFile + " has " + m + " labels for " + n + " images in " + imagesFile);
      }
      byte[] raw = new byte[m];
      in.readFully(raw);
      labels = new int[m];
      for (int i = 0; i < m; i++) {
        labels[i] = raw[i] & 0xff;
      }
    }
    return new Dataset(images, labels, new long[] {rows, cols, 1});
  }

  private static DataInputStream open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    return new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16));
  }
}
