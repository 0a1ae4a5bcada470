package io.pledge.bench.load;

/** How a request reaches Pledge. */
public enum Via {
  /** {@code POST /api/v1/apply} with a bearer token. */
  REST,
  /** A CloudEvent on {@code pledge.requests.inbound}. */
  INBOUND
}
