package dev.sluice.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.RedisProcess;
import dev.sluice.testkit.RedisServers;
import dev.sluice.testkit.TestCa;
import dev.sluice.testkit.TestCa.Issued;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * This module's link side against servers that are not Java: redis-server built with OpenSSL,
 * started by the test kit with {@code --tls-port}, with and without client certificates.
 */
class ExternalServersTlsTest {
  static TestCa ca;
  @TempDir Path dir;

  @BeforeAll
  static void makeCa() {
    ca = TestCa.create("sluice-redis-root");
  }

  private static String ping(TlsContext client, int port) throws IOException {
    try (SSLSocket s = (SSLSocket) client.sslContext().getSocketFactory()
        .createSocket("localhost", port)) {
      s.setSoTimeout(10_000);
      s.setSSLParameters(client.sslParameters());
      s.getOutputStream().write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) != -1 && c != '\n') {
        line.append((char) c);
      }
      return line.toString().trim();
    }
  }

  @Test
  void redisServer_withTls_answersAClientThatTrustsItsCa() throws Exception {
    Issued server = ca.server();
    try (RedisProcess redis = RedisServers.standaloneTls(
            server.writeChain(dir.resolve("redis.crt")),
            server.writeKeyTraditional(dir.resolve("redis.key")),
            ca.writeCertificate(dir.resolve("ca.crt")), false);
        TlsContext client = TlsContext.open(TlsSettings.client("engine.tls",
            dir.resolve("ca.crt")))) {
      assertThat(redis.tlsUri()).isEqualTo("rediss://127.0.0.1:" + redis.tlsPort());
      assertThat(ping(client, redis.tlsPort())).isEqualTo("+PONG");
    }
  }

  @Test
  void redisServer_requiringClientCertificates_refusesClientsWithout() throws Exception {
    Issued server = ca.server(TestCa.KeyType.EC, "localhost", "127.0.0.1");
    Issued me = ca.client("sluice");
    try (RedisProcess redis = RedisServers.standaloneTls(
            server.writeChain(dir.resolve("redis.crt")),
            server.writeKeyPkcs8(dir.resolve("redis.key")),
            ca.writeCertificate(dir.resolve("ca.crt")), true);
        TlsContext anonymous = TlsContext.open(TlsSettings.client("engine.tls",
            dir.resolve("ca.crt")));
        TlsContext named = TlsContext.open(TlsSettings.client("engine.tls", dir.resolve("ca.crt"))
            .withCertificates(List.of(TlsSettings.CertificateFiles.of("engine.tls",
                me.writeChain(dir.resolve("me.crt")),
                me.writeKeyTraditional(dir.resolve("me.key"))))))) {
      assertThat(ping(named, redis.tlsPort())).isEqualTo("+PONG");
      assertThatThrownBy(() -> {
        String answer = ping(anonymous, redis.tlsPort());
        // TLS 1.3: the refusal may come as a closed stream rather than an exception
        if (answer.isEmpty()) {
          throw new IOException("closed");
        }
      }).isInstanceOf(IOException.class);
    }
  }
}
