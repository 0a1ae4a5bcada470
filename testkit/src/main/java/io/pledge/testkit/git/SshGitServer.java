package io.pledge.testkit.git;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.command.CommandFactory;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A Git server over SSH on the loopback interface (Apache MINA sshd, as shipped with JGit's ssh
 * transport), serving the bare repositories under a directory to one user with one public key: a
 * stand-in for GitHub or Gitea over {@code ssh://}. Git commands run JGit's UploadPack and
 * ReceivePack, so no {@code git} binary is needed.
 */
public final class SshGitServer implements AutoCloseable {

  private final SshServer server;
  private final Path root;
  private final KeyPair hostKey;
  private final AtomicInteger refused = new AtomicInteger();

  private SshGitServer(Path root, String user, PublicKey authorized) throws IOException {
    this.root = root;
    this.hostKey = generateKeyPair();
    this.server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    server.setPublickeyAuthenticator(
        (username, key, session) -> {
          boolean ok = user.equals(username) && KeyUtils.compareKeys(authorized, key);
          if (!ok) {
            refused.incrementAndGet();
          }
          return ok;
        });
    server.setPasswordAuthenticator(null);
    server.setKeyboardInteractiveAuthenticator(null);
    server.setCommandFactory(commands());
    server.start();
  }

  /** Serves {@code root/<name>} as {@code ssh://<user>@127.0.0.1:<port>/<name>}. */
  public static SshGitServer start(Path root, String user, PublicKey authorized) {
    try {
      return new SshGitServer(root, user, authorized);
    } catch (IOException e) {
      throw new IllegalStateException("ssh server did not start", e);
    }
  }

  public int port() {
    return server.getPort();
  }

  public String url(String user, String repository) {
    return "ssh://" + user + "@127.0.0.1:" + port() + "/" + repository;
  }

  /** The {@code known_hosts} line that trusts this server's host key. */
  public String knownHostsLine() {
    return "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(hostKey.getPublic());
  }

  /** How many public keys were refused. */
  public int refused() {
    return refused.get();
  }

  /** A fresh ECDSA P-256 key pair. */
  public static KeyPair generateKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code pair}'s private key in OpenSSH format, as {@code ssh-keygen} writes it. */
  public static String openSshPrivateKey(KeyPair pair) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, "pledge-test", null, out);
      return out.toString(StandardCharsets.UTF_8);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private CommandFactory commands() {
    return (channel, command) -> new GitCommand(command);
  }

  /** {@code git-upload-pack '/repo.git'} or {@code git-receive-pack '/repo.git'}. */
  private final class GitCommand implements Command {
    private final String command;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;

    GitCommand(String command) {
      this.command = command;
    }

    @Override
    public void setInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
      this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
      this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
      Thread thread = new Thread(this::run, "ssh-git");
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      List<String> words = CommandFactory.split(command);
      if (words.size() != 2) {
        fail("unsupported command: " + command);
        return;
      }
      String name = words.get(1).replaceAll("^'|'$", "").replaceFirst("^/+", "");
      try (Repository repo =
          new FileRepositoryBuilder()
              .setGitDir(root.resolve(name).toFile())
              .setMustExist(true)
              .build()) {
        switch (words.get(0)) {
          case "git-upload-pack" -> new UploadPack(repo).upload(in, out, err);
          case "git-receive-pack" -> new ReceivePack(repo).receive(in, out, err);
          default -> {
            fail("unsupported command: " + command);
            return;
          }
        }
        out.flush();
        exit.onExit(0);
      } catch (IOException | RuntimeException e) {
        fail(String.valueOf(e.getMessage()));
      }
    }

    private void fail(String message) {
      try {
        err.write((message + "\n").getBytes(StandardCharsets.UTF_8));
        err.flush();
      } catch (IOException e) {
        // the client is gone
      }
      exit.onExit(1, message);
    }

    @Override
    public void destroy(ChannelSession channel) {
      // the command thread ends with its streams
    }
  }

  @Override
  public void close() {
    try {
      server.stop(true);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
