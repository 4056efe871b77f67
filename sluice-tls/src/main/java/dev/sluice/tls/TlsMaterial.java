package dev.sluice.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The key material of one {@link TlsSettings} as read at one moment: each certificate chain
 * with its key, checked (the key matches the leaf, each certificate of the chain is signed by
 * the next, the leaf is valid now), and the trust anchors.
 *
 * <p>Immutable and thread-safe.
 */
final class TlsMaterial {
  /** One chain with its key and the DNS names of its leaf (for SNI). */
  record Identity(String key, Path certFile, PrivateKey privateKey, X509Certificate[] chain,
      List<String> dnsNames) {}

  private final List<Identity> identities;
  private final List<X509Certificate> trustAnchors;
  private final List<CertificateExpiry> expiries;

  private TlsMaterial(List<Identity> identities, List<X509Certificate> trustAnchors,
      List<CertificateExpiry> expiries) {
    this.identities = identities;
    this.trustAnchors = trustAnchors;
    this.expiries = expiries;
  }

  List<Identity> identities() {
    return identities;
  }

  /** The anchors of {@code ca}, or null when the settings name none. */
  List<X509Certificate> trustAnchors() {
    return trustAnchors;
  }

  List<CertificateExpiry> expiries() {
    return expiries;
  }

  /** Reads and checks every file of {@code settings} from disk. */
  static TlsMaterial load(TlsSettings settings, Clock clock) {
    return load(settings, clock, Pem::read);
  }

  /**
   * Reads and checks every file of {@code settings}, their bytes given by {@code files}
   * (configuration key, path) so that a reload checks exactly the bytes it compared.
   *
   * @throws TlsException naming the key, the file and the reason of the first problem
   */
  static TlsMaterial load(TlsSettings settings, Clock clock,
      BiFunction<String, Path, byte[]> files) {
    Instant now = clock.instant();
    List<Identity> identities = new ArrayList<>();
    List<CertificateExpiry> expiries = new ArrayList<>();
    for (TlsSettings.CertificateFiles f : settings.certificates()) {
      Identity id = identity(f, now, files);
      identities.add(id);
      expiries.add(CertificateExpiry.of(f.key() + ".cert", f.cert(), List.of(id.chain())));
    }
    List<X509Certificate> anchors = null;
    if (settings.ca() != null) {
      String key = settings.key() + ".ca";
      anchors = List.copyOf(Pem.certificates(key, settings.ca(), files.apply(key, settings.ca())));
      expiries.add(CertificateExpiry.of(key, settings.ca(), anchors));
    }
    return new TlsMaterial(List.copyOf(identities), anchors, List.copyOf(expiries));
  }

  private static Identity identity(TlsSettings.CertificateFiles f, Instant now,
      BiFunction<String, Path, byte[]> files) {
    String certKey = f.key() + ".cert";
    String keyKey = f.key() + ".key";
    List<X509Certificate> chain = Pem.certificates(certKey, f.cert(),
        files.apply(certKey, f.cert()));
    PrivateKey key = Pem.privateKey(keyKey, f.privateKey(), files.apply(keyKey, f.privateKey()),
        f.keyPassword() == null ? null : f.keyPassword().toCharArray());
    X509Certificate leaf = chain.get(0);
    if (!matches(key, leaf.getPublicKey())) {
      throw new TlsException(keyKey, f.privateKey(), "the key does not match the certificate in "
          + f.cert() + " (" + leaf.getSubjectX500Principal().getName() + ")");
    }
    for (int i = 0; i + 1 < chain.size(); i++) {
      X509Certificate c = chain.get(i);
      X509Certificate issuer = chain.get(i + 1);
      if (!signedBy(c, issuer)) {
        throw new TlsException(certKey, f.cert(), "certificate " + (i + 1) + " ("
            + c.getSubjectX500Principal().getName() + ") is not signed by certificate " + (i + 2)
            + " (" + issuer.getSubjectX500Principal().getName()
            + "): the file must hold the chain in order, leaf first");
      }
    }
    if (now.isAfter(leaf.getNotAfter().toInstant())) {
      throw new TlsException(certKey, f.cert(), "the certificate ("
          + leaf.getSubjectX500Principal().getName() + ") expired at "
          + leaf.getNotAfter().toInstant());
    }
    if (now.isBefore(leaf.getNotBefore().toInstant())) {
      throw new TlsException(certKey, f.cert(), "the certificate ("
          + leaf.getSubjectX500Principal().getName() + ") is not valid before "
          + leaf.getNotBefore().toInstant());
    }
    return new Identity(f.key(), f.cert(), key, chain.toArray(new X509Certificate[0]),
        dnsNames(leaf));
  }

  private static boolean signedBy(X509Certificate c, X509Certificate issuer) {
    if (!c.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
      return false;
    }
    try {
      c.verify(issuer.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /**
   * Whether {@code key} is the private half of {@code pub}: RSA moduli compared, other keys by
   * signing a random challenge and verifying it (the JDK cannot derive an EC public key).
   */
  static boolean matches(PrivateKey key, PublicKey pub) {
    if (key instanceof RSAKey k && pub instanceof RSAKey p) {
      return k.getModulus().equals(p.getModulus());
    }
    String algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
      default -> null;
    };
    if (algorithm == null || !key.getAlgorithm().equals(pub.getAlgorithm())
        && !(key.getAlgorithm().startsWith("Ed") && pub.getAlgorithm().startsWith("Ed"))) {
      return false;
    }
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature s = Signature.getInstance(algorithm);
      s.initSign(key);
      s.update(challenge);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(algorithm);
      v.initVerify(pub);
      v.update(challenge);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static List<String> dnsNames(X509Certificate leaf) {
    List<String> out = new ArrayList<>();
    try {
      Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (Integer.valueOf(2).equals(san.get(0))) {
            out.add(san.get(1).toString().toLowerCase(java.util.Locale.ROOT));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // a leaf whose SAN extension does not parse serves as a default only
    }
    return List.copyOf(out);
  }
}
