package dev.sluice.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Reads PEM files with the JDK alone: certificate chains ({@code CERTIFICATE} blocks, leaf
 * first), and private keys as PKCS#8 ({@code PRIVATE KEY}), encrypted PKCS#8
 * ({@code ENCRYPTED PRIVATE KEY}, PBES2 as OpenSSL writes it), PKCS#1 ({@code RSA PRIVATE KEY},
 * as cert-manager writes RSA keys) and SEC1 ({@code EC PRIVATE KEY}). Every failure is a
 * {@link TlsException} naming the configuration key, the file and the reason.
 *
 * <p>Stateless and thread-safe.
 */
final class Pem {
  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

  /** One PEM block: its label and its decoded bytes ({@code headers} as written, if any). */
  record Block(String label, String headers, byte[] der) {}

  private Pem() {}

  /** The bytes of {@code file}, or why they cannot be read. */
  static byte[] read(String key, Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new TlsException(key, file, "no such file");
    } catch (AccessDeniedException e) {
      throw new TlsException(key, file, "cannot be read (permission denied)");
    } catch (IOException e) {
      throw new TlsException(key, file, "cannot be read: " + e.getMessage());
    }
  }

  static List<Block> blocks(String key, Path file, byte[] content) {
    String text = new String(content, StandardCharsets.US_ASCII);
    List<Block> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String body = m.group(2);
      StringBuilder headers = new StringBuilder();
      StringBuilder base64 = new StringBuilder();
      for (String line : body.split("\r?\n")) {
        if (line.contains(":")) {
          headers.append(line.trim()).append('\n');
        } else {
          base64.append(line.trim());
        }
      }
      try {
        out.add(new Block(m.group(1), headers.toString(),
            Base64.getDecoder().decode(base64.toString())));
      } catch (IllegalArgumentException e) {
        throw new TlsException(key, file, "the " + m.group(1) + " block is not valid base64");
      }
    }
    if (out.isEmpty()) {
      throw new TlsException(key, file, "not a PEM file (no -----BEGIN ...----- block)");
    }
    return out;
  }

  /**
   * The certificates of {@code file} in file order (a chain: the leaf first).
   *
   * @throws TlsException if the file cannot be read, holds no certificate or a bad one
   */
  static List<X509Certificate> certificates(String key, Path file) {
    return certificates(key, file, read(key, file));
  }

  static List<X509Certificate> certificates(String key, Path file, byte[] content) {
    List<X509Certificate> out = new ArrayList<>();
    CertificateFactory cf;
    try {
      cf = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
    }
    for (Block b : blocks(key, file, content)) {
      if (!b.label().equals("CERTIFICATE") && !b.label().equals("TRUSTED CERTIFICATE")) {
        continue;
      }
      try {
        out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der())));
      } catch (CertificateException e) {
        throw new TlsException(key, file, "certificate " + (out.size() + 1)
            + " does not parse: " + e.getMessage());
      }
    }
    if (out.isEmpty()) {
      throw new TlsException(key, file, "holds no CERTIFICATE block");
    }
    return out;
  }

  /**
   * The private key of {@code file}; {@code password} decrypts an encrypted PKCS#8 key and is
   * ignored for a plain one.
   *
   * @throws TlsException if the file cannot be read, holds no key, a key of a kind not read
   *     here, or an encrypted key without the right password
   */
  static PrivateKey privateKey(String key, Path file, char[] password) {
    return privateKey(key, file, read(key, file), password);
  }

  static PrivateKey privateKey(String key, Path file, byte[] content, char[] password) {
    for (Block b : blocks(key, file, content)) {
      switch (b.label()) {
        case "PRIVATE KEY":
          return pkcs8(key, file, b.der());
        case "RSA PRIVATE KEY":
          if (b.headers().contains("ENCRYPTED")) {
            throw new TlsException(key, file, "the key is encrypted in OpenSSL's legacy form "
                + "(Proc-Type header), which is not read: convert it with "
                + "'openssl pkcs8 -topk8 -v2 aes-256-cbc' to encrypted PKCS#8");
          }
          return pkcs8(key, file, wrap(key, file, () -> Der.pkcs8FromPkcs1(b.der())));
        case "EC PRIVATE KEY":
          if (b.headers().contains("ENCRYPTED")) {
            throw new TlsException(key, file, "the key is encrypted in OpenSSL's legacy form "
                + "(Proc-Type header), which is not read: convert it with "
                + "'openssl pkcs8 -topk8 -v2 aes-256-cbc' to encrypted PKCS#8");
          }
          return pkcs8(key, file, wrap(key, file, () -> Der.pkcs8FromSec1(b.der())));
        case "ENCRYPTED PRIVATE KEY":
          return pkcs8(key, file, decrypt(key, file, b.der(), password));
        default:
          // EC PARAMETERS and certificates may share the file: skip them
      }
    }
    throw new TlsException(key, file, "holds no private key (PRIVATE KEY, RSA PRIVATE KEY, "
        + "EC PRIVATE KEY or ENCRYPTED PRIVATE KEY block)");
  }

  private static byte[] wrap(String key, Path file, java.util.function.Supplier<byte[]> f) {
    try {
      return f.get();
    } catch (IllegalArgumentException e) {
      throw new TlsException(key, file, "the key does not parse: " + e.getMessage());
    }
  }

  private static byte[] decrypt(String key, Path file, byte[] der, char[] password) {
    if (password == null) {
      throw new TlsException(key, file, "the key is encrypted and no key-password is set");
    }
    EncryptedPrivateKeyInfo info;
    try {
      info = new EncryptedPrivateKeyInfo(der);
    } catch (IOException e) {
      throw new TlsException(key, file, "the encrypted key does not parse: " + e.getMessage());
    }
    // For PBES2 the parameters name the real scheme (PBEWithHmacSHA256AndAES_256); the OID's
    // own name would be the bare PBES2, which no Cipher implements.
    String algorithm = info.getAlgParameters() != null
        ? info.getAlgParameters().toString() : info.getAlgName();
    try {
      SecretKeyFactory factory = SecretKeyFactory.getInstance(algorithm);
      Cipher cipher = Cipher.getInstance(algorithm);
      cipher.init(Cipher.DECRYPT_MODE, factory.generateSecret(new PBEKeySpec(password)),
          info.getAlgParameters());
      return info.getKeySpec(cipher).getEncoded();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new TlsException(key, file, "the key is encrypted with " + algorithm
          + ", which this JDK does not implement (use PBES2 with AES: openssl pkcs8 -topk8 "
          + "-v2 aes-256-cbc)");
    } catch (GeneralSecurityException e) {
      throw new TlsException(key, file, "cannot decrypt the key: wrong key-password");
    }
  }

  private static PrivateKey pkcs8(String key, Path file, byte[] info) {
    String oid;
    try {
      oid = Der.pkcs8Algorithm(info);
    } catch (IllegalArgumentException e) {
      throw new TlsException(key, file, "the key does not parse: " + e.getMessage());
    }
    String algorithm = switch (oid) {
      case Der.RSA -> "RSA";
      case Der.RSA_PSS -> "RSASSA-PSS";
      case Der.EC -> "EC";
      case Der.ED25519 -> "Ed25519";
      case Der.ED448 -> "Ed448";
      default -> throw new TlsException(key, file, "a key of algorithm " + oid
          + ", which is not one of RSA, EC, Ed25519, Ed448");
    };
    try {
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(info));
    } catch (GeneralSecurityException e) {
      throw new TlsException(key, file, "the " + algorithm + " key does not parse: "
          + e.getMessage());
    }
  }
}
