package org.diffeolens.lens;

/**
 * A symmetric linear map on a control space given only by its action (a Fisher or Hessian matrix
 * that is never formed): the matrix-free operator Lanczos iterates with.
 */
@FunctionalInterface
public interface SymmetricOperator<C> {

    /** A v, as a new control (v is not modified). */
    C apply(C v);
}
