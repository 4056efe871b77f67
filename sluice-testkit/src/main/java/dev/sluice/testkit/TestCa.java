package dev.sluice.testkit;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made at test time, so that nothing committed ever expires: server
 * certificates (for {@code localhost} and {@code 127.0.0.1} unless told otherwise), client
 * certificates, intermediates, expired ones, with RSA or EC keys, written as PEM in every form
 * the TLS code reads (PKCS#8, PKCS#1 or SEC1, encrypted PKCS#8).
 *
 * <p>Thread-safe.
 */
public final class TestCa {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  /** The kind of key of a certificate. */
  public enum KeyType {
    /** RSA 2048. */
    RSA,
    /** EC on P-256. */
    EC
  }

  /** A certificate with its key and the chain above it (leaf first, the root excluded). */
  public record Issued(X509Certificate certificate, PrivateKey key, List<X509Certificate> chain) {
    /** Writes the chain (leaf first) as PEM to {@code file}. */
    public Path writeChain(Path file) {
      return write(file, pem(chain.toArray()));
    }

    /** Writes only the leaf certificate as PEM to {@code file}. */
    public Path writeCertificate(Path file) {
      return write(file, pem(certificate));
    }

    /** Writes the key as unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}). */
    public Path writeKeyPkcs8(Path file) {
      try {
        return write(file, pem(new JcaPKCS8Generator(key, null).generate()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * Writes the key in OpenSSL's traditional form: PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) for
     * RSA, SEC1 ({@code BEGIN EC PRIVATE KEY}) for EC.
     */
    public Path writeKeyTraditional(Path file) {
      if (!key.getAlgorithm().equals("EC")) {
        return write(file, pem(key));
      }
      // SEC1 as OpenSSL writes it names its curve ([0] parameters); the JDK's encoding leaves
      // the curve to the PKCS#8 wrapper, so it is put back here
      try {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
        org.bouncycastle.asn1.sec.ECPrivateKey inner =
            org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(
            256, inner.getKey(), inner.getPublicKey(),
            info.getPrivateKeyAlgorithm().getParameters());
        return write(file, pem(new PemObject("EC PRIVATE KEY", sec1.getEncoded())));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Writes the key as PKCS#8 encrypted with {@code password} (PBES2, AES-256-CBC). */
    public Path writeKeyEncrypted(Path file, String password) {
      try {
        JceOpenSSLPKCS8EncryptorBuilder enc =
            new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC);
        enc.setPRF(PKCS8Generator.PRF_HMACSHA256);
        enc.setPassword(password.toCharArray());
        enc.setProvider(new BouncyCastleProvider());
        return write(file, pem(new JcaPKCS8Generator(key, enc.build()).generate()));
      } catch (IOException | OperatorCreationException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private final String name;
  private final KeyPair keys;
  private final X509Certificate certificate;
  private final List<X509Certificate> chainAbove;

  private TestCa(String name, KeyPair keys, X509Certificate certificate,
      List<X509Certificate> chainAbove) {
    this.name = name;
    this.keys = keys;
    this.certificate = certificate;
    this.chainAbove = chainAbove;
  }

  /** A self-signed root CA with an RSA key, valid from a day ago for ten days. */
  public static TestCa create(String name) {
    return create(name, KeyType.RSA);
  }

  /** A self-signed root CA with a key of {@code type}. */
  public static TestCa create(String name, KeyType type) {
    KeyPair keys = keyPair(type);
    X509Certificate cert = sign(new X500Name("CN=" + name), keys.getPublic(),
        new X500Name("CN=" + name), keys, Instant.now().minus(Duration.ofDays(1)),
        Instant.now().plus(Duration.ofDays(10)), true, List.of(), null);
    return new TestCa(name, keys, cert, List.of());
  }

  /** An intermediate CA signed by this one; what it issues carries both in its chain. */
  public TestCa intermediate(String childName) {
    KeyPair k = keyPair(KeyType.RSA);
    X509Certificate cert = sign(new X500Name("CN=" + childName), k.getPublic(),
        new X500Name("CN=" + name), keys, Instant.now().minus(Duration.ofDays(1)),
        Instant.now().plus(Duration.ofDays(10)), true, List.of(), null);
    List<X509Certificate> above = new ArrayList<>();
    above.add(cert);
    above.addAll(chainAbove);
    return new TestCa(childName, k, cert, List.copyOf(above));
  }

  /** This CA's certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** Writes this CA's certificate as PEM: the trust anchor file. */
  public Path writeCertificate(Path file) {
    return write(file, pem(certificate));
  }

  /** A server certificate for {@code localhost} and {@code 127.0.0.1}, RSA, valid now. */
  public Issued server() {
    return server(KeyType.RSA, "localhost", "127.0.0.1");
  }

  /** A server certificate with a key of {@code type} for the DNS names and IP addresses given. */
  public Issued server(KeyType type, String... names) {
    return issue(names[0], type, List.of(names), KeyPurposeId.id_kp_serverAuth,
        Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(5)));
  }

  /** A client certificate with subject {@code CN=cn}, RSA, valid now. */
  public Issued client(String cn) {
    return client(cn, KeyType.RSA);
  }

  /** A client certificate with a key of {@code type}. */
  public Issued client(String cn, KeyType type) {
    return issue(cn, type, List.of(), KeyPurposeId.id_kp_clientAuth,
        Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(5)));
  }

  /** A server certificate for localhost that expired yesterday. */
  public Issued expiredServer() {
    return issue("localhost", KeyType.RSA, List.of("localhost", "127.0.0.1"),
        KeyPurposeId.id_kp_serverAuth, Instant.now().minus(Duration.ofDays(3)),
        Instant.now().minus(Duration.ofDays(1)));
  }

  /** A server certificate for localhost valid from {@code notBefore} to {@code notAfter}. */
  public Issued server(Instant notBefore, Instant notAfter) {
    return issue("localhost", KeyType.RSA, List.of("localhost", "127.0.0.1"),
        KeyPurposeId.id_kp_serverAuth, notBefore, notAfter);
  }

  private Issued issue(String cn, KeyType type, List<String> names, KeyPurposeId purpose,
      Instant notBefore, Instant notAfter) {
    KeyPair k = keyPair(type);
    X509Certificate cert = sign(new X500Name("CN=" + cn), k.getPublic(),
        new X500Name("CN=" + name), keys, notBefore, notAfter, false, names, purpose);
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(cert);
    chain.addAll(chainAbove);
    return new Issued(cert, k.getPrivate(), List.copyOf(chain));
  }

  private static X509Certificate sign(X500Name subject, java.security.PublicKey subjectKey,
      X500Name issuer, KeyPair issuerKeys, Instant notBefore, Instant notAfter, boolean ca,
      List<String> names, KeyPurposeId purpose) {
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
          BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore),
          Date.from(notAfter), subject, subjectKey);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      b.addExtension(Extension.subjectKeyIdentifier, false,
          ext.createSubjectKeyIdentifier(subjectKey));
      b.addExtension(Extension.authorityKeyIdentifier, false,
          ext.createAuthorityKeyIdentifier(issuerKeys.getPublic()));
      if (ca) {
        b.addExtension(Extension.keyUsage, true,
            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        b.addExtension(Extension.keyUsage, true,
            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      }
      if (!names.isEmpty()) {
        GeneralName[] gn = names.stream().map(n -> new GeneralName(
            n.matches("[0-9.]+|.*:.*") ? GeneralName.iPAddress : GeneralName.dNSName, n))
            .toArray(GeneralName[]::new);
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(gn));
      }
      String alg = issuerKeys.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA"
          : "SHA256withRSA";
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder(alg).build(issuerKeys.getPrivate())));
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot make a test certificate", e);
    }
  }

  private static KeyPair keyPair(KeyType type) {
    try {
      if (type == KeyType.EC) {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
      }
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(Object... objects) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      for (Object o : objects) {
        w.writeObject(o);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  static Path write(Path file, String text) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, text);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
