/* A tiny program whose call sequence is known by hand (tests/test_traces_import.py):
 * main, fib(3) -> fib(2) -> fib(1) -> leaf, fib(0) -> leaf; fib(1) -> leaf;
 * helper(2) -> leaf, leaf. */
static int leaf(int x) { return x * 3 + 1; }
static int fib(int n) { return n < 2 ? leaf(n) : fib(n - 1) + fib(n - 2); }
static int helper(int k) {
  int s = 0;
  for (int i = 0; i < k; i++) s += leaf(i);
  return s;
}
int main(void) { return fib(3) + helper(2) == 0; }
