package io.jqp.experiments.cli;

import io.jqp.api.Plugins;
import io.jqp.experiments.run.AtomicFiles;
import io.jqp.experiments.run.Bench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jqp bench}: one training step, FP32 against quantized + pruned, side by side in one
 * process.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Time training steps of the small CNN in FP32, with 8-bit weights+activations and 50%% weight masks, and with activation masks too, interleaved in one process, and print the ratios.")
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--steps", description = "timed steps per arm (default: ${DEFAULT-VALUE})")
  int steps = 400;

  @Option(
      names = "--warmup",
      description = "untimed steps per arm first (default: ${DEFAULT-VALUE})")
  int warmup = 50;

  @Option(names = "--batch-size", description = "batch size (default: ${DEFAULT-VALUE})")
  int batch = 128;

  @Option(
      names = "--threads",
      description = "TensorFlow intra-op threads (default: ${DEFAULT-VALUE})")
  int threads = 2;

  @Option(names = "--bits", description = "bits of the quantized arm (default: ${DEFAULT-VALUE})")
  int bits = 8;

  @Option(
      names = "--sparsity",
      description = "weight sparsity of the pruned arm (default: ${DEFAULT-VALUE})")
  double sparsity = 0.5;

  @Option(names = "--json", description = "also write the result as JSON to this file")
  Path json;

  @Override
  public Integer call() throws Exception {
    // every argument checked before the first step is timed
    need(steps >= 1 && steps <= 1_000_000, "--steps", "must be in [1, 1000000], got " + steps);
    need(warmup >= 0 && warmup <= 1_000_000, "--warmup", "must be in [0, 1000000], got " + warmup);
    need(batch >= 1 && batch <= 4096, "--batch-size", "must be in [1, 4096], got " + batch);
    need(threads >= 1 && threads <= 256, "--threads", "must be in [1, 256], got " + threads);
    need(bits >= 2 && bits <= 16, "--bits", "must be in [2, 16], got " + bits);
    need(sparsity > 0 && sparsity < 1, "--sparsity", "must be in (0, 1), got " + sparsity);
    if (json != null) {
      need(!json.toString().isBlank(), "--json", "is empty; give a file to write");
      need(!Files.isDirectory(json), "--json", json + " is a folder; give a file to write");
      Path parent = json.toAbsolutePath().getParent();
      need(
          parent != null && Files.isDirectory(parent) && Files.isWritable(parent),
          "--json",
          json + " cannot be written: its folder does not exist or is not writable");
    }
    Bench.Result r = new Bench(Plugins.load()).run(steps, warmup, batch, threads, bits, sparsity);
    System.out.println(r.markdown());
    if (json != null) {
      AtomicFiles.write(json, Bench.JSON.writeValueAsString(r));
    }
    return 0;
  }

  private static void need(boolean ok, String option, String message) {
    if (!ok) {
      throw new io.jqp.api.JqpException(option + ": " + message);
    }
  }
}
