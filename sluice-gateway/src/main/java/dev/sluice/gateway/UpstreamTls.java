package dev.sluice.gateway;

import dev.sluice.gateway.GatewayConfig.HostSpec;
import dev.sluice.gateway.GatewayConfig.Upstream;
import dev.sluice.tls.TlsContext;
import dev.sluice.tls.TlsSettings;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS to {@code https://} upstream hosts: one set of client options per distinct {@code tls}
 * block (shared by every event loop, so connections to a host pool per block), made on first
 * use and kept for the gateway's life; their certificates follow rotation and are closed with
 * the runtime. Without a block the server is verified against the JDK's trust store. The URL's
 * host is sent as SNI and verified against the certificate, unless the block sets
 * {@code insecure-skip-verify}.
 *
 * <p>Thread-safe.
 */
final class UpstreamTls {
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamTls.class);
  private static final List<String> ALPN_H2 = List.of("h2", "http/1.1");

  private final Function<TlsSettings, TlsContext> open;
  private final Map<Optional<TlsSettings>, ClientSSLOptions> options = new ConcurrentHashMap<>();

  /** {@code open} opens (and later closes) the certificates of a block. */
  UpstreamTls(Function<TlsSettings, TlsContext> open) {
    this.open = open;
  }

  /** Opens the certificates of every block of {@code config} now, so that they fail at start. */
  void prepare(GatewayConfig config) {
    for (Upstream u : config.upstreams().values()) {
      if (u.hosts().stream().anyMatch(HostSpec::secure)) {
        options(u);
      }
    }
  }

  /** Sets TLS on a request to {@code host} of {@code upstream} when the host is https. */
  <O extends HttpConnectOptions> O apply(O o, Upstream upstream, HostSpec host) {
    if (host.secure()) {
      o.setSsl(true).setSslOptions(options(upstream));
    }
    return o;
  }

  private ClientSSLOptions options(Upstream u) {
    return options.computeIfAbsent(Optional.ofNullable(u.tls()), k -> make(u, k.orElse(null)));
  }

  private ClientSSLOptions make(Upstream u, TlsSettings s) {
    ClientSSLOptions o = new ClientSSLOptions().setHostnameVerificationAlgorithm("HTTPS");
    if (u.http2()) {
      o.setUseAlpn(true).setApplicationLayerProtocols(ALPN_H2);
    }
    if (s == null) {
      return o; // the JDK's trust store
    }
    TlsContext tls = open.apply(s);
    o.setEnabledSecureTransportProtocols(new LinkedHashSet<>(Arrays.asList(tls.protocols())));
    if (!s.certificates().isEmpty()) {
      o.setKeyCertOptions(KeyCertOptions.wrap(tls.keyManagerFactory()));
    }
    if (s.insecureSkipVerify()) {
      LOG.warn("{}.insecure-skip-verify is true: upstream certificates and host names are NOT "
          + "verified; anyone on the path can read and change this traffic", s.key());
      return o.setTrustAll(true).setHostnameVerificationAlgorithm("");
    }
    if (s.ca() != null) {
      o.setTrustOptions(TrustOptions.wrap(tls.trustManagerFactory()));
    }
    return o;
  }
}
