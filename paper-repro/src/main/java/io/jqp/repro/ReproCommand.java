package io.jqp.repro;

import io.jqp.api.JqpException;
import io.jqp.experiments.run.TrainConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jqp repro TABLE [--quick]}: one paper table at our scale, paper numbers beside ours, claims judged. */
@Command(name = "repro", mixinStandardHelpOptions = true,
    description = {"Reproduce a table of the JQP paper at small scale (classification rows, Fashion-MNIST).",
        "table1: FP32 vs delayed vs fixed d from step 0 vs retrain with final d*; table3: weights pruned, P->Q vs Q->P;",
        "table4: weights and activations pruned, P->Q vs Q->P. --quick: minutes; default: within an hour on 2 cores.",
        "table6: the paper's performance densities recomputed from bits, sparsity and memory, plus our rows from a table4 folder (--out)."})
final class ReproCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "table1, table3, table4 or table6") String table;
  @Option(names = "--quick", description = "small scale: 4,096 training images, 3 epochs, window 256") boolean quick;
  @Option(names = "--model", description = "small-cnn or mobilenet-v2 (slow on 2 cores: about 2 s a step) (default: ${DEFAULT-VALUE})") String model = "small-cnn";
  @Option(names = "--seeds", description = "number of seeds, >= 1 (default: ${DEFAULT-VALUE})") int seeds = 3;
  @Option(names = "--epochs", description = "epochs per run (default: 3 with --quick, else 4)") int epochs = -1;
  @Option(names = "--threads", description = "TensorFlow intra-op threads (default: ${DEFAULT-VALUE})") int threads = 2;
  @Option(names = "--data", description = "Fashion-MNIST folder (default: ${DEFAULT-VALUE})") String data = "/usr/share/datasets/fashion-mnist";
  @Option(names = "--out", description = "folder for runs and results (default: runs/repro/TABLE[-quick]); finished runs in it are reused") Path out;

  @Override
  public Integer call() throws Exception {
    if (table.equals("table6")) {
      Path t4 = out != null ? out : Path.of("runs", "repro", "table4" + (quick ? "-quick" : ""));
      String md = Table6.markdown(t4);
      System.out.println(md);
      return Table6.allAgree() ? 0 : 1;
    }
    TableSpec spec = Tables.byId(table);
    if (seeds < 1 || seeds > 20) {
      throw new JqpException("--seeds must be in [1, 20], got " + seeds);
    }
    if (epochs == 0 || epochs < -1) {
      throw new JqpException("--epochs must be >= 1, got " + epochs);
    }
    int e = epochs > 0 ? epochs : quick ? 3 : 4;
    TrainConfig base = TrainConfig.defaults().copy(Map.of("model", model, "epochs", e, "threads", threads, "data", data,
        "window", quick ? 256 : 2048, "trainLimit", quick ? 4096 : 0, "testLimit", quick ? 2000 : 0));
    List<Long> seedList = new ArrayList<>();
    for (long s = 1; s <= seeds; s++) {
      seedList.add(s);
    }
    Path dir = out != null ? out : Path.of("runs", "repro", table + (quick ? "-quick" : ""));
    String scale = String.format(java.util.Locale.ROOT, "%s on Fashion-MNIST, %d epochs, %s training images, %s test images, batch %d, 8 bits, sparsity 0.5, window %d",
        model, e, quick ? "4,096" : "60,000", quick ? "2,000" : "10,000", base.batchSize(), base.window());
    TableRunner.Result r = new TableRunner().run(spec, base, seedList, scale, dir);
    System.out.println(TableRunner.markdown(r));
    System.out.println("written: " + dir.resolve("table.md") + ", " + dir.resolve("results.csv") + ", " + dir.resolve("results.json") + ", "
        + dir.resolve(table + ".png"));
    return 0;
  }
}
