// a Pythagorean triple with a fixed perimeter
if (a > 0 && b > a && c > b && a*a + b*b == c*c && a + b + c == 56) return 1;
return 0;
