package dev.sluice.tls;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * When the certificates of one file in force expire: the soonest {@code notAfter} of the file
 * (a chain is broken when any of its certificates expires; a CA bundle is summed up by its first
 * anchor to expire).
 *
 * @param key the configuration key of the file, such as {@code server.tls.cert}; stable across
 *     reloads, so it can tag a gauge
 * @param file the file
 * @param subject the subject of the certificate that expires first
 * @param notAfter when it expires
 */
public record CertificateExpiry(String key, Path file, String subject, Instant notAfter) {
  static CertificateExpiry of(String key, Path file, List<X509Certificate> certs) {
    X509Certificate first = certs.stream()
        .min(Comparator.comparing(X509Certificate::getNotAfter)).orElseThrow();
    return new CertificateExpiry(key, file, first.getSubjectX500Principal().getName(),
        first.getNotAfter().toInstant());
  }

  /** Seconds from {@code now} until {@link #notAfter} (negative once expired). */
  public double secondsUntilExpiry(Instant now) {
    return (notAfter.toEpochMilli() - now.toEpochMilli()) / 1000.0;
  }
}
