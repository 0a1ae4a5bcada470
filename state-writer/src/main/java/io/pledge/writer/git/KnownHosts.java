package io.pledge.writer.git;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;

/**
 * The host keys a GitStateStore trusts, from its secret's {@code knownHosts} ({@code known_hosts}
 * format: plain or hashed host patterns, {@code [host]:port}, several keys per host). Strict: a
 * server whose key is not listed is refused, and nothing is ever added.
 */
final class KnownHosts implements ServerKeyDatabase {

  private record Entry(KnownHostEntry entry, PublicKey key) {}

  private final List<Entry> entries;

  private KnownHosts(List<Entry> entries) {
    this.entries = entries;
  }

  /**
   * Reads {@code known_hosts} text. {@code @revoked} and {@code @cert-authority} lines and keys
   * that cannot be decoded are skipped.
   *
   * @throws IllegalArgumentException when no usable entry is left
   */
  static KnownHosts parse(String text) {
    List<Entry> entries = new ArrayList<>();
    for (String line : text.split("\\R")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      try {
        KnownHostEntry entry = KnownHostEntry.parseKnownHostEntry(trimmed);
        if (entry == null || entry.getMarker() != null || entry.getKeyEntry() == null) {
          continue;
        }
        PublicKey key =
            entry.getKeyEntry().resolvePublicKey(null, null, PublicKeyEntryResolver.IGNORING);
        if (key != null) {
          entries.add(new Entry(entry, key));
        }
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        // a line that cannot be read trusts nothing
      }
    }
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("knownHosts lists no usable host key");
    }
    return new KnownHosts(entries);
  }

  /** The keys listed for {@code host} on {@code port}. */
  List<PublicKey> keysFor(String host, int port) {
    List<PublicKey> keys = new ArrayList<>();
    for (Entry e : entries) {
      if (e.entry().isHostMatch(host, port)) {
        keys.add(e.key());
      }
    }
    return keys;
  }

  /** Whether {@code key} is listed for {@code host} on {@code port}. */
  boolean trusts(String host, int port, PublicKey key) {
    return keysFor(host, port).stream().anyMatch(k -> KeyUtils.compareKeys(k, key));
  }

  @Override
  public List<PublicKey> lookup(
      String connectAddress, InetSocketAddress remoteAddress, Configuration config) {
    List<PublicKey> keys = new ArrayList<>();
    for (HostPort candidate : candidates(connectAddress, remoteAddress)) {
      keysFor(candidate.host(), candidate.port()).stream()
          .filter(k -> keys.stream().noneMatch(seen -> KeyUtils.compareKeys(seen, k)))
          .forEach(keys::add);
    }
    return keys;
  }

  @Override
  public boolean accept(
      String connectAddress,
      InetSocketAddress remoteAddress,
      PublicKey serverKey,
      Configuration config,
      CredentialsProvider provider) {
    return candidates(connectAddress, remoteAddress).stream()
        .anyMatch(c -> trusts(c.host(), c.port(), serverKey));
  }

  private record HostPort(String host, int port) {}

  /** The name the user wrote in the URL, and the address it resolved to. */
  private static List<HostPort> candidates(String connectAddress, InetSocketAddress remote) {
    List<HostPort> candidates = new ArrayList<>();
    int port = remote == null ? 22 : remote.getPort();
    if (connectAddress != null && !connectAddress.isBlank()) {
      String host = connectAddress;
      if (host.startsWith("[") && host.contains("]")) {
        int close = host.indexOf(']');
        String rest = host.substring(close + 1);
        host = host.substring(1, close);
        if (rest.startsWith(":")) {
          try {
            port = Integer.parseInt(rest.substring(1));
          } catch (NumberFormatException e) {
            // keep the socket's port
          }
        }
      }
      candidates.add(new HostPort(host, port));
    }
    if (remote != null && remote.getAddress() != null) {
      candidates.add(new HostPort(remote.getAddress().getHostAddress(), remote.getPort()));
    }
    return candidates;
  }
}
