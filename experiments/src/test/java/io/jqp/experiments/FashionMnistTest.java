package io.jqp.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jqp.api.JqpException;
import io.jqp.experiments.data.Dataset;
import io.jqp.experiments.data.FashionMnist;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {

  @Test
  void readsIdxAndShufflesBySeed(@TempDir Path dir) throws Exception {
    SyntheticIdx.write(dir, 50, 20);
    Dataset d = FashionMnist.train(dir);
    assertEquals(50, d.size());
    assertArrayEquals(new long[] {28, 28, 1}, d.sampleShape());
    assertEquals(50 * 784, d.images().length);
    assertArrayEquals(d.order(1, 0), d.order(1, 0));
    assertEquals(
        false,
        java.util.Arrays.equals(d.order(1, 0), d.order(1, 1)),
        "each epoch has its own order");
    assertEquals(
        false, java.util.Arrays.equals(d.order(1, 0), d.order(2, 0)), "the seed changes the order");
    int[] sorted = d.order(7, 3).clone();
    java.util.Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) {
      assertEquals(i, sorted[i]);
    }
    assertEquals(3, d.batchesPerEpoch(16));
    assertEquals(16, d.batch(d.order(1, 0), 2, 16).size());
  }

  @Test
  void missingFilesNameThePackage(@TempDir Path dir) {
    JqpException e =
        assertThrows(JqpException.class, () -> FashionMnist.train(dir.resolve("nowhere")));
    assertEquals(
        true, e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
  }

  @Test
  void wrongMagicIsRejected(@TempDir Path dir) throws Exception {
    SyntheticIdx.write(dir, 10, 10);
    Files.copy(
        dir.resolve("train-labels-idx1-ubyte.gz"),
        dir.resolve("train-images-idx3-ubyte.gz"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    JqpException e = assertThrows(JqpException.class, () -> FashionMnist.train(dir));
    assertEquals(
        true,
        e.getMessage().contains("is not an IDX image file (magic 2049, expected 2051)"),
        e.getMessage());
  }
}
