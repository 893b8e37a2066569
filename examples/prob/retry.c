// A flaky call retried up to four times: how many attempts does it take?
// Each `~` in the loop draws a new variable (ok, ok#2, ...).
//   symtest prob -f examples/prob/retry.c
attempts = 0;
done = 0;
while (done == 0 && attempts < 4) {
  ok ~ bernoulli(0.7);
  attempts = attempts + 1;
  if (ok == 1) done = 1;
}
if (done == 0) return -1;
return attempts;
