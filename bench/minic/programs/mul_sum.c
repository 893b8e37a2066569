if (a*b == 12 && a+b == 7) return 1;
