package io.jqp.experiments.run;

import io.jqp.api.JqpException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A per-layer rule in a run config: sites of layers matching {@code layers} (glob), of kind {@code
 * site} ({@code weight}, {@code activation} or {@code both}), use the given quantizer and/or pruner
 * plugin ids with their options instead of the recipe's. Example (YAML):
 *
 * <pre>
 * overrides:
 *   - layers: "conv1"
 *     site: activation
 *     quantizer: fixed
 *     quantizerOptions: {bits: 4}
 *   - layers: "fc*"
 *     site: weight
 *     pruner: magnitude
 *     prunerOptions: {sparsity: 0.75}
 * </pre>
 */
public record LayerOverride(
    String layers,
    String site,
    @Nullable String quantizer,
    @Nullable Map<String, Object> quantizerOptions,
    @Nullable String pruner,
    @Nullable Map<String, Object> prunerOptions) {

  public LayerOverride {
    if (layers == null || layers.isBlank()) {
      throw new JqpException("overrides.layers: give a layer name or glob, e.g. 'conv*'");
    }
    site = site == null ? "both" : site;
    if (!site.equals("weight") && !site.equals("activation") && !site.equals("both")) {
      throw new JqpException(
          "overrides.site: must be weight, activation or both, got '" + site + "'");
    }
    if (quantizer == null && pruner == null) {
      throw new JqpException("overrides (layers '" + layers + "'): set a quantizer or a pruner id");
    }
    quantizerOptions = quantizerOptions == null ? Map.of() : Map.copyOf(quantizerOptions);
    prunerOptions = prunerOptions == null ? Map.of() : Map.copyOf(prunerOptions);
  }
}
