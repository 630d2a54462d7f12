/* The replacement of leaf.c's leaf (tests/test_ctcc.py patches it in). */
unsigned leaf2(unsigned x) { return x * 5 + 1; }
