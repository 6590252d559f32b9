package io.jqp.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PluginsTest {

  record Q(String id) implements QuantizerProvider {
    @Override
    public String description() {
      return "test quantizer " + id;
    }

    @Override
    public Map<String, String> options() {
      return Map.of("bits", "8");
    }

    @Override
    public Quantizer create(StrategyOptions options) {
      options.requireKnown(options().keySet());
      return Quantizer.identity();
    }
  }

  record P(String id) implements PrunerProvider {
    @Override
    public String description() {
      return "test pruner";
    }

    @Override
    public Map<String, String> options() {
      return Map.of();
    }

    @Override
    public Pruner create(StrategyOptions options) {
      return Pruner.none();
    }
  }

  @Test
  void duplicateIdFailsNamingBothProviders() {
    JqpException e =
        assertThrows(
            JqpException.class,
            () -> Plugins.of(List.of(new Q("same"), new Q("same")), List.of(), List.of()));
    assertEquals(
        "duplicate quantizer id 'same': io.jqp.api.PluginsTest$Q and io.jqp.api.PluginsTest$Q; rename one of them",
        e.getMessage());
  }

  @Test
  void unknownIdFailsListingTheKnownIds() {
    Plugins p =
        Plugins.of(
            List.of(new Q("delayed"), new Q("fixed")),
            List.of(new P("magnitude"), new P("windowed")),
            List.of());
    JqpException e = assertThrows(JqpException.class, () -> p.pruner("magnitde", Map.of()));
    assertEquals("unknown pruner 'magnitde'; known: magnitude, windowed", e.getMessage());
    JqpException q = assertThrows(JqpException.class, () -> p.quantizer("fixd", Map.of()));
    assertEquals("unknown quantizer 'fixd'; known: delayed, fixed", q.getMessage());
  }

  @Test
  void idsMustBeKebabCase() {
    JqpException e =
        assertThrows(
            JqpException.class,
            () -> Plugins.of(List.of(new Q("My_Quantizer")), List.of(), List.of()));
    assertEquals(true, e.getMessage().contains("is not kebab-case"), e.getMessage());
  }

  @Test
  void resolvesAndRejectsUnknownOptions() {
    Plugins p = Plugins.of(List.of(new Q("fixed")), List.of(), List.of());
    assertSame(Quantizer.identity(), p.quantizer("fixed", Map.of("bits", 4)));
    JqpException e =
        assertThrows(JqpException.class, () -> p.quantizer("fixed", Map.of("bitz", 4)));
    assertEquals("unknown option 'bitz' for quantizer 'fixed'; known: bits", e.getMessage());
  }

  @Test
  void optionsAreTypeChecked() {
    StrategyOptions o =
        new StrategyOptions(
            "pruner 'magnitude'", Map.of("sparsity", "half", "n", 2.5, "mode", "fast"));
    assertEquals(
        "option 'sparsity' of pruner 'magnitude' must be a number, got \"half\"",
        assertThrows(JqpException.class, () -> o.getDouble("sparsity", 0)).getMessage());
    assertEquals(
        "option 'n' of pruner 'magnitude' must be a whole number, got 2.5",
        assertThrows(JqpException.class, () -> o.getInt("n", 0)).getMessage());
    assertEquals(
        "option 'mode' of pruner 'magnitude' must be one of kind, site-kind, got 'fast'",
        assertThrows(JqpException.class, () -> o.getEnum("mode", Mode.class, Mode.KIND))
            .getMessage());
    assertEquals(0.25, o.getDouble("missing", 0.25));
    // no coercion: text is not a number, 7.9 is not 7, 4.0 is not a whole number either
    StrategyOptions strict =
        new StrategyOptions("quantizer 'fixed'", Map.of("bits", "8", "d", 7.9, "w", 4.0, "on", 1));
    assertThrows(JqpException.class, () -> strict.getInt("bits", 0));
    assertThrows(JqpException.class, () -> strict.getInt("d", 0));
    assertThrows(JqpException.class, () -> strict.getLong("w", 0));
    assertThrows(JqpException.class, () -> strict.getBoolean("on", false));
  }

  enum Mode {
    KIND,
    SITE_KIND
  }
}
