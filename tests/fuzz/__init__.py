"""Randomized differential testing of the call-ID co-simulation (see
tests/test_fuzz_callid.py): gen.py writes a random RV32IM + call-ID program and
computes its architectural results with a small Python model; harness.py
assembles it and runs it on build/ctsim in the four backend/lock-step modes."""
