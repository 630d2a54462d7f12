unsigned leaf(unsigned x) { return x * 3 + 1; }
