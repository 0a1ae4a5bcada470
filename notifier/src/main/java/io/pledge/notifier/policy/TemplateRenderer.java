package io.pledge.notifier.policy;

import io.quarkus.qute.Engine;
import io.quarkus.qute.EvalContext;
import io.quarkus.qute.Results;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateException;
import io.quarkus.qute.ValueResolver;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders a policy's Qute templates (e.g. {@code {resource.namespace}/{resource.name} is {event}})
 * against the {@link TemplateModel}. Strict: a name that is not in the model fails the rendering
 * (and so the notification, with the reason) instead of sending a message with a hole; optional
 * values are written {@code {resource.spec.size ?: 'default'}}. URL templates have their own rules,
 * see {@link UrlTemplate}.
 */
public final class TemplateRenderer {

  private final Engine engine =
      Engine.builder()
          .addDefaults()
          .addValueResolver(new KeyResolver())
          .strictRendering(true)
          .build();
  private final Engine urlEngine =
      Engine.builder()
          .addDefaults()
          .addValueResolver(new KeyResolver())
          .addResultMapper(new UrlTemplate.Encoder())
          .strictRendering(true)
          .build();
  private final Map<String, Template> parsed = new ConcurrentHashMap<>();
  private final Map<String, Template> parsedUrls = new ConcurrentHashMap<>();

  /**
   * @throws IllegalArgumentException when the template cannot be parsed or names a missing value
   */
  public String render(String template, Map<String, Object> model) {
    return render(engine, parsed, template, model);
  }

  /**
   * Renders a URL template: its values percent-encoded, its scheme, host and port kept.
   *
   * @throws IllegalArgumentException as {@link #render}, and when the template or the URL it
   *     renders breaks the rules of {@link UrlTemplate}
   */
  public URI renderUrl(String template, Map<String, Object> model) {
    URI origin = UrlTemplate.origin(template);
    return UrlTemplate.check(origin, render(urlEngine, parsedUrls, template, model));
  }

  private static String render(
      Engine engine, Map<String, Template> parsed, String template, Map<String, Object> model) {
    try {
      Template t = parsed.computeIfAbsent(template, engine::parse);
      return t.data(model).render();
    } catch (TemplateException e) {
      throw new IllegalArgumentException("template error: " + e.getMessage(), e);
    }
  }

  /** The model's {@link TemplateModel.Fields}, by key and nothing else. */
  private static final class KeyResolver implements ValueResolver {
    @Override
    public boolean appliesTo(EvalContext context) {
      return context.getBase() instanceof TemplateModel.Fields && context.getParams().isEmpty();
    }

    @Override
    public CompletionStage<Object> resolve(EvalContext context) {
      Map<String, Object> values = ((TemplateModel.Fields) context.getBase()).values();
      return values.containsKey(context.getName())
          ? CompletableFuture.completedFuture(values.get(context.getName()))
          : Results.notFound(context);
    }
  }
}
