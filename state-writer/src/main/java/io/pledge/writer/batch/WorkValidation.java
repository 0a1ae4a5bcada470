package io.pledge.writer.batch;

import io.pledge.contract.work.Work;
import io.pledge.contract.work.Workload;
import io.pledge.contract.work.WorkloadGroup;
import io.pledge.writer.layout.EscapingPathException;
import io.pledge.writer.layout.StateStoreLayout;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/** The checks a Work passes before it is planned at all. */
final class WorkValidation {

  private WorkValidation() {}

  /** What makes a Work impossible to write, whatever the Destinations; null when it is fine. */
  static String invalidReason(Work work) {
    if (work.key() == null || work.key().isBlank()) {
      return "Work without a key";
    }
    if (!Work.RESOURCE.equals(work.workType())
        && !Work.PROMISE.equals(work.workType())
        && !Work.STATIC_DEPENDENCY.equals(work.workType())) {
      return "unknown workType " + work.workType();
    }
    if (work.promise() == null || work.promise().isBlank()) {
      return "Work without a promise";
    }
    if (!Work.STATIC_DEPENDENCY.equals(work.workType()) && work.pipeline() == null) {
      return work.workType() + " Work without a pipeline";
    }
    if (work.workloadGroups() == null) {
      return "Work without workloadGroups";
    }
    Set<String> ids = new HashSet<>();
    for (WorkloadGroup group : work.workloadGroups()) {
      if (group == null) {
        return "Work with a null workload group";
      }
      if (group.id() == null || group.id().length() < 5 || !ids.add(group.id())) {
        return "workload group with a missing, short or repeated id: " + group.id();
      }
      if (group.workloads() == null) {
        return "workload group " + group.id() + " without workloads";
      }
      if (group.destinationSelectors() != null
          && group.destinationSelectors().stream().anyMatch(Objects::isNull)) {
        return "workload group " + group.id() + " holds a null destination selector";
      }
      for (Workload workload : group.workloads()) {
        if (workload == null) {
          return "workload group " + group.id() + " holds a null workload";
        }
        if (workload.content() == null) {
          return "workload " + workload.filepath() + " without content";
        }
        // Refused up front, whatever the Destinations: a Work no Destination takes yet, or only
        // aggregated-yaml ones, would otherwise wait with no reason until one that writes files.
        try {
          StateStoreLayout.relative(workload.filepath());
        } catch (EscapingPathException e) {
          return e.getMessage();
        }
        try {
          workload.bytes();
        } catch (RuntimeException e) {
          return "workload " + workload.filepath() + " is not base64 of gzip: " + e.getMessage();
        }
      }
    }
    return null;
  }
}
