/**
 * The Java API of tensorbasis: train a model ({@link org.tensorbasis.api.Trainer}), load it
 * ({@link org.tensorbasis.api.Model#load}) and predict tensors for structures
 * ({@link org.tensorbasis.api.Prediction}), without the command line. A thin layer over
 * {@code org.tensorbasis.training}; see the "Java API" section of the README for an example.
 */
package org.tensorbasis.api;
