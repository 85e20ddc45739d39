package org.diffeolens.cli;
public class Main { public static void main(String[] a) {} }
