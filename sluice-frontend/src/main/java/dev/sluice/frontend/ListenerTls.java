package dev.sluice.frontend;

import dev.sluice.tls.TlsContext;
import dev.sluice.tls.TlsSettings;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;
import java.util.Arrays;
import java.util.LinkedHashSet;

/**
 * How a listener's {@code tls} block ({@link FrontendSections#tls}) reaches a Vert.x HTTP
 * server: the one place every HTTP listener of Sluice turns TLS on.
 *
 * <p>Stateless and thread-safe.
 */
public final class ListenerTls {
  private ListenerTls() {}

  /**
   * Turns TLS on in {@code options} with {@code tls}'s reloading key and trust managers, so that
   * rotated files are in force for new connections without a new server. The key manager
   * chooses among several certificates by the name the client sends (SNI) itself, so Vert.x's
   * own SNI mapping stays off.
   *
   * @return {@code options}
   */
  public static HttpServerOptions apply(HttpServerOptions options, TlsContext tls) {
    TlsSettings s = tls.settings();
    options.setSsl(true).setSni(false)
        .setKeyCertOptions(KeyCertOptions.wrap(tls.keyManagerFactory()))
        .setEnabledSecureTransportProtocols(new LinkedHashSet<>(Arrays.asList(tls.protocols())));
    if (s.ca() != null) {
      options.setTrustOptions(TrustOptions.wrap(tls.trustManagerFactory()));
    }
    options.setClientAuth(switch (s.clientAuth()) {
      case NONE -> ClientAuth.NONE;
      case OPTIONAL -> ClientAuth.REQUEST;
      case REQUIRED -> ClientAuth.REQUIRED;
    });
    return options;
  }
}
