package dev.sluice.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A key manager over the material in force, swapped whole by {@link #install}: a handshake
 * that has chosen an alias keeps reading that generation's key and chain even if a reload lands
 * in the middle of it (aliases name their generation; the previous generation is kept). A server
 * with several chains picks the one whose DNS names match the SNI name the client sent (an exact
 * name first, then a {@code *.} wildcard of one label), otherwise the first chain of the key type
 * asked for.
 *
 * <p>Thread-safe: handshakes run on many threads while the reloader installs new material.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {
  private record Generation(long number, List<TlsMaterial.Identity> identities) {}

  private volatile Generation current;
  private volatile Generation previous;

  ReloadingKeyManager(TlsMaterial material) {
    current = new Generation(1, material.identities());
    previous = current;
  }

  /** Puts {@code material} in force for the handshakes that start from now on. */
  synchronized void install(TlsMaterial material) {
    previous = current;
    current = new Generation(current.number() + 1, material.identities());
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    SSLSession hs = socket instanceof SSLSocket s ? s.getHandshakeSession() : null;
    return chooseServer(keyType, hs);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return chooseServer(keyType, engine == null ? null : engine.getHandshakeSession());
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return chooseClient(keyTypes, issuers);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers,
      SSLEngine engine) {
    return chooseClient(keyTypes, issuers);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return aliases(keyType);
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return aliases(keyType);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    TlsMaterial.Identity id = identity(alias);
    return id == null ? null : id.chain().clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    TlsMaterial.Identity id = identity(alias);
    return id == null ? null : id.privateKey();
  }

  private String chooseServer(String keyType, SSLSession handshake) {
    Generation g = current;
    String sni = sniName(handshake);
    int fallback = -1;
    int wildcard = -1;
    for (int i = 0; i < g.identities().size(); i++) {
      TlsMaterial.Identity id = g.identities().get(i);
      if (!fits(id, keyType)) {
        continue;
      }
      if (fallback < 0) {
        fallback = i;
      }
      if (sni != null) {
        for (String name : id.dnsNames()) {
          if (name.equals(sni)) {
            return alias(g, i);
          }
          if (wildcard < 0 && name.startsWith("*.") && sni.indexOf('.') > 0
              && sni.substring(sni.indexOf('.')).equals(name.substring(1))) {
            wildcard = i;
          }
        }
      }
    }
    int chosen = wildcard >= 0 ? wildcard : fallback;
    return chosen < 0 ? null : alias(g, chosen);
  }

  private String chooseClient(String[] keyTypes, Principal[] issuers) {
    Generation g = current;
    int fallback = -1;
    for (int i = 0; i < g.identities().size(); i++) {
      TlsMaterial.Identity id = g.identities().get(i);
      for (String keyType : keyTypes) {
        if (!fits(id, keyType)) {
          continue;
        }
        if (issuers == null || issuers.length == 0 || issuedBy(id, issuers)) {
          return alias(g, i);
        }
        if (fallback < 0) {
          fallback = i;
        }
      }
    }
    return fallback < 0 ? null : alias(g, fallback);
  }

  private static boolean issuedBy(TlsMaterial.Identity id, Principal[] issuers) {
    for (X509Certificate c : id.chain()) {
      for (Principal p : issuers) {
        if (p.equals(c.getIssuerX500Principal())) {
          return true;
        }
      }
    }
    return false;
  }

  private String[] aliases(String keyType) {
    Generation g = current;
    List<String> out = new ArrayList<>();
    for (int i = 0; i < g.identities().size(); i++) {
      if (fits(g.identities().get(i), keyType)) {
        out.add(alias(g, i));
      }
    }
    return out.isEmpty() ? null : out.toArray(new String[0]);
  }

  /**
   * Whether a key serves {@code keyType}: the JDK asks for {@code RSA}, {@code EC},
   * {@code RSASSA-PSS}, {@code EdDSA}, or for TLS 1.2 {@code EC_EC}/{@code EC_RSA} (the key type
   * before the underscore).
   */
  private static boolean fits(TlsMaterial.Identity id, String keyType) {
    if (keyType == null) {
      return true;
    }
    String wanted = keyType.contains("_") ? keyType.substring(0, keyType.indexOf('_')) : keyType;
    String have = id.privateKey().getAlgorithm();
    return have.equalsIgnoreCase(wanted)
        || wanted.equals("RSASSA-PSS") && have.equals("RSA")
        || wanted.equals("EdDSA") && have.startsWith("Ed");
  }

  private static String sniName(SSLSession handshake) {
    if (handshake instanceof ExtendedSSLSession e) {
      try {
        for (SNIServerName n : e.getRequestedServerNames()) {
          if (n instanceof SNIHostName h) {
            return h.getAsciiName().toLowerCase(Locale.ROOT);
          }
        }
      } catch (UnsupportedOperationException ignored) {
        // a session without SNI support: the default chain
      }
    }
    return null;
  }

  private static String alias(Generation g, int index) {
    return "sluice-" + g.number() + "-" + index;
  }

  private TlsMaterial.Identity identity(String alias) {
    if (alias == null || !alias.startsWith("sluice-")) {
      return null;
    }
    int dash = alias.lastIndexOf('-');
    long number;
    int index;
    try {
      number = Long.parseLong(alias.substring(7, dash));
      index = Integer.parseInt(alias.substring(dash + 1));
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      return null;
    }
    Generation g = current;
    if (g.number() != number) {
      g = previous;
      if (g.number() != number) {
        return null;
      }
    }
    return index < g.identities().size() ? g.identities().get(index) : null;
  }
}
