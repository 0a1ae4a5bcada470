package io.pledge.writer.batch;

import io.pledge.writer.scheduling.Target;
import java.util.List;

/** A group written (or removed) on one Destination: its files, relative to the store root. */
record Written(Target target, String storeId, List<String> paths) {}
