package dev.sluice.redis.link;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.api.async.BaseRedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A Lua script with its SHA-1, loaded once from {@code .lua} resources and run with EVALSHA,
 * falling back to EVAL of its text when the server answers NOSCRIPT (after a restart, a failover
 * or SCRIPT FLUSH). The only place Sluice reads scripts and calls them. Immutable; thread-safe.
 */
public final class Script {
  private final String name;
  private final String text;
  private final String sha1;

  private Script(String name, String text) {
    this.name = name;
    this.text = text;
    try {
      this.sha1 = java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every JDK", e);
    }
  }

  /** A script of this text (assembled by the caller from {@link #read} parts). */
  public static Script of(String name, String text) {
    return new Script(name, text);
  }

  /**
   * The script of one resource, {@code lua/<name>} beside the engine's classes.
   *
   * @param resources the engine module's own {@code Class::getResourceAsStream} (resources of a
   *     named module are read by its own code)
   * @throws IllegalStateException if the resource is missing
   */
  public static Script load(Function<String, InputStream> resources, String name) {
    return new Script(name, read(resources, name));
  }

  /**
   * The resources {@code lua/<part>}, one after the other, each followed by a newline.
   *
   * @throws IllegalStateException if one is missing
   */
  public static String read(Function<String, InputStream> resources, String... parts) {
    StringBuilder sb = new StringBuilder();
    for (String part : parts) {
      try (InputStream in = resources.apply("lua/" + part)) {
        if (in == null) {
          throw new IllegalStateException("missing script resource lua/" + part);
        }
        sb.append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read script resource " + part, e);
      }
    }
    return sb.toString();
  }

  /** The resource or description it came from (for messages). */
  public String name() {
    return name;
  }

  /** The Lua source. */
  public String text() {
    return text;
  }

  /** The SHA-1 of {@link #text()} in lower-case hex, as EVALSHA and SCRIPT LOAD name it. */
  public String sha1() {
    return sha1;
  }

  /**
   * Runs this script on {@code keys} with EVALSHA, and with EVAL when the server does not know
   * it; the reply is Redis's, nested lists included. The keys go through the codec, so a Cluster
   * connection routes the call by the first.
   */
  public CompletionStage<List<Object>> run(BaseRedisAsyncCommands<String, String> commands,
      String[] keys, String[] args) {
    return evalsha(commands, keys, args)
        .exceptionallyCompose(e -> isNoScript(e)
            ? eval(commands, keys, args)
            : CompletableFuture.failedStage(e));
  }

  /** {@code EVALSHA} of this script alone (a caller that counts its commands runs the fallback). */
  public CompletionStage<List<Object>> evalsha(BaseRedisAsyncCommands<String, String> commands,
      String[] keys, String[] args) {
    return call(commands, CommandType.EVALSHA, sha1, keys, args);
  }

  /** {@code EVAL} of this script's text. */
  public CompletionStage<List<Object>> eval(BaseRedisAsyncCommands<String, String> commands,
      String[] keys, String[] args) {
    return call(commands, CommandType.EVAL, text, keys, args);
  }

  /**
   * {@code EVALSHA sha n keys... args...} or {@code EVAL text n keys... args...}, as Lettuce's
   * {@code evalsha}/{@code eval} send it, with the script and the arguments written straight into
   * the command's buffer: Lettuce's own methods encode every value into a temporary buffer of its
   * own first, which a check pays on every call.
   */
  private static CompletionStage<List<Object>> call(BaseRedisAsyncCommands<String, String> cmds,
      CommandType type, String script, String[] keys, String[] args) {
    CommandArgs<String, String> a = new CommandArgs<>(StringCodec.UTF8).add(script)
        .add(keys.length).addKeys(keys);
    for (String arg : args) {
      a.add(arg);
    }
    return cmds.dispatch(type, new NestedMultiOutput<>(StringCodec.UTF8), a);
  }

  /** Whether a call failed because the server does not know the script. */
  public static boolean isNoScript(Throwable e) {
    Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    return c instanceof RedisNoScriptException
        || (c.getMessage() != null && c.getMessage().startsWith("NOSCRIPT"));
  }

  @Override
  public String toString() {
    return "Script[" + name + ", " + sha1 + "]";
  }
}
