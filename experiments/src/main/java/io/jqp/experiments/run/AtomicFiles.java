package io.jqp.experiments.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes files through a temporary sibling and an atomic rename: a reader sees the old file or the
 * new one.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  public static void write(Path file, byte[] content) throws IOException {
    Path dir =
        java.util.Objects.requireNonNull(file.toAbsolutePath().getParent(), "a file has a folder");
    Files.createDirectories(dir);
    // not createTempFile: its 0600 mode would stay on the result; this file gets the umask's mode
    Path tmp =
        dir.resolve("." + file.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
    try {
      Files.write(tmp, content, java.nio.file.StandardOpenOption.CREATE_NEW);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  public static void write(Path file, String content) throws IOException {
    write(file, content.getBytes(StandardCharsets.UTF_8));
  }
}
