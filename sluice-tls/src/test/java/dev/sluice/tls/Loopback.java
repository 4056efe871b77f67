package dev.sluice.tls;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A TLS echo server on a loopback port over a {@link TlsContext}, and a client that connects
 * to it: real handshakes through the JDK's SSLServerSocket and SSLSocket.
 */
final class Loopback implements AutoCloseable {
  final SSLServerSocket server;
  final List<Socket> accepted = new CopyOnWriteArrayList<>();
  final List<String> clientSubjects = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  Loopback(TlsContext ctx) throws IOException {
    server = (SSLServerSocket) ctx.sslContext().getServerSocketFactory()
        .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    server.setSSLParameters(ctx.sslParameters());
    acceptor = new Thread(this::acceptLoop, "loopback-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        SSLSocket s = (SSLSocket) server.accept();
        accepted.add(s);
        Thread t = new Thread(() -> echo(s), "loopback-echo");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void echo(SSLSocket s) {
    try (s) {
      s.startHandshake();
      try {
        clientSubjects.add(((X509Certificate) s.getSession().getPeerCertificates()[0])
            .getSubjectX500Principal().getName());
      } catch (javax.net.ssl.SSLPeerUnverifiedException none) {
        clientSubjects.add("");
      }
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
          StandardCharsets.UTF_8));
      OutputStream out = s.getOutputStream();
      String line;
      while ((line = in.readLine()) != null) {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (IOException e) {
      // the client went away or the handshake failed: the test looks at the client's side
    }
  }

  /** A client socket, handshake done, to this server through {@code client}. */
  SSLSocket connect(TlsContext client) throws IOException {
    return connect(client, "localhost", null);
  }

  /** A client socket with {@code sni} as the SNI name (null: the host's). */
  SSLSocket connect(TlsContext client, String host, String sni) throws IOException {
    // a fresh SSLContext per connection: no session resumed, so each handshake picks a certificate
    SSLContext fresh;
    try {
      fresh = SSLContext.getInstance("TLS");
      fresh.init(new KeyManager[] {client.keyManager()},
          new TrustManager[] {client.trustManager()}, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    SSLSocket s = (SSLSocket) fresh.getSocketFactory().createSocket(host, port());
    s.setSoTimeout(10_000);
    SSLParameters p = client.sslParameters();
    if (sni != null) {
      p.setServerNames(List.of(new SNIHostName(sni)));
      // the JDK checks the connected host (localhost), not the SNI name: the test compares the
      // certificate it was served instead
      p.setEndpointIdentificationAlgorithm(null);
    }
    s.setSSLParameters(p);
    s.startHandshake();
    return s;
  }

  /** The serial number of the certificate a new connection is served. */
  BigInteger servedSerial(TlsContext client) throws IOException {
    try (SSLSocket s = connect(client)) {
      return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }

  /** Sends a line and reads the echo. */
  static String roundTrip(SSLSocket s, String line) throws IOException {
    s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
    s.getOutputStream().flush();
    return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
        .readLine();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : accepted) {
      s.close();
    }
  }
}
