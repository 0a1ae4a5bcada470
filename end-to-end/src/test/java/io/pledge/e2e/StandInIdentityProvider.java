package io.pledge.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A stand-in for a third-party OIDC provider (Keycloak, Auth0, Okta), on loopback: discovery, a
 * JWKS, an authorization endpoint with a sign-in form that takes a user name, and a token endpoint
 * that checks the PKCE verifier and issues an RS256 access token. Users sign in as {@code
 * platform-admin}. What it checks is what a provider checks of a public client: the client id, the
 * redirect URI, single-use codes and S256 PKCE.
 */
final class StandInIdentityProvider implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private record Grant(String user, String clientId, String redirectUri, String challenge) {}

  private final HttpServer server;
  private final String clientId;
  private final KeyPair key;
  private final Map<String, Grant> codes = new ConcurrentHashMap<>();

  private StandInIdentityProvider(String clientId) throws IOException, GeneralSecurityException {
    this.clientId = clientId;
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    this.key = generator.generateKeyPair();
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/realms/pledge", this::handle);
    server.start();
  }

  /** Starts a provider whose one registered public client is {@code clientId}. */
  static StandInIdentityProvider start(String clientId) {
    try {
      return new StandInIdentityProvider(clientId);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  String issuer() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/pledge";
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      String path = exchange.getRequestURI().getPath().substring("/realms/pledge".length());
      String method = exchange.getRequestMethod();
      // Browsers read discovery and the token endpoint from the console's origin.
      exchange.getResponseHeaders().add("Access-Control-Allow-Origin", "*");
      switch (method + " " + path) {
        case "GET /.well-known/openid-configuration" -> json(exchange, 200, discovery());
        case "GET /certs" -> json(exchange, 200, jwks());
        case "GET /auth" -> signInForm(exchange, query(exchange.getRequestURI().getRawQuery()));
        case "POST /auth" -> authorize(exchange, query(body(exchange)));
        case "POST /token" -> token(exchange, query(body(exchange)));
        default -> json(exchange, 404, Map.of("error", "not_found"));
      }
    } catch (GeneralSecurityException e) {
      json(exchange, 500, Map.of("error", e.toString()));
    } finally {
      exchange.close();
    }
  }

  private Map<String, Object> discovery() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("issuer", issuer());
    d.put("authorization_endpoint", issuer() + "/auth");
    d.put("token_endpoint", issuer() + "/token");
    d.put("jwks_uri", issuer() + "/certs");
    d.put("response_types_supported", List.of("code"));
    d.put("subject_types_supported", List.of("public"));
    d.put("id_token_signing_alg_values_supported", List.of("RS256"));
    d.put("code_challenge_methods_supported", List.of("S256"));
    return d;
  }

  private Map<String, Object> jwks() {
    RSAPublicKey pub = (RSAPublicKey) key.getPublic();
    return Map.of(
        "keys",
        List.of(
            Map.of(
                "kty",
                "RSA",
                "kid",
                "k1",
                "use",
                "sig",
                "alg",
                "RS256",
                "n",
                B64URL.encodeToString(unsigned(pub.getModulus())),
                "e",
                B64URL.encodeToString(unsigned(pub.getPublicExponent())))));
  }

  private static byte[] unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    return bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
  }

  private void signInForm(HttpExchange exchange, Map<String, String> params) throws IOException {
    if (!clientId.equals(params.get("client_id"))
        || !"S256".equals(params.get("code_challenge_method"))) {
      json(exchange, 400, Map.of("error", "invalid_request"));
      return;
    }
    StringBuilder hidden = new StringBuilder();
    for (String name : List.of("client_id", "redirect_uri", "state", "code_challenge", "scope")) {
      hidden
          .append("<input type=\"hidden\" name=\"")
          .append(name)
          .append("\" value=\"")
          .append(escape(params.getOrDefault(name, "")))
          .append("\">");
    }
    String page =
        "<!doctype html><title>Stand-in provider</title><h1>Sign in to the stand-in provider</h1>"
            + "<form method=\"post\" action=\"/realms/pledge/auth\">"
            + hidden
            + "<label>User <input id=\"username\" name=\"username\"></label>"
            + "<button type=\"submit\">Sign in</button></form>";
    send(exchange, 200, "text/html", page.getBytes(StandardCharsets.UTF_8));
  }

  private void authorize(HttpExchange exchange, Map<String, String> form) throws IOException {
    String code = UUID.randomUUID().toString();
    codes.put(
        code,
        new Grant(
            form.get("username"),
            form.get("client_id"),
            form.get("redirect_uri"),
            form.get("code_challenge")));
    String location =
        form.get("redirect_uri")
            + "?code="
            + code
            + "&state="
            + URLEncoder.encode(form.getOrDefault("state", ""), StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Location", location);
    exchange.sendResponseHeaders(302, -1);
  }

  private void token(HttpExchange exchange, Map<String, String> form)
      throws IOException, GeneralSecurityException {
    Grant grant = codes.remove(form.getOrDefault("code", ""));
    String verifier = form.getOrDefault("code_verifier", "");
    String challenge =
        B64URL.encodeToString(
            MessageDigest.getInstance("SHA-256")
                .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    if (grant == null
        || !"authorization_code".equals(form.get("grant_type"))
        || !grant.clientId().equals(form.get("client_id"))
        || !grant.redirectUri().equals(form.get("redirect_uri"))
        || !challenge.equals(grant.challenge())) {
      json(exchange, 400, Map.of("error", "invalid_grant"));
      return;
    }
    json(
        exchange,
        200,
        Map.of(
            "access_token", accessToken(grant.user()), "token_type", "Bearer", "expires_in", 300));
  }

  private String accessToken(String user) throws GeneralSecurityException, IOException {
    long now = Instant.now().getEpochSecond();
    Map<String, Object> claims = new HashMap<>();
    claims.put("iss", issuer());
    claims.put("sub", "sub-" + user);
    claims.put("preferred_username", user);
    claims.put("groups", List.of("platform-admin"));
    claims.put("azp", clientId);
    claims.put("iat", now);
    claims.put("exp", now + 300);
    String header =
        B64URL.encodeToString(
            JSON.writeValueAsBytes(Map.of("alg", "RS256", "kid", "k1", "typ", "JWT")));
    String payload = B64URL.encodeToString(JSON.writeValueAsBytes(claims));
    Signature rsa = Signature.getInstance("SHA256withRSA");
    rsa.initSign(key.getPrivate());
    rsa.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
    return header + "." + payload + "." + B64URL.encodeToString(rsa.sign());
  }

  private static String body(HttpExchange exchange) throws IOException {
    return new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> params = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      params.put(
          URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return params;
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
  }

  private static void json(HttpExchange exchange, int status, Object body) throws IOException {
    send(exchange, status, "application/json", JSON.writeValueAsBytes(body));
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] bytes)
      throws IOException {
    exchange.getResponseHeaders().add("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
