package io.jqp.engine.tf;

import io.jqp.api.JqpException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * jqp's checkpoint file: every graph variable (weights, optimizer slots, strategy state) by name
 * with its shape, the training step, and a fingerprint of the model and recipe, closed by a CRC-32
 * of all of it. Written to a temporary file in the same folder, forced to disk, then atomically
 * renamed over the target, so a crash leaves the old file or the new one, never a mix. (TF Java's
 * {@code Session.save} is not used: it can silently write nothing.)
 */
public final class TfCheckpoint {

  /**
   * A checkpoint whole and readable but saved for another model or recipe (the run's spec was
   * edited): not damage, so it is not set aside.
   */
  public static final class FingerprintMismatch extends io.jqp.api.JqpException {
    private static final long serialVersionUID = 1L;

    FingerprintMismatch(String message) {
      super(message);
    }
  }

  private static final long MAGIC = 0x4A51504B50543031L; // "JQPKPT01"

  /** One variable's value. */
  public record Entry(long[] shape, float[] values) {}

  /** A checkpoint's content. */
  public record Content(long step, String fingerprint, Map<String, Entry> variables) {}

  private TfCheckpoint() {}

  public static void write(Path file, Content content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      try (OutputStream fo =
              Files.newOutputStream(
                  tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
          CheckedOutputStream co =
              new CheckedOutputStream(new BufferedOutputStream(fo, 1 << 16), new CRC32());
          DataOutputStream out = new DataOutputStream(co)) {
        out.writeLong(MAGIC);
        out.writeLong(content.step());
        out.writeUTF(content.fingerprint());
        out.writeInt(content.variables().size());
        for (Map.Entry<String, Entry> e : content.variables().entrySet()) {
          out.writeUTF(e.getKey());
          long[] shape = e.getValue().shape();
          out.writeInt(shape.length);
          for (long d : shape) {
            out.writeLong(d);
          }
          float[] v = e.getValue().values();
          out.writeInt(v.length);
          for (float f : v) {
            out.writeFloat(f);
          }
        }
        out.flush();
        long crc = co.getChecksum().getValue();
        out.writeLong(crc);
        out.flush();
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * The fingerprint in a checkpoint's header (what model and recipe it was saved for), read without
   * its variables; a file without a readable header fails in one line naming it.
   */
  public static String fingerprint(Path file) throws IOException {
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 12))) {
      if (in.readLong() != MAGIC) {
        throw new JqpException(
            "checkpoint " + file + " is not a jqp checkpoint (bad magic number)");
      }
      in.readLong();
      return in.readUTF();
    } catch (java.io.EOFException | java.io.UTFDataFormatException e) {
      throw new JqpException("checkpoint " + file + " is truncated or damaged in its header");
    }
  }

  /**
   * Reads and verifies a checkpoint; a truncated or corrupt file fails with a one-line message
   * naming it.
   */
  public static Content read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new JqpException("checkpoint " + file + " does not exist");
    }
    try (InputStream fi = Files.newInputStream(file);
        CheckedInputStream ci =
            new CheckedInputStream(new BufferedInputStream(fi, 1 << 16), new CRC32());
        DataInputStream in = new DataInputStream(ci)) {
      if (in.readLong() != MAGIC) {
        throw new JqpException(
            "checkpoint " + file + " is not a jqp checkpoint (bad magic number)");
      }
      long step = in.readLong();
      String fingerprint = in.readUTF();
      int n = in.readInt();
      Map<String, Entry> vars = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        String name = in.readUTF();
        int rank = in.readInt();
        if (rank < 0 || rank > 8) {
          throw new JqpException(
              "checkpoint " + file + " is corrupt (rank " + rank + " for " + name + ")");
        }
        long[] shape = new long[rank];
        for (int r = 0; r < rank; r++) {
          shape[r] = in.readLong();
        }
        int len = in.readInt();
        if (len != Arrays.stream(shape).reduce(1, (a, b) -> a * b)) {
          throw new JqpException(
              "checkpoint " + file + " is corrupt (size of " + name + " does not match its shape)");
        }
        float[] v = new float[len];
        for (int k = 0; k < len; k++) {
          v[k] = in.readFloat();
        }
        vars.put(name, new Entry(shape, v));
      }
      long computed = ci.getChecksum().getValue();
      long stored = in.readLong();
      if (computed != stored) {
        throw new JqpException(
            "checkpoint " + file + " is corrupt (checksum mismatch); use an earlier checkpoint");
      }
      return new Content(step, fingerprint, vars);
    } catch (EOFException e) {
      throw new JqpException("checkpoint " + file + " is truncated; use an earlier checkpoint");
    }
  }
}
