package io.jqp.experiments.run;

import io.jqp.api.JqpException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The folders jqp writes into. A run, sweep or repro writes only into a folder that does not exist,
 * is empty, or that it owns: a marker file ({@value #MARKER}) names what the folder holds ({@code
 * run}, {@code sweep}, {@code repro}). The file system root, the home folder, a file, a dangling
 * link, a folder holding files jqp did not write and a folder of another kind are refused in one
 * line by {@link #check}, which runs before any data is read; {@link #claim} creates the folder and
 * its marker when the work starts.
 */
public final class OutputFolder {
  private OutputFolder() {}

  /** The marker file in every folder jqp owns; it holds the folder's kind. */
  public static final String MARKER = ".jqp-folder";

  /** What a folder holds. */
  public enum Kind {
    RUN("run", "config.yaml"),
    SWEEP("sweep", "sweep.csv"),
    REPRO("repro", "results.json");

    private final String id;
    private final String legacy;

    Kind(String id, String legacy) {
      this.id = id;
      this.legacy = legacy;
    }

    public String id() {
      return id;
    }
  }

  /**
   * Checks that {@code out} may receive a {@code kind}: new, empty, or owned by jqp as that kind
   * (folders written before markers existed are recognised by their {@code config.yaml}, {@code
   * sweep.csv} or {@code results.json}); and that it can be written.
   *
   * @param option the option or field that named the folder, for the message ({@code --out})
   */
  public static void check(@Nullable Path out, Kind kind, String option) {
    if (out == null || out.toString().isBlank()) {
      throw new JqpException(
          option + ": is empty; give a folder to write the " + kind.id + " into");
    }
    Path abs = out.toAbsolutePath().normalize();
    if (abs.getParent() == null) {
      throw new JqpException(
          option + " " + out + " is the file system root; give a folder of its own");
    }
    String home = System.getProperty("user.home");
    if (home != null && !home.isEmpty() && abs.equals(Path.of(home).toAbsolutePath().normalize())) {
      throw new JqpException(option + " " + out + " is your home folder; give a folder of its own");
    }
    if (Files.isSymbolicLink(abs) && !Files.exists(abs)) {
      throw new JqpException(
          option + " " + out + " is a link to nothing; remove it or give another folder");
    }
    if (Files.exists(abs) && !Files.isDirectory(abs)) {
      throw new JqpException(option + " " + out + " is a file; give a folder");
    }
    if (Files.isDirectory(abs)) {
      @Nullable Kind owner = owner(abs);
      if (owner != null && owner != kind) {
        throw new JqpException(
            option
                + " "
                + out
                + " holds a "
                + owner.id
                + ", not a "
                + kind.id
                + "; give the "
                + kind.id
                + " a folder of its own");
      }
      if (owner == null) {
        String first = firstEntry(abs);
        if (first != null) {
          throw new JqpException(
              option
                  + " "
                  + out
                  + " holds files jqp did not write (e.g. "
                  + first
                  + "); give a new or empty folder");
        }
      }
      if (!Files.isWritable(abs)) {
        throw new JqpException(
            option + " " + out + " is not writable; give a folder you can write");
      }
      return;
    }
    Path parent = abs.getParent();
    while (parent != null && !Files.exists(parent, LinkOption.NOFOLLOW_LINKS)) {
      parent = parent.getParent();
    }
    if (parent == null) {
      throw new JqpException(option + " " + out + " cannot be created; give another folder");
    }
    if (!Files.isDirectory(parent)) {
      throw new JqpException(
          option + " " + out + " cannot be created: " + parent + " is a file; give another folder");
    }
    if (!Files.isWritable(parent)) {
      throw new JqpException(
          option
              + " "
              + out
              + " cannot be created: "
              + parent
              + " is not writable; give a folder you can write");
    }
  }

  /**
   * The kind of jqp folder {@code dir} is (its marker, or the file a folder written before markers
   * holds), or null when jqp does not own it.
   */
  public static @Nullable Kind owner(Path dir) {
    Path marker = dir.resolve(MARKER);
    if (Files.isRegularFile(marker)) {
      try {
        String id = Files.readString(marker, StandardCharsets.UTF_8).strip();
        for (Kind k : Kind.values()) {
          if (k.id.equals(id)) {
            return k;
          }
        }
      } catch (IOException e) {
        return null;
      }
      return null;
    }
    for (Kind k : Kind.values()) {
      if (Files.isRegularFile(dir.resolve(k.legacy))) {
        return k;
      }
    }
    return null;
  }

  /** Creates the folder (and its parents) and its marker, once {@link #check} passed. */
  public static void claim(Path out, Kind kind) throws IOException {
    Files.createDirectories(out);
    if (!Files.isRegularFile(out.resolve(MARKER))) {
      AtomicFiles.write(out.resolve(MARKER), kind.id + "\n");
    }
  }

  private static @Nullable String firstEntry(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().findFirst().orElse(null);
    } catch (IOException e) {
      throw new JqpException(dir + " cannot be listed; give a folder you can read and write");
    }
  }
}
