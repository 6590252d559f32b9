package io.jqp.experiments.cli;

import io.jqp.api.JqpException;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Plugin jars: every {@code *.jar} in a folder ({@code jqp --plugins DIR}, else the {@code
 * JQP_PLUGINS} environment variable) goes on a class loader above jqp's own, which becomes the
 * thread's context class loader before any command runs, so {@link java.util.ServiceLoader} finds
 * their strategies, models and tasks beside the shipped ones. The Kotlin standard library is on
 * jqp's own path, so Kotlin plugins need only their own classes.
 */
public final class PluginJars {
  /** The environment variable read when {@code --plugins} is not given. */
  public static final String ENV = "JQP_PLUGINS";

  private PluginJars() {}

  /**
   * The plugin folder: the option if given, else the environment variable if set and not blank,
   * else null.
   */
  static @Nullable Path folder(@Nullable Path option, @Nullable String env) {
    if (option != null) {
      return option;
    }
    return env == null || env.isBlank() ? null : Path.of(env.strip());
  }

  /**
   * The jars of a plugin folder in name order; one line naming the folder and the fix when it
   * cannot be used.
   */
  static List<Path> jars(Path dir, String source) {
    if (!Files.exists(dir)) {
      throw new JqpException(
          source + " " + dir + " does not exist; give a folder holding plugin jars");
    }
    if (!Files.isDirectory(dir)) {
      throw new JqpException(
          source
              + " "
              + dir
              + " is not a folder; give the folder that holds the plugin jars, not a jar");
    }
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> jars =
          new ArrayList<>(
              s.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p))
                  .sorted()
                  .toList());
      if (jars.isEmpty()) {
        throw new JqpException(
            source
                + " "
                + dir
                + " holds no .jar file; build the plugin (mvn package) and copy its jar there");
      }
      return jars;
    } catch (IOException e) {
      throw new JqpException(
          source + " " + dir + " cannot be read (" + e.getMessage() + "); check its permissions");
    }
  }

  /**
   * Puts the jars of {@code dir} on a new class loader and makes it the current thread's context
   * class loader.
   */
  public static ClassLoader install(Path dir, String source) {
    List<URL> urls = new ArrayList<>();
    for (Path jar : jars(dir, source)) {
      try {
        urls.add(jar.toUri().toURL());
      } catch (MalformedURLException e) {
        throw new JqpException(source + " " + jar + " is not a usable path: " + e.getMessage());
      }
    }
    ClassLoader loader =
        new URLClassLoader(
            "jqp-plugins", urls.toArray(URL[]::new), PluginJars.class.getClassLoader());
    Thread.currentThread().setContextClassLoader(loader);
    return loader;
  }
}
