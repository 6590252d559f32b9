package io.jqp.repro;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The house's arrows (DESIGN.md): paper-repro → experiments → plugins, engine-tf → api, never back;
 * api knows nothing but the JDK and JSpecify; no cycles between packages. The poms' enforcer rules
 * keep modules apart; this test also sees packages inside a module. One known cycle (tasks → run)
 * is ignored by name in {@link #noPackageCycles}; any other fails.
 */
class ArchitectureTest {
  private static JavaClasses jqp;

  @BeforeAll
  static void importClasses() {
    jqp =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // the experiments' test-jar (generated data sets) when it comes from the local
            // repository
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("io.jqp");
  }

  @Test
  void apiDependsOnTheJdkAndJSpecifyOnly() {
    ArchRule rule =
        classes()
            .that()
            .resideInAPackage("io.jqp.api..")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage("io.jqp.api..", "java..", "org.jspecify..");
    rule.check(jqp);
  }

  @Test
  void pluginsDependOnTheApiOnly() {
    noClasses()
        .that()
        .resideInAPackage("io.jqp.plugins..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.jqp.engine..",
            "io.jqp.experiments..",
            "io.jqp.repro..",
            "org.tensorflow..",
            "com.google.inject..")
        .check(jqp);
  }

  @Test
  void theEngineDoesNotReachOutward() {
    noClasses()
        .that()
        .resideInAPackage("io.jqp.engine..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.jqp.plugins..", "io.jqp.experiments..", "io.jqp.repro..", "com.google.inject..")
        .check(jqp);
  }

  @Test
  void experimentsDoNotDependOnPaperRepro() {
    noClasses()
        .that()
        .resideInAPackage("io.jqp.experiments..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.jqp.repro..")
        .check(jqp);
  }

  @Test
  void guiceOnlyWiresExperimentsAndRepro() {
    noClasses()
        .that()
        .resideOutsideOfPackages("io.jqp.experiments.wiring..", "io.jqp.repro..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("com.google.inject..")
        .check(jqp);
  }

  @Test
  void noPackageCycles() {
    // one known cycle, named here rather than hidden: tasks take the runner's TrainConfig and the
    // runner asks tasks for their data; it goes when tasks read the RunSpec instead
    slices()
        .matching("io.jqp.(**)")
        .should()
        .beFreeOfCycles()
        .ignoreDependency(
            JavaClass.Predicates.resideInAPackage("io.jqp.experiments.tasks.."),
            JavaClass.Predicates.resideInAPackage("io.jqp.experiments.run.."))
        .check(jqp);
  }
}
