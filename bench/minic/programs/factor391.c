if (a*b == 391 && a > 1 && b <= 1) return 1;
