package io.jqp.experiments.run;

import io.jqp.api.JqpException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Where each flat {@link TrainConfig} field lives in the {@link RunSpec} (its path), and the
 * flattening of a spec document into flat changes; an unknown key fails naming its path and the
 * known keys there.
 */
final class SpecPaths {
  private SpecPaths() {}

  /** Spec paths of the flat config fields (section.key, or section.strategy.id/options). */
  static final Map<String, String> PATHS = paths();

  private static Map<String, String> paths() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("task", "data.task");
    m.put("data", "data.path");
    m.put("trainLimit", "data.trainLimit");
    m.put("testLimit", "data.testLimit");
    m.put("model", "model.id");
    m.put("modelOptions", "model.options");
    m.put("optimizer", "optimization.optimizer.id");
    m.put("optimizerOptions", "optimization.optimizer.options");
    m.put("loss", "optimization.loss.id");
    m.put("epochs", "optimization.epochs");
    m.put("batchSize", "optimization.batchSize");
    m.put("learningRate", "optimization.learningRate");
    m.put("lrSchedule", "optimization.lrSchedule");
    m.put("weightDecay", "optimization.weightDecay");
    m.put("seed", "optimization.seed");
    m.put("threads", "optimization.threads");
    m.put("strategyLrScale", "optimization.strategyLrScale");
    m.put("bits", "quantization.bits");
    m.put("quantizer", "quantization.quantizer.id");
    m.put("quantizerOptions", "quantization.quantizer.options");
    m.put("quantizerWindow", "quantization.window");
    m.put("sparsity", "pruning.sparsity");
    m.put("pruner", "pruning.pruner.id");
    m.put("prunerOptions", "pruning.pruner.options");
    m.put("pruneActivations", "pruning.activations");
    m.put("window", "pruning.window");
    m.put("preset", "schedule.preset");
    m.put("weightDelay", "schedule.weightDelay");
    m.put("activationDelay", "schedule.activationDelay");
    m.put("pruneStart", "schedule.pruneStart");
    m.put("pruneInterval", "schedule.pruneInterval");
    m.put("pruneRepetitions", "schedule.pruneRepetitions");
    m.put("method", "method.id");
    m.put("beta", "method.beta");
    m.put("gamma", "method.gamma");
    m.put("powerOfTwo", "method.powerOfTwo");
    m.put("gateThreshold", "method.gateThreshold");
    m.put("gateInit", "method.gateInit");
    m.put("overrides", "rules");
    m.put("checkpointEvery", "checkpoints.every");
    m.put("keepCheckpoints", "checkpoints.keep");
    m.put("roles", "roles");
    return java.util.Collections.unmodifiableMap(m);
  }

  /** The spec path of a flat field, or the field itself where it has none. */
  public static String path(String field) {
    return PATHS.getOrDefault(field, field);
  }

  /**
   * The flat field of a spec path ({@code pruning.window} → {@code window}); other keys as given.
   */
  public static String field(String path) {
    for (Map.Entry<String, String> e : PATHS.entrySet()) {
      if (e.getValue().equals(path)) {
        return e.getKey();
      }
    }
    if (path.contains(".")) {
      throw new JqpException(
          "unknown spec path '" + path + "'; known: " + String.join(", ", PATHS.values()));
    }
    return path;
  }

  /** Whether a parsed YAML document is a spec (sections) rather than a legacy flat config. */
  static boolean isSpec(Map<String, Object> doc) {
    // 'data' and 'model' are also flat keys (a path, an id): there a section is a map
    for (Map.Entry<String, Object> e : doc.entrySet()) {
      String key = e.getKey();
      boolean section = PATHS.values().stream().anyMatch(p -> p.startsWith(key + "."));
      if (key.equals("rules")
          || key.equals("roles")
          || section && (e.getValue() instanceof Map<?, ?> || !PATHS.containsKey(key))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The flat changes a spec document makes: every leaf path mapped to its field; an unknown key
   * fails naming its path and the known keys there.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> flatten(Map<String, Object> doc) {
    Map<String, String> byPath = new LinkedHashMap<>();
    PATHS.forEach((field, path) -> byPath.put(path, field));
    Map<String, Object> flat = new LinkedHashMap<>();
    walk("", doc, byPath, flat);
    return flat;
  }

  @SuppressWarnings("unchecked")
  private static void walk(
      String prefix,
      Map<String, Object> node,
      Map<String, String> byPath,
      Map<String, Object> out) {
    for (Map.Entry<String, Object> e : node.entrySet()) {
      String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      String field = byPath.get(path);
      if (field != null) {
        Object v = e.getValue();
        if (v == null) {
          throw new JqpException(path + ": is empty (null); give a value or drop the key");
        }
        out.put(field, field.equals("overrides") ? rulesToOverrides(v) : v);
        continue;
      }
      if (e.getKey().equals("options") && e.getValue() instanceof Map<?, ?> m && m.isEmpty()) {
        continue; // an empty options map of a strategy that takes none from the spec
      }
      boolean inner = byPath.keySet().stream().anyMatch(p -> p.startsWith(path + "."));
      if (inner && e.getValue() instanceof Map<?, ?> m) {
        walk(path, (Map<String, Object>) m, byPath, out);
      } else if (inner && e.getValue() == null) {
        throw new JqpException(path + ": is empty; give its keys or drop it");
      } else if (inner) {
        // e.g. 'pruning: *q': the YAML reader gives an alias as its name, not the anchored map
        throw new JqpException(
            path
                + ": must be a section of keys, got "
                + e.getValue()
                + "; write its keys out (YAML anchors and aliases are not supported)");
      } else {
        TreeSet<String> known = new TreeSet<>();
        String here = prefix.isEmpty() ? "" : prefix + ".";
        for (String p : byPath.keySet()) {
          if (p.startsWith(here)) {
            known.add(p.substring(here.length()).split("\\.")[0]);
          }
        }
        throw new JqpException(
            "unknown key '"
                + path
                + "'; known"
                + (prefix.isEmpty() ? "" : " in " + prefix)
                + ": "
                + String.join(", ", known));
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Object rulesToOverrides(@Nullable Object rules) {
    if (!(rules instanceof List<?> list)) {
      return rules == null ? List.of() : rules;
    }
    List<Object> out = new ArrayList<>();
    for (Object r : list) {
      if (!(r instanceof Map<?, ?> m)) {
        throw new JqpException("rules: each rule is {layers, site, quantizer, pruner}, got " + r);
      }
      Map<String, Object> o = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
        switch (e.getKey()) {
          case "layers", "site" -> o.put(e.getKey(), e.getValue());
          case "quantizer", "pruner" -> {
            if (e.getValue() instanceof Map<?, ?> s) {
              o.put(e.getKey(), s.get("id"));
              Object opts = s.get("options");
              o.put(e.getKey() + "Options", opts == null ? Map.of() : opts);
              for (Object k : s.keySet()) {
                if (!k.equals("id") && !k.equals("options")) {
                  throw new JqpException(
                      "rules." + e.getKey() + ": unknown key '" + k + "'; known: id, options");
                }
              }
            } else {
              o.put(e.getKey(), e.getValue());
            }
          }
          default ->
              throw new JqpException(
                  "unknown key 'rules."
                      + e.getKey()
                      + "'; known in rules: layers, pruner, quantizer, site");
        }
      }
      out.add(o);
    }
    return out;
  }
}
