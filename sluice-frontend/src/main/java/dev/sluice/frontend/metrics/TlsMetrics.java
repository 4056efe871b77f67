package dev.sluice.frontend.metrics;

import dev.sluice.tls.CertificateExpiry;
import dev.sluice.tls.TlsContext;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The meters of a {@link TlsContext} (a listener's or a link's certificates):
 * {@code sluice_tls_certificate_expiry_seconds{key}}, the seconds until the certificates of each
 * file expire (negative once expired), keyed by the file's configuration key such as
 * {@code server.tls.cert}; and {@code sluice_tls_reloads_total{key,result}}, rotated files put
 * in force ({@code success}) or refused ({@code failure}), keyed by the block such as
 * {@code server.tls}.
 *
 * <p>Stateless and thread-safe.
 */
public final class TlsMetrics {
  private TlsMetrics() {}

  /** Registers the meters of {@code tls} on {@code registry}; they read it as they are scraped. */
  public static void bind(MeterRegistry registry, TlsContext tls) {
    for (CertificateExpiry e : tls.expiries()) {
      String key = e.key();
      Gauge.builder("sluice_tls_certificate_expiry_seconds", tls,
              t -> t.secondsUntilExpiry(key))
          .description("Seconds until the certificates of a TLS file expire (negative: expired)")
          .tag("key", key).strongReference(true).register(registry);
    }
    String block = tls.settings().key();
    FunctionCounter.builder("sluice_tls_reloads_total", tls, TlsContext::reloadSuccesses)
        .description("Rotated TLS files put in force or refused")
        .tag("key", block).tag("result", "success").register(registry);
    FunctionCounter.builder("sluice_tls_reloads_total", tls, TlsContext::reloadFailures)
        .description("Rotated TLS files put in force or refused")
        .tag("key", block).tag("result", "failure").register(registry);
  }
}
