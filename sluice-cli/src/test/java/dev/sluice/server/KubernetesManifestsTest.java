package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sluice.rules.RuleSetCodec;
import dev.sluice.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/kubernetes/} read as Kubernetes would (no cluster runs here): every file parses,
 * the kustomization lists them all, the ports, probes, labels and mounts agree with each other
 * and with the server's defaults and the image, and the ConfigMap holds a configuration this
 * server accepts with rules it accepts.
 */
class KubernetesManifestsTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  /** The server's default drain timeout (server.drain-timeout). */
  private static final int DRAIN_SECONDS = 10;

  private static Path dir;
  private static Map<String, JsonNode> byKind = new HashMap<>();

  @BeforeAll
  static void read() throws Exception {
    dir = ExternalTools.deploy().resolve("kubernetes");
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        JsonNode doc = YAML.readTree(f.toFile());
        assertThat(doc.path("kind").asText()).as(f.toString()).isNotEmpty();
        assertThat(byKind.put(doc.get("kind").asText(), doc)).as("one %s", f).isNull();
      }
    }
  }

  @Test
  void kustomizationListsEveryManifest() throws Exception {
    List<String> listed = new ArrayList<>();
    byKind.get("Kustomization").get("resources").forEach(r -> listed.add(r.asText()));
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(listed).containsExactlyInAnyOrderElementsOf(files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).toList());
    }
    assertThat(byKind.keySet()).contains("Deployment", "Service", "ConfigMap",
        "PodDisruptionBudget");
  }

  @Test
  void deploymentProbesPortsSecurityAndShutdown() throws Exception {
    JsonNode deployment = byKind.get("Deployment");
    JsonNode pod = deployment.at("/spec/template/spec");
    JsonNode labels = deployment.at("/spec/template/metadata/labels");
    assertThat(deployment.at("/spec/selector/matchLabels")).isEqualTo(labels);
    assertThat(byKind.get("Service").at("/spec/selector")).isEqualTo(labels);
    assertThat(byKind.get("PodDisruptionBudget").at("/spec/selector/matchLabels"))
        .isEqualTo(labels);

    JsonNode c = pod.get("containers").get(0);
    Map<String, Integer> ports = new HashMap<>();
    c.get("ports").forEach(p -> ports.put(p.get("name").asText(), p.get("containerPort").asInt()));
    assertThat(ports).isEqualTo(Map.of("http", 8080, "grpc", 8081));
    byKind.get("Service").get("spec").get("ports").forEach(p ->
        assertThat(ports).containsKey(p.get("targetPort").asText()));

    for (String probe : List.of("startupProbe", "livenessProbe")) {
      assertThat(c.at("/" + probe + "/httpGet/path").asText()).isEqualTo("/healthz");
      assertThat(c.at("/" + probe + "/httpGet/port").asText()).isEqualTo("http");
    }
    assertThat(c.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
    assertThat(c.at("/readinessProbe/httpGet/port").asText()).isEqualTo("http");
    assertThat(c.at("/resources/requests/memory").asText()).isNotEmpty();
    assertThat(c.at("/resources/limits/memory").asText()).isNotEmpty();

    // The image's user, not root; a read-only root with every written directory mounted.
    String user = Files.readAllLines(ExternalTools.deploy().resolve("image/Containerfile"))
        .stream().filter(l -> l.startsWith("USER ")).findFirst().orElseThrow().substring(5);
    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.at("/securityContext/runAsUser").asText() + ":"
        + pod.at("/securityContext/runAsGroup").asText()).isEqualTo(user);
    assertThat(c.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(c.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();
    Map<String, String> mounts = new HashMap<>();
    c.get("volumeMounts").forEach(m -> mounts.put(m.get("mountPath").asText(),
        m.get("name").asText()));
    Map<String, JsonNode> volumes = new HashMap<>();
    pod.get("volumes").forEach(v -> volumes.put(v.get("name").asText(), v));
    for (String writable : List.of("/tmp", "/var/lib/sluice")) {
      assertThat(volumes.get(mounts.get(writable)).has("emptyDir")).as(writable).isTrue();
    }
    assertThat(volumes.get(mounts.get("/etc/sluice")).at("/configMap/name").asText())
        .isEqualTo(byKind.get("ConfigMap").at("/metadata/name").asText());
    assertThat(volumes.get(mounts.get("/etc/sluice-tls")).at("/secret/secretName").asText())
        .isNotEmpty();
    List<String> env = new ArrayList<>();
    c.get("env").forEach(e -> env.add(e.get("name").asText() + "="
        + e.at("/valueFrom/secretKeyRef/name").asText(e.path("value").asText())));
    assertThat(env).contains("SLUICE_ADMIN_TOKEN=sluice-admin", "SLUICE_STATE_DIR=/var/lib/sluice");

    // SIGTERM comes after preStop; both fit in the grace period, with room for the JVM to end.
    int preStop = c.at("/lifecycle/preStop/sleep/seconds").asInt();
    assertThat(pod.get("terminationGracePeriodSeconds").asInt())
        .isGreaterThanOrEqualTo(preStop + DRAIN_SECONDS + 5);
  }

  @Test
  void configMapIsAConfigurationThisServerAccepts(@TempDir Path etc) throws Exception {
    JsonNode data = byKind.get("ConfigMap").get("data");
    JsonNode volume = null;
    for (JsonNode v : byKind.get("Deployment").at("/spec/template/spec/volumes")) {
      if (v.has("configMap")) {
        volume = v;
      }
    }
    // Laid out as the Deployment's items mount it.
    List<String> keys = new ArrayList<>();
    data.fieldNames().forEachRemaining(keys::add);
    List<String> mounted = new ArrayList<>();
    for (JsonNode item : volume.at("/configMap/items")) {
      Path file = etc.resolve(item.get("path").asText());
      Files.createDirectories(file.getParent());
      Files.writeString(file, data.get(item.get("key").asText()).asText());
      mounted.add(item.get("key").asText());
    }
    assertThat(mounted).containsExactlyInAnyOrderElementsOf(keys);

    ServerConfig cfg = ServerConfig.load(etc.resolve("sluice.yaml"), Map.of(
        "SLUICE_ADMIN_TOKEN", "0123456789abcdef0123456789abcdef",
        "SLUICE_STATE_DIR", etc.resolve("state").toString())::get);
    assertThat(cfg.port()).isEqualTo(8080);
    assertThat(cfg.host()).isEqualTo("0.0.0.0");
    assertThat(cfg.adminToken()).isNotNull();
    JsonNode sluice = YAML.readTree(data.get("sluice.yaml").asText());
    assertThat(sluice.at("/rls/port").asInt()).isEqualTo(8081);
    assertThat(Files.isDirectory(etc.resolve(sluice.at("/rls/config-dir").asText()))).isTrue();

    assertThat(RuleSetCodec.parse(YAML.readTree(data.get("rules.yaml").asText()), 1000))
        .isInstanceOf(RuleSetCodec.Valid.class);
    // The RLS file is the shipped example, which ShippedConfigTest serves.
    assertThat(data.get("envoy-messaging.yaml").asText()).isEqualTo(Files.readString(
        ExternalTools.deploy().getParent().resolve("config/envoy/messaging.yaml")));
  }
}
