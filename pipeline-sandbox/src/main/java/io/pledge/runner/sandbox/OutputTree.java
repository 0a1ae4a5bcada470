package io.pledge.runner.sandbox;

import java.util.List;
import java.util.Set;

/**
 * What a pipeline left in a folder, read once its stages are gone.
 *
 * @param files every regular file, in the order Kratix's work-creator visits them: each directory's
 *     entries sorted by name, depth first
 * @param topLevelDirectories the names of the folder's direct sub-directories
 */
public record OutputTree(List<OutputFile> files, Set<String> topLevelDirectories) {

  /**
   * One file.
   *
   * @param path relative to the folder, with {@code /} separators
   * @param bytes its content
   */
  public record OutputFile(String path, byte[] bytes) {}

  public static OutputTree empty() {
    return new OutputTree(List.of(), Set.of());
  }
}
