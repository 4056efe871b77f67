package dev.sluice.grpc;

import java.nio.file.Path;

/**
 * One domain as loaded from one file of the config directory.
 *
 * @param domain the domain name
 * @param file the file it came from
 * @param root the top level: a node without key whose children are the file's descriptors
 */
record DomainConfig(String domain, Path file, DescriptorNode root) {
}
