// Classify a triangle by its side lengths a, b, c.
// 0: not a triangle, 1: equilateral, 2: isosceles, 3: scalene.
if (a <= 0 || b <= 0 || c <= 0) return 0;
if (a + b <= c || a + c <= b || b + c <= a) return 0;
if (a == b && b == c) return 1;
if (a == b || b == c || a == c) return 2;
return 3;
