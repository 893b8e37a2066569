// C division truncates toward zero; a divisor that can be zero forks a path
// that ends in an error.
q = a / b;
r = a % b;
if (q * b + r != a) return -1;   // never: C's identity holds
if (a < 0 && r < 0) return 1;    // the remainder takes the dividend's sign
return 0;
