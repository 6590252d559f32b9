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

  /** The largest image side and the most samples an IDX file may declare. */
  static final int MAX_SIDE = 4096;

  static final int MAX_SAMPLES = 10_000_000;

  /**
   * Reads one images/labels pair of gzip IDX files. The headers are checked against sane bounds and
   * the payload against the headers (a truncated, non-gzip or oversized file, or a label outside
   * 0..9, fails in one line naming the file and the fix).
   */
  public static Dataset load(Path imagesFile, Path labelsFile) throws IOException {
    float[] images;
    int rows;
    int cols;
    int n;
    try (DataInputStream in = open(imagesFile)) {
      int magic = header(in, imagesFile);
      if (magic != 2051) {
        throw bad(imagesFile, "is not an IDX image file (magic " + magic + ", expected 2051)");
      }
      n = header(in, imagesFile);
      rows = header(in, imagesFile);
      cols = header(in, imagesFile);
      if (n < 1 || n > MAX_SAMPLES || rows < 1 || rows > MAX_SIDE || cols < 1 || cols > MAX_SIDE) {
        throw bad(
            imagesFile,
            "declares "
                + n
                + " images of "
                + rows
                + "x"
                + cols
                + " (at most "
                + MAX_SAMPLES
                + " of at most "
                + MAX_SIDE
                + "x"
                + MAX_SIDE
                + ")");
      }
      long size = (long) n * rows * cols;
      if (size > Integer.MAX_VALUE - 8) {
        throw bad(imagesFile, "declares " + size + " pixels, more than one array holds");
      }
      byte[] raw = new byte[(int) size];
      payload(in, raw, imagesFile, n + " images of " + rows + "x" + cols);
      images = new float[raw.length];
      for (int i = 0; i < raw.length; i++) {
        images[i] = ((raw[i] & 0xff) / 255f - MEAN) / STD;
      }
    }
    int[] labels;
    try (DataInputStream in = open(labelsFile)) {
      int magic = header(in, labelsFile);
      if (magic != 2049) {
        throw bad(labelsFile, "is not an IDX label file (magic " + magic + ", expected 2049)");
      }
      int m = header(in, labelsFile);
      if (m != n) {
        throw bad(labelsFile, "has " + m + " labels for " + n + " images in " + imagesFile);
      }
      byte[] raw = new byte[m];
      payload(in, raw, labelsFile, m + " labels");
      labels = new int[m];
      for (int i = 0; i < m; i++) {
        labels[i] = raw[i] & 0xff;
        if (labels[i] > 9) {
          throw bad(labelsFile, "holds label " + labels[i] + " at index " + i + " (classes 0..9)");
        }
      }
    }
    return new Dataset(images, labels, new long[] {rows, cols, 1});
  }

  private static JqpException bad(Path file, String what) {
    return new JqpException(
        "data: "
            + file
            + " "
            + what
            + "; reinstall it ('apt-get install --reinstall dataset-fashion-mnist') or set --data to a good copy");
  }

  private static int header(DataInputStream in, Path file) throws IOException {
    try {
      return in.readInt();
    } catch (java.io.EOFException | java.util.zip.ZipException e) {
      throw bad(file, "ends inside its header (truncated or not gzip IDX)");
    }
  }

  private static void payload(DataInputStream in, byte[] into, Path file, String declared)
      throws IOException {
    try {
      in.readFully(into);
    } catch (java.io.EOFException | java.util.zip.ZipException e) {
      throw bad(file, "is shorter than its header declares (" + declared + "): truncated");
    }
    boolean more;
    try {
      more = in.read() != -1;
    } catch (java.io.EOFException | java.util.zip.ZipException e) {
      throw bad(file, "is damaged after its " + declared);
    }
    if (more) {
      throw bad(file, "holds more bytes than its header declares (" + declared + ")");
    }
  }

  private static DataInputStream open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    try {
      return new DataInputStream(
          new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16));
    } catch (java.io.EOFException | java.util.zip.ZipException e) {
      raw.close();
      throw bad(file, "is not gzip-compressed IDX (the package ships .gz files)");
    }
  }
}
