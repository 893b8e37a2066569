if (a*a + b*b == 25 && a>0 && b>0) return 1;
