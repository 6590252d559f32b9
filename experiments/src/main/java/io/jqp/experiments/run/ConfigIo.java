package io.jqp.experiments.run;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.jqp.api.JqpException;
import java.util.Map;

/**
 * Reads and copies run configs through Jackson, strictly: unknown keys and wrong types fail naming
 * the field.
 */
public final class ConfigIo {
  static final ObjectMapper YAML = strict(new ObjectMapper(new YAMLFactory()));

  /** The largest config file read, in bytes (a run spec is a few hundred). */
  public static final long MAX_CONFIG_BYTES = 1 << 20;

  /**
   * No coercion and no truncation: {@code 7} is not a boolean, {@code 7.9} not an int, {@code "1"}
   * not a number; a duplicate key is an error, not the last value.
   */
  static ObjectMapper strict(ObjectMapper m) {
    m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    // no scalar becomes another kind of scalar ...
    for (CoercionInputShape shape :
        new CoercionInputShape[] {
          CoercionInputShape.String,
          CoercionInputShape.Integer,
          CoercionInputShape.Float,
          CoercionInputShape.Boolean
        }) {
      m.coercionConfigDefaults().setCoercion(shape, CoercionAction.Fail);
    }
    // ... except that a whole number is a fine number (learningRate: 1)
    m.coercionConfigFor(LogicalType.Float)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert)
        .setCoercion(CoercionInputShape.Float, CoercionAction.TryConvert);
    m.coercionConfigFor(LogicalType.Integer)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert);
    return m;
  }

  private ConfigIo() {}

  /**
   * Reads a run config: keys as in {@code config.yaml}, every one optional (defaults of {@code jqp
   * train}); an unknown key, a wrong type or an out-of-range value fails naming the field.
   */
  public static TrainConfig load(java.nio.file.Path file) {
    Map<String, Object> given = new java.util.LinkedHashMap<>(read(file));
    given.remove("output");
    try {
      return fromDocument(given);
    } catch (JqpException e) {
      throw new JqpException(file.getFileName() + ": " + e.getMessage());
    }
  }

  /**
   * The run folder a spec file names in its {@code output} section ({@code output: {folder:
   * runs/a}}, relative to the working folder like {@code --out}), if any. The output section says
   * where a run goes, not what it is: it is not part of the run's identity and its {@code
   * config.yaml} does not hold it.
   */
  public static java.util.Optional<java.nio.file.Path> outputFolder(java.nio.file.Path file) {
    Object output = read(file).get("output");
    if (output == null) {
      return java.util.Optional.empty();
    }
    if (!(output instanceof Map<?, ?> m)) {
      throw new JqpException(
          file.getFileName() + ": output: must be a section {folder: PATH}, got " + output);
    }
    for (Object k : m.keySet()) {
      if (!"folder".equals(k)) {
        throw new JqpException(
            file.getFileName() + ": unknown key 'output." + k + "'; known in output: folder");
      }
    }
    if (!(m.get("folder") instanceof String folder) || folder.isBlank()) {
      throw new JqpException(
          file.getFileName() + ": output.folder: must be a folder path, got " + m.get("folder"));
    }
    return java.util.Optional.of(java.nio.file.Path.of(folder));
  }

  /** A YAML map from a file of at most {@link #MAX_CONFIG_BYTES}; an empty file is an empty map. */
  public static Map<String, Object> read(java.nio.file.Path file) {
    if (java.nio.file.Files.isDirectory(file)) {
      throw new JqpException("--config " + file + " is a folder; give a YAML file");
    }
    if (!java.nio.file.Files.isRegularFile(file)) {
      throw new JqpException("--config " + file + " does not exist");
    }
    try {
      long size = java.nio.file.Files.size(file);
      if (size > MAX_CONFIG_BYTES) {
        throw new JqpException(
            "--config "
                + file
                + " is "
                + size
                + " bytes; a config is at most "
                + MAX_CONFIG_BYTES
                + " (is it the right file?)");
      }
    } catch (java.io.IOException e) {
      throw new JqpException("--config " + file + " cannot be read; check its permissions");
    }
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = YAML.readValue(file.toFile(), Map.class);
      return m == null ? Map.of() : m;
    } catch (java.io.CharConversionException e) {
      throw new JqpException(file + " is not valid YAML: it is not UTF-8 text");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new JqpException(
          file + " is not valid YAML: " + String.valueOf(e.getOriginalMessage()).split("\n")[0]);
    } catch (java.io.IOException e) {
      throw new JqpException(file + " cannot be read; check it and its permissions");
    }
  }

  /**
   * A config from a parsed document: a run spec (sections; see {@link RunSpec}) or, as run folders
   * written before the spec have it, the flat keys of {@link TrainConfig}.
   */
  static TrainConfig fromDocument(Map<String, Object> doc) {
    return SpecPaths.isSpec(doc) ? fromSpec(doc) : copy(TrainConfig.defaults(), doc);
  }

  /** A config from a run spec document; errors name the spec path. */
  static TrainConfig fromSpec(Map<String, Object> doc) {
    return copyNamingPaths(TrainConfig.defaults(), SpecPaths.flatten(doc));
  }

  /** {@link #copy}, with a failing field named by its spec path ({@code pruning.window: ...}). */
  static TrainConfig copyNamingPaths(TrainConfig base, Map<String, Object> changes) {
    try {
      return copy(base, changes);
    } catch (JqpException e) {
      String msg = String.valueOf(e.getMessage());
      int colon = msg.indexOf(':');
      if (colon > 0) {
        String head = msg.substring(0, colon);
        String field = head.contains(".") ? head.substring(0, head.indexOf('.')) : head;
        if (SpecPaths.PATHS.containsKey(field)) {
          String rest = head.substring(field.length());
          throw new JqpException(RunSpec.path(field) + rest + msg.substring(colon));
        }
      }
      throw e;
    }
  }

  /** Reads a run folder's resolved {@code config.yaml} (a spec, or flat keys of older runs). */
  static TrainConfig readRun(java.nio.file.Path file) throws java.io.IOException {
    @SuppressWarnings("unchecked")
    Map<String, Object> given = YAML.readValue(file.toFile(), Map.class);
    return fromDocument(given == null ? Map.of() : given);
  }

  /**
   * A copy of {@code base} with some values replaced; keys are flat fields ({@code window}) or spec
   * paths ({@code pruning.window}), so a Guice arm or a sweep axis overrides part of a spec.
   */
  static TrainConfig copy(TrainConfig base, Map<String, Object> given) {
    Map<String, Object> changes = new java.util.LinkedHashMap<>();
    given.forEach(
        (k, v) -> {
          String field = k.contains(".") ? RunSpec.field(k) : k;
          if (v == null) {
            throw new JqpException(field + ": is empty (null); give a value or drop the key");
          }
          changes.put(field, v);
        });
    @SuppressWarnings("unchecked")
    Map<String, Object> tree = YAML.convertValue(base, Map.class);
    Object task = changes.get("task");
    if (task instanceof String id && !id.equals(base.task())) {
      // another task: its default model and data unless given
      io.jqp.experiments.tasks.Task t = io.jqp.experiments.tasks.Tasks.byId(id);
      tree.put("model", t.defaultModel());
      tree.put("modelOptions", Map.of());
      tree.put("data", t.defaultData());
    }
    tree.putAll(changes);
    try {
      return YAML.convertValue(tree, TrainConfig.class);
    } catch (IllegalArgumentException e) {
      throw translate(e);
    }
  }

  /** What a field of this Java type takes, in the words of a YAML file. */
  static String expected(Class<?> type) {
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "a whole number";
    }
    if (type == double.class || type == Double.class || type == float.class) {
      return "a number";
    }
    if (type == String.class) {
      return "text";
    }
    if (java.util.Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "a section of keys";
    }
    if (java.util.List.class.isAssignableFrom(type)) {
      return "a list";
    }
    return "a " + type.getSimpleName();
  }

  private static String given(com.fasterxml.jackson.databind.exc.MismatchedInputException m) {
    String msg = String.valueOf(m.getOriginalMessage());
    java.util.regex.Matcher v =
        java.util.regex.Pattern.compile("(?:value|token) \\(([^)]*)\\)").matcher(msg);
    if (v.find()) {
      String got = v.group(1);
      return ", got "
          + switch (got.replace("`", "").replace("JsonToken.", "").replace("token ", "")) {
            case "START_ARRAY" -> "a list";
            case "START_OBJECT" -> "a section";
            case "VALUE_STRING" -> "text";
            case "VALUE_NUMBER_INT", "VALUE_NUMBER_FLOAT" -> "a number";
            case "VALUE_TRUE", "VALUE_FALSE" -> "true/false";
            default -> got;
          };
    }
    java.util.regex.Matcher tok = java.util.regex.Pattern.compile("from (\\w+) value").matcher(msg);
    return tok.find() ? ", got " + tok.group(1).toLowerCase(java.util.Locale.ROOT) : "";
  }

  static JqpException translate(Exception e) {
    Throwable t = e;
    while (t != null && !(t instanceof JqpException) && !(t instanceof JsonMappingException)) {
      t = t.getCause();
    }
    if (t instanceof JqpException j) {
      return j;
    }
    if (t instanceof UnrecognizedPropertyException u) {
      return new JqpException(
          "unknown key '"
              + u.getPropertyName()
              + "'; known: "
              + String.join(
                  ", ", u.getKnownPropertyIds().stream().map(Object::toString).sorted().toList()));
    }
    if (t instanceof JsonMappingException m) {
      Throwable c = m.getCause();
      while (c != null && !(c instanceof JqpException)) {
        c = c.getCause();
      }
      if (c instanceof JqpException j) {
        return j;
      }
      StringBuilder field = new StringBuilder();
      for (JsonMappingException.Reference r : m.getPath()) {
        if (r.getFieldName() != null) {
          field.append(field.length() == 0 ? "" : ".").append(r.getFieldName());
        } else if (r.getIndex() >= 0) {
          field.append('[').append(r.getIndex()).append(']');
        }
      }
      String name = field.length() == 0 ? "config" : field.toString();
      if (m instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mi
          && mi.getTargetType() != null) {
        return new JqpException(name + ": must be " + expected(mi.getTargetType()) + given(mi));
      }
      return new JqpException(name + ": " + m.getOriginalMessage().split("\n")[0]);
    }
    // one line: a YAML parser's message spans several (the snippet and a caret)
    String msg =
        e instanceof com.fasterxml.jackson.core.JsonProcessingException j
            ? "is not valid YAML: " + j.getOriginalMessage()
            : String.valueOf(e.getMessage());
    return new JqpException("config: " + msg.strip().split("\n")[0]);
  }
}
