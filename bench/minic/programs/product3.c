if (a*b*c == 60 && a+b+c == 12 && 0 < a && a < b && b < c) return 1;
return 0;
