package io.jqp.engine.tf;

import io.jqp.api.Schedule;
import io.jqp.api.Site;
import io.jqp.api.SiteContext;
import io.jqp.api.StateVariable;
import io.jqp.api.Tensor;
import io.jqp.api.Update;
import java.util.function.LongPredicate;

/** The {@link SiteContext} one strategy (quantizer or pruner) receives at one site. */
final class TfSiteContext implements SiteContext {
  private final TfSites net;
  private final Site site;
  private final String role;

  TfSiteContext(TfSites net, Site site, String role) {
    this.net = net;
    this.site = site;
    this.role = role;
  }

  @Override
  public Site site() {
    return site;
  }

  @Override
  public StateVariable state(String name, Tensor initial) {
    return net.stateVariable(site.name() + "/" + role + "/" + name, TfTensor.of(initial));
  }

  @Override
  public Tensor scheduled(Schedule schedule) {
    return net.scheduled(schedule);
  }

  @Override
  public void onUpdate(LongPredicate when, Update update) {
    net.addSiteUpdate(site, when, TfUpdate.of(update));
  }

  @Override
  public void observe(LongPredicate when, Update update) {
    net.addObserver(site, when, TfUpdate.of(update));
  }

  /**
   * Builds the update only in a build that runs it: a training build with a step where {@code when}
   * holds (the first build, which declares the phases, builds every update). An evaluation build,
   * or a phase's build whose steps need no such update, then carries none of its ops: each distinct
   * run TensorFlow prepares reads the whole graph, and the searches and selections of the updates
   * made most of it.
   */
  @Override
  public void onUpdate(LongPredicate when, java.util.function.Supplier<Update> build) {
    if (net.runsAny(when)) {
      onUpdate(when, build.get());
    }
  }

  /** Builds the observation only in a build that runs it (see {@link #onUpdate}). */
  @Override
  public void observe(LongPredicate when, java.util.function.Supplier<Update> build) {
    if (net.runsAny(when)) {
      observe(when, build.get());
    }
  }

  @Override
  public StateVariable parameter(String name, Tensor initial) {
    return net.parameter(site.name() + "/" + role + "/" + name, TfTensor.of(initial));
  }

  @Override
  public void addLoss(Tensor term) {
    net.addLoss(TfTensor.of(term));
  }

  /**
   * In a phased build (every {@link TfModel}), the transform is built only in the phases where it
   * acts; elsewhere (several networks in one graph, harnesses) it is gated at run time.
   */
  @Override
  public Tensor from(
      io.jqp.api.GraphOps ops,
      long step,
      Tensor x,
      java.util.function.UnaryOperator<Tensor> transform) {
    if (step <= 0 || !net.phased()) {
      return SiteContext.super.from(ops, step, x, transform);
    }
    return net.activeFrom(step) ? transform.apply(x) : x;
  }

  @Override
  public Tensor training() {
    return new TfTensor(net.trainingFlag());
  }

  @Override
  public void publish(String key, Tensor value) {
    net.publish(site, key, TfTensor.of(value));
  }

  @Override
  public int batchSize() {
    return net.batchSize();
  }

  @Override
  public void report(String key, Tensor value) {
    net.report(site, key, TfTensor.of(value));
  }
}
