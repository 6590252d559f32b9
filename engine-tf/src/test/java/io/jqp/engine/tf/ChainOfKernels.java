package io.jqp.engine.tf;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For tests of TensorFlow's chain of quantizer kernels (and the compiled scopes that wrap it):
 * jqp's one-pass kernel, which takes the chain's place where it is loaded and is never compiled,
 * stays off on the test's thread ({@code @ExtendWith(ChainOfKernels.class)}).
 */
final class ChainOfKernels implements BeforeEachCallback, AfterEachCallback {
  @Override
  public void beforeEach(ExtensionContext context) {
    TfNativeKernels.offOnThisThread(true);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    TfNativeKernels.offOnThisThread(false);
  }
}
