package io.jqp.api;

/**
 * A user mistake (bad config, argument, id, file) reported as one line that names the culprit and
 * the fix. Command lines print its message without a stack trace.
 */
public class JqpException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JqpException(String message) {
    super(message);
  }

  public JqpException(String message, Throwable cause) {
    super(message, cause);
  }
}
