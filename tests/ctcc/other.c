/* The second unit of tests/ctcc/prog.c: a static function with the same name
 * as one in prog.c (their map names differ: helper@prog.c, helper@other.c). */
static __attribute__((noinline)) int helper(int x) { return x - 100; }

int other_entry(int x) { return helper(x) * helper(x + 1); }

long long other_mix(long long a, int b) { return a / b + a % b; }
