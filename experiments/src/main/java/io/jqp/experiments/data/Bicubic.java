package io.jqp.experiments.data;

/**
 * Bicubic resampling of a single-channel image, the degradation model of super-resolution
 * benchmarks: the Keys cubic kernel (a = −0.5), and when shrinking, the kernel stretched by the
 * scale factor so the result is anti-aliased (as MATLAB's {@code imresize}, which the SR literature
 * uses to make low-resolution inputs). Pixel centres are aligned ((i + ½)/s − ½) and borders are
 * replicated. Separable: rows, then columns.
 */
public final class Bicubic {
  private Bicubic() {}

  /** Resizes an {@code h×w} image to {@code oh×ow}. */
  public static float[] resize(float[] image, int h, int w, int oh, int ow) {
    if (image.length != h * w) {
      throw new IllegalArgumentException(
          "image has " + image.length + " values, expected " + h + "x" + w);
    }
    float[] rows = new float[h * ow];
    Weights cw = weights(w, ow);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < ow; x++) {
        double s = 0;
        for (int k = 0; k < cw.width; k++) {
          s += cw.weight[x][k] * image[y * w + cw.index[x][k]];
        }
        rows[y * ow + x] = (float) s;
      }
    }
    float[] out = new float[oh * ow];
    Weights rw = weights(h, oh);
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        double s = 0;
        for (int k = 0; k < rw.width; k++) {
          s += rw.weight[y][k] * rows[rw.index[y][k] * ow + x];
        }
        out[y * ow + x] = (float) s;
      }
    }
    return out;
  }

  static double cubic(double x) {
    double a = Math.abs(x);
    if (a <= 1) {
      return 1.5 * a * a * a - 2.5 * a * a + 1;
    }
    if (a < 2) {
      return -0.5 * a * a * a + 2.5 * a * a - 4 * a + 2;
    }
    return 0;
  }

  private record Weights(int width, int[][] index, double[][] weight) {}

  private static Weights weights(int in, int out) {
    double scale = (double) out / in;
    double stretch = Math.min(1, scale);
    double support = 2 / stretch;
    int width = (int) Math.ceil(2 * support) + 2;
    int[][] index = new int[out][width];
    double[][] weight = new double[out][width];
    for (int i = 0; i < out; i++) {
      double u = (i + 0.5) / scale - 0.5;
      int left = (int) Math.floor(u - support);
      double sum = 0;
      for (int k = 0; k < width; k++) {
        int j = left + k;
        double wgt = stretch * cubic((u - j) * stretch);
        index[i][k] = Math.min(in - 1, Math.max(0, j));
        weight[i][k] = wgt;
        sum += wgt;
      }
      for (int k = 0; k < width; k++) {
        weight[i][k] /= sum;
      }
    }
    return new Weights(width, index, weight);
  }
}
