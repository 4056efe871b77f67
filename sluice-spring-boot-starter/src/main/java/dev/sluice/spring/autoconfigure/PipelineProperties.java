package dev.sluice.spring.autoconfigure;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.rules.config.ConfigNode;
import dev.sluice.rules.config.PipelineConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.util.ResourceUtils;

/**
 * Turns the {@code sluice.*} properties into the document the service reads from its
 * {@code sluice.yaml}, and reads it with {@link PipelineConfig}: one reader, so a key means the
 * same in both places and a bad value is refused with the same reason, named here by its
 * property ({@code sluice.engine.type}).
 */
final class PipelineProperties {
  private static final Set<String> SECTIONS = Set.of("engine", "rules", "identity");
  /** Keys that hold lists: a comma-separated value is split, as Spring does for lists. */
  private static final Set<String> LISTS = Set.of("identity.trusted-proxies", "engine.nodes");
  private static final Pattern INDEXED = Pattern.compile("(.*)\\[(\\d+)]");

  private PipelineProperties() {}

  /**
   * The pipeline configuration of {@code env}'s {@code sluice.*} properties.
   *
   * @throws IllegalStateException naming every bad property and why
   */
  static PipelineConfig read(Environment env) {
    Map<String, String> flat = new TreeMap<>(Binder.get(env)
        .bind("sluice", Bindable.mapOf(String.class, String.class)).orElse(Map.of()));
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, String> e : flat.entrySet()) {
      String key = e.getKey();
      int dot = key.indexOf('.');
      if (dot < 0 || !SECTIONS.contains(key.substring(0, dot))) {
        continue;
      }
      String value = e.getValue();
      if (key.equals("rules.file") && value != null) {
        value = rulesFile(value);
      }
      put(root, key, value);
    }
    List<String> problems = new ArrayList<>();
    ConfigNode top = ConfigNode.root(root, problems, env::getProperty);
    PipelineConfig config = PipelineConfig.read(top, Path.of("").toAbsolutePath());
    if (!problems.isEmpty()) {
      throw new IllegalStateException("invalid Sluice configuration: "
          + String.join("; ", problems.stream().map(p -> "sluice." + p).toList()));
    }
    return config;
  }

  private static void put(ObjectNode root, String key, String value) {
    String[] parts = key.split("\\.");
    ObjectNode at = root;
    for (int i = 0; i < parts.length - 1; i++) {
      at = at.has(parts[i]) && at.get(parts[i]).isObject() ? (ObjectNode) at.get(parts[i])
          : at.putObject(parts[i]);
    }
    String last = parts[parts.length - 1];
    Matcher m = INDEXED.matcher(last);
    if (m.matches()) {
      ArrayNode list = at.has(m.group(1)) && at.get(m.group(1)).isArray()
          ? (ArrayNode) at.get(m.group(1)) : at.putArray(m.group(1));
      list.add(value);
    } else if (LISTS.contains(key)) {
      ArrayNode list = at.putArray(last);
      for (String s : value.split(",")) {
        if (!s.isBlank()) {
          list.add(s.trim());
        }
      }
    } else {
      at.put(last, value);
    }
  }

  /**
   * The file of {@code location}: a path as given; {@code classpath:NAME} as the file on disk
   * when the class path holds it in a folder (so it is watched), else copied once out of its jar.
   */
  static String rulesFile(String location) {
    if (!location.startsWith(ResourceUtils.CLASSPATH_URL_PREFIX)) {
      return location;
    }
    String name = location.substring(ResourceUtils.CLASSPATH_URL_PREFIX.length());
    name = name.startsWith("/") ? name.substring(1) : name;
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    URL url = (cl != null ? cl : PipelineProperties.class.getClassLoader()).getResource(name);
    if (url == null) {
      throw new IllegalStateException("invalid Sluice configuration: sluice.rules.file: '"
          + location + "' is not on the class path");
    }
    try {
      if (url.getProtocol().equals("file")) {
        return Path.of(url.toURI()).toString();
      }
      Path copy = Files.createTempFile("sluice-rules", ".yaml");
      copy.toFile().deleteOnExit();
      try (InputStream in = url.openStream()) {
        Files.write(copy, in.readAllBytes());
      }
      return copy.toString();
    } catch (IOException | java.net.URISyntaxException e) {
      throw new IllegalStateException("sluice.rules.file: cannot read '" + location + "': " + e,
          e);
    }
  }
}
