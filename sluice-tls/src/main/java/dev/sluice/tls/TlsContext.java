package dev.sluice.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.KeyManagerFactorySpi;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.TrustManagerFactorySpi;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS side of one listener or link, opened from its {@link TlsSettings}: an
 * {@link SSLContext}, and the key and trust managers (and factories over them) that Netty,
 * Vert.x, grpc-java and Lettuce take, all following the files as they are rotated.
 *
 * <p><b>Rotation.</b> Every {@link TlsSettings#reloadInterval()} the files are read and compared
 * with the bytes in force, which catches a file renamed over and Kubernetes' {@code ..data}
 * symlink swap alike (the path's inode never changes there, so file-system events miss it). A
 * changed set is checked like at start; when it passes, it is in force for every handshake that
 * starts from then on, and open connections keep the session they have. When it fails (a key
 * that does not match its certificate because only one of the two was written yet, a file that
 * does not parse, an expired certificate), the material in force stays and the check is retried
 * on each poll; a failure that lasts {@link #gracePeriod()} (five intervals) is logged and
 * counted once in {@link #reloadFailures()}, and retried again only when the files change.
 *
 * <p>Thread-safe. {@link #close()} stops the polling.
 */
public final class TlsContext implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TlsContext.class);
  private static final Provider PROVIDER = new Provider("SluiceTls", "1.0",
      "Sluice's reloading key and trust managers") {
    private static final long serialVersionUID = 1L;
  };
  private static ScheduledExecutorService poller;

  private final TlsSettings settings;
  private final Clock clock;
  private final ReloadingKeyManager keyManager;
  private final ReloadingTrustManager trustManager;
  private final SSLContext sslContext;
  private final ScheduledFuture<?> polling;
  private final AtomicLong reloads = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile TlsMaterial material;
  private volatile String lastFailure;
  private byte[] inForce;
  private byte[] refused;
  private Instant failingSince;

  private TlsContext(TlsSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    Map<Path, byte[]> files = new LinkedHashMap<>();
    material = TlsMaterial.load(settings, clock, (key, path) -> remember(files, key, path));
    inForce = digest(files);
    keyManager = new ReloadingKeyManager(material);
    trustManager = new ReloadingTrustManager(trustFor(material));
    if (settings.insecureSkipVerify()) {
      LOG.warn("{}.insecure-skip-verify is on: the server's certificate and name are NOT "
          + "verified, so anyone on the path can read and change the traffic", settings.key());
    }
    try {
      sslContext = SSLContext.getInstance("TLS");
      sslContext.init(new KeyManager[] {keyManager}, new TrustManager[] {trustManager}, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no TLS context: " + e, e);
    }
    long every = settings.reloadInterval().toMillis();
    polling = poller().scheduleWithFixedDelay(this::pollSafely, every, every,
        TimeUnit.MILLISECONDS);
  }

  /**
   * Reads and checks the files of {@code settings} and starts watching them.
   *
   * @throws TlsException naming the key, the file and the reason when a file is missing, cannot
   *     be read or parsed, a key does not match its certificate or needs another password, a
   *     chain is out of order, or a certificate is expired or not yet valid
   */
  public static TlsContext open(TlsSettings settings) {
    return open(settings, Clock.systemUTC());
  }

  /** {@link #open(TlsSettings)} with the clock that decides what is expired. */
  public static TlsContext open(TlsSettings settings, Clock clock) {
    return new TlsContext(settings, clock);
  }

  /** The settings this context was opened with. */
  public TlsSettings settings() {
    return settings;
  }

  /**
   * A context over the reloading managers. Its own default parameters are the JDK's: apply
   * {@link #sslParameters()} (or at least {@link #protocols()}) to each socket or engine.
   */
  public SSLContext sslContext() {
    return sslContext;
  }

  /**
   * The parameters to apply to each socket or engine: the protocols; for a listener, whether a
   * client certificate is wanted or needed; for a link, hostname verification ({@code HTTPS}
   * endpoint identification) unless {@code insecure-skip-verify}.
   */
  public SSLParameters sslParameters() {
    SSLParameters p = sslContext.getDefaultSSLParameters();
    p.setProtocols(protocols());
    if (settings.role() == TlsSettings.Role.SERVER) {
      switch (settings.clientAuth()) {
        case REQUIRED -> p.setNeedClientAuth(true);
        case OPTIONAL -> p.setWantClientAuth(true);
        case NONE -> p.setWantClientAuth(false);
      }
    } else if (!settings.insecureSkipVerify()) {
      p.setEndpointIdentificationAlgorithm("HTTPS");
    }
    return p;
  }

  /** The enabled protocol versions, such as {@code [TLSv1.3, TLSv1.2]}. */
  public String[] protocols() {
    return settings.protocols().toArray(new String[0]);
  }

  /** The key manager over the certificates in force (SNI-aware for several). */
  public X509ExtendedKeyManager keyManager() {
    return keyManager;
  }

  /** The trust manager over the anchors in force. */
  public X509ExtendedTrustManager trustManager() {
    return trustManager;
  }

  /** A factory whose only key manager is {@link #keyManager()}; {@code init} does nothing. */
  public KeyManagerFactory keyManagerFactory() {
    KeyManager[] managers = {keyManager};
    return new KeyManagerFactory(new KeyManagerFactorySpi() {
      @Override
      protected void engineInit(KeyStore ks, char[] password) {}

      @Override
      protected void engineInit(ManagerFactoryParameters spec) {}

      @Override
      protected KeyManager[] engineGetKeyManagers() {
        return managers.clone();
      }
    }, PROVIDER, "SluiceReloading") {};
  }

  /** A factory whose only trust manager is {@link #trustManager()}; {@code init} does nothing. */
  public TrustManagerFactory trustManagerFactory() {
    TrustManager[] managers = {trustManager};
    return new TrustManagerFactory(new TrustManagerFactorySpi() {
      @Override
      protected void engineInit(KeyStore ks) {}

      @Override
      protected void engineInit(ManagerFactoryParameters spec) {}

      @Override
      protected TrustManager[] engineGetTrustManagers() {
        return managers.clone();
      }
    }, PROVIDER, "SluiceReloading") {};
  }

  /** When each file's certificates in force expire: one entry per file, keyed by its config key. */
  public List<CertificateExpiry> expiries() {
    return material.expiries();
  }

  /**
   * Seconds until the certificates in force of the file read for {@code key} (such as
   * {@code server.tls.cert}) expire, negative once expired; NaN for a key this context does not
   * have. For a gauge.
   */
  public double secondsUntilExpiry(String key) {
    for (CertificateExpiry e : material.expiries()) {
      if (e.key().equals(key)) {
        return e.secondsUntilExpiry(clock.instant());
      }
    }
    return Double.NaN;
  }

  /** How many times changed files were put in force. */
  public long reloadSuccesses() {
    return reloads.get();
  }

  /** How many changed sets of files were refused (each counted once, after the grace period). */
  public long reloadFailures() {
    return failures.get();
  }

  /** The message of the last refused reload, or null. */
  public String lastReloadFailure() {
    return lastFailure;
  }

  /** How long changed files may fail their check before the failure is counted. */
  public Duration gracePeriod() {
    return settings.reloadInterval().multipliedBy(5);
  }

  /**
   * Checks the files now, as a poll does.
   *
   * @return whether new material was put in force
   */
  public synchronized boolean reload() {
    Map<Path, byte[]> files = new LinkedHashMap<>();
    byte[] seen;
    TlsMaterial next;
    try {
      next = TlsMaterial.load(settings, clock, (key, path) -> remember(files, key, path));
      seen = digest(files);
    } catch (TlsException e) {
      seen = digest(files);
      if (Arrays.equals(seen, inForce)) {
        failingSince = null;
        return false;
      }
      if (Arrays.equals(seen, refused)) {
        return false;
      }
      Instant now = clock.instant();
      if (failingSince == null) {
        failingSince = now;
      }
      if (Duration.between(failingSince, now).compareTo(gracePeriod()) < 0) {
        LOG.debug("{}: changed files not usable yet, retrying: {}", settings.key(),
            e.getMessage());
        return false;
      }
      refused = seen;
      failingSince = null;
      failures.incrementAndGet();
      lastFailure = e.getMessage();
      LOG.warn("TLS reload refused, the previous certificates stay in force: {}",
          e.getMessage());
      return false;
    }
    failingSince = null;
    if (Arrays.equals(seen, inForce)) {
      return false;
    }
    material = next;
    keyManager.install(next);
    trustManager.install(trustFor(next));
    inForce = seen;
    refused = null;
    reloads.incrementAndGet();
    LOG.info("{}: new certificates in force for new connections: {}", settings.key(),
        next.expiries().stream().map(e -> e.key() + " " + e.subject() + " until " + e.notAfter())
            .collect(java.util.stream.Collectors.joining(", ")));
    return true;
  }

  @Override
  public void close() {
    polling.cancel(false);
  }

  private void pollSafely() {
    try {
      reload();
    } catch (RuntimeException e) {
      LOG.warn("{}: checking the TLS files failed: {}", settings.key(), e.toString());
    }
  }

  private X509ExtendedTrustManager trustFor(TlsMaterial m) {
    if (settings.insecureSkipVerify()) {
      return ReloadingTrustManager.trustingAll();
    }
    return ReloadingTrustManager.pkix(m.trustAnchors());
  }

  private static byte[] remember(Map<Path, byte[]> files, String key, Path path) {
    byte[] bytes = Pem.read(key, path);
    files.put(path, bytes);
    return bytes;
  }

  /** A digest of the files read so far, in reading order (so a partial read differs too). */
  private static byte[] digest(Map<Path, byte[]> files) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<Path, byte[]> e : files.entrySet()) {
        md.update(e.getKey().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(Long.toString(e.getValue().length).getBytes(
            java.nio.charset.StandardCharsets.US_ASCII));
        md.update((byte) 0);
        md.update(e.getValue());
      }
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static synchronized ScheduledExecutorService poller() {
    if (poller == null) {
      ScheduledThreadPoolExecutor p = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "sluice-tls-reload");
        t.setDaemon(true);
        return t;
      });
      p.setRemoveOnCancelPolicy(true);
      poller = p;
    }
    return poller;
  }
}
