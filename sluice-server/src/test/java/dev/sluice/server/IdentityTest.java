package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Client identity over real HTTP: API key, then user id, then IP; trusted proxies only. */
class IdentityTest {
  @TempDir
  static Path dir;
  static TestServer s;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir, """
        rules: {reload-interval: 50ms}
        identity:
          trusted-proxies: [10.0.0.0/8, "2001:db8::/32"]
        """, """
        rules:
          - id: all
            limits: [{window: 1h, max: 1000}]
        """);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  static String client(String body) {
    return s.check(body).json().get("client").asText();
  }

  @Test
  void apiKeyBeatsUserBeatsIp_andApiKeysAreNeverEchoed() {
    String viaProxy = "\"client_ip\":\"10.1.2.3\"";
    assertThat(client("{\"path\":\"/x\"," + viaProxy + ",\"headers\":{\"X-API-Key\":\"k-123\","
        + "\"X-User-Id\":\"alice\"}}")).startsWith("key:sha256:").doesNotContain("k-123");
    assertThat(client("{\"path\":\"/x\"," + viaProxy + ",\"headers\":{\"X-User-Id\":\"alice\"}}"))
        .isEqualTo("user:alice");
    assertThat(client("{\"path\":\"/x\"," + viaProxy + "}")).isEqualTo("ip:10.1.2.3");
    assertThat(client("{\"path\":\"/x\",\"client_ip\":\"10.1.2.3\",\"user_id\":\"bob\"}"))
        .isEqualTo("user:bob");
  }

  @Test
  void userHeader_fromAnUntrustedPeer_isIgnored() {
    assertThat(client("{\"path\":\"/x\",\"client_ip\":\"198.51.100.7\","
        + "\"headers\":{\"X-User-Id\":\"admin\"}}")).isEqualTo("ip:198.51.100.7");
  }

  @Test
  void forwardedFor_fromAnUntrustedPeer_isIgnored() {
    assertThat(client("{\"path\":\"/x\",\"client_ip\":\"198.51.100.7\","
        + "\"headers\":{\"X-Forwarded-For\":\"1.2.3.4\"}}")).isEqualTo("ip:198.51.100.7");
    // The socket of this very request (loopback) is not trusted either.
    assertThat(client("{\"path\":\"/x\",\"headers\":{\"X-Forwarded-For\":\"1.2.3.4\"}}"))
        .isEqualTo("ip:127.0.0.1");
  }

  @Test
  void forwardedFor_fromATrustedProxy_givesTheFirstUntrustedHop() {
    assertThat(client("{\"path\":\"/x\",\"client_ip\":\"10.0.0.1\","
        + "\"headers\":{\"X-Forwarded-For\":\"203.0.113.9\"}}")).isEqualTo("ip:203.0.113.9");
    // A client that forges an entry in front only moves the part beyond its own address.
    assertThat(client("{\"path\":\"/x\",\"client_ip\":\"10.0.0.1\","
        + "\"headers\":{\"X-Forwarded-For\":\"6.6.6.6, 203.0.113.9, 10.9.9.9\"}}"))
        .isEqualTo("ip:203.0.113.9");
    assertThat(client("{\"path\":\"/x\",\"client_ip\":\"10.0.0.1\","
        + "\"headers\":{\"X-Forwarded-For\":\"garbage\"}}")).isEqualTo("ip:10.0.0.1");
  }

  @Test
  void forwardedHeader_rfc7239_isHonouredFromTrustedProxies() {
    assertThat(client("{\"path\":\"/x\",\"client_ip\":\"10.0.0.1\",\"headers\":{\"Forwarded\":"
        + "\"for=192.0.2.60;proto=http;by=203.0.113.43\"}}")).isEqualTo("ip:192.0.2.60");
    assertThat(client("{\"path\":\"/x\",\"client_ip\":\"2001:db8::1\",\"headers\":{"
        + "\"Forwarded\":\"for=\\\"[2001:db8:cafe::17]:4711\\\", for=198.51.100.17\"}}"))
        .isEqualTo("ip:198.51.100.17");
  }

  @Test
  void identity_sharesLimits_perIdentifiedClient() {
    // The same client behind a trusted proxy, seen through two different proxies.
    String a = "{\"path\":\"/x\",\"client_ip\":\"10.0.0.1\","
        + "\"headers\":{\"X-Forwarded-For\":\"203.0.113.77\"}}";
    String b = "{\"path\":\"/x\",\"client_ip\":\"10.0.0.2\","
        + "\"headers\":{\"X-Forwarded-For\":\"203.0.113.77\"}}";
    long r1 = s.check(a).json().get("remaining").asLong();
    long r2 = s.check(b).json().get("remaining").asLong();
    assertThat(r2).isEqualTo(r1 - 1);
  }
}
