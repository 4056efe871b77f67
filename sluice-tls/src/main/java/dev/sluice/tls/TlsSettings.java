package dev.sluice.tls;

import dev.sluice.spi.ConfigSection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One {@code tls} block, as every listener and link of Sluice reads it:
 *
 * <pre>{@code
 * tls:
 *   cert: tls.crt              # PEM chain, leaf first
 *   key: tls.key               # PEM: PKCS#8, PKCS#1 (RSA), SEC1 (EC) or encrypted PKCS#8
 *   key-password: ${TLS_KEY_PASSWORD}   # only for an encrypted PKCS#8 key
 *   certificates:              # listeners only: more pairs, chosen by SNI
 *     - {cert: api.crt, key: api.key}
 *   ca: ca.crt                 # the peer's trust anchors
 *   client-auth: none          # listeners only: none | optional | required
 *   protocols: [TLSv1.3, TLSv1.2]
 *   reload-interval: 2s        # how often the files are checked for rotation
 *   insecure-skip-verify: false   # links only: trust any server (tests only)
 * }</pre>
 *
 * <p>A listener ({@link Role#SERVER}) needs a certificate; a link ({@link Role#CLIENT}) may have
 * one (mutual TLS) and trusts {@code ca}, or the JDK's trust store when there is none. Relative
 * paths resolve against the configuration file's directory.
 *
 * <p>The constructor checks the values and that every file exists and can be read; what the
 * files hold is checked when a {@link TlsContext} opens them (and by {@link #read}).
 *
 * @param key the configuration key of the block, such as {@code server.tls}, for messages
 * @param role whether this side accepts ({@code SERVER}) or opens ({@code CLIENT}) connections
 * @param certificates the certificate and key pairs; the first is the default, the others are
 *     chosen by the SNI name a client sends; empty for a link without a client certificate
 * @param ca the trust anchors for the peer's certificate, or null (a link then trusts the JDK's
 *     trust store; a listener then asks for no client certificate)
 * @param clientAuth whether a listener asks for ({@code OPTIONAL}) or requires a client
 *     certificate; {@code NONE} for links
 * @param protocols the protocol versions, a non-empty subset of {@code TLSv1.3, TLSv1.2}
 * @param insecureSkipVerify for links only: trust any server certificate and name
 * @param reloadInterval how often the files are checked for rotation, at least 100 ms
 */
public record TlsSettings(String key, Role role, List<CertificateFiles> certificates, Path ca,
    ClientAuth clientAuth, List<String> protocols, boolean insecureSkipVerify,
    Duration reloadInterval) {

  /** The protocol versions Sluice speaks; TLS 1.0 and 1.1 are refused. */
  public static final List<String> SUPPORTED_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
  /** How often files are checked when the block does not say. */
  public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(2);
  static final Duration MIN_RELOAD_INTERVAL = Duration.ofMillis(100);

  /** Which end of the connection the block configures. */
  public enum Role {
    /** A listener: presents a certificate, may ask for the client's. */
    SERVER,
    /** A link: verifies the server, may present a client certificate. */
    CLIENT
  }

  /** Whether a listener asks for a client certificate. */
  public enum ClientAuth {
    /** No client certificate is asked for. */
    NONE,
    /** A client certificate is asked for and verified when sent; clients without one connect. */
    OPTIONAL,
    /** A client without a certificate signed by {@code ca} is refused. */
    REQUIRED;

    /** The configuration spelling: {@code none}, {@code optional}, {@code required}. */
    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One certificate chain and its private key.
   *
   * @param key the configuration key of the pair, such as {@code gateway.tls} or
   *     {@code gateway.tls.certificates[1]}; messages name {@code key + ".cert"} and
   *     {@code key + ".key"}
   * @param cert the PEM certificate chain, leaf first
   * @param privateKey the PEM private key
   * @param keyPassword the password of an encrypted PKCS#8 key, or null
   */
  public record CertificateFiles(String key, Path cert, Path privateKey, String keyPassword) {
    /**
     * Checks that both files exist and can be read.
     *
     * @throws TlsException naming the key and the file otherwise
     */
    public CertificateFiles {
      Objects.requireNonNull(key, "key");
      requireReadable(key + ".cert", cert);
      requireReadable(key + ".key", privateKey);
    }

    /** A pair read from unencrypted files. */
    public static CertificateFiles of(String key, Path cert, Path privateKey) {
      return new CertificateFiles(key, cert, privateKey, null);
    }

    @Override
    public String toString() {
      return "CertificateFiles[" + key + ", cert=" + cert + ", key=" + privateKey
          + (keyPassword == null ? "" : ", key-password=***") + "]";
    }
  }

  /**
   * Checks the values and that every file exists and can be read.
   *
   * @throws TlsException naming the key, the file or value and the reason
   */
  public TlsSettings {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(role, "role");
    certificates = List.copyOf(certificates);
    protocols = List.copyOf(protocols);
    Objects.requireNonNull(clientAuth, "clientAuth");
    Objects.requireNonNull(reloadInterval, "reloadInterval");
    if (role == Role.SERVER && certificates.isEmpty()) {
      throw new TlsException(key + ".cert", null, "is required on a listener (with "
          + key + ".key)");
    }
    if (role == Role.CLIENT && certificates.size() > 1) {
      throw new TlsException(key + ".certificates", null,
          "a link presents one client certificate: set cert and key only");
    }
    if (role == Role.CLIENT && clientAuth != ClientAuth.NONE) {
      throw new TlsException(key + ".client-auth", null, "is for listeners only");
    }
    if (role == Role.SERVER && insecureSkipVerify) {
      throw new TlsException(key + ".insecure-skip-verify", null, "is for links only");
    }
    if (clientAuth != ClientAuth.NONE && ca == null) {
      throw new TlsException(key + ".client-auth", null, "'" + clientAuth.configName()
          + "' needs " + key + ".ca, the trust anchors for client certificates");
    }
    if (ca != null) {
      requireReadable(key + ".ca", ca);
    }
    if (protocols.isEmpty()) {
      throw new TlsException(key + ".protocols", null, "must name at least one of "
          + SUPPORTED_PROTOCOLS);
    }
    for (String p : protocols) {
      if (!SUPPORTED_PROTOCOLS.contains(p)) {
        throw new TlsException(key + ".protocols", null, "'" + p + "' is "
            + (p.equals("TLSv1") || p.equals("TLSv1.0") || p.equals("TLSv1.1")
                || p.startsWith("SSL") ? "refused (obsolete and insecure)" : "unknown")
            + ": use " + String.join(", ", SUPPORTED_PROTOCOLS));
      }
    }
    if (reloadInterval.compareTo(MIN_RELOAD_INTERVAL) < 0) {
      throw new TlsException(key + ".reload-interval", null, reloadInterval.toMillis()
          + "ms is below the minimum of 100ms");
    }
  }

  /**
   * A listener's settings: one pair, no client certificate asked for, TLS 1.3 and 1.2, files
   * checked every 2 s.
   */
  public static TlsSettings server(String key, Path cert, Path privateKey) {
    return new TlsSettings(key, Role.SERVER, List.of(CertificateFiles.of(key, cert, privateKey)),
        null, ClientAuth.NONE, SUPPORTED_PROTOCOLS, false, DEFAULT_RELOAD_INTERVAL);
  }

  /** A link's settings trusting {@code ca} (null: the JDK's trust store), no client certificate. */
  public static TlsSettings client(String key, Path ca) {
    return new TlsSettings(key, Role.CLIENT, List.of(), ca, ClientAuth.NONE,
        SUPPORTED_PROTOCOLS, false, DEFAULT_RELOAD_INTERVAL);
  }

  /** These settings with {@code ca} as trust anchors and client certificates asked as said. */
  public TlsSettings withClientAuth(Path ca, ClientAuth clientAuth) {
    return new TlsSettings(key, role, certificates, ca, clientAuth, protocols, insecureSkipVerify,
        reloadInterval);
  }

  /** These settings with a (client) certificate pair instead of the present ones. */
  public TlsSettings withCertificates(List<CertificateFiles> pairs) {
    return new TlsSettings(key, role, pairs, ca, clientAuth, protocols, insecureSkipVerify,
        reloadInterval);
  }

  /** These settings with other protocol versions. */
  public TlsSettings withProtocols(List<String> versions) {
    return new TlsSettings(key, role, certificates, ca, clientAuth, versions, insecureSkipVerify,
        reloadInterval);
  }

  /** These settings with the files checked every {@code interval}. */
  public TlsSettings withReloadInterval(Duration interval) {
    return new TlsSettings(key, role, certificates, ca, clientAuth, protocols, insecureSkipVerify,
        interval);
  }

  /**
   * Reads a {@code tls} section (see the class comment for its keys): every problem is recorded
   * on {@code tls} with its full key, including what the files hold (a key that does not parse,
   * does not match its certificate, an expired certificate), so that the service refuses to start
   * with all of them listed. Reports unknown keys ({@link ConfigSection#finish}).
   *
   * @param tls the section, such as {@code server.tls}
   * @param baseDir the directory relative paths resolve against (the configuration file's)
   * @param role whether the block configures a listener or a link
   * @return the settings, or null when the block cannot be used (its problems recorded; an
   *     unknown key is recorded without making the block unusable)
   */
  public static TlsSettings read(ConfigSection tls, Path baseDir, Role role) {
    String prefix = tls.key("x");
    prefix = prefix.substring(0, prefix.length() - 2);
    boolean[] bad = {false};
    List<CertificateFiles> pairs = new ArrayList<>();
    CertificateFiles main = pair(tls, prefix, baseDir, bad, role == Role.SERVER);
    if (main != null) {
      pairs.add(main);
    }
    if (role == Role.SERVER) {
      List<? extends ConfigSection> more = tls.sections("certificates");
      for (int i = 0; i < more.size(); i++) {
        ConfigSection c = more.get(i);
        CertificateFiles p = pair(c, prefix + ".certificates[" + i + "]", baseDir, bad, true);
        if (p != null) {
          pairs.add(p);
        }
        c.finish();
      }
    }
    Path ca = path(tls, "ca", baseDir);
    ClientAuth clientAuth = ClientAuth.NONE;
    boolean insecure = false;
    if (role == Role.SERVER) {
      String ca0 = tls.choice("client-auth", "none", List.of("none", "optional", "required"));
      clientAuth = ClientAuth.valueOf(ca0.toUpperCase(Locale.ROOT));
    } else {
      insecure = tls.bool("insecure-skip-verify", false);
    }
    List<String> protocols = tls.has("protocols") ? tls.strings("protocols")
        : SUPPORTED_PROTOCOLS;
    tls.strings("protocols");
    Duration interval = tls.duration("reload-interval", DEFAULT_RELOAD_INTERVAL,
        MIN_RELOAD_INTERVAL);
    tls.finish();
    if (bad[0]) {
      return null;
    }
    try {
      TlsSettings settings = new TlsSettings(prefix, role, pairs, ca, clientAuth, protocols,
          insecure, interval);
      TlsMaterial.load(settings, Clock.systemUTC());
      return settings;
    } catch (TlsException e) {
      tls.problem(e.key().substring(prefix.length() + 1), e.withoutKey());
      return null;
    }
  }

  private static CertificateFiles pair(ConfigSection s, String key, Path baseDir, boolean[] bad,
      boolean required) {
    Path cert = path(s, "cert", baseDir);
    Path privateKey = path(s, "key", baseDir);
    String password = s.string("key-password", null);
    if (cert == null && privateKey == null) {
      if (required) {
        s.problem("cert", "is required (with key)");
        bad[0] = true;
      }
      return null;
    }
    if (cert == null || privateKey == null) {
      s.problem(cert == null ? "cert" : "key", "is required with "
          + (cert == null ? "key" : "cert"));
      bad[0] = true;
      return null;
    }
    try {
      return new CertificateFiles(key, cert, privateKey, password);
    } catch (TlsException e) {
      s.problem(e.key().substring(key.length() + 1), e.withoutKey());
      bad[0] = true;
      return null;
    }
  }

  private static Path path(ConfigSection s, String name, Path baseDir) {
    String v = s.string(name, null);
    if (v == null || v.isBlank()) {
      return null;
    }
    Path p = Path.of(v);
    return (p.isAbsolute() || baseDir == null ? p : baseDir.resolve(p)).normalize();
  }

  private static void requireReadable(String key, Path file) {
    Objects.requireNonNull(file, key);
    if (!Files.exists(file)) {
      throw new TlsException(key, file, "no such file");
    }
    if (Files.isDirectory(file)) {
      throw new TlsException(key, file, "is a directory, not a PEM file");
    }
    if (!Files.isReadable(file)) {
      throw new TlsException(key, file, "cannot be read (permission denied)");
    }
  }
}
