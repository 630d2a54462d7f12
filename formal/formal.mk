# formal/formal.mk: `make formal`, the formal checks of the RTL (docs/formal.md).
# Included by the top-level Makefile. `make test` runs the fast subset
# (tests/test_formal.py: the small-configuration proofs and the mutants).
FORMAL_JOBS ?= 2
.PHONY: formal
formal: $(SETUP)
	$(PYTHON) formal/run.py -j $(FORMAL_JOBS)
