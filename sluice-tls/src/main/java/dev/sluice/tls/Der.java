package dev.sluice.tls;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The little DER (ASN.1) reading and writing that PEM keys need: walking a SEQUENCE, reading an
 * OBJECT IDENTIFIER, and wrapping PKCS#1 and SEC1 keys into the PKCS#8 form the JDK's
 * {@link java.security.KeyFactory} reads. Definite lengths only, as DER requires.
 *
 * <p>Not thread-safe: a reader is used by one thread.
 */
final class Der {
  static final int INTEGER = 0x02;
  static final int BIT_STRING = 0x03;
  static final int OCTET_STRING = 0x04;
  static final int NULL = 0x05;
  static final int OID = 0x06;
  static final int SEQUENCE = 0x30;
  /** {@code [0]} constructed, context-specific: SEC1's curve parameters. */
  static final int CONTEXT_0 = 0xA0;

  static final String RSA = "1.2.840.113549.1.1.1";
  static final String RSA_PSS = "1.2.840.113549.1.1.10";
  static final String EC = "1.2.840.10045.2.1";
  static final String ED25519 = "1.3.101.112";
  static final String ED448 = "1.3.101.113";

  /** One element: its tag and the bounds of its value in {@code bytes}. */
  record Element(int tag, byte[] bytes, int start, int end, int valueStart) {
    byte[] value() {
      return Arrays.copyOfRange(bytes, valueStart, end);
    }

    /** The whole element, tag and length included. */
    byte[] encoded() {
      return Arrays.copyOfRange(bytes, start, end);
    }

    Der contents() {
      return new Der(bytes, valueStart, end);
    }
  }

  private final byte[] bytes;
  private int pos;
  private final int limit;

  private Der(byte[] bytes, int pos, int limit) {
    this.bytes = bytes;
    this.pos = pos;
    this.limit = limit;
  }

  static Der of(byte[] bytes) {
    return new Der(bytes, 0, bytes.length);
  }

  boolean hasMore() {
    return pos < limit;
  }

  /**
   * The next element.
   *
   * @throws IllegalArgumentException if the bytes are not DER
   */
  Element next() {
    if (pos + 2 > limit) {
      throw new IllegalArgumentException("truncated DER");
    }
    int start = pos;
    int tag = bytes[pos++] & 0xFF;
    int len = bytes[pos++] & 0xFF;
    if (len > 0x7F) {
      int n = len & 0x7F;
      if (n == 0 || n > 4 || pos + n > limit) {
        throw new IllegalArgumentException("bad DER length");
      }
      len = 0;
      for (int i = 0; i < n; i++) {
        len = (len << 8) | (bytes[pos++] & 0xFF);
      }
      if (len < 0) {
        throw new IllegalArgumentException("bad DER length");
      }
    }
    int valueStart = pos;
    if (len > limit - pos) {
      throw new IllegalArgumentException("truncated DER");
    }
    pos += len;
    return new Element(tag, bytes, start, pos, valueStart);
  }

  /** The next element, which must have tag {@code tag}. */
  Element expect(int tag) {
    Element e = next();
    if (e.tag() != tag) {
      throw new IllegalArgumentException(String.format("DER tag 0x%02X where 0x%02X belongs",
          e.tag(), tag));
    }
    return e;
  }

  /** The dotted form of an OBJECT IDENTIFIER's value. */
  static String oid(byte[] v) {
    if (v.length == 0) {
      throw new IllegalArgumentException("empty OID");
    }
    StringBuilder sb = new StringBuilder();
    int first = v[0] & 0xFF;
    sb.append(Math.min(first / 40, 2)).append('.').append(first - 40 * Math.min(first / 40, 2));
    long acc = 0;
    for (int i = 1; i < v.length; i++) {
      acc = (acc << 7) | (v[i] & 0x7F);
      if ((v[i] & 0x80) == 0) {
        sb.append('.').append(acc);
        acc = 0;
      }
    }
    return sb.toString();
  }

  /** The DER encoding of an OBJECT IDENTIFIER given in dotted form. */
  static byte[] oidEncoded(String dotted) {
    String[] parts = dotted.split("\\.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(Integer.parseInt(parts[0]) * 40 + Integer.parseInt(parts[1]));
    for (int i = 2; i < parts.length; i++) {
      long n = Long.parseLong(parts[i]);
      int groups = Math.max(1, (64 - Long.numberOfLeadingZeros(n) + 6) / 7);
      for (int g = groups - 1; g >= 0; g--) {
        int b = (int) ((n >>> (7 * g)) & 0x7F);
        out.write(g == 0 ? b : b | 0x80);
      }
    }
    return tlv(OID, out.toByteArray());
  }

  /** One element from a tag and the concatenation of {@code parts}. */
  static byte[] tlv(int tag, byte[]... parts) {
    ByteArrayOutputStream value = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      value.writeBytes(p);
    }
    int len = value.size();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    if (len < 0x80) {
      out.write(len);
    } else {
      int n = (32 - Integer.numberOfLeadingZeros(len) + 7) / 8;
      out.write(0x80 | n);
      for (int i = n - 1; i >= 0; i--) {
        out.write((len >>> (8 * i)) & 0xFF);
      }
    }
    out.writeBytes(value.toByteArray());
    return out.toByteArray();
  }

  /** PKCS#8 PrivateKeyInfo around a key of {@code algorithm} (its AlgorithmIdentifier). */
  static byte[] pkcs8(byte[] algorithmIdentifier, byte[] privateKey) {
    return tlv(SEQUENCE, tlv(INTEGER, new byte[] {0}), algorithmIdentifier,
        tlv(OCTET_STRING, privateKey));
  }

  /** PKCS#8 around a PKCS#1 {@code RSAPrivateKey}. */
  static byte[] pkcs8FromPkcs1(byte[] rsaPrivateKey) {
    return pkcs8(tlv(SEQUENCE, oidEncoded(RSA), tlv(NULL)), rsaPrivateKey);
  }

  /**
   * PKCS#8 around a SEC1 {@code ECPrivateKey}, whose {@code [0]} parameters name the curve.
   *
   * @throws IllegalArgumentException if the key names no curve
   */
  static byte[] pkcs8FromSec1(byte[] ecPrivateKey) {
    Der seq = of(ecPrivateKey).expect(SEQUENCE).contents();
    seq.expect(INTEGER);
    seq.expect(OCTET_STRING);
    byte[] curve = null;
    while (seq.hasMore()) {
      Element e = seq.next();
      if (e.tag() == CONTEXT_0) {
        curve = e.contents().expect(OID).encoded();
      }
    }
    if (curve == null) {
      throw new IllegalArgumentException("the EC key names no curve");
    }
    return pkcs8(tlv(SEQUENCE, oidEncoded(EC), curve), ecPrivateKey);
  }

  /** The dotted algorithm OID of a PKCS#8 PrivateKeyInfo. */
  static String pkcs8Algorithm(byte[] privateKeyInfo) {
    Der seq = of(privateKeyInfo).expect(SEQUENCE).contents();
    seq.expect(INTEGER);
    Der alg = seq.expect(SEQUENCE).contents();
    return oid(alg.expect(OID).value());
  }
}
