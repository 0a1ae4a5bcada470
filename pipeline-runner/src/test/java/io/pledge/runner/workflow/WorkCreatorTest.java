package io.pledge.runner.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pledge.contract.event.EventCodec;
import io.pledge.contract.work.DestinationSelector;
import io.pledge.contract.work.Workload;
import io.pledge.contract.work.WorkloadGroup;
import io.pledge.runner.outcome.PipelineFailure;
import io.pledge.runner.sandbox.OutputTree;
import io.pledge.runner.sandbox.OutputTree.OutputFile;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkCreatorTest {

  private static final String ROOT_ID = "5058f1af8388633f609cadb75a75dc9d";

  private static OutputFile file(String path, String content) {
    return new OutputFile(path, content.getBytes(StandardCharsets.UTF_8));
  }

  private static OutputTree tree(List<String> dirs, OutputFile... files) {
    return new OutputTree(List.of(files), new LinkedHashSet<>(dirs));
  }

  private static List<String> paths(WorkloadGroup group) {
    return group.workloads().stream().map(Workload::filepath).toList();
  }

  @Test
  void putsEveryFileInTheDefaultGroupWhoseIdIsTheMd5OfDot() throws Exception {
    OutputTree out =
        tree(List.of("a"), file("a/x.yaml", "x"), file("a.yaml", "a"), file("b.yaml", "b"));

    List<WorkloadGroup> groups = WorkCreator.groups(out, List.of(), "resource", Map.of());

    assertThat(groups).hasSize(1);
    WorkloadGroup group = groups.get(0);
    assertThat(group.id()).isEqualTo(ROOT_ID);
    assertThat(group.directory()).isEqualTo(".");
    assertThat(group.destinationSelectors()).isEmpty();
    assertThat(paths(group)).containsExactly("a/x.yaml", "a.yaml", "b.yaml");
    assertThat(new String(group.workloads().get(0).bytes(), StandardCharsets.UTF_8)).isEqualTo("x");
  }

  @Test
  void givesEachSelectedDirectoryItsOwnGroupKeepingThePrefix() throws Exception {
    OutputTree out =
        tree(
            List.of("dest1", "other"),
            file("dest1/deep/cm.yaml", "d"),
            file("other/o.yaml", "o"),
            file("root.yaml", "r"));
    List<DestinationSelectorsFile.Entry> selectors =
        List.of(new DestinationSelectorsFile.Entry("dest1", Map.of("env", "prod")));

    List<WorkloadGroup> groups = WorkCreator.groups(out, selectors, "resource", Map.of());

    assertThat(groups).extracting(WorkloadGroup::directory).containsExactly("dest1", ".");
    WorkloadGroup dest1 = groups.get(0);
    assertThat(dest1.id()).isEqualTo(WorkCreator.md5Hex("dest1")).startsWith("ba6cb");
    assertThat(paths(dest1)).containsExactly("dest1/deep/cm.yaml");
    assertThat(dest1.destinationSelectors())
        .containsExactly(new DestinationSelector(Map.of("env", "prod"), "resource-workflow"));
    assertThat(paths(groups.get(1))).containsExactly("other/o.yaml", "root.yaml");
  }

  @Test
  void createsNoDefaultGroupWhenEveryFileIsInASelectedDirectory() throws Exception {
    OutputTree out = tree(List.of("dest1"), file("dest1/cm.yaml", "d"));

    List<WorkloadGroup> groups =
        WorkCreator.groups(
            out,
            List.of(new DestinationSelectorsFile.Entry("dest1", Map.of("a", "b"))),
            "resource",
            Map.of("zone", "eu"));

    assertThat(groups).extracting(WorkloadGroup::directory).containsExactly("dest1");
  }

  @Test
  void createsNoGroupAtAllForEmptyOutput() throws Exception {
    assertThat(WorkCreator.groups(OutputTree.empty(), List.of(), "resource", Map.of("a", "b")))
        .isEmpty();
  }

  @Test
  void defaultGroupCarriesTheWorkflowSelectorThenThePromiseSelectors() throws Exception {
    OutputTree out = tree(List.of(), file("cm.yaml", "c"));
    List<DestinationSelectorsFile.Entry> selectors =
        List.of(new DestinationSelectorsFile.Entry(".", Map.of("env", "dev")));

    List<WorkloadGroup> groups =
        WorkCreator.groups(out, selectors, "resource", Map.of("env", "prod", "zone", "eu"));

    assertThat(groups.get(0).destinationSelectors())
        .containsExactly(
            new DestinationSelector(Map.of("env", "dev"), DestinationSelector.RESOURCE_WORKFLOW),
            new DestinationSelector(
                Map.of("env", "prod", "zone", "eu"), DestinationSelector.PROMISE));
  }

  @Test
  void directoryGroupsIgnoreThePromiseSelectors() throws Exception {
    OutputTree out = tree(List.of("d"), file("d/cm.yaml", "c"));

    List<WorkloadGroup> groups =
        WorkCreator.groups(
            out,
            List.of(new DestinationSelectorsFile.Entry("d", Map.of("k", "v"))),
            "resource",
            Map.of("env", "prod"));

    assertThat(groups.get(0).destinationSelectors())
        .extracting(DestinationSelector::source)
        .containsExactly("resource-workflow");
  }

  @Test
  void promiseWorkflowSelectorsAreMarkedAsPromiseWorkflow() throws Exception {
    OutputTree out = tree(List.of(), file("cm.yaml", "c"));

    List<WorkloadGroup> groups =
        WorkCreator.groups(
            out,
            List.of(new DestinationSelectorsFile.Entry(".", Map.of("k", "v"))),
            "promise",
            Map.of());

    assertThat(groups.get(0).destinationSelectors())
        .extracting(DestinationSelector::source)
        .containsExactly(DestinationSelector.PROMISE_WORKFLOW);
  }

  @Test
  void failsWhenASelectorNamesADirectoryTheOutputDoesNotHave() {
    OutputTree out = tree(List.of(), file("cm.yaml", "c"));

    assertThatThrownBy(
            () ->
                WorkCreator.groups(
                    out,
                    List.of(new DestinationSelectorsFile.Entry("missing", Map.of("k", "v"))),
                    "resource",
                    Map.of()))
        .isInstanceOf(PipelineFailure.class)
        .hasMessageContaining("missing");
  }

  @Test
  void theSameOutputGivesByteIdenticalGroups() throws Exception {
    OutputTree out = tree(List.of("d"), file("d/a.yaml", "a: 1\n"), file("b.yaml", "b: 2\n"));
    List<DestinationSelectorsFile.Entry> selectors =
        List.of(new DestinationSelectorsFile.Entry("d", Map.of("k", "v")));

    String first =
        EventCodec.JSON.writeValueAsString(
            WorkCreator.groups(out, selectors, "resource", Map.of("p", "q")));
    String second =
        EventCodec.JSON.writeValueAsString(
            WorkCreator.groups(out, selectors, "resource", Map.of("p", "q")));

    assertThat(first).isEqualTo(second);
  }
}
