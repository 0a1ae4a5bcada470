package io.pledge.notifier.policy;

import io.quarkus.qute.Expression;
import io.quarkus.qute.ResultMapper;
import io.quarkus.qute.TemplateNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The rules for a URL built from a template (a billing rule's {@code url}): the scheme, host and
 * port are written out in the template, every value put into it is percent-encoded as one path
 * segment or query component, and the rendered URL must still have the template's scheme, host and
 * port and no {@code .}/{@code ..} segments. A request's spec value thus chooses a part of the path
 * or query, never where the call goes.
 */
final class UrlTemplate {

  private UrlTemplate() {}

  /**
   * The written-out {@code scheme://host[:port]} that starts {@code template}.
   *
   * @throws IllegalArgumentException when the template does not start with one
   */
  static URI origin(String template) {
    int sep = template.indexOf("://");
    int end = sep < 0 ? -1 : firstOf(template, sep + 3, "/?#");
    String origin = end < 0 ? "" : template.substring(0, end);
    if (sep < 0 || origin.indexOf('{') >= 0 || origin.indexOf('\\') >= 0) {
      throw new IllegalArgumentException(
          "the scheme, host and port must be written out, not templated"
              + " (http[s]://host[:port]/...)");
    }
    URI uri;
    try {
      uri = new URI(origin);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL: " + e.getReason(), e);
    }
    if (!isHttp(uri) || uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "must start with http:// or https:// and a host, without user information");
    }
    return uri;
  }

  /**
   * The rendered URL, if it keeps {@code origin}.
   *
   * @throws IllegalArgumentException when it is no URL or goes elsewhere
   */
  static URI check(URI origin, String rendered) {
    URI uri;
    try {
      uri = new URI(rendered);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("renders no URL: " + e.getReason(), e);
    }
    if (!isHttp(uri)
        || !origin.getScheme().equalsIgnoreCase(uri.getScheme())
        || !origin.getHost().equalsIgnoreCase(String.valueOf(uri.getHost()))
        || port(origin) != port(uri)
        || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("renders a URL with another scheme, host or port");
    }
    if (!uri.normalize().equals(uri)) {
      throw new IllegalArgumentException("renders a URL with '.' or '..' path segments");
    }
    return uri;
  }

  /** Percent-encodes every value an expression puts into a URL template. */
  static final class Encoder implements ResultMapper {
    @Override
    public boolean appliesTo(TemplateNode.Origin origin, Object result) {
      return true;
    }

    @Override
    public String map(Object result, Expression expression) {
      return encode(String.valueOf(result));
    }
  }

  /** Everything but {@code A-Z a-z 0-9 - . _ *} percent-encoded (UTF-8), a space as %20. */
  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static boolean isHttp(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    return scheme.equals("http") || scheme.equals("https");
  }

  private static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  private static int firstOf(String text, int from, String chars) {
    for (int i = from; i < text.length(); i++) {
      if (chars.indexOf(text.charAt(i)) >= 0) {
        return i;
      }
    }
    return text.length();
  }
}
