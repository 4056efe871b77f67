package dev.sluice.servlet;

import dev.sluice.rules.Pipeline;
import dev.sluice.rules.config.ConfigException;
import dev.sluice.rules.config.ConfigNode;
import dev.sluice.rules.config.PipelineConfig;
import dev.sluice.rules.decide.DecisionCounters;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the pipeline's sections ({@code engine}, {@code rules}, {@code identity}) of a
 * {@code sluice.yaml}, the file the service reads: the same keys, the same defaults, the same
 * errors. Other sections of the file (the service's {@code server}, {@code admin}, ...) are left
 * alone, so one file can serve the service and an application.
 */
public final class SluiceYaml {
  private SluiceYaml() {}

  /**
   * The pipeline configuration of {@code file}; relative paths in it (the rules file) resolve
   * against its folder, {@code ${NAME}} from the environment.
   *
   * @throws ConfigException naming every bad key and why
   */
  public static PipelineConfig read(Path file) {
    List<String> problems = new ArrayList<>();
    ConfigNode top = ConfigNode.root(ConfigNode.readYaml(file), problems, System::getenv);
    Path dir = file.toAbsolutePath().getParent();
    PipelineConfig config = PipelineConfig.read(top, dir);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems.stream().map(p -> file + ": " + p).toList());
    }
    return config;
  }

  /**
   * Starts a pipeline from {@code file}.
   *
   * @throws ConfigException naming every bad key and why
   * @throws IllegalStateException if the rules cannot be read (an invalid rules file)
   */
  public static Pipeline start(Path file) {
    return Pipeline.start(read(file), DecisionCounters.NONE, Pipeline.ReloadListener.NONE);
  }
}
