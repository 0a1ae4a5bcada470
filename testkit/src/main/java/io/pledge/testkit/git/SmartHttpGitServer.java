package io.pledge.testkit.git;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.RefAdvertiser;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A Git smart-HTTP server (protocol v0, stateless RPC) on the loopback interface, serving the bare
 * repositories under a directory behind HTTP basic auth: a stand-in for GitHub or Gitea. Built on
 * the JDK's HTTP server and JGit's UploadPack/ReceivePack, so no servlet container is needed.
 */
public final class SmartHttpGitServer implements AutoCloseable {

  private final HttpServer server;
  private final Path root;
  private final String username;
  private final String password;
  private final AtomicInteger refused = new AtomicInteger();

  private SmartHttpGitServer(Path root, String username, String password) throws IOException {
    this.root = root;
    this.username = username;
    this.password = password;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    this.server.createContext("/", this::handle);
    this.server.start();
  }

  /** Serves {@code root/<name>} as {@code http://127.0.0.1:<port>/<name>}. */
  public static SmartHttpGitServer start(Path root, String username, String password)
      throws IOException {
    return new SmartHttpGitServer(root, username, password);
  }

  public String url(String repository) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + repository;
  }

  /** How many requests were refused for want of the right credentials. */
  public int refused() {
    return refused.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!authorized(exchange)) {
        refused.incrementAndGet();
        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"pledge\"");
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      String path = exchange.getRequestURI().getPath();
      String query = exchange.getRequestURI().getQuery();
      if (path.endsWith("/info/refs") && query != null && query.startsWith("service=")) {
        String service = query.substring("service=".length());
        try (Repository repo = open(path, "/info/refs")) {
          advertise(exchange, repo, service);
        }
      } else if (path.endsWith("/git-upload-pack")) {
        try (Repository repo = open(path, "/git-upload-pack")) {
          rpc(exchange, "git-upload-pack");
          UploadPack upload = new UploadPack(repo);
          upload.setBiDirectionalPipe(false);
          upload.upload(body(exchange), exchange.getResponseBody(), null);
        }
      } else if (path.endsWith("/git-receive-pack")) {
        try (Repository repo = open(path, "/git-receive-pack")) {
          rpc(exchange, "git-receive-pack");
          ReceivePack receive = new ReceivePack(repo);
          receive.setBiDirectionalPipe(false);
          receive.receive(body(exchange), exchange.getResponseBody(), null);
        }
      } else {
        exchange.sendResponseHeaders(404, -1);
      }
    }
  }

  private void advertise(HttpExchange exchange, Repository repo, String service)
      throws IOException {
    exchange
        .getResponseHeaders()
        .set("Content-Type", "application/x-" + service + "-advertisement");
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    PacketLineOut packets = new PacketLineOut(out);
    packets.writeString("# service=" + service + "\n");
    packets.end();
    RefAdvertiser.PacketLineOutRefAdvertiser advertiser =
        new RefAdvertiser.PacketLineOutRefAdvertiser(packets);
    if ("git-upload-pack".equals(service)) {
      UploadPack upload = new UploadPack(repo);
      upload.setBiDirectionalPipe(false);
      upload.sendAdvertisedRefs(advertiser);
    } else {
      ReceivePack receive = new ReceivePack(repo);
      receive.setBiDirectionalPipe(false);
      receive.sendAdvertisedRefs(advertiser);
    }
    out.flush();
  }

  private static void rpc(HttpExchange exchange, String service) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/x-" + service + "-result");
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    exchange.sendResponseHeaders(200, 0);
  }

  private static InputStream body(HttpExchange exchange) throws IOException {
    InputStream in = exchange.getRequestBody();
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    return "gzip".equalsIgnoreCase(encoding) ? new GZIPInputStream(in) : in;
  }

  private Repository open(String path, String suffix) throws IOException {
    String name = path.substring(1, path.length() - suffix.length());
    return new FileRepositoryBuilder()
        .setGitDir(root.resolve(name).toFile())
        .setMustExist(true)
        .build();
  }

  private boolean authorized(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.startsWith("Basic ")) {
      return false;
    }
    String expected =
        Base64.getEncoder()
            .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    return header.substring("Basic ".length()).trim().equals(expected);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
