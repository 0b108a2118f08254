package org.tensorbasis.targets;

import org.tensorbasis.structure.Structure;

/** A structure with the file and frame it was read from, so that errors can name them. */
public record Sample(Structure structure, String file, int frame) {}
