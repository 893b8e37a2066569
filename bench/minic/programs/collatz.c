// args: --loop-bound 8
// Steps of the Collatz iteration from n, with the loop unrolled up to the
// bound (try --loop-bound 8): which inputs reach 1 in exactly 5 steps?
steps = 0;
while (n != 1) {
  if (n <= 0) return -1;
  if (n % 2 == 0) n = n / 2; else n = 3 * n + 1;
  steps = steps + 1;
}
if (steps == 5) return 100;
return steps;
