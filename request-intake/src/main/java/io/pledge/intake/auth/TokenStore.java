package io.pledge.intake.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.kratix.KratixDocuments;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The tokens file, re-read whenever it changes:
 *
 * <pre>
 * tokens:                      # bearer tokens (mode tokens)
 *   - name: platform-team
 *     sha256: 9f86d0...        # hex SHA-256 of the token (preferred), or
 *     roles: [platform-admin]
 *   - name: ana
 *     token: change-me         # the token itself
 *     roles: [requester]
 *     namespaces: [team-a]
 * systems:                     # CloudEvent sources on pledge.requests.inbound (every mode)
 *   - source: /billing-system
 *     roles: [requester]
 *     namespaces: [team-a]
 *     publicKey: |             # optional: its events must then be signed ({@link EventSignatures})
 *       -----BEGIN PUBLIC KEY-----
 *       MCowBQYDK2VwAyEA...
 *       -----END PUBLIC KEY-----
 * </pre>
 *
 * Tokens are only ever compared as SHA-256 digests, in constant time, and never logged.
 */
public final class TokenStore {

  private static final Logger LOG = Logger.getLogger(TokenStore.class);

  private final Path file;
  private volatile FileTime loadedAt;
  private volatile Entries entries = new Entries(Map.of(), Map.of(), Map.of());
  private volatile String lastProblem;

  public TokenStore(Path file) {
    this.file = file;
  }

  /**
   * What the file holds: callers by token digest, systems by CloudEvent source, and the public keys
   * of the systems that sign their events.
   */
  record Entries(
      Map<String, Caller> bySha, Map<String, Caller> systems, Map<String, PublicKey> keys) {}

  /** The caller a bearer token belongs to. */
  public Optional<Caller> authenticate(String token) {
    if (token == null || token.isBlank()) {
      return Optional.empty();
    }
    reloadIfChanged();
    byte[] digest = sha256Bytes(token);
    Caller found = null;
    // Every entry is compared, so the time taken does not tell how close a guess came.
    for (Map.Entry<String, Caller> e : entries.bySha().entrySet()) {
      if (MessageDigest.isEqual(HexFormat.of().parseHex(e.getKey()), digest)) {
        found = e.getValue();
      }
    }
    return Optional.ofNullable(found);
  }

  /**
   * The system that sends inbound events with this CloudEvent {@code source}; its name is the
   * source.
   */
  public Optional<Caller> system(String source) {
    if (source == null) {
      return Optional.empty();
    }
    reloadIfChanged();
    return Optional.ofNullable(entries.systems().get(source));
  }

  /** The public key that signs the events of the system with this {@code source}, if it has one. */
  public Optional<PublicKey> systemKey(String source) {
    if (source == null) {
      return Optional.empty();
    }
    reloadIfChanged();
    return Optional.ofNullable(entries.keys().get(source));
  }

  private void reloadIfChanged() {
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      if (modified.equals(loadedAt)) {
        return;
      }
      synchronized (this) {
        if (modified.equals(loadedAt)) {
          return;
        }
        entries = parse(Files.readString(file, StandardCharsets.UTF_8));
        loadedAt = modified;
        lastProblem = null;
        LOG.infof(
            "Loaded %d bearer tokens and %d systems from %s",
            entries.bySha().size(), entries.systems().size(), file);
      }
    } catch (IOException | RuntimeException e) {
      // Keep the last good set: a half-written file must not lock everyone out or let anyone in.
      String problem =
          e instanceof NoSuchFileException ? "it does not exist" : String.valueOf(e.getMessage());
      if (!Objects.equals(problem, lastProblem)) {
        lastProblem = problem;
        LOG.warnf("Cannot read the tokens file %s: %s", file, problem);
      }
    }
  }

  static Entries parse(String yaml) {
    Map<String, Caller> callers = new LinkedHashMap<>();
    Map<String, Caller> systems = new LinkedHashMap<>();
    Map<String, PublicKey> keys = new LinkedHashMap<>();
    for (JsonNode doc : KratixDocuments.readAll(yaml)) {
      for (JsonNode t : doc.path("tokens")) {
        String name = t.path("name").asText(null);
        String sha = t.path("sha256").asText(null);
        if (sha == null && t.hasNonNull("token")) {
          sha = sha256(t.get("token").asText());
        }
        if (name == null || sha == null) {
          throw new IllegalArgumentException("every token needs a name and a token or sha256");
        }
        callers.put(
            sha.toLowerCase(Locale.ROOT),
            new Caller(name, strings(t.path("roles")), strings(t.path("namespaces"))));
      }
      for (JsonNode s : doc.path("systems")) {
        String source = s.path("source").asText(null);
        if (source == null || source.isBlank()) {
          throw new IllegalArgumentException("every system needs a source");
        }
        if (systems.containsKey(source)) {
          throw new IllegalArgumentException("the system " + source + " is listed twice");
        }
        systems.put(
            source, new Caller(source, strings(s.path("roles")), strings(s.path("namespaces"))));
        if (s.hasNonNull("publicKey")) {
          try {
            keys.put(source, EventSignatures.publicKey(s.get("publicKey").asText()));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("system " + source + ": " + e.getMessage());
          }
        }
      }
    }
    return new Entries(Map.copyOf(callers), Map.copyOf(systems), Map.copyOf(keys));
  }

  private static Set<String> strings(JsonNode list) {
    Set<String> values = new HashSet<>();
    list.forEach(v -> values.add(v.asText()));
    return Set.copyOf(values);
  }

  public static String sha256(String token) {
    return HexFormat.of().formatHex(sha256Bytes(token));
  }

  private static byte[] sha256Bytes(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
