package io.jqp.api;

import java.util.function.LongPredicate;
import java.util.function.Supplier;

/**
 * Everything a strategy may ask of the engine for one site, passed to each call so the SPI never
 * has to change when needs grow (the JUnit 5 {@code ExecutionRequest} lesson). State it creates is
 * scoped to the site and saved with checkpoints.
 */
public interface SiteContext {

  Site site();

  /**
   * A graph variable named {@code site/role/name} (role: quantizer or pruner), starting at {@code
   * initial}, which must not depend on the network's inputs. {@code name} must be unique per site
   * and role.
   */
  StateVariable state(String name, Tensor initial);

  /**
   * A scalar that holds {@code schedule.valueAt(t)} whenever the trainer runs updates or
   * observations for step {@code t} (and 0 otherwise, in the forward pass of a plain step too): the
   * way a host-evaluated schedule reaches in-graph update logic.
   */
  Tensor scheduled(Schedule schedule);

  /**
   * Registers {@code update} to run before training step {@code t} (counted from 0) whenever {@code
   * when.test(t)}. Updates run with the step's training batch fed, and an activation site's update
   * sees inputs already transformed by the updated sites before it. A weight site's update must
   * read only that site's weight and state (the engine runs the weight sites' updates together,
   * before the activation sites'); a site's own updates run in the order they were registered.
   */
  void onUpdate(LongPredicate when, Update update);

  /**
   * Registers {@code update} to run together with training step {@code t} whenever {@code
   * when.test(t)}: it reads that step's forward values (e.g. to fill a window of recent
   * activations) and must not change the forward pass. Costs no extra forward computation.
   */
  void observe(LongPredicate when, Update update);

  /**
   * {@link #onUpdate(LongPredicate, Update)} with the update built only where it can run: an engine
   * that makes several builds of a network (the TensorFlow engine makes one training step per phase
   * of the schedules, and separate evaluation builds) calls {@code build} in the training builds
   * whose steps include one where {@code when} holds, and nowhere else. Build the update's own work
   * (a d* search, a mask's selection) inside {@code build}; create the state it assigns outside.
   * This default builds it at once.
   */
  default void onUpdate(LongPredicate when, Supplier<Update> build) {
    onUpdate(when, build.get());
  }

  /**
   * {@link #observe(LongPredicate, Update)} with the observation built only where it can run (see
   * {@link #onUpdate(LongPredicate, Supplier)}). This default builds it at once.
   */
  default void observe(LongPredicate when, Supplier<Update> build) {
    observe(when, build.get());
  }

  /**
   * A trainable parameter named {@code site/role/name}, starting at {@code initial} (which must not
   * depend on the inputs): the optimizer updates it with the network's weights (no weight decay),
   * checkpoints save it, and update steps may also assign it (e.g. a data-driven initialisation at
   * step 0).
   */
  StateVariable parameter(String name, Tensor initial);

  /** Adds a scalar to the training loss (e.g. a KL term), already weighted. */
  void addLoss(Tensor term);

  /**
   * A strategy's transform that acts from training step {@code step} on: {@code x} unchanged on the
   * steps before, {@code transform.apply(x)} from then on (in training and evaluation alike). Use
   * it for every delayed switch (t_q, t_p) so the engine can leave the transform out of the steps
   * that do not need it: the TensorFlow engine builds one training step per phase of the schedules,
   * so a transform costs nothing before it acts. Create state, updates and reports outside {@code
   * transform} (it may not run in every phase); {@code step <= 0} applies it from the start.
   *
   * <p>This default gates at run time instead: it computes both and blends them with a 0/1 state
   * switched on by an update at {@code step}, which is correct anywhere but costs the transform on
   * every step.
   */
  default Tensor from(
      GraphOps ops, long step, Tensor x, java.util.function.UnaryOperator<Tensor> transform) {
    if (step <= 0) {
      return transform.apply(x);
    }
    StateVariable on = state("active-from-" + step, ops.constant(0));
    onUpdate(t -> t == step, on.assign(ops.constant(1)));
    Tensor y = transform.apply(x);
    Tensor g = on.read();
    return ops.add(ops.mul(g, y), ops.mul(ops.sub(ops.constant(1), g), x));
  }

  /** 1 while training, 0 in evaluation. */
  Tensor training();

  /**
   * Publishes a differentiable per-site quantity under {@code key} (e.g. "bits", "keep") for
   * network-level cost terms ({@link CostTerm}).
   */
  void publish(String key, Tensor value);

  /** The training batch size (samples per step), for strategies that count samples. */
  int batchSize();

  /**
   * Publishes a per-site quantity for reports and footprints; keys the engine understands: {@code
   * bits}, {@code d} (fractional bits), {@code sparsity}. Later values replace earlier ones.
   */
  void report(String key, Tensor value);
}
