package dev.sluice.tls;

import java.nio.file.Path;

/**
 * TLS material that cannot be used: a missing or unreadable file, a key that does not parse or
 * does not match its certificate, a wrong password, an expired certificate, a setting out of
 * range. The message names the configuration key, the file and the reason, for example
 * {@code server.tls.key: /etc/sluice/tls.key: the key does not match the certificate in
 * /etc/sluice/tls.crt}; it is meant for the operator as it is, without a stack trace.
 */
public final class TlsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String key;
  private final transient Path file;
  private final String reason;

  /**
   * An exception about {@code file} (null when the problem is a value, not a file), read for the
   * configuration key {@code key}.
   */
  public TlsException(String key, Path file, String reason) {
    super(key + ": " + (file == null ? "" : file + ": ") + reason);
    this.key = key;
    this.file = file;
    this.reason = reason;
  }

  /** The full configuration key, such as {@code server.tls.cert}. */
  public String key() {
    return key;
  }

  /** The file concerned, or null when the problem is a value. */
  public Path file() {
    return file;
  }

  /** Why, without the key and the file. */
  public String reason() {
    return reason;
  }

  /** The message without the key: the file and the reason, as a configuration problem. */
  String withoutKey() {
    return (file == null ? "" : file + ": ") + reason;
  }
}
