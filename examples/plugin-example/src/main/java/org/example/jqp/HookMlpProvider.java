package org.example.jqp;

import io.jqp.api.JqpException;
import io.jqp.api.LayerKind;
import io.jqp.api.StrategyOptions;
import io.jqp.engine.tf.ModelInput;
import io.jqp.engine.tf.ModelProvider;
import io.jqp.engine.tf.TfModelDef;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * {@code hook-mlp}: a three-layer perceptron for any image classification task. Its middle layer ({@code mixer})
 * is written by hand through {@code TfNetwork.weight} (the public hook), so it gets a weight site and an
 * activation site like the built-in layers, and, being neither first nor last, is pruned like them (JQP §3).
 */
public final class HookMlpProvider implements ModelProvider {
  @Override
  public String id() {
    return "hook-mlp";
  }

  @Override
  public String description() {
    return "example (Java): flatten, dense (hidden units), a hand-written dense layer 'mixer', dense output; BN and ReLU after each hidden layer";
  }

  @Override
  public boolean accepts(ModelInput input) {
    return input.kind().equals(ModelInput.CLASSIFICATION);
  }

  @Override
  public Map<String, String> options() {
    return Map.of("hidden", "64 — hidden units, in [1, 4096]");
  }

  @Override
  public TfModelDef create(ModelInput input, StrategyOptions options) {
    int hidden = options.getInt("hidden", 64);
    if (hidden < 1 || hidden > 4096) {
      throw new JqpException("modelOptions.hidden: must be in [1, 4096], got " + hidden + " (model 'hook-mlp')");
    }
    int classes = input.outputs();
    return (net, x) -> {
      Operand<TFloat32> h = net.dense("in", net.flatten(x), hidden, false);
      h = net.relu(net.activationSite("in", net.batchNorm("in/bn", h)));
      // a user's own weighted layer: kernel through its weight site, MACs recorded, output through its activation site
      Operand<TFloat32> w = net.weight("mixer", LayerKind.DENSE, new long[] {hidden, hidden}, hidden);
      Operand<TFloat32> m = net.tf().linalg.matMul(h, w);
      net.recordMacs("mixer", (long) hidden * hidden);
      m = net.relu(net.activationSite("mixer", net.batchNorm("mixer/bn", m)));
      return net.dense("out", m, classes, true);
    };
  }
}
