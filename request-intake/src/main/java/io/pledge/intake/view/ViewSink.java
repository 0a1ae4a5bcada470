package io.pledge.intake.view;

import io.pledge.contract.destination.DestinationReadiness;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.resource.ResourceRecord;
import io.pledge.intake.kafka.TopicReplayer;

/**
 * Where the view's topics go when replayed: definitions and their tombstones, the folded resource
 * records, and the readiness of Destinations and state stores, each into the view.
 */
final class ViewSink implements TopicReplayer.Sink {

  private final String promisesTopic;
  private final String destinationsTopic;
  private final String policiesTopic;
  private final String resourcesTopic;
  private final String readinessTopic;
  private final IntakeView view;

  ViewSink(
      String promisesTopic,
      String destinationsTopic,
      String policiesTopic,
      String resourcesTopic,
      String readinessTopic,
      IntakeView view) {
    this.promisesTopic = promisesTopic;
    this.destinationsTopic = destinationsTopic;
    this.policiesTopic = policiesTopic;
    this.resourcesTopic = resourcesTopic;
    this.readinessTopic = readinessTopic;
    this.view = view;
  }

  @Override
  public void event(String topic, CloudEvent event) {
    if (topic.equals(resourcesTopic)) {
      view.applyFolded(EventCodec.data(event, ResourceRecord.class));
    } else if (topic.equals(readinessTopic)) {
      view.readiness(event.subject(), EventCodec.data(event, DestinationReadiness.class));
    } else {
      view.applyReplayed(event);
    }
  }

  @Override
  public void tombstone(String topic, String key) {
    if (topic.equals(resourcesTopic)) {
      view.foldedTombstone(key);
    } else if (topic.equals(promisesTopic)) {
      view.promiseTombstone(key);
    } else if (topic.equals(destinationsTopic)) {
      view.destinationTombstone(key);
    } else if (topic.equals(policiesTopic)) {
      view.policyTombstone(key);
    } else if (topic.equals(readinessTopic)) {
      view.readiness(key, null);
    }
  }
}
