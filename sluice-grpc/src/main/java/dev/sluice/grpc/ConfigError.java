package dev.sluice.grpc;

/**
 * An invalid ERL configuration file: the message names the file, the YAML path (with its line)
 * and the reason, for example
 * {@code messaging.yaml: descriptors[1].rate_limit.unit (line 7): invalid rate limit unit 'foo'}.
 */
final class ConfigError extends Exception {
  private static final long serialVersionUID = 1L;

  ConfigError(String message) {
    super(message, null, false, false);
  }
}
