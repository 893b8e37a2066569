// Non-linear equalities: easy for z3, hard for gradient descent.
if (a * a + b * b == 25 && a > 0 && b > 0) {
  if (a * b == 12) return 1;
  return 2;
}
if (a * b == 391 && a > 1 && b <= 1) return 3;
return 0;
