package io.jqp.experiments.cli;

import io.jqp.api.JqpException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;

/**
 * The one-line messages of the command line: a user's mistake (a {@link JqpException}, a file the
 * system refused, a path it cannot hold) says what is wrong and the fix, without Java class names;
 * a usage error names the option and, for a misspelling, the likely one.
 */
final class UserErrors {
  private UserErrors() {}

  /** The message of a user's mistake somewhere in {@code t}'s causes, or null for a bug. */
  static @Nullable String message(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof JqpException) {
        return oneLine(c.getMessage());
      }
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof UncheckedIOException u && u.getCause() != null) {
        c = u.getCause();
      }
      if (c instanceof FileSystemException f) {
        return file(f);
      }
      if (c instanceof InvalidPathException p) {
        return "'" + printable(p.getInput()) + "' is not a usable path: " + p.getReason();
      }
      if (c instanceof IOException io) {
        return "cannot read or write a file: " + oneLine(io.getMessage());
      }
    }
    return null;
  }

  private static String file(FileSystemException f) {
    String path = f.getFile() == null ? "a file" : f.getFile();
    String why =
        f instanceof AccessDeniedException
            ? "permission denied; give a path you can write"
            : f instanceof NoSuchFileException
                ? "does not exist (or a folder above it does not)"
                : f instanceof NotDirectoryException
                    ? "is not a folder"
                    : f instanceof FileAlreadyExistsException
                        ? "already exists; give another path"
                        : f instanceof DirectoryNotEmptyException
                            ? "is a folder that is not empty"
                            : oneLine(f.getReason() == null ? "cannot be used" : f.getReason());
    return path + ": " + why;
  }

  /** A bug's one line: what failed, and how to see the stack trace. */
  static String internal(Throwable t) {
    String what = t.getMessage() == null ? "" : ": " + oneLine(t.getMessage());
    return "jqp failed unexpectedly"
        + what
        + " (a bug: please report it; JQP_DEBUG=1 prints the stack trace)";
  }

  /** A usage error in one line. */
  static String usage(CommandLine.ParameterException ex) {
    String msg = oneLine(ex.getMessage());
    if (ex instanceof CommandLine.UnmatchedArgumentException u) {
      List<String> hints = u.getSuggestions();
      if (!hints.isEmpty()) {
        msg +=
            "; did you mean "
                + String.join(" or ", hints.subList(0, Math.min(3, hints.size())))
                + "?";
      }
    }
    String cmd = ex.getCommandLine().getCommandSpec().qualifiedName();
    return msg + " (see '" + cmd + " --help')";
  }

  static String oneLine(@Nullable String s) {
    if (s == null) {
      return "";
    }
    String line = s.strip().replace('\n', ' ').replace('\r', ' ');
    // no Java class names in what a user reads ("java.nio.file.InvalidPathException: ...")
    line =
        line.replaceAll(
            "\\b(?:java|javax|com|org|io)\\.(?:[a-z0-9_]+\\.)+([A-Z]\\w*)(?::\\s*)?", "");
    return printable(line);
  }

  /** Control characters (a NUL in a path) shown as \\uXXXX, so the message stays one line. */
  static String printable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (Character.isISOControl(ch)) {
        b.append(String.format("\\u%04x", (int) ch));
      } else {
        b.append(ch);
      }
    }
    return b.toString();
  }
}
