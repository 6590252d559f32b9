package io.jqp.engine.tf;

import java.util.List;

/**
 * What a task feeds a model and expects back, so that any task can train any model that accepts it.
 *
 * @param kind {@link #CLASSIFICATION} (the output is one logit per class) or {@link
 *     #IMAGE_TO_IMAGE} (the output is an image {@code outputs} times larger, e.g. super-resolution)
 * @param sampleShape one training input's shape as the data has it, NHWC without the batch (e.g.
 *     [28, 28, 1])
 * @param outputs classes of a classification task; the upscaling factor of an image-to-image task
 */
public record ModelInput(String kind, List<Long> sampleShape, int outputs) {
  public static final String CLASSIFICATION = "classification";
  public static final String IMAGE_TO_IMAGE = "image-to-image";

  public ModelInput {
    sampleShape = List.copyOf(sampleShape);
    if (!kind.equals(CLASSIFICATION) && !kind.equals(IMAGE_TO_IMAGE)) {
      throw new IllegalArgumentException(
          "model input kind must be "
              + CLASSIFICATION
              + " or "
              + IMAGE_TO_IMAGE
              + ", got '"
              + kind
              + "'");
    }
  }

  /** Whether this is an image input (rank 3, NHWC without the batch). */
  public boolean isImage() {
    return sampleShape.size() == 3;
  }

  /** Channels of an image input. */
  public long channels() {
    return sampleShape.get(sampleShape.size() - 1);
  }
}
