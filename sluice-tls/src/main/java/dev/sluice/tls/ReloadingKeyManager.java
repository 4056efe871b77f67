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

  /**
   * The name decides before the key type: the JDK asks once per signature scheme the client
   * accepts (EC first, usually), so the chain to serve is chosen from the whole handshake, and
   * only the call for its key type gets it. The candidates are the chains whose DNS names match
   * the SNI name exactly, else by a wildcard, else all chains (no SNI name: {@code localhost}
   * and IP addresses send none); the first candidate whose key type the client accepts is
   * served, so the first chain configured is the default.
   */
  private String chooseServer(String keyType, SSLSession handshake) {
    Generation g = current;
    List<TlsMaterial.Identity> ids = g.identities();
    String sni = sniName(handshake);
    List<Integer> candidates = new ArrayList<>();
    if (sni != null) {
      for (boolean exact : new boolean[] {true, false}) {
        for (int i = 0; i < ids.size() && candidates.isEmpty(); i++) {
          if (serves(ids.get(i), sni, exact)) {
            for (int j = i; j < ids.size(); j++) {
              if (serves(ids.get(j), sni, exact)) {
                candidates.add(j);
              }
            }
          }
        }
      }
    }
    if (candidates.isEmpty()) {
      for (int i = 0; i < ids.size(); i++) {
        candidates.add(i);
      }
    }
    String[] accepted = peerAlgorithms(handshake);
    if (accepted.length > 0) {
      for (int i : candidates) {
        if (accepts(accepted, ids.get(i))) {
          return fits(ids.get(i), keyType) ? alias(g, i) : null;
        }
      }
    }
    for (int i : candidates) {
      if (fits(ids.get(i), keyType)) {
        return alias(g, i);
      }
    }
    return null;
  }

  private static String[] peerAlgorithms(SSLSession handshake) {
    if (handshake instanceof ExtendedSSLSession e) {
      try {
        String[] a = e.getPeerSupportedSignatureAlgorithms();
        return a == null ? new String[0] : a;
      } catch (UnsupportedOperationException ignored) {
        // an engine that does not tell: choose by the key type asked
      }
    }
    return new String[0];
  }

  /** Whether the client's signature schemes (TLS names or JCA names) include the key's type. */
  private static boolean accepts(String[] schemes, TlsMaterial.Identity id) {
    String have = id.privateKey().getAlgorithm().toLowerCase(Locale.ROOT);
    for (String scheme : schemes) {
      String s = scheme.toLowerCase(Locale.ROOT);
      boolean ok = switch (have) {
        case "rsa" -> s.startsWith("rsa") || s.contains("withrsa");
        case "rsassa-pss" -> s.startsWith("rsa_pss_pss") || s.contains("rsassa-pss");
        case "ec" -> s.startsWith("ecdsa") || s.contains("withecdsa");
        default -> s.startsWith(have);
      };
      if (ok) {
        return true;
      }
    }
    return false;
  }

  private static boolean serves(TlsMaterial.Identity id, String sni, boolean exact) {
    for (String name : id.dnsNames()) {
      if (exact ? name.equals(sni) : name.startsWith("*.") && sni.indexOf('.') > 0
          && sni.substring(sni.indexOf('.')).equals(name.substring(1))) {
        return true;
      }
    }
    return false;
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
