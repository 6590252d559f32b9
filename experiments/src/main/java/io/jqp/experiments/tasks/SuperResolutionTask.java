package io.jqp.experiments.tasks;

import io.jqp.api.Footprint;
import io.jqp.api.SiteKind;
import io.jqp.engine.tf.ModelInput;
import io.jqp.engine.tf.TfModel;
import io.jqp.experiments.data.Bicubic;
import io.jqp.experiments.data.Photos;
import io.jqp.experiments.run.RunResults;
import io.jqp.experiments.run.TrainConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ×3 super-resolution of the luminance channel with ESPCN (the paper's SR task, DATA.md's
 * protocol): the low-resolution image is the high-resolution one (cropped to a multiple of 3)
 * shrunk by bicubic resampling with anti-aliasing. Training uses 17×17 low-resolution / 51×51
 * high-resolution patches cut with a stride of 11 (low-resolution pixels) from the training photos
 * of {@link Photos}, in a fixed shuffled order (so {@code trainLimit} keeps a spread of images).
 *
 * <p>Metric: PSNR in dB on Y, after cropping a 3-pixel border, averaged over the five held-out
 * images evaluated whole. The network is trained on crops, so whole-image evaluation runs an
 * inference copy of the model whose activation masks are tiled and centred over the larger input
 * (SPEC §6); the same test images cut into 17×17 patches give the patch-wise PSNR, reported beside
 * it ({@code psnr_patches}), as does bicubic upsampling ({@code psnr_bicubic}) and each test
 * image's PSNR.
 *
 * <p>Performance density is PSNR per ln(Mb) (SPEC §8; the paper does not name the logarithm's base
 * — the natural one is used). Activations are counted for one reference input, the butterfly's
 * 85×85 low-resolution image (Set5's butterfly is the paper's reference), so a site's activation
 * count is its per-patch count × 85²/17². Presets follow the paper's SR schedule (200 epochs; SPEC
 * §11).
 */
public final class SuperResolutionTask implements Task {
  public static final String ID = "sr-x3";
  static final int SCALE = 3;
  static final int PATCH = 17;
  static final int STRIDE = 11;
  static final int BORDER = 3;
  private static final Map<Path, Prepared> CACHE = new ConcurrentHashMap<>();

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "x3 super-resolution of Y with ESPCN on photos from opencv-doc and python3-skimage; metric: PSNR dB on 5 whole held-out images";
  }

  @Override
  public String metricName() {
    return "PSNR dB";
  }

  @Override
  public String pdUnit() {
    return "PSNR dB per ln(Mb)";
  }

  @Override
  public ModelInput modelInput() {
    return new ModelInput(
        ModelInput.IMAGE_TO_IMAGE, List.of((long) PATCH, (long) PATCH, 1L), SCALE);
  }

  @Override
  public String defaultModel() {
    return "espcn";
  }

  @Override
  public String defaultLoss() {
    return "mse";
  }

  @Override
  public int classes() {
    return 0;
  }

  @Override
  public String defaultData() {
    return Photos.defaultFolder();
  }

  @Override
  public double @org.jspecify.annotations.Nullable [] paperSchedule(String preset) {
    // 200 epochs; Q-first: weight t_q 140, activation t_q 150, t_p 155; P-first: 160, 170, 140; Δ
    // 5, n 4
    return switch (preset) {
      case "prune-then-quantize" -> new double[] {200, 160, 170, 140, 5, 4};
      case "quantize-then-prune" -> new double[] {200, 140, 150, 155, 5, 4};
      default -> null;
    };
  }

  @Override
  public void checkData(TrainConfig c) {
    Photos.checkPresent(Photos.resolve(c.data()));
  }

  @Override
  public int trainSize(TrainConfig c) throws IOException {
    int n = prepared(c).trainCount;
    return c.trainLimit() > 0 ? Math.min(n, c.trainLimit()) : n;
  }

  @Override
  public Data load(TrainConfig c) throws IOException {
    Prepared p = prepared(c);
    int train = c.trainLimit() > 0 ? Math.min(p.trainCount, c.trainLimit()) : p.trainCount;
    int test = c.testLimit() > 0 ? Math.min(p.testCount, c.testLimit()) : p.testCount;
    return new Loaded(p, train, test);
  }

  private static Prepared prepared(TrainConfig c) throws IOException {
    Path folder = Photos.resolve(c.data()).toAbsolutePath().normalize();
    Prepared p = CACHE.get(folder);
    if (p == null) {
      Photos.checkPresent(folder);
      p = Prepared.of(folder);
      CACHE.put(folder, p);
    }
    return p;
  }

  /**
   * A high-resolution image cropped to a multiple of the scale, and its bicubic low-resolution
   * version.
   */
  record Pair(String name, float[] hr, int h, int w, float[] lr, int lh, int lw) {
    static Pair of(Photos.Gray g) {
      int h = g.height() - g.height() % SCALE;
      int w = g.width() - g.width() % SCALE;
      float[] hr = new float[h * w];
      for (int y = 0; y < h; y++) {
        System.arraycopy(g.values(), y * g.width(), hr, y * w, w);
      }
      return new Pair(
          g.name(), hr, h, w, Bicubic.resize(hr, h, w, h / SCALE, w / SCALE), h / SCALE, w / SCALE);
    }

    /** PSNR of a prediction of the whole high-resolution image. */
    double psnr(float[] prediction) {
      return SuperResolutionTask.psnr(prediction, hr, h, w, BORDER);
    }
  }

  /** Training and test patches and whole test images, in memory. */
  static final class Prepared {
    final List<Pair> testImages;
    final float[] trainLr;
    final float[] trainHr;
    final int trainCount;
    final float[] testLr;
    final float[] testHr;
    final int testCount;
    final double bicubicPsnr;

    private Prepared(List<Pair> train, List<Pair> test) {
      this.testImages = test;
      List<int[]> tp = cuts(train, STRIDE);
      int[] perm = Task.order(tp.size(), 20_240_817L, 0);
      this.trainCount = tp.size();
      this.trainLr = new float[trainCount * PATCH * PATCH];
      this.trainHr = new float[trainCount * PATCH * PATCH * SCALE * SCALE];
      for (int i = 0; i < trainCount; i++) {
        cut(train, tp.get(perm[i]), trainLr, trainHr, i);
      }
      List<int[]> sp = cuts(test, PATCH);
      this.testCount = sp.size();
      this.testLr = new float[testCount * PATCH * PATCH];
      this.testHr = new float[testCount * PATCH * PATCH * SCALE * SCALE];
      int[] tperm = Task.order(testCount, 20_240_818L, 0);
      for (int i = 0; i < testCount; i++) {
        cut(test, sp.get(tperm[i]), testLr, testHr, i);
      }
      double sum = 0;
      for (Pair p : test) {
        sum += p.psnr(Bicubic.resize(p.lr(), p.lh(), p.lw(), p.h(), p.w()));
      }
      this.bicubicPsnr = sum / test.size();
    }

    static Prepared of(Path folder) throws IOException {
      List<Pair> train = new ArrayList<>();
      for (Photos.Entry e : Photos.TRAIN) {
        train.add(Pair.of(Photos.luminance(folder, e)));
      }
      List<Pair> test = new ArrayList<>();
      for (Photos.Entry e : Photos.TEST) {
        test.add(Pair.of(Photos.luminance(folder, e)));
      }
      return new Prepared(train, test);
    }

    /** Patch positions {image, top, left} in low-resolution pixels. */
    private static List<int[]> cuts(List<Pair> images, int stride) {
      List<int[]> out = new ArrayList<>();
      for (int i = 0; i < images.size(); i++) {
        Pair p = images.get(i);
        for (int y = 0; y + PATCH <= p.lh(); y += stride) {
          for (int x = 0; x + PATCH <= p.lw(); x += stride) {
            out.add(new int[] {i, y, x});
          }
        }
      }
      return out;
    }

    private static void cut(List<Pair> images, int[] at, float[] lr, float[] hr, int slot) {
      Pair p = images.get(at[0]);
      int hp = PATCH * SCALE;
      for (int y = 0; y < PATCH; y++) {
        System.arraycopy(
            p.lr(), (at[1] + y) * p.lw() + at[2], lr, slot * PATCH * PATCH + y * PATCH, PATCH);
      }
      for (int y = 0; y < hp; y++) {
        System.arraycopy(
            p.hr(), (at[1] * SCALE + y) * p.w() + at[2] * SCALE, hr, slot * hp * hp + y * hp, hp);
      }
    }
  }

  /**
   * PSNR in dB of {@code prediction} (clipped to [0, 1]) against {@code truth}, both h×w, ignoring
   * a border.
   */
  static double psnr(float[] prediction, float[] truth, int h, int w, int border) {
    return psnr(prediction, 0, truth, 0, h, w, border);
  }

  private static double psnr(
      float[] prediction, int po, float[] truth, int to, int h, int w, int border) {
    double se = 0;
    long n = 0;
    for (int y = border; y < h - border; y++) {
      for (int x = border; x < w - border; x++) {
        double v = Math.min(1, Math.max(0, prediction[po + y * w + x]));
        double d = v - truth[to + y * w + x];
        se += d * d;
        n++;
      }
    }
    return 10 * Math.log10(1 / Math.max(se / n, 1e-12));
  }

  private static final class Loaded implements Data {
    private final Prepared p;
    private final int train;
    private final int test;
    private @org.jspecify.annotations.Nullable TfModel whole;

    Loaded(Prepared p, int train, int test) {
      this.p = p;
      this.train = train;
      this.test = test;
    }

    @Override
    public long[] sampleShape() {
      return new long[] {PATCH, PATCH, 1};
    }

    @Override
    public int size() {
      return train;
    }

    @Override
    public TfModel.Batch batch(int[] order, int b, int batchSize) {
      int in = PATCH * PATCH;
      int out = in * SCALE * SCALE;
      float[] x = new float[batchSize * in];
      float[] y = new float[batchSize * out];
      for (int i = 0; i < batchSize; i++) {
        int src = order[b * batchSize + i];
        System.arraycopy(p.trainLr, src * in, x, i * in, in);
        System.arraycopy(p.trainHr, src * out, y, i * out, out);
      }
      return TfModel.Batch.regression(x, y, batchSize);
    }

    @Override
    public Evaluation evaluate(TfModel model) {
      int in = PATCH * PATCH;
      int hp = PATCH * SCALE;
      int out = hp * hp;
      double loss = 0;
      double psnrSum = 0;
      for (int from = 0; from < test; from += 256) {
        int k = Math.min(256, test - from);
        float[] x = new float[k * in];
        System.arraycopy(p.testLr, from * in, x, 0, x.length);
        float[] y = new float[k * out];
        System.arraycopy(p.testHr, from * out, y, 0, y.length);
        // one forward pass gives both: the test loss is the MSE of the unclipped prediction, as in
        // training
        float[] pred = model.predict(x, k);
        double se = 0;
        for (int j = 0; j < pred.length; j++) {
          double d = pred[j] - y[j];
          se += d * d;
        }
        loss += se / out;
        for (int i = 0; i < k; i++) {
          psnrSum += psnr(pred, i * out, y, i * out, hp, hp, BORDER);
        }
      }
      if (whole == null) {
        whole = model.inferenceCopy(new long[] {-1, -1, 1});
      }
      whole.copyValuesFrom(model);
      Map<String, Double> extras = new LinkedHashMap<>();
      extras.put("psnr_patches", psnrSum / test);
      extras.put("psnr_bicubic", p.bicubicPsnr);
      double sum = 0;
      for (Pair img : p.testImages) {
        float[] pred = whole.predict(img.lr(), new long[] {1, img.lh(), img.lw(), 1}).values();
        double v = img.psnr(pred);
        extras.put("psnr_" + img.name().replaceAll("^.*/", "").replaceAll("\\.[a-z]+$", ""), v);
        sum += v;
      }
      return new Evaluation(loss / test, sum / p.testImages.size(), extras);
    }

    @Override
    public Footprint footprint(List<TfModel.SiteReport> sites) {
      Pair ref = p.testImages.get(0);
      double factor = (double) ref.lh() * ref.lw() / (PATCH * PATCH);
      List<Footprint.Entry> entries = new ArrayList<>();
      for (Footprint.Entry e : RunResults.footprint(sites).entries()) {
        long numel = e.kind() == SiteKind.ACTIVATION ? Math.round(e.numel() * factor) : e.numel();
        entries.add(new Footprint.Entry(e.name(), e.kind(), numel, e.bits(), e.sparsity()));
      }
      return new Footprint(entries);
    }

    @Override
    public double performanceDensity(Footprint f, double metric) {
      return metric / Math.log(f.weightMegabits() + f.activationMegabits());
    }

    @Override
    public void close() {
      if (whole != null) {
        whole.close();
        whole = null;
      }
    }
  }
}
