package org.diffeolens.flow;

/**
 * The two terms of every objective (CONVENTIONS.md: E = E_reg + E_sim): the regularizing energy
 * on the control (kinetic energy of a path, weight decay) and the data term (similarity, loss).
 */
public record Energy(double regularization, double data) {

    public double total() {
        return regularization + data;
    }

    @Override
    public String toString() {
        return String.format("E=%.6g (reg %.6g, data %.6g)", total(), regularization, data);
    }
}
