package dev.sluice.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis Cluster of {@code masters} masters with one replica each, built by the harness
 * itself (CLUSTER MEET, ADDSLOTS, REPLICATE: no redis-cli needed). Node timeout 1 s, so a killed
 * master's replica is promoted within a few seconds; full coverage is not required, so the other
 * masters keep serving meanwhile.
 *
 * <p>{@link #startTls} starts the nodes with {@code tls-cluster} and {@code tls-replication}: the
 * bus, replication and the addresses in CLUSTER SLOTS and NODES are the TLS ports; the plaintext
 * ports stay open for the harness's own checks.
 */
public final class RedisCluster implements AutoCloseable {
  private final List<RedisProcess> masters = new ArrayList<>();
  private final List<RedisProcess> replicas = new ArrayList<>();

  private RedisCluster() {}

  /** Starts and joins the nodes, and waits until the cluster is ok with replicas in sync. */
  public static RedisCluster start(int masterCount) {
    return start(masterCount, null, null, null, List.of());
  }

  /**
   * {@link #start(int)} with TLS between the nodes and to clients: every node serves the PEM
   * chain {@code cert} with {@code key} and trusts {@code ca}; no client certificate is required
   * from clients. The cluster bus always requires one, so the nodes present {@code clientCert}
   * and {@code clientKey} (a certificate for client authentication) to each other.
   */
  public static RedisCluster startTls(int masterCount, Path cert, Path key, Path ca,
      Path clientCert, Path clientKey) {
    return start(masterCount, cert, key, ca, List.of("--tls-client-cert-file",
        clientCert.toAbsolutePath().toString(), "--tls-client-key-file",
        clientKey.toAbsolutePath().toString()));
  }

  private static RedisCluster start(int masterCount, Path cert, Path key, Path ca,
      List<String> clientArgs) {
    RedisCluster c = new RedisCluster();
    try {
      for (int i = 0; i < masterCount * 2; i++) {
        List<String> args = new ArrayList<>(List.of("--cluster-enabled", "yes",
            "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "1000",
            "--cluster-require-full-coverage", "no", "--appendonly", "no"));
        RedisProcess p;
        if (cert == null) {
          p = RedisServers.start(RedisServers.freePort(true), args);
        } else {
          // the bus listens on the TLS port + 10000
          int tlsPort = RedisServers.freePort(true);
          int port;
          do {
            port = RedisServers.freePort(false);
          } while (port == tlsPort || port == tlsPort + 10_000);
          args.addAll(RedisServers.tlsArgs(tlsPort, cert, key, ca, false));
          args.addAll(List.of("--tls-cluster", "yes", "--tls-replication", "yes"));
          args.addAll(clientArgs);
          p = RedisServers.start(port, tlsPort, args);
        }
        (i < masterCount ? c.masters : c.replicas).add(p);
      }
      c.form();
      return c;
    } catch (RuntimeException | IOException e) {
      String log = c.nodes().isEmpty() ? "" : ": " + c.nodes().get(0).log();
      c.close();
      throw new IllegalStateException("cannot form the cluster" + log, e);
    }
  }

  private void form() throws IOException {
    List<RedisProcess> all = nodes();
    RedisProcess first = all.get(0);
    for (RedisProcess p : all.subList(1, all.size())) {
      first.call("CLUSTER", "MEET", "127.0.0.1", Integer.toString(clientPort(p)));
    }
    int per = 16384 / masters.size();
    for (int i = 0; i < masters.size(); i++) {
      int from = i * per;
      int to = i == masters.size() - 1 ? 16383 : from + per - 1;
      List<String> cmd = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
      for (int s = from; s <= to; s++) {
        cmd.add(Integer.toString(s));
      }
      masters.get(i).call(cmd.toArray(String[]::new));
    }
    await("every node knows every other", () -> {
      for (RedisProcess p : all) {
        String nodes = (String) p.call("CLUSTER", "NODES");
        if (nodes.lines().filter(l -> !l.contains("handshake") && !l.contains("noaddr"))
            .count() != all.size()) {
          return false;
        }
      }
      return true;
    });
    for (int i = 0; i < replicas.size(); i++) {
      String masterId = (String) masters.get(i).call("CLUSTER", "MYID");
      replicas.get(i).call("CLUSTER", "REPLICATE", masterId);
    }
    await("cluster ok with replicas in sync", () -> {
      for (RedisProcess p : all) {
        if (!((String) p.call("CLUSTER", "INFO")).contains("cluster_state:ok")) {
          return false;
        }
      }
      for (RedisProcess r : replicas) {
        if (!((String) r.call("INFO", "replication")).contains("master_link_status:up")) {
          return false;
        }
      }
      return true;
    });
  }

  /** Waits until every live node reports cluster_state:ok. */
  public void awaitOk() {
    await("cluster ok", () -> {
      for (RedisProcess p : nodes()) {
        if (p.isAlive() && !((String) p.call("CLUSTER", "INFO")).contains("cluster_state:ok")) {
          return false;
        }
      }
      return true;
    });
  }

  public List<RedisProcess> masters() {
    return masters;
  }

  public List<RedisProcess> replicas() {
    return replicas;
  }

  public List<RedisProcess> nodes() {
    List<RedisProcess> all = new ArrayList<>(masters);
    all.addAll(replicas);
    return all;
  }

  /** Seed URIs for a cluster client. */
  public List<String> seedUris() {
    return nodes().stream().map(RedisProcess::uri).toList();
  }

  /** {@code rediss://} seed URIs of a cluster started by {@link #startTls}. */
  public List<String> tlsSeedUris() {
    return nodes().stream().map(RedisProcess::tlsUri).toList();
  }

  /** The port the cluster knows a node by: its TLS port with {@code tls-cluster}. */
  private static int clientPort(RedisProcess p) {
    return p.tlsPort() != 0 ? p.tlsPort() : p.port();
  }

  /** The master currently serving {@code slot}, by asking a live node. */
  public RedisProcess masterOf(int slot) {
    for (RedisProcess p : nodes()) {
      if (!p.isAlive()) {
        continue;
      }
      @SuppressWarnings("unchecked")
      List<Object> ranges = (List<Object>) p.call("CLUSTER", "SLOTS");
      for (Object o : ranges) {
        List<?> r = (List<?>) o;
        if ((Long) r.get(0) <= slot && slot <= (Long) r.get(1)) {
          long port = (Long) ((List<?>) r.get(2)).get(1);
          return nodes().stream().filter(n -> n.port() == port || n.tlsPort() == port)
              .findFirst().orElseThrow();
        }
      }
    }
    throw new IllegalStateException("no node serves slot " + slot);
  }

  interface Check {
    boolean ok() throws Exception;
  }

  static void await(String what, Check check) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (check.ok()) {
          return;
        }
      } catch (Exception e) {
        last = e;
      }
      RedisProcess.sleep(50);
    }
    throw new IllegalStateException("timed out waiting for: " + what, last);
  }

  @Override
  public void close() {
    for (RedisProcess p : nodes()) {
      p.close();
    }
  }
}
