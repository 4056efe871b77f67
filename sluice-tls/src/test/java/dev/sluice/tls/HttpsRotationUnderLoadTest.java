package dev.sluice.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.sluice.testkit.TestCa;
import dev.sluice.testkit.TestCa.Issued;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDK's HTTPS server over a {@link TlsContext} and the JDK's HTTP client: certificates
 * rotated twice while clients send requests on new connections, and no request fails.
 */
class HttpsRotationUnderLoadTest {
  @TempDir Path dir;

  @Test
  void rotationUnderLoad_losesNoRequest() throws Exception {
    TestCa ca = TestCa.create("sluice-https-root");
    Issued first = ca.server();
    Path cert = first.writeChain(dir.resolve("tls.crt"));
    Path key = first.writeKeyPkcs8(dir.resolve("tls.key"));
    try (TlsContext tls = TlsContext.open(TlsSettings.server("server.tls", cert, key)
            .withReloadInterval(Duration.ofMillis(200)));
        TlsContext trust = TlsContext.open(TlsSettings.client("test.tls",
            ca.writeCertificate(dir.resolve("ca.crt"))))) {
      HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
      server.setHttpsConfigurator(new HttpsConfigurator(tls.sslContext()) {
        @Override
        public void configure(HttpsParameters params) {
          params.setSSLParameters(tls.sslParameters());
        }
      });
      server.createContext("/", exchange -> {
        SSLSession session = ((com.sun.net.httpserver.HttpsExchange) exchange).getSSLSession();
        byte[] body = ((X509Certificate) session.getLocalCertificates()[0]).getSerialNumber()
            .toString().getBytes(StandardCharsets.US_ASCII);
        // a new connection (and handshake) for every request
        exchange.getResponseHeaders().set("Connection", "close");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
      });
      server.setExecutor(Executors.newFixedThreadPool(4));
      server.start();
      URI uri = URI.create("https://localhost:" + server.getAddress().getPort() + "/");
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicLong ok = new AtomicLong();
      List<String> failures = new CopyOnWriteArrayList<>();
      List<String> serials = new CopyOnWriteArrayList<>();
      List<Thread> clients = new java.util.ArrayList<>();
      for (int t = 0; t < 3; t++) {
        Thread th = new Thread(() -> {
          HttpClient http = HttpClient.newBuilder().sslContext(trust.sslContext())
              .sslParameters(trust.sslParameters()).connectTimeout(Duration.ofSeconds(5))
              .build();
          while (running.get()) {
            try {
              HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).build(),
                  HttpResponse.BodyHandlers.ofString());
              if (r.statusCode() == 200) {
                ok.incrementAndGet();
                if (!serials.contains(r.body())) {
                  serials.add(r.body());
                }
              } else {
                failures.add("status " + r.statusCode());
              }
            } catch (Exception e) {
              failures.add(e.toString());
            }
          }
        });
        th.start();
        clients.add(th);
      }
      try {
        await().atMost(Duration.ofSeconds(20)).until(() -> ok.get() > 20);
        for (int round = 0; round < 2; round++) {
          Issued next = ca.server();
          Path staging = Files.createTempDirectory(dir, "next");
          Files.move(next.writeKeyPkcs8(staging.resolve("k")), key,
              StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          Files.move(next.writeChain(staging.resolve("c")), cert,
              StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          String want = next.certificate().getSerialNumber().toString();
          await().atMost(Duration.ofSeconds(20)).until(() -> serials.contains(want));
        }
      } finally {
        running.set(false);
        for (Thread th : clients) {
          th.join(10_000);
        }
        server.stop(0);
      }
      assertThat(failures).isEmpty();
      assertThat(serials).hasSize(3);
      assertThat(tls.reloadSuccesses()).isEqualTo(2);
    }
  }
}
